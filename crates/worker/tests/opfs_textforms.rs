//! Text forms and the playground of the worker's runtime on REAL OPFS and SQLite, in a dedicated
//! worker of headless Chromium: a workshop exported as YAML/CSV is built back from the
//! zip with the same digest; bad zips and failed rebuilds leave the storage as it was; the
//! playground refuses writes to a workshop's definition outside write mode; a project rebuild
//! swaps the stored file; FTS5 and every ordinary SQLite feature round-trip through the
//! project form with the same schema and the same values and types.
//!
//! Run by `scripts/test.sh` (worker tests), like `opfs.rs`.
#![cfg(target_arch = "wasm32")]

use stepwise_artifact::archive::FileTree;
use stepwise_protocol::{
    Added, Entry, EntryKind, ErrorKind, Imported, QueryDone, Rows, Stored, TablePage, TextForm, WorkerError,
};
use stepwise_worker::Library;
use stepwise_worker::backend::PoolConfig;
use stepwise_worker::source::BytesSource;
use stepwise_worker::textforms::preview;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const TINY: &[u8] = include_bytes!("../../artifact/tests/fixtures/v2-tiny.db");

async fn library(name: &str) -> Library {
    let config = PoolConfig { vfs_name: format!("tf-{name}"), directory: format!(".tf-{name}"), clear_on_init: true };
    Library::open(&config).await.expect("the library opens on OPFS")
}

fn files(lib: &Library) -> Vec<String> {
    let mut names = lib.backend().names().expect("names");
    names.sort();
    names
}

fn entry(result: Result<Added, WorkerError>) -> Entry {
    match result {
        Ok(Added::Imported(Imported { entry, .. })) => entry,
        other => panic!("expected Imported, got {other:?}"),
    }
}

async fn add(lib: &mut Library, name: &str, bytes: &[u8]) -> Entry {
    match lib.import(name, BytesSource::new(bytes.to_vec(), 1 << 16), &mut |_, _, _| {}).await {
        Ok(Stored::Imported(Imported { entry, .. })) => entry,
        other => panic!("expected Imported, got {other:?}"),
    }
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, text.as_bytes()).expect("insert");
    }
    tree.to_zip().expect("zip")
}

#[wasm_bindgen_test]
async fn a_workshop_goes_out_as_yaml_csv_and_comes_back_with_the_same_contents() {
    let mut lib = library("roundtrip").await;
    let tiny = add(&mut lib, "tiny.db", TINY).await;
    let (zip, name) = lib.export_text(&tiny.id, TextForm::Workshop, &mut |_, _, _| {}).expect("export");
    let zip = zip.to_vec();
    assert_eq!(name, format!("{}-{}.zip", tiny.slug.clone().unwrap(), tiny.version.clone().unwrap()));
    let (again, _) = lib.export_text(&tiny.id, TextForm::Workshop, &mut |_, _, _| {}).expect("export");
    assert_eq!(zip, again.to_vec(), "deterministic");
    let found = preview(&name, &zip).expect("preview");
    assert_eq!(found.form, TextForm::Workshop);
    assert_eq!(found.items.len() as u32, tiny.steps);

    // Into a second library (no duplicate there): the same workshop, exported to the same bytes.
    let mut other = library("roundtrip-2").await;
    let built = entry(other.import_zip(&name, &zip, &mut |_, _, _| {}).await);
    assert_eq!((built.kind, &built.slug, built.steps), (EntryKind::Workshop, &tiny.slug, tiny.steps));
    let (rebuilt, _) = other.export_text(&built.id, TextForm::Workshop, &mut |_, _, _| {}).expect("export");
    assert_eq!(rebuilt.to_vec(), zip, "built from its zip, the workshop exports to the same zip");
    let (decompiled, dname) = lib.export_text(&tiny.id, TextForm::Decompiled, &mut |_, _, _| {}).expect("decompile");
    assert!(dname.ends_with("-decompiled.zip") && !decompiled.is_empty());
    // The project form is streamed into the zip (project::export_zip): it reads back as the
    // project of the same tables, and says the same bytes each time.
    let (project, pname) = lib.export_text(&tiny.id, TextForm::Project, &mut |_, _, _| {}).expect("project");
    let (project_again, _) = lib.export_text(&tiny.id, TextForm::Project, &mut |_, _, _| {}).expect("project");
    assert_eq!(project.to_vec(), project_again.to_vec(), "deterministic");
    let found = preview(&pname, &project.to_vec()).expect("preview of the project");
    assert_eq!(found.form, TextForm::Project);
    assert!(found.items.iter().any(|(table, _)| table == "progress"), "{:?}", found.items);
}

