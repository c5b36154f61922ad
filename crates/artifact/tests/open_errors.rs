//! Opening bad `.db` files: each kind of damage gets its own error variant naming the file, and opening never writes.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use stepwise_artifact::rusqlite::{self, Connection, OpenFlags};
use stepwise_artifact::{Error, Opened, open_path, verify_path};

/// Writes `bytes` to `<dir>/<name>` and returns the path.
fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A copy of v2-tiny.db changed with raw SQL (no hardening, no checks).
fn tiny_changed(dir: &Path, sql: &str) -> PathBuf {
    let path = copy_file(&tiny_db(), dir, "changed.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
    path
}

/// Opens `path`, expects an error, and checks that its message names the file.
#[track_caller]
fn open_fails(path: &Path) -> Error {
    let err = open_path(path).expect_err("opening must fail");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "message {msg:?} does not name {}", path.display());
    err
}

/// Checks that opening `path` did not change it and left no journal beside it.
#[track_caller]
fn assert_unchanged(path: &Path, before: &[u8]) {
    assert_eq!(std::fs::read(path).unwrap(), before, "opening changed {}", path.display());
    assert_eq!(leftovers(path.parent().unwrap()), Vec::<String>::new());
}

#[test]
fn empty_file_is_not_sqlite() {
    let dir = tempdir();
    let path = file_with(dir.path(), "empty.db", b"");
    let err = open_fails(&path);
    assert!(matches!(&err, Error::NotSqlite { reason, .. } if reason.contains("empty")), "{err:?}");
    assert_unchanged(&path, b"");
}

#[test]
fn text_file_is_not_sqlite() {
    let dir = tempdir();
    let text = b"# My notes\n\nThis is not a database, just some text.\n";
    let path = file_with(dir.path(), "notes.db", text);
    let err = open_fails(&path);
    assert!(matches!(&err, Error::NotSqlite { reason, .. } if reason.contains("a text file")), "{err:?}");
    assert_unchanged(&path, text);
}

#[test]
fn zip_renamed_db_is_not_sqlite_and_says_zip() {
    let dir = tempdir();
    let tree = stepwise_artifact::archive::FileTree::from_dir(&tiny_src(), &Default::default()).unwrap();
    let bytes = tree.to_zip().unwrap();
    let path = file_with(dir.path(), "workshop.db", &bytes);
    let err = open_fails(&path);
    assert!(matches!(&err, Error::NotSqlite { reason, .. } if reason.contains("zip archive")), "{err:?}");
    assert_unchanged(&path, &bytes);
}

#[test]
fn random_bytes_look_encrypted() {
    let dir = tempdir();
    let bytes = noise(4096, 0x5eed);
    let path = file_with(dir.path(), "secret.db", &bytes);
    let err = open_fails(&path);
    assert!(matches!(&err, Error::Encrypted { .. }), "{err:?}");
    assert!(err.to_string().contains("encrypted"), "{err}");
    assert_unchanged(&path, &bytes);
}

