//! Opening a workshop with its artifacts left in the file (as the browser worker does): the
//! digest comes out as reading every blob gives it, each artifact reads back as stored, a blob
//! changed under its key (or of another length) is refused when it is read, naming the
//! artifact, while a changed, missing or malformed key is refused at the open.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{
    ArtifactKind, Error, Opened, OpenedWorkshop, Opening, load_artifacts, open_checked, open_pending_deferred,
    read_workshop_deferred, with_artifacts,
};

const NOW: &str = "2026-01-01T00:00:00Z";

fn tiny_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let path = copy_file(&tiny_db(), dir.path(), "tiny.db");
    (dir, path)
}

fn open_deferred(path: &std::path::Path) -> Result<Box<OpenedWorkshop>, Error> {
    match open_pending_deferred(Connection::open(path).unwrap(), "tiny.db", NOW)? {
        Opening::Workshop(pending) => match pending.check()? {
            (_, Opened::Workshop(w)) => Ok(w),
            (_, Opened::Playground(_)) => panic!("a workshop"),
        },
        Opening::Playground(..) => panic!("the fixture is a workshop"),
    }
}

fn open_whole(path: &std::path::Path) -> Box<OpenedWorkshop> {
    match open_checked(Connection::open(path).unwrap(), "tiny.db", NOW).unwrap() {
        (_, Opened::Workshop(w)) => w,
        (_, Opened::Playground(_)) => panic!("a workshop"),
    }
}

#[test]
fn the_digest_and_every_artifact_are_as_reading_them_all_gives() {
    let (_dir, path) = tiny_file();
    let whole = open_whole(&path);
    let deferred = open_deferred(&path).unwrap();
    assert_eq!(deferred.digest, whole.digest);
    assert!(whole.deferred.is_none());
    let index = deferred.deferred.as_ref().expect("the artifacts were left in the file");
    assert_eq!(index.len(), whole.workshop.steps.len());
    assert!(deferred.workshop.steps.iter().all(|s| s.artifacts.is_empty()));
    assert!(index.iter().any(|s| !s.is_empty()), "the fixture has artifacts");
    let conn = Connection::open(&path).unwrap();
    for ((step, stored), expected) in deferred.workshop.steps.iter().zip(index).zip(&whole.workshop.steps) {
        let loaded = with_artifacts(&conn, "tiny.db", step, stored).unwrap();
        assert_eq!(&loaded, expected, "step {}", step.slug);
    }
    // Everything but the artifacts is the workshop itself.
    let mut stripped = whole.workshop.clone();
    stripped.steps.iter_mut().for_each(|s| s.artifacts.clear());
    assert_eq!(deferred.workshop, stripped);
    assert_eq!(read_workshop_deferred(&conn, "tiny.db").unwrap().0, stripped);
}

