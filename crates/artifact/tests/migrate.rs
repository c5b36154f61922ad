//! Migrations on fixture files of every released format version.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use stepwise_artifact::migrate::{MIGRATIONS, migrate, pending};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error, Opened, SCHEMA_VERSION, StepStatus, open_path, read_runtime, text, verify_path};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn copy_of(name: &str, dir: &Path) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(fixture(name), &to).unwrap();
    to
}

#[test]
fn every_version_before_the_current_one_has_a_fixture() {
    for v in 0..SCHEMA_VERSION {
        let found = std::fs::read_dir(fixture("")).unwrap().any(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with(&format!("v{v}-")) && name.ends_with(".db")
        });
        assert!(found, "no fixture tests/fixtures/v{v}-*.db for format version {v}");
    }
    assert!(fixture(&format!("v{SCHEMA_VERSION}-tiny.db")).exists(), "keep a fixture of the current version too");
}

#[test]
fn v0_migrates_to_current_keeping_content_and_progress() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of("v0-intro.db", dir.path());
    let mut conn = Connection::open(&db).unwrap();
    let ran = migrate(&mut conn, "v0-intro.db", "2026-11-21T00:00:00Z").unwrap();
    assert_eq!(ran.len(), MIGRATIONS.len());
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let history: Vec<(i64, String)> = conn
        .prepare("SELECT version, applied_at FROM schema_history ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(history, vec![(1, "2026-11-21T00:00:00Z".to_owned()), (2, "2026-11-21T00:00:00Z".to_owned())]);
    let rt = read_runtime(&conn, "v0").unwrap();
    drop(conn);

    assert!(verify_path(&db).unwrap().problems.is_empty());
    let Opened::Workshop(w) = open_path(&db).unwrap() else { panic!("not a workshop") };
    let w = w.workshop;
    assert_eq!(w.meta.title, "Intro to SELECT");
    assert_eq!(w.meta.authors, vec!["Grace Hopper".to_owned()]);
    let slugs: Vec<&str> = w.steps.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(slugs, ["welcome", "filtering-rows", "filtering-rows-2"]);
    assert_eq!(w.steps[1].validations.len(), 1, "the v0 answer became an answer check");
    assert!(w.steps[2].validations.is_empty(), "an empty v0 answer is no check");
    let done: Vec<_> = rt.progress.iter().map(|p| (p.step.as_str(), p.status)).collect();
    assert!(done.contains(&("welcome", StepStatus::Done)));
    assert!(done.contains(&("filtering-rows", StepStatus::Started)));

    // Migrating again does nothing.
    let mut conn = Connection::open(&db).unwrap();
    assert!(migrate(&mut conn, "v0-intro.db", "2026-11-22T00:00:00Z").unwrap().is_empty());
    // And the migrated workshop exports.
    let tree = text::export(&conn, "v0-intro.db").unwrap();
    assert!(tree.contains("steps/02-filtering-rows/content.md"));
}

#[test]
fn v1_migrates_to_current_keeping_digest_progress_and_hints() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of("v1-tiny.db", dir.path());
    let Opened::Workshop(before) = open_path(&db).unwrap() else { panic!("not a workshop") };
    let mut conn = Connection::open(&db).unwrap();
    let ran = migrate(&mut conn, "v1-tiny.db", "2026-12-06T00:00:00Z").unwrap();
    assert_eq!(ran, vec![MIGRATIONS[1].name]);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    drop(conn);
    assert!(verify_path(&db).unwrap().problems.is_empty());
    let Opened::Workshop(after) = open_path(&db).unwrap() else { panic!("not a workshop") };
    assert_eq!(after.migrated_from, None);
    assert_eq!(after.digest, before.digest, "a workshop that uses nothing newer keeps its digest");
    assert_eq!(after.workshop, before.workshop);
    assert_eq!(after.runtime.progress, before.runtime.progress);
    assert_eq!(after.runtime.checks, before.runtime.checks);
    assert_eq!(after.workshop.steps[0].validations[0].hints, vec!["Use count(*).".to_owned()]);
}

#[test]
fn a_changed_v1_workshop_is_refused_rather_than_migrated_under_a_new_digest() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of("v1-tiny.db", dir.path());
    Connection::open(&db).unwrap().execute_batch("UPDATE step SET title = 'Changed' WHERE slug = 'first'").unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut conn = Connection::open(&db).unwrap();
    let err = migrate(&mut conn, "v1-tiny.db", "2026-12-06T00:00:00Z").unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    drop(conn);
    assert_eq!(std::fs::read(&db).unwrap(), before, "a refused migration does not change the file");
    assert!(matches!(open_path(&db), Err(Error::DigestMismatch { .. })));
}

#[test]
fn a_failing_migration_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of("v0-intro.db", dir.path());
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO progress VALUES (9, 1, '2025-01-01T00:00:00Z');")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let mut conn = Connection::open(&db).unwrap();
    let err = migrate(&mut conn, "v0-intro.db", "2026-11-21T00:00:00Z").unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("missing step 9"), "{err}");
    drop(conn);
    assert_eq!(std::fs::read(&db).unwrap(), before, "a failed migration must not change the file");
}

#[test]
fn newer_files_are_refused_and_listing_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of("v1-tiny.db", dir.path());
    Connection::open(&db).unwrap().execute_batch("PRAGMA user_version = 7").unwrap();
    let mut conn = Connection::open(&db).unwrap();
    let err = migrate(&mut conn, "x.db", "now").unwrap_err();
    assert_eq!(err, Error::TooNew { file: "x.db".into(), found: 7, supported: SCHEMA_VERSION });
    assert!(err.to_string().contains("update Stepwise"));
    assert_eq!(pending(0).len(), MIGRATIONS.len());
    assert!(pending(7).is_empty());
}
