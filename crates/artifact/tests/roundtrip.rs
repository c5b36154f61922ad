//! Round trips of the samples and fixtures: build → export → build keeps the digest, exports
//! are byte-identical, decompile reads every artifact, and the v1 fixture stays readable.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use stepwise_artifact::archive::FileTree;
use stepwise_artifact::native::fs::{build_file, read_tree};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Opened, decompile, open_path, text, verify_path};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Every workshop source: the samples and the fixtures' text forms (version 1 is read too).
fn sources() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("workshop.yaml").exists())
        .collect();
    v.sort();
    assert!(v.len() >= 2, "expected at least two sample workshops, found {v:?}");
    v.push(fixture("v1-tiny"));
    v.push(fixture("v2-tiny"));
    v
}

fn export(db: &Path) -> FileTree {
    let (file, conn) = stepwise_artifact::native::fs::open_workshop(db).unwrap();
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
    let src = fixture("v2-tiny");
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
    build_file(&fixture("v2-tiny"), &db).unwrap();
    let (file, conn) = stepwise_artifact::native::fs::open_workshop(&db).unwrap();
    let out = decompile::decompile(&conn, &file).unwrap();
    let first = String::from_utf8(out.get("steps/01-first/manifests/01-pod-web.yaml").unwrap().to_vec()).unwrap();
    assert!(first.starts_with("# the web pod\n"), "comments are kept: {first}");
    assert!(out.contains("steps/01-first/manifests/02-service-web.yaml"));
    assert_eq!(out.get("steps/02-second/files/x.txt"), Some(&b"x\n"[..]));
    assert!(!out.contains("steps/02-second/files.tar"));
    assert!(out.contains("data/progress.csv"));
}

#[test]
fn the_committed_v2_fixture_opens_with_its_digest_and_is_what_its_source_builds() {
    // If this fails, format version 2 changed: add a migration instead of editing version 2.
    let opened = open_path(&fixture("v2-tiny.db")).unwrap();
    let Opened::Workshop(w) = opened else { panic!("not a workshop") };
    assert_eq!(w.digest, "sha256:4a68e33d485c4660d887e4e39aca7f89ba5687c43dbe39a2704fd62f5f5f0f85");
    assert_eq!(w.migrated_from, None);
    assert!(verify_path(&fixture("v2-tiny.db")).unwrap().problems.is_empty());
    let rt = w.runtime;
    assert_eq!(rt.current_step.as_deref(), Some("second"));
    assert_eq!(rt.progress.len(), 2);
    assert_eq!(rt.checks.len(), 2);
    assert_eq!(rt.learner.as_ref().map(|l| l.name.as_str()), Some("Ada Lovelace"));
    assert_eq!(rt.setups.len(), 1);
    let count = rt.checks.iter().find(|c| c.validation == "count").unwrap();
    assert_eq!((count.failures, count.hints_opened, count.solution_shown), (2, 1, false));
    // The committed file is the build of the committed source.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(build_file(&fixture("v2-tiny"), &dir.path().join("t.db")).unwrap(), w.digest);
}

#[test]
fn the_committed_v1_fixture_opens_migrated_with_the_digest_it_was_built_with() {
    // Version 1 never changes: its file opens, migrated in memory, under its original digest.
    let opened = open_path(&fixture("v1-tiny.db")).unwrap();
    let Opened::Workshop(w) = opened else { panic!("not a workshop") };
    assert_eq!(w.digest, "sha256:87ef687c991c7539a64bbd1be200cbc2c04760fe20a713933768bab606e20300");
    assert_eq!(w.migrated_from, Some(1));
    assert_eq!(w.runtime.current_step.as_deref(), Some("second"));
    assert_eq!(w.runtime.checks.len(), 2);
    assert_eq!(w.workshop.steps[0].validations[0].hints, vec!["Use count(*).".to_owned()]);
    let report = verify_path(&fixture("v1-tiny.db")).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains("run `stepwise migrate"), "{:?}", report.problems);
}

#[test]
fn digest_ignores_runtime_state_but_not_content() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let digest = build_file(&fixture("v2-tiny"), &db).unwrap();
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

/// A database whose project export exercises the streamed zip: tables created out of path
/// order, names that need file stems of their own, a table whose CSV is written in many pieces
/// (blobs, long text, NULLs), an empty table, an index, a view.
fn project_source() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE zebra (id INTEGER PRIMARY KEY, note TEXT, payload BLOB, qty INTEGER, price REAL);
         CREATE TABLE \"Alpha beta\" (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
         CREATE TABLE alpha_beta (x INTEGER);
         CREATE TABLE empty (x INTEGER);
         CREATE INDEX zebra_qty ON zebra (qty);
         CREATE VIEW cheap AS SELECT id FROM zebra WHERE price < 1;
         WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000)
         INSERT INTO zebra SELECT n, CASE WHEN n % 5 = 0 THEN NULL ELSE printf('note \"%d\", with, commas', n) || char(10) || hex(randomblob(n % 50)) END,
                CASE WHEN n % 3 = 0 THEN randomblob(n % 300) END, n % 7, n * 0.25 FROM c;
         INSERT INTO \"Alpha beta\" VALUES ('a', 1), ('b', 'two'), ('c', x'00ff');
         INSERT INTO alpha_beta VALUES (1), (NULL);",
    )
    .unwrap();
    conn
}

#[test]
fn the_streamed_project_zip_is_the_zip_of_the_project_tree() {
    let conn = project_source();
    let tree = stepwise_artifact::project::export(&conn, "shop").unwrap();
    let expected = tree.to_zip().unwrap();
    let csv_len = tree.get("data/zebra.csv").unwrap().len();
    assert!(csv_len > 4 * 256 * 1024, "the big table is written in several pieces ({csv_len} bytes)");
    // Into memory, in 1 MiB chunks.
    let (spool, files) =
        stepwise_artifact::project::export_zip(&conn, "shop", stepwise_artifact::archive::Spool::new()).unwrap();
    assert_eq!(files, tree.len());
    assert!(spool.chunks().count() > 1, "the zip spans several chunks");
    assert!(spool.to_vec() == expected, "the streamed zip differs from the tree's zip");
    // Into a plain vector, as the CLI writes into a file.
    let (cursor, _) = stepwise_artifact::project::export_zip(&conn, "shop", std::io::Cursor::new(Vec::new())).unwrap();
    assert!(cursor.into_inner() == expected);
}

#[test]
fn a_spool_reads_back_what_was_written_and_overwritten_across_chunks() {
    use std::io::{Cursor, SeekFrom};
    let mut spool = stepwise_artifact::archive::Spool::new();
    let mut plain = Cursor::new(Vec::new());
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    for out in [&mut spool as &mut dyn WriteSeek, &mut plain] {
        out.write_all(&big[..1_500_000]).unwrap();
        out.seek(SeekFrom::Start(1_048_570)).unwrap();
        out.write_all(b"across the boundary").unwrap();
        out.seek(SeekFrom::End(0)).unwrap();
        out.write_all(&big[1_500_000..]).unwrap();
        out.seek(SeekFrom::Current(-10)).unwrap();
        out.write_all(b"0123456789").unwrap();
        out.write_all(b"").unwrap();
    }
    assert_eq!(spool.len(), plain.get_ref().len());
    assert!(spool.to_vec() == *plain.get_ref());
}

trait WriteSeek: std::io::Write + std::io::Seek {}
impl<T: std::io::Write + std::io::Seek> WriteSeek for T {}