#[wasm_bindgen_test]
async fn bad_zips_are_refused_naming_the_file_and_leave_the_storage_as_it_was() {
    let mut lib = library("bad").await;
    add(&mut lib, "tiny.db", TINY).await;
    let before = (files(&lib), lib.list().expect("list"));
    let bad_csv = zip_of(&[
        ("project.yaml", "version: 1\nproject:\n  name: p\ntables:\n  - name: t\n    columns:\n      - name: a\n"),
        ("data/t.csv", "a\n\"ok\"\n\"never closed\n"),
    ]);
    let e = lib.import_zip("p.zip", &bad_csv, &mut |_, _, _| {}).await.expect_err("refused");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.contains("data/t.csv:3"), "{}", e.message);
    let future = zip_of(&[("workshop.yaml", "version: 99\n")]);
    let e = lib.import_zip("f.zip", &future, &mut |_, _, _| {}).await.expect_err("refused");
    assert!(e.message.contains("workshop.yaml") && e.message.contains("99"), "{}", e.message);
    let e = lib.import_zip("junk.zip", b"PK\x03\x04 not really", &mut |_, _, _| {}).await.expect_err("refused");
    assert!(e.message.starts_with("junk.zip"), "{}", e.message);
    assert_eq!((files(&lib), lib.list().expect("list")), before, "nothing stored changed");
}

#[wasm_bindgen_test]
async fn the_playground_refuses_definition_writes_until_write_mode() {
    let mut lib = library("playground").await;
    let tiny = add(&mut lib, "tiny.db", TINY).await;
    let e = lib.query(&tiny.id, "DELETE FROM step", false).expect_err("refused");
    assert!(e.message.contains("step belongs to the workshop's definition"), "{}", e.message);
    match lib.query(&tiny.id, "SELECT count(*) FROM step", false) {
        Ok(QueryDone { rows, .. }) => assert_eq!(rows, vec![vec![Some(tiny.steps.to_string())]]),
        other => panic!("{other:?}"),
    }
    match lib.query(&tiny.id, "UPDATE workshop SET title = 'x'", true) {
        Ok(QueryDone { changed, digest_changed, .. }) => assert!(changed == 1 && digest_changed),
        other => panic!("{other:?}"),
    }
    // A read changes nothing, so it is not checked (checking hashes every blob of the file);
    // a statement without rows (here a new table) is.
    match lib.query(&tiny.id, "SELECT title FROM workshop", true) {
        Ok(QueryDone { rows, digest_changed, .. }) => assert!(rows == vec![vec![Some("x".into())]] && !digest_changed),
        other => panic!("{other:?}"),
    }
    match lib.query(&tiny.id, "CREATE TABLE notes(x)", true) {
        Ok(QueryDone { changed, digest_changed, .. }) => assert!(changed == 0 && digest_changed),
        other => panic!("{other:?}"),
    }
    let e = lib.query(&tiny.id, "SELECT * FROM nowhere", false).expect_err("an error");
    assert_eq!(e.message, "no such table: nowhere");
}

#[wasm_bindgen_test]
async fn a_project_rebuild_swaps_the_stored_file() {
    let mut lib = library("rebuild").await;
    let project = zip_of(&[
        (
            "project.yaml",
            "version: 1\nproject:\n  name: p\ntables:\n  - name: t\n    columns:\n      - name: a\n        type: TEXT\n",
        ),
        ("data/t.csv", "a\nx\n\"\"\n"),
    ]);
    let first = entry(lib.import_zip("p.zip", &project, &mut |_, _, _| {}).await);
    assert_eq!(first.kind, EntryKind::Playground);
    match lib.browse(&first.id, "t", 0, 50, Some("a"), false) {
        Ok(TablePage { rows, total, .. }) => {
            assert_eq!(total, 2);
            assert_eq!(rows, vec![vec![Some(String::new())], vec![Some("x".into())]]);
        }
        other => panic!("{other:?}"),
    }
    lib.query(&first.id, "INSERT INTO t VALUES ('y')", false).expect("a playground is writable");
    let before = files(&lib).len();
    let second = lib.rebuild_project(&first.id, "p.zip", &project, &mut |_, _, _| {}).await.expect("rebuilt").entry;
    assert_ne!(second.id, first.id);
    assert_eq!(files(&lib).len(), before, "the old file is gone");
    assert_eq!(lib.list().expect("list").iter().map(|e| e.id.clone()).collect::<Vec<_>>(), vec![second.id.clone()]);
    let csv = lib.table_csv(&second.id, "t").expect("csv");
    assert_eq!(String::from_utf8(csv).unwrap().replace("\r\n", "\n"), "a\nx\n\"\"\n");
}

