//! Round trips of the samples and fixtures: build → export → build keeps the digest, exports
//! are byte-identical, decompile reads every artifact, and the v1 fixture stays readable.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use stepwise_artifact::fs::{build_file, read_tree};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::tree::FileTree;
use stepwise_artifact::{Opened, decompile, open_path, text, verify_path};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Every workshop source: the samples and the v1 fixture.
fn sources() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("workshop.yaml").exists())
        .collect();
    v.sort();
    assert!(v.len() >= 2, "expected at least two sample workshops, found {v:?}");
    v.push(fixture("v1-tiny"));
    v
}

fn export(db: &Path) -> FileTree {
    let (file, conn) = stepwise_artifact::fs::open_workshop(db).unwrap();
    text::export(&conn, &file).unwrap()
}

#[test]
fn build_export_build_keeps_the_digest_and_exports_are_identical() {
    for src in sources() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let digest = build_file(&src, &db).unwrap();
        assert!(verify_path(&db).unwrap().problems.is_empty(), "{} does not verify", src.display());

        let first = export(&db);
        let second = export(&db);
        assert_eq!(first.to_zip().unwrap(), second.to_zip().unwrap(), "{}: export is not deterministic", src.display());

        // Rebuild from the zip and from a folder: same digest, and exporting again gives the same bytes.
        let zip = dir.path().join("a.zip");
        std::fs::write(&zip, first.to_zip().unwrap()).unwrap();
        let db2 = dir.path().join("b.db");
        assert_eq!(build_file(&zip, &db2).unwrap(), digest, "{}: zip rebuild changed the digest", src.display());
        let folder = dir.path().join("x");
        first.write_dir(&folder).unwrap();
        let db3 = dir.path().join("c.db");
        assert_eq!(build_file(&folder, &db3).unwrap(), digest);
        assert_eq!(export(&db2), first, "{}: export of the rebuilt db differs", src.display());
        assert_eq!(export(&db3), first);
    }
}

#[test]
fn export_keeps_the_authors_files_and_runtime_rows() {
    let src = fixture("v1-tiny");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    build_file(&src, &db).unwrap();
    let exported = export(&db);
    let original = read_tree(&src).unwrap();
    // Everything but workshop.yaml (re-serialised canonically) comes back byte for byte.
    for (path, bytes) in original.iter().filter(|(p, _)| *p != "workshop.yaml") {
        assert_eq!(exported.get(path), Some(bytes), "{path} changed in the export");
    }
    assert_eq!(exported.get(".gitignore").map(|b| String::from_utf8_lossy(b).contains("*.db")), Some(true));
    // The non-canonical tar is kept as files.tar; the files/ folder stays a folder.
    assert!(exported.contains("steps/02-second/files.tar"));
    assert!(exported.contains("steps/01-first/files/sub/nested.txt"));
}

#[test]
fn decompile_unpacks_archives_and_splits_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    build_file(&fixture("v1-tiny"), &db).unwrap();
    let (file, conn) = stepwise_artifact::fs::open_workshop(&db).unwrap();
    let out = decompile::decompile(&conn, &file).unwrap();
    let first = String::from_utf8(out.get("steps/01-first/manifests/01-pod-web.yaml").unwrap().to_vec()).unwrap();
    assert!(first.starts_with("# the web pod\n"), "comments are kept: {first}");
    assert!(out.contains("steps/01-first/manifests/02-service-web.yaml"));
    assert_eq!(out.get("steps/02-second/files/x.txt"), Some(&b"x\n"[..]));
    assert!(!out.contains("steps/02-second/files.tar"));
    assert!(out.contains("data/progress.csv"));
}

#[test]
fn the_committed_v1_fixture_still_opens_with_its_digest() {
    // If this fails, format version 1 changed: add a migration instead of editing v1.
    let opened = open_path(&fixture("v1-tiny.db")).unwrap();
    let Opened::Workshop(w) = opened else { panic!("not a workshop") };
    assert_eq!(w.digest, "sha256:87ef687c991c7539a64bbd1be200cbc2c04760fe20a713933768bab606e20300");
    assert_eq!(w.migrated_from, None);
    assert!(verify_path(&fixture("v1-tiny.db")).unwrap().problems.is_empty());
    let conn = Connection::open(fixture("v1-tiny.db")).unwrap();
    let rt = stepwise_artifact::read_runtime(&conn, "v1-tiny.db").unwrap();
    assert_eq!(rt.current_step.as_deref(), Some("second"));
    assert_eq!(rt.progress.len(), 2);
    assert_eq!(rt.checks.len(), 2);
}

#[test]
fn digest_ignores_runtime_state_but_not_content() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let digest = build_file(&fixture("v1-tiny"), &db).unwrap();
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE progress SET status = 'done', completed_at = '2026-02-02T00:00:00Z' WHERE step = 'second'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM check_result", []).unwrap();
    drop(conn);
    let Opened::Workshop(w) = open_path(&db).unwrap() else { panic!() };
    assert_eq!(w.digest, digest, "playing must not change the content digest");
    let conn = Connection::open(&db).unwrap();
    conn.execute("UPDATE step SET title = 'Changed' WHERE slug = 'first'", []).unwrap();
    drop(conn);
    assert!(matches!(open_path(&db), Err(stepwise_artifact::Error::DigestMismatch { .. })));
}