#[test]
fn file_cut_in_half_is_truncated() {
    let dir = tempdir();
    let full = std::fs::read(tiny_db()).unwrap();
    let half = &full[..full.len() / 2];
    let path = file_with(dir.path(), "half.db", half);
    let err = open_fails(&path);
    match &err {
        Error::Truncated { expected, found, .. } => {
            assert_eq!(*expected, full.len() as u64, "{err}");
            assert_eq!(*found, half.len() as u64, "{err}");
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert_unchanged(&path, half);
}

#[test]
fn header_only_is_truncated() {
    let dir = tempdir();
    let full = std::fs::read(tiny_db()).unwrap();
    let path = file_with(dir.path(), "header.db", &full[..100]);
    let err = open_fails(&path);
    assert!(matches!(&err, Error::Truncated { found: 100, .. }), "{err:?}");
    assert_unchanged(&path, &full[..100]);
}

#[test]
fn another_programs_database_opens_as_a_playground_and_is_no_workshop() {
    let dir = tempdir();
    // 0x4c503130 = "LP10", an arbitrary other program's id.
    let path = tiny_changed(dir.path(), &format!("PRAGMA application_id = {};", 0x4c50_3130u32));
    let before = std::fs::read(&path).unwrap();
    match open_path(&path).unwrap() {
        Opened::Playground(p) => assert_eq!(p.application_id, Some(0x4c50_3130)),
        Opened::Workshop(w) => panic!("another program's file opened as workshop {}", w.file),
    }
    let err = verify_path(&path).expect_err("verify refuses another program's file");
    assert!(matches!(&err, Error::ForeignApplication { application_id: 0x4c50_3130, .. }), "{err:?}");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_unchanged(&path, &before);
}

#[test]
fn newer_format_version_asks_for_an_update() {
    let dir = tempdir();
    let path = tiny_changed(dir.path(), "PRAGMA user_version = 99;");
    let before = std::fs::read(&path).unwrap();
    let err = open_fails(&path);
    assert!(matches!(&err, Error::TooNew { found: 99, supported: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("update Stepwise"), "{err}");
    assert_unchanged(&path, &before);
}

#[test]
fn dropped_table_is_named() {
    let dir = tempdir();
    let path = tiny_changed(dir.path(), "DROP TABLE snapshot;");
    let err = open_fails(&path);
    assert!(matches!(&err, Error::MissingTables { tables, .. } if tables == &["snapshot"]), "{err:?}");
    assert!(err.to_string().contains("snapshot"), "{err}");
    // verify cannot list problems of a file that is not a whole workshop: same error.
    assert_eq!(verify_path(&path).unwrap_err(), err);
}

/// The 1-based root page of the table or index `name`, read from `sqlite_schema`.
fn root_page(path: &Path, name: &str) -> usize {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let page: i64 = conn.query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    usize::try_from(page).unwrap()
}

/// A copy of v2-tiny.db with the root page of `name` overwritten by garbage; returns its bytes.
fn tiny_with_garbage_page(dir: &Path, name: &str) -> (PathBuf, Vec<u8>) {
    let path = copy_file(&tiny_db(), dir, "garbage.db");
    let page = root_page(&path, name);
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = bytes.len() / 4096;
    assert!(page > 1 && page < pages, "the root page {page} of {name} is not in the middle of {pages} pages");
    bytes[(page - 1) * 4096..page * 4096].copy_from_slice(&noise(4096, 77));
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

#[test]
fn garbage_table_page_in_the_middle_is_corrupt() {
    let dir = tempdir();
    // The `step` table: quick_check reads its rows and SQLite stops with "malformed".
    let (path, bytes) = tiny_with_garbage_page(dir.path(), "step");
    let err = open_fails(&path);
    assert!(matches!(&err, Error::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("damaged database"), "{err}");
    assert_unchanged(&path, &bytes);
}

#[test]
fn garbage_index_page_is_corrupt_with_quick_checks_words() {
    let dir = tempdir();
    // The index behind step.position: quick_check runs to the end and names the page.
    let page = root_page(&tiny_db(), "sqlite_autoindex_step_2");
    let (path, bytes) = tiny_with_garbage_page(dir.path(), "sqlite_autoindex_step_2");
    let err = open_fails(&path);
    assert!(matches!(&err, Error::Corrupt { detail, .. } if detail.contains(&format!("page {page}"))), "{err:?}");
    let report = verify_path(&path).unwrap();
    assert!(report.problems.iter().any(|p| p.contains(&format!("page {page}"))), "{:?}", report.problems);
    assert_unchanged(&path, &bytes);
}

#[test]
fn verify_lists_a_damaged_table_page_as_a_problem() {
    // verify_path's contract: errors only for files that are not workshops at all; damage is
    // listed in the report. A damaged table page makes quick_check itself abort.
    let dir = tempdir();
    let (path, bytes) = tiny_with_garbage_page(dir.path(), "step");
    let report = verify_path(&path).expect("verify must report the damage as a problem, not fail");
    assert!(!report.problems.is_empty(), "verify found nothing in a damaged file");
    assert!(report.problems.iter().any(|p| p.contains("malformed")), "{:?}", report.problems);
    assert_unchanged(&path, &bytes);
}

#[test]
fn changed_step_content_is_a_digest_mismatch() {
    let dir = tempdir();
    let path = tiny_changed(dir.path(), "UPDATE step SET content = content || 'sneaky edit' WHERE slug = 'first';");
    let before = std::fs::read(&path).unwrap();
    let err = open_fails(&path);
    match &err {
        Error::DigestMismatch { stored, computed, .. } => {
            assert_ne!(stored, computed);
            // A digest of the format's shape is named whole, both of them.
            let msg = err.to_string();
            assert!(msg.contains(&format!("stored {stored}, computed {computed}")), "{msg}");
        }
        other => panic!("expected DigestMismatch, got {other:?}"),
    }
    let report = verify_path(&path).unwrap();
    assert!(report.problems.iter().any(|p| p.contains("content digest mismatch")), "{:?}", report.problems);
    assert_unchanged(&path, &before);
}

#[test]
fn changed_blob_bytes_give_several_problems() {
    let dir = tempdir();
    let path = copy_file(&tiny_db(), dir.path(), "blob.db");
    let sha: String;
    {
        let conn = Connection::open(&path).unwrap();
        let (s, mut data): (String, Vec<u8>) = conn
            .query_row(
                "SELECT b.sha256, b.data FROM asset a JOIN blob b USING (sha256) WHERE a.path = 'dot.svg'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        data[0] ^= 0x20; // same length, so the CHECK on size still holds
        conn.execute("UPDATE blob SET data = ?1 WHERE sha256 = ?2", rusqlite::params![data, s]).unwrap();
        sha = s;
    }
    let before = std::fs::read(&path).unwrap();
    let err = open_fails(&path);
    assert!(matches!(&err, Error::DigestMismatch { .. }), "{err:?}");

    let report = verify_path(&path).unwrap();
    let p = &report.problems;
    assert!(p.len() >= 2, "verify must list every problem, got {p:?}");
    assert!(p.iter().any(|x| x.contains(&sha) && x.contains("SHA-256")), "{p:?}");
    assert!(p.iter().any(|x| x.contains("content digest mismatch")), "{p:?}");
    let as_error = report.into_result().unwrap_err();
    assert!(matches!(&as_error, Error::Problems { problems, .. } if problems.len() >= 2), "{as_error:?}");
    assert!(as_error.to_string().contains(&path.display().to_string()), "{as_error}");
    assert_unchanged(&path, &before);
}

#[test]
fn an_artifact_or_asset_whose_bytes_are_gone_or_stored_as_text_is_corrupt_and_named() {
    let dir = tempdir();
    // The bytes of an asset stored as text, which the table's STRICT type forbids (so its
    // schema is made lax for the update and put back): read as bytes they would pass the
    // digest, but the format stores bytes, and `quick_check` finds the value.
    let text = tiny_changed(
        dir.path(),
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')') WHERE name = 'blob';
         UPDATE sqlite_schema SET sql = replace(sql, 'BLOB NOT NULL', 'ANY NOT NULL') WHERE name = 'blob';",
    );
    {
        let conn = Connection::open(&text).unwrap();
        conn.execute_batch(
            "UPDATE blob SET data = CAST(data AS TEXT) WHERE sha256 = (SELECT sha256 FROM asset WHERE path = 'dot.svg');
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = replace(sql, 'ANY NOT NULL', 'BLOB NOT NULL') WHERE name = 'blob';
             UPDATE sqlite_schema SET sql = sql || ' STRICT' WHERE name = 'blob' AND sql NOT LIKE '%STRICT';",
        )
        .unwrap();
    }
    let before = std::fs::read(&text).unwrap();
    let err = open_fails(&text);
    let msg = err.to_string();
    assert!(matches!(&err, Error::Corrupt { .. }) && msg.contains("non-BLOB value in blob.data"), "{err:?}");
    assert_unchanged(&text, &before);
    std::fs::remove_file(&text).unwrap();

    // An artifact's blob row removed: the artifact is named, not a bare SQLite error.
    let gone = tiny_changed(
        dir.path(),
        "PRAGMA foreign_keys = OFF; DELETE FROM blob WHERE sha256 = (SELECT min(sha256) FROM artifact);",
    );
    let err = open_fails(&gone);
    let msg = err.to_string();
    assert!(matches!(&err, Error::Corrupt { .. }) && msg.contains("refers to missing blob"), "{err:?}");
}

#[test]
fn values_of_a_damaged_file_are_quoted_short_in_its_messages() {
    let dir = tempdir();
    let long = "x".repeat(100_000);
    // Values no CHECK constraint bounds (`quick_check` enforces those before anything is read),
    // and names of the file's own schema.
    let cases = [
        (
            "UPDATE validation SET hints = json_quote('{long}') WHERE (step, id) = (SELECT step, id FROM validation LIMIT 1)",
            "unreadable hints",
        ),
        (
            "UPDATE artifact SET sha256 = '{long}' WHERE (step, kind) = (SELECT step, kind FROM artifact LIMIT 1)",
            "refers to missing blob",
        ),
        (
            "UPDATE asset SET sha256 = '{long}', path = '{long}' WHERE path = (SELECT min(path) FROM asset)",
            "refers to missing blob",
        ),
        ("UPDATE workshop SET authors = json_quote('{long}')", "authors is not a JSON list"),
        (
            "UPDATE validation SET spec = json_object('kind', '{long}') WHERE (step, id) = (SELECT step, id FROM validation LIMIT 1)",
            "unreadable rule",
        ),
        ("UPDATE meta SET value = '{long}' WHERE key = 'content_digest'", "content digest mismatch"),
        // Twenty triggers with long names: the first eight are named, each cut short.
        (
            "PRAGMA writable_schema = ON;
             INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)
               WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
               SELECT 'trigger', 't' || i || '{long}', 'step', 0,
                      'CREATE TRIGGER \"t' || i || '{long}\" AFTER INSERT ON step BEGIN SELECT 1; END' FROM n;
             PRAGMA writable_schema = OFF;",
            "and 12 more",
        ),
        // SQLite's own messages quote names of the schema: a trigger that does not parse, an
        // index of a table of the file's own with a collation this SQLite lacks.
        (
            "PRAGMA writable_schema = ON;
             INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)
               VALUES ('trigger', 't{long}', 'step', 0, 'CREATE TRIGGER \"t{long}\" AFTER INSERT ON step BEGIN nonsense; END');
             PRAGMA writable_schema = OFF;",
            "malformed database schema",
        ),
        (
            "CREATE TABLE mine (a TEXT);
             PRAGMA writable_schema = ON;
             INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)
               VALUES ('index', 'mine_a', 'mine', 0, 'CREATE INDEX mine_a ON mine (a COLLATE c{long})');
             PRAGMA writable_schema = OFF;",
            "no such collation sequence",
        ),
        // Twenty rows of a table of the file's own that break its CHECK: `quick_check` names
        // the first eight, each cut short.
        (
            "CREATE TABLE \"m{long}\" (a INTEGER CHECK (a > 0));
             INSERT INTO \"m{long}\" WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20) SELECT i FROM n;
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = replace(sql, 'a > 0', 'a < 0') WHERE type = 'table' AND name LIKE 'm%';
             PRAGMA writable_schema = OFF;",
            "and 12 more",
        ),
    ];
    for (change, said) in cases {
        let sql = format!("PRAGMA foreign_keys = OFF; {}", change.replace("{long}", &long));
        let path = tiny_changed(dir.path(), &sql);
        let err = open_fails(&path);
        let msg = err.to_string();
        let start: String = msg.chars().take(400).collect();
        assert!(msg.contains(said) && !msg.contains(&"x".repeat(301)), "{said}: {start}");
        assert!(msg.len() < 1500, "{said}: a message of {} bytes: {start}", msg.len());
        std::fs::remove_file(&path).unwrap();
    }

    // A well-formed key whose blob is gone is named by its first 12 characters.
    let gone = tiny_changed(
        dir.path(),
        "PRAGMA foreign_keys = OFF; DELETE FROM blob WHERE sha256 = (SELECT min(sha256) FROM artifact);",
    );
    let key: String =
        Connection::open(&gone).unwrap().query_row("SELECT min(sha256) FROM artifact", [], |r| r.get(0)).unwrap();
    let msg = open_fails(&gone).to_string();
    assert!(msg.contains(&format!("missing blob {}…", &key[..12])) && !msg.contains(&key), "{msg}");
}

#[test]
fn plain_sqlite_database_opens_as_playground() {
    let dir = tempdir();
    let path = dir.path().join("shop.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO customers (name) VALUES ('a'), ('b'), ('c');
             CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers (id));
             CREATE VIEW names AS SELECT name FROM customers;",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match open_path(&path).unwrap() {
        Opened::Playground(p) => {
            assert_eq!(p.file, path.display().to_string());
            assert_eq!(
                p.tables,
                vec![("customers".to_owned(), Some(3)), ("names".to_owned(), None), ("orders".to_owned(), Some(0))]
            );
        }
        Opened::Workshop(w) => panic!("a plain database opened as workshop {}", w.file),
    }
    assert_unchanged(&path, &before);
    // verify refuses it with a message saying what it is.
    let err = verify_path(&path).unwrap_err();
    assert!(matches!(&err, Error::Invalid { reason, .. } if reason.contains("playground")), "{err:?}");
}

#[test]
fn a_virtual_table_of_a_module_this_sqlite_lacks_still_lets_the_file_open_as_a_playground() {
    // The browser's SQLite has no R*Tree (.cargo/config.toml), and no SQLite has another
    // program's modules: such a table is listed without a count, and the rest can be explored.
    let dir = tempdir();
    let path = dir.path().join("search.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
             INSERT INTO notes (body) VALUES ('one'), ('two');
             PRAGMA writable_schema = ON;
             INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)
               VALUES ('table', 'notes_index', 'notes_index', 0,
                       'CREATE VIRTUAL TABLE notes_index USING no_such_module(body)');
             PRAGMA writable_schema = OFF;",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match open_path(&path).unwrap() {
        Opened::Playground(p) => {
            assert_eq!(p.tables, vec![("notes".to_owned(), Some(2)), ("notes_index".to_owned(), None)]);
        }
        Opened::Workshop(w) => panic!("opened as workshop {}", w.file),
    }
    assert_unchanged(&path, &before);
    // Reading that table says which module is missing.
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let err = conn.query_row("SELECT count(*) FROM notes_index", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("no such module: no_such_module"), "{err}");
}

/// How often `side_effect()` ran.
static SIDE_EFFECTS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn side_effect(
    ctx: *mut rusqlite::ffi::sqlite3_context,
    _n: std::os::raw::c_int,
    _v: *mut *mut rusqlite::ffi::sqlite3_value,
) {
    SIDE_EFFECTS.fetch_add(1, Ordering::SeqCst);
    unsafe { rusqlite::ffi::sqlite3_result_int(ctx, 1) };
}

/// Registers `side_effect()` on `conn` as an application function with side effects (neither
/// innocuous nor direct-only): exactly what `trusted_schema = OFF` must keep out of the schema.
fn register_side_effect(conn: &Connection) {
    let rc = unsafe {
        rusqlite::ffi::sqlite3_create_function_v2(
            conn.handle(),
            c"side_effect".as_ptr(),
            -1,
            rusqlite::ffi::SQLITE_UTF8,
            std::ptr::null_mut(),
            Some(side_effect),
            None,
            None,
            None,
        )
    };
    assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
}

/// A plain database whose schema calls things it must not: the loader, and `side_effect()`.
fn hostile_db(dir: &Path) -> PathBuf {
    let path = dir.join("hostile.db");
    let conn = Connection::open(&path).unwrap();
    register_side_effect(&conn);
    conn.execute_batch(
        "CREATE TABLE t (x INTEGER);
         INSERT INTO t VALUES (1), (2);
         CREATE TABLE log (x INTEGER);
         CREATE VIEW loader AS SELECT load_extension('/nonexistent/libevil') AS x;
         CREATE VIEW effect AS SELECT side_effect(x) AS y FROM t;
         CREATE TRIGGER on_log AFTER INSERT ON log BEGIN SELECT side_effect(NEW.x); END;",
    )
    .unwrap();
    conn.close().unwrap();
    path
}

#[test]
fn hostile_schema_does_not_run_on_open() {
    let dir = tempdir();
    let path = hostile_db(dir.path());
    let before = std::fs::read(&path).unwrap();

    // open_path: a playground; listing does not evaluate the views.
    match open_path(&path).unwrap() {
        Opened::Playground(p) => assert_eq!(
            p.tables,
            vec![
                ("effect".to_owned(), None),
                ("loader".to_owned(), None),
                ("log".to_owned(), Some(0)),
                ("t".to_owned(), Some(2)),
            ]
        ),
        Opened::Workshop(_) => panic!("opened as a workshop"),
    }
    assert_unchanged(&path, &before);

    // An app connection that has `side_effect()` registered, passed through open_checked.
    SIDE_EFFECTS.store(0, Ordering::SeqCst);
    let conn = Connection::open(&path).unwrap();
    register_side_effect(&conn);
    let file = path.display().to_string();
    let (conn, opened) = stepwise_artifact::open_checked(conn, &file, "2026-01-01T00:00:00Z").unwrap();
    assert!(matches!(opened, Opened::Playground(_)));
    assert_eq!(stepwise_artifact::inspect(&conn, &file).unwrap(), stepwise_artifact::Kind::Playground);
    stepwise_artifact::playground_tables(&conn, &file).unwrap();
    assert_eq!(SIDE_EFFECTS.load(Ordering::SeqCst), 0, "opening ran a function named by the schema");

    // Using the view or firing the trigger on the hardened connection is refused as unsafe.
    let err = conn.query_row("SELECT * FROM effect", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("unsafe use of side_effect()"), "{err}");
    let err = conn.execute("INSERT INTO log VALUES (1)", []).unwrap_err();
    assert!(err.to_string().contains("unsafe use of side_effect()"), "{err}");
    let err = conn.query_row("SELECT * FROM loader", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("unsafe use of load_extension()"), "{err}");
    assert_eq!(SIDE_EFFECTS.load(Ordering::SeqCst), 0, "a view or trigger ran side_effect()");
    drop(conn);

    // Control: the same schema on a connection that was NOT hardened does run the function, so
    // the refusals above are the hardening's doing.
    let raw = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    register_side_effect(&raw);
    raw.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, true).unwrap();
    let _: i64 = raw.query_row("SELECT * FROM effect", [], |r| r.get(0)).unwrap();
    assert!(SIDE_EFFECTS.load(Ordering::SeqCst) > 0);
    drop(raw);
    assert_unchanged(&path, &before);
}