#[wasm_bindgen_test]
async fn an_fts5_table_is_searched_and_round_trips_through_the_project_form() {
    let mut lib = library("fts5").await;
    let project = zip_of(&[
        (
            "project.yaml",
            "version: 1\nproject:\n  name: search\ntables:\n  - name: notes\n    columns:\n      - name: body\n        type: ''\n    rowid: true\n    sql: CREATE VIRTUAL TABLE notes USING fts5(body, tokenize = 'porter')\n",
        ),
        ("data/notes.csv", "rowid,body\n7,tables joined by keys\n12,an index speeds searches\n"),
    ]);
    let first = entry(lib.import_zip("search.zip", &project, &mut |_, _, _| {}).await);
    let hits = lib.query(&first.id, "SELECT rowid FROM notes WHERE notes MATCH 'join'", false).expect("FTS5 answers");
    assert_eq!(hits.rows, vec![vec![Some("7".to_owned())]]);
    lib.query(&first.id, "INSERT INTO notes (rowid, body) VALUES (20, 'searching again')", false).expect("writable");
    let (zip, _) = lib.export_text(&first.id, TextForm::Project, &mut |_, _, _| {}).expect("exported");
    let tree = FileTree::from_zip("p.zip", &zip.to_vec(), &Default::default()).expect("zip reads");
    let csv =
        tree.iter().find(|(p, _)| p.ends_with("data/notes.csv")).map(|(_, b)| String::from_utf8(b.to_vec()).unwrap());
    assert_eq!(
        csv.as_deref(),
        Some("rowid,body\n7,tables joined by keys\n12,an index speeds searches\n20,searching again\n")
    );
    assert!(!tree.iter().any(|(p, _)| p.contains("notes_data")), "no shadow table");
}