/// The artifact of `kind` on the first step that has one: its step's index and blob key.
fn first_of(path: &std::path::Path, kind: &str) -> String {
    let conn = Connection::open(path).unwrap();
    conn.query_row(
        "SELECT a.sha256 FROM artifact a JOIN step s ON s.slug = a.step WHERE a.kind = ?1 ORDER BY s.position LIMIT 1",
        [kind],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_blob_changed_under_its_key_is_refused_when_read_naming_the_artifact() {
    let (_dir, path) = tiny_file();
    let key = first_of(&path, "files");
    let conn = Connection::open(&path).unwrap();
    // Same length (the table's CHECK holds), other bytes.
    conn.execute("UPDATE blob SET data = zeroblob(size) WHERE sha256 = ?1", [&key]).unwrap();
    conn.close().unwrap();

    // Reading every blob finds it at the open; leaving them in the file finds it on reading.
    assert!(matches!(
        open_checked(Connection::open(&path).unwrap(), "tiny.db", NOW),
        Err(Error::DigestMismatch { .. })
    ));
    let w = open_deferred(&path).expect("the definition and the keys are intact");
    let index = w.deferred.as_ref().unwrap();
    let at = index.iter().position(|s| s.iter().any(|a| a.kind == ArtifactKind::Files)).unwrap();
    let step = &w.workshop.steps[at];
    let conn = Connection::open(&path).unwrap();
    let err = load_artifacts(&conn, "tiny.db", step, &index[at]).unwrap_err();
    match &err {
        Error::BlobMismatch { file, what, found } => {
            assert_eq!(file, "tiny.db");
            assert_eq!(what, &format!("the file archive of step “{}”", step.slug));
            // Short prefixes of both digests, not the whole keys.
            assert!(found.contains(&format!("not {}…", &key[..12])) && !found.contains(&key), "{found}");
        }
        other => panic!("expected a blob mismatch, got {other}"),
    }
    assert_mentions(&err.to_string(), &["tiny.db", "file archive", &step.slug, "changed or damaged"]);
    assert_eq!(err.to_string().lines().count(), 1);
    // The step's other artifacts read as they are.
    let others: Vec<_> = index[at].iter().filter(|a| a.kind != ArtifactKind::Files).copied().collect();
    assert!(!others.is_empty(), "the step has other artifacts");
    assert_eq!(load_artifacts(&conn, "tiny.db", step, &others).unwrap().len(), others.len());
}

#[test]
fn an_artifact_of_another_length_is_named_so() {
    let (_dir, path) = tiny_file();
    let w = open_deferred(&path).unwrap();
    let mut index = w.deferred.clone().unwrap();
    let at = index.iter().position(|s| !s.is_empty()).unwrap();
    let real = index[at][0].size;
    index[at][0].size += 1;
    let conn = Connection::open(&path).unwrap();
    match load_artifacts(&conn, "tiny.db", &w.workshop.steps[at], &index[at]) {
        Err(Error::BlobMismatch { found, .. }) => {
            assert_eq!(found, format!("{real} bytes, not the {} the workshop names", real + 1));
        }
        other => panic!("expected a blob mismatch, got {other:?}"),
    }
}

#[test]
fn a_hash_list_of_the_wrong_length_is_not_trusted() {
    let (_dir, path) = tiny_file();
    let pending = || match open_pending_deferred(Connection::open(&path).unwrap(), "tiny.db", NOW).unwrap() {
        Opening::Workshop(p) => *p,
        Opening::Playground(..) => panic!("a workshop"),
    };
    // The assets alone are what a deferred open hashes.
    assert_eq!(pending().blobs().count(), 1);
    for given in [vec![], vec![[0u8; 32]; 2]] {
        assert!(pending().check_with(&given).is_ok());
    }
    assert!(matches!(pending().check_with(&[[0u8; 32]]), Err(Error::DigestMismatch { .. })));
    // Hashed here, a changed asset is found whatever list was given.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("UPDATE blob SET data = zeroblob(size) WHERE sha256 IN (SELECT sha256 FROM asset)").unwrap();
    conn.close().unwrap();
    for given in [vec![], vec![[0u8; 32]; 2]] {
        assert!(matches!(pending().check_with(&given), Err(Error::DigestMismatch { .. })));
    }
}

#[test]
fn an_artifact_pointed_at_another_blob_is_refused_at_the_open() {
    let (_dir, path) = tiny_file();
    let conn = Connection::open(&path).unwrap();
    let (files, other): (String, String) = conn
        .query_row(
            "SELECT a.sha256, (SELECT b.sha256 FROM blob b WHERE b.sha256 <> a.sha256 LIMIT 1)
             FROM artifact a WHERE a.kind = 'files' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute("UPDATE artifact SET sha256 = ?2 WHERE sha256 = ?1 AND kind = 'files'", [&files, &other]).unwrap();
    conn.close().unwrap();
    assert!(matches!(open_deferred(&path), Err(Error::DigestMismatch { .. })));
}

#[test]
fn a_missing_blob_is_refused_at_the_open() {
    let (_dir, path) = tiny_file();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; DELETE FROM blob WHERE sha256 = (SELECT sha256 FROM artifact LIMIT 1)",
    )
    .unwrap();
    conn.close().unwrap();
    let err = open_deferred(&path).map(|_| ()).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert_mentions(&err.to_string(), &["tiny.db", "refers to missing blob"]);
    // Reading every blob refuses it too.
    assert!(open_checked(Connection::open(&path).unwrap(), "tiny.db", NOW).is_err());
}

/// `artifact.sha256` has no CHECK of its own: a key that is not lower-case hex (an index
/// damaged to point at such a row) is refused by the deferred read itself, not taken as bytes.
#[test]
fn a_malformed_blob_key_is_refused_by_the_deferred_read() {
    let (_dir, path) = tiny_file();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;
         CREATE TEMP TABLE k AS SELECT sha256 FROM artifact WHERE kind = 'files' LIMIT 1;
         UPDATE blob SET sha256 = upper(sha256) WHERE sha256 IN k;
         UPDATE artifact SET sha256 = upper(sha256) WHERE sha256 IN k",
    )
    .unwrap();
    let err = read_workshop_deferred(&conn, "tiny.db").map(|_| ()).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert_mentions(&err.to_string(), &["tiny.db", "malformed blob key"]);
    // The open refuses it before (the blob table's CHECK, through quick_check).
    conn.close().unwrap();
    match open_deferred(&path) {
        Err(Error::Corrupt { detail, .. }) => assert!(detail.contains("CHECK constraint failed"), "{detail}"),
        other => panic!("expected the CHECK to refuse it, got {:?}", other.map(|_| ())),
    }
}