#[test]
fn hardened_connection_refuses_unsafe_view() {
    let dir = tempdir();
    let path = hostile_db(dir.path());
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    stepwise_artifact::harden(&conn).unwrap();
    let err = conn.query_row("SELECT * FROM loader", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(err.to_string().contains("unsafe use"), "{err}");
}

#[test]
fn older_version_opens_migrated_in_memory_without_writing() {
    let dir = tempdir();
    let path = copy_file(&v0_db(), dir.path(), "intro.db");
    let before = std::fs::read(&path).unwrap();
    assert_eq!(before, std::fs::read(v0_db()).unwrap());
    match open_path(&path).unwrap() {
        Opened::Workshop(w) => {
            assert_eq!(w.migrated_from, Some(0));
            assert!(!w.workshop.steps.is_empty());
            assert_eq!(w.file, path.display().to_string());
        }
        Opened::Playground(_) => panic!("a v0 workshop opened as a playground"),
    }
    assert_unchanged(&path, &before);
    // verify says what to do instead of failing.
    let report = verify_path(&path).unwrap();
    assert!(report.problems.iter().any(|p| p.contains("stepwise migrate")), "{:?}", report.problems);
    assert_unchanged(&path, &before);
}

#[test]
fn the_fixture_itself_opens() {
    // The baseline every damaged copy above starts from.
    match open_path(&tiny_db()).unwrap() {
        Opened::Workshop(w) => assert_eq!(w.migrated_from, None),
        Opened::Playground(_) => panic!("v2-tiny.db opened as a playground"),
    }
    assert!(verify_path(&tiny_db()).unwrap().problems.is_empty());
}

#[test]
fn hostile_check_constraint_does_not_run_during_the_integrity_check() {
    // quick_check evaluates CHECK constraints: one that calls an app function must not run it.
    let dir = tempdir();
    let path = dir.path().join("checks.db");
    {
        let conn = Connection::open(&path).unwrap();
        register_side_effect(&conn);
        conn.execute_batch("CREATE TABLE t (x INTEGER CHECK (side_effect(x))); INSERT INTO t VALUES (1), (2);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    SIDE_EFFECTS.store(0, Ordering::SeqCst);
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    register_side_effect(&conn);
    let file = path.display().to_string();
    let (conn, opened) = stepwise_artifact::open_checked(conn, &file, "2026-01-01T00:00:00Z").unwrap();
    match opened {
        Opened::Playground(p) => assert_eq!(p.tables, vec![("t".to_owned(), Some(2))]),
        Opened::Workshop(_) => panic!("opened as a workshop"),
    }
    assert_eq!(SIDE_EFFECTS.load(Ordering::SeqCst), 0, "the integrity check ran a function named by the schema");
    drop(conn);
    assert_unchanged(&path, &before);
}