/// A database with SQLite's ordinary features, in the spirit of Northwind and Sakila.
const FEATURES: &str = "
    CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, \"full name\" TEXT NOT NULL COLLATE NOCASE,
        email TEXT UNIQUE, score REAL DEFAULT 1.5 CHECK (score >= 0), photo BLOB);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers (id) ON DELETE CASCADE,
        total REAL NOT NULL, cents INTEGER GENERATED ALWAYS AS (CAST(total * 100 AS INTEGER)) STORED,
        label TEXT GENERATED ALWAYS AS ('#' || id) VIRTUAL);
    CREATE TABLE [line items] (`order` INTEGER, pos INTEGER, qty INTEGER, PRIMARY KEY (`order`, pos)) WITHOUT ROWID;
    CREATE TABLE typed (i INTEGER, r REAL, t TEXT, b BLOB, a ANY) STRICT;
    CREATE TABLE \"Städte\" (name TEXT);
    CREATE INDEX big_orders ON orders (total) WHERE total > 100;
    CREATE INDEX lower_names ON customers (lower(\"full name\"));
    CREATE VIEW order_totals AS SELECT customer, sum(total) AS spent FROM orders GROUP BY customer;
    CREATE TRIGGER no_negative BEFORE INSERT ON orders WHEN NEW.total < 0 BEGIN SELECT RAISE(ABORT, 'negative'); END;
    CREATE VIRTUAL TABLE notes USING fts5(body);
    INSERT INTO customers (\"full name\", email, score, photo) VALUES ('Ada', 'ada@x', 2.5, x'00ff'), ('bob', NULL, 0, NULL), ('Zoë', 'z@x', 1e300, x'');
    DELETE FROM customers WHERE id = 3;
    INSERT INTO orders (id, customer, total) VALUES (10, 1, 250.0), (11, 2, 0.5);
    INSERT INTO [line items] VALUES (10, 2, 1), (10, 1, 3);
    INSERT INTO typed VALUES (9223372036854775807, -2.5, '', x'beef', 'x'), (NULL, 1e308, '007', NULL, 42);
    INSERT INTO \"Städte\" VALUES ('Köln'), (NULL);
    INSERT INTO notes (rowid, body) VALUES (4, 'tables joined by keys');";

#[wasm_bindgen_test]
async fn a_database_with_every_ordinary_feature_round_trips_through_the_project_form_in_the_worker() {
    use stepwise_artifact::rusqlite::{Connection, MAIN_DB};
    let mut lib = library("features").await;
    let bytes = {
        let mut conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch(FEATURES).expect("the fixture builds");
        conn.serialize(MAIN_DB).expect("serialize").to_vec()
    };
    let first = add(&mut lib, "features.sqlite", &bytes).await;
    let (zip, _) = lib.export_text(&first.id, TextForm::Project, &mut |_, _, _| {}).expect("exported");
    let second = entry(lib.import_zip("features-project.zip", &zip.to_vec(), &mut |_, _, _| {}).await);
    for sql in [
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
        "SELECT name, seq FROM sqlite_sequence",
        "SELECT quote(id), quote(\"full name\"), quote(email), quote(score), quote(photo) FROM customers ORDER BY id",
        "SELECT quote(id), quote(customer), quote(total), quote(cents), quote(label) FROM orders ORDER BY id",
        "SELECT quote(`order`), quote(pos), quote(qty) FROM [line items]",
        "SELECT quote(i), quote(r), quote(t), quote(b), quote(a), typeof(a) FROM typed ORDER BY rowid",
        "SELECT quote(name) FROM \"Städte\" ORDER BY rowid",
        "SELECT * FROM order_totals ORDER BY customer",
        "SELECT rowid, body FROM notes WHERE notes MATCH 'join*'",
        "SELECT \"full name\" FROM customers WHERE \"full name\" = 'ADA'",
    ] {
        let a = lib.query(&first.id, sql, false).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        let b = lib.query(&second.id, sql, false).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        assert!(!a.rows.is_empty(), "{sql}: the fixture has rows");
        assert_eq!((a.columns, a.rows), (b.columns, b.rows), "{sql}");
    }
}

/// The playground sorts with temporary files: a sort larger than the connection's cache spills
/// sorted runs to the pool's spare files, gives the same answer as one that fits, and leaves
/// no file behind; keeping spare files does not close the playground's connection.
#[wasm_bindgen_test]
async fn a_sort_larger_than_the_cache_spills_to_temporary_files_and_leaves_none() {
    let mut lib = library("spill").await;
    let db = entry(lib.new_database("sorts").await);
    let run = |lib: &mut Library, sql: &str| -> Rows {
        match lib.query(&db.id, sql, false) {
            Ok(QueryDone { rows, .. }) => rows,
            Err(e) => panic!("{sql}: {e:?}"),
        }
    };
    run(&mut lib, "CREATE TABLE t (k TEXT, pad TEXT)");
    // ~6 MB of rows in a scrambled order.
    run(
        &mut lib,
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 30000) \
         INSERT INTO t SELECT printf('%06d', (x * 7919) % 30011), hex(randomblob(90)) FROM n",
    );
    assert_eq!(run(&mut lib, "PRAGMA temp_store"), vec![vec![Some("1".to_owned())]], "temporary storage in files");
    // A sort of every row, ~6 MB, of which the playground keeps the first 500.
    let sorted = "SELECT k, length(pad) FROM t ORDER BY pad, k";
    let in_cache = run(&mut lib, sorted);
    assert_eq!(in_cache.len(), 500);
    // 50 pages of cache: the sorter keeps ~1 MB of rows (its floor) before it writes a run.
    run(&mut lib, "PRAGMA cache_size = 50");
    lib.reserve_for_query().await.expect("spare files");
    // Growing the pool keeps the playground's connection (and its cache) open.
    assert_eq!(run(&mut lib, "PRAGMA cache_size"), vec![vec![Some("50".to_owned())]]);
    let before = files(&lib);
    assert_eq!(run(&mut lib, sorted), in_cache);
    let grouped = "SELECT substr(k, 1, 2) AS g, count(*), max(pad) FROM t GROUP BY g ORDER BY g";
    let spilled = run(&mut lib, grouped);
    assert_eq!(spilled.len(), 4, "000000 to 030010: four prefixes");
    let counted: u64 = spilled.iter().map(|r| r[1].as_deref().unwrap_or("0").parse::<u64>().unwrap()).sum();
    assert_eq!(counted, 30000);
    let ordered = run(&mut lib, "SELECT k FROM t ORDER BY k LIMIT 3");
    let firsts: Vec<_> = ordered.iter().map(|r| r[0].clone().unwrap_or_default()).collect();
    let mut expected: Vec<String> = (1..=30000u64).map(|x| format!("{:06}", (x * 7919) % 30011)).collect();
    expected.sort();
    assert_eq!(firsts, expected[..3]);
    assert_eq!(files(&lib), before, "the temporary files are gone");
    lib.close().expect("closes");
}
