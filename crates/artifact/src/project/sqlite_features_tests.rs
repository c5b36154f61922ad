//! SQLite's own features through the project form: AUTOINCREMENT counters, names SQLite tells
//! apart, virtual tables refused by their module, data that is a folder or has other capitals,
//! and hostile names quoted short.

use rusqlite::Connection;

use crate::archive::FileTree;
use crate::error::Error;
use crate::project::names::{Token, has_word, tokens, virtual_module};
use crate::project::*;

fn schema(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn sequences(conn: &Connection) -> Vec<(String, i64)> {
    let mut stmt = conn.prepare("SELECT name, seq FROM sqlite_sequence ORDER BY name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn rebuilt(tree: &FileTree) -> Result<Connection, Error> {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::harden(&conn).unwrap();
    rebuild(tree, &mut conn)?;
    Ok(conn)
}

#[test]
fn autoincrement_tables_come_back_with_their_counters() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE plain (x);
         CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
         CREATE TABLE \"old logs\" (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT);
         CREATE TABLE never (id INTEGER PRIMARY KEY AUTOINCREMENT);
         INSERT INTO notes (body) VALUES ('a'), ('b'), ('c');
         DELETE FROM notes WHERE id = 3;
         INSERT INTO \"old logs\" (line) VALUES ('x'), ('y');
         DELETE FROM \"old logs\";
         INSERT INTO plain VALUES (1);",
    )
    .unwrap();
    let tree = export(&conn, "seq").unwrap();
    let yaml = String::from_utf8(tree.get("project.yaml").unwrap().to_vec()).unwrap();
    assert!(yaml.contains("sequence: 3"), "{yaml}");
    assert!(yaml.contains("sequence: 2"), "{yaml}");
    let back = rebuilt(&tree).unwrap();
    assert_eq!(schema(&back), schema(&conn));
    assert_eq!(sequences(&back), sequences(&conn));
    assert_eq!(export(&back, "seq").unwrap(), tree, "exported again, the same project");
    // A deleted row's id is not handed out again.
    back.execute("INSERT INTO notes (body) VALUES ('d')", []).unwrap();
    assert_eq!(back.query_row("SELECT max(id) FROM notes", [], |r| r.get::<_, i64>(0)).unwrap(), 4);

    // `sequence` on a table without AUTOINCREMENT is the author's mistake, said as such.
    let mut wrong = tree.clone();
    let yaml = yaml.replacen("sql: CREATE TABLE plain (x)", "sequence: 9\n  sql: CREATE TABLE plain (x)", 1);
    wrong.insert("project.yaml", yaml.clone()).unwrap();
    let e = rebuilt(&wrong).unwrap_err().to_string();
    assert!(e.contains("table \"plain\": `sequence` needs a table declared with AUTOINCREMENT"), "{e}\n{yaml}");
}

#[test]
fn names_sqlite_tells_apart_stay_apart() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE \"Ä\" (x TEXT); CREATE TABLE \"ä\" (\"Ö\" TEXT, \"ö\" TEXT);
         CREATE TABLE [my table] (`col umn` INTEGER PRIMARY KEY, \"q\"\"x\" ANY) STRICT, WITHOUT ROWID;
         INSERT INTO \"Ä\" VALUES ('upper'); INSERT INTO \"ä\" VALUES ('o', 'p'); INSERT INTO [my table] VALUES (1, 2.5);",
    )
    .unwrap();
    let tree = export(&conn, "names").unwrap();
    let back = rebuilt(&tree).unwrap();
    assert_eq!(schema(&back), schema(&conn));
    let v: String = back.query_row("SELECT \"ö\" FROM \"ä\"", [], |r| r.get(0)).unwrap();
    assert_eq!(v, "p");
}

#[test]
fn a_virtual_table_is_refused_by_its_module() {
    let yaml = "version: 1\nproject: {name: x}\ntables:\n  - name: places\n    columns: [{name: id, type: ''}]\n    sql: CREATE VIRTUAL TABLE places USING rtree(id, x0, x1)\n";
    let mut tree = FileTree::new();
    tree.insert("project.yaml", yaml).unwrap();
    let e = rebuilt(&tree).unwrap_err().to_string();
    assert!(e.contains("table \"places\": sql creates a virtual table of the module \"rtree\""), "{e}");
    assert_eq!(
        virtual_module("CREATE VIRTUAL TABLE \"a USING b\" USING fts5(x, content = 'docs')").as_deref(),
        Some("fts5")
    );
    assert_eq!(virtual_module("create virtual table t using \"My_Mod\"(x)").as_deref(), Some("my_mod"));
    assert!(has_word("CREATE TABLE t (id INTEGER PRIMARY KEY /* no */ AUTOINCREMENT)", "AUTOINCREMENT"));
    assert!(!has_word(
        "CREATE TABLE t (\"autoincrement\" TEXT, c TEXT DEFAULT 'AUTOINCREMENT') -- AUTOINCREMENT",
        "AUTOINCREMENT"
    ));
    assert_eq!(
        tokens("[a]]b] 'it''s' \"x\"\"y\" `z`"),
        vec![
            Token::Name("a".into()),
            Token::Punct(']'),
            Token::Word("B".into()),
            Token::Punct(']'),
            Token::Text("it's".into()),
            Token::Name("x\"y".into()),
            Token::Name("z".into())
        ]
    );
}

#[test]
fn data_that_is_a_folder_or_has_other_capitals_is_refused() {
    let yaml = "version: 1\nproject: {name: x}\ntables:\n  - name: t\n    columns: [{name: a, type: TEXT}]\n";
    // A folder with a file in it, as a zip or a folder on disk brings it.
    let mut tree = FileTree::new();
    tree.insert("project.yaml", yaml).unwrap();
    tree.insert("data/t.csv/part.csv", "a\nx\n").unwrap();
    let e = rebuilt(&tree).unwrap_err().to_string();
    assert!(e.starts_with("data/t.csv: is a folder; a table's data is one CSV file"), "{e}");
    // An empty folder: only the reader saw it.
    let mut tree = FileTree::new();
    tree.insert("project.yaml", yaml).unwrap();
    tree.insert_folder("data/t.csv/").unwrap();
    assert!(rebuilt(&tree).unwrap_err().to_string().contains("is a folder"));
    let zip = {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut bytes);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("project.yaml", opts).unwrap();
        std::io::Write::write_all(&mut w, yaml.as_bytes()).unwrap();
        w.add_directory("data/t.csv/", opts).unwrap();
        w.finish().unwrap();
        bytes.into_inner()
    };
    let from_zip = FileTree::from_zip("p.zip", &zip, &crate::archive::Limits::default()).unwrap();
    assert!(rebuilt(&from_zip).unwrap_err().to_string().contains("data/t.csv: is a folder"));
    // Other capitals: not silently an empty table.
    let mut tree = FileTree::new();
    tree.insert("project.yaml", yaml).unwrap();
    tree.insert("data/T.csv", "a\nx\n").unwrap();
    let e = rebuilt(&tree).unwrap_err().to_string();
    assert!(e.starts_with("data/T.csv: is the data of table \"t\" with other capitals: name it data/t.csv"), "{e}");
}

#[test]
fn a_hostile_name_is_quoted_short() {
    let long = "n".repeat(1 << 20);
    let yaml = format!(
        "version: 1\nproject: {{name: x}}\ntables:\n  - name: {long}\n    columns: [{{name: a, type: TEXT}}]\n  - name: {long}\n    columns: [{{name: a, type: TEXT}}]\n"
    );
    let mut tree = FileTree::new();
    tree.insert("project.yaml", yaml.clone()).unwrap();
    let e = rebuilt(&tree).unwrap_err().to_string();
    assert!(
        e.len() < 300 && e.contains("needs `file:`") && e.contains("(1048576 bytes)"),
        "{}",
        &e[..200.min(e.len())]
    );
    let yaml = yaml.replacen("    columns", "    file: a.csv\n    columns", 1).replacen(
        "TEXT}]\n  - name",
        "TEXT}]\n  - name",
        1,
    );
    let yaml = {
        let at = yaml.rfind("    columns").unwrap();
        format!("{}    file: b.csv\n{}", &yaml[..at], &yaml[at..])
    };
    tree.insert("project.yaml", yaml).unwrap();
    let e = rebuilt(&tree).unwrap_err().to_string();
    assert!(e.len() < 300, "{} bytes: {}", e.len(), &e[e.len() - 200..]);
    assert!(e.contains("is listed twice") && e.contains("(1048576 bytes)"), "{e}");
}

#[test]
fn any_table_or_view_downloads_as_csv() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE t (x, y TEXT);
         INSERT INTO t VALUES (2, 'b'), (1, NULL), (1.5, ''), (x'0102', 'blob');
         CREATE VIEW v AS SELECT y, x FROM t WHERE x < 2;",
    )
    .unwrap();
    let table = String::from_utf8(relation_csv(&conn, "t").unwrap()).unwrap();
    assert_eq!(table, "x,y\n2,b\n1,\n1.5,\"\"\nAQI=,blob\n", "an untyped column of numbers, in rowid order");
    let view = String::from_utf8(relation_csv(&conn, "v").unwrap()).unwrap();
    assert_eq!(view, "y,x\n,1\n\"\",1.5\n", "a view, ordered by its columns");
    let e = relation_csv(&conn, "nope").unwrap_err().to_string();
    assert!(e.contains("is neither a table nor a view"), "{e}");
}

/// Rows of `sql` as text, for comparing two databases.
fn rows(conn: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect::<Result<Vec<_>, _>>()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn fts5_tables_come_back_with_their_rowids_and_answer_the_same_searches() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
         INSERT INTO docs VALUES (1, 'Joins', 'an inner join keeps matching rows'),
                                 (4, 'Views', 'a view is a stored query'), (9, 'Nulls', NULL);
         CREATE VIRTUAL TABLE notes USING fts5(title, body, tokenize = 'porter unicode61');
         INSERT INTO notes (rowid, title, body) VALUES (10, 'Joining', 'tables joined by keys'),
                                                       (25, 'Indexes', 'an index speeds searches'), (26, 'Empty', NULL);
         INSERT INTO notes (rowid, title, body) VALUES (30, 'gone', 'deleted later');
         DELETE FROM notes WHERE rowid = 30;
         CREATE VIRTUAL TABLE \"doc search\" USING fts5(title, body, content = 'docs', content_rowid = 'id');
         INSERT INTO \"doc search\" (\"doc search\") VALUES ('rebuild');",
    )
    .unwrap();
    let tree = export(&conn, "search").unwrap();
    let yaml = String::from_utf8(tree.get("project.yaml").unwrap().to_vec()).unwrap();
    assert!(!yaml.contains("notes_data") && !yaml.contains("notes_content"), "no shadow table:\n{yaml}");
    assert!(yaml.contains("rowid: true"), "{yaml}");
    let csv = String::from_utf8(tree.get("data/notes.csv").unwrap().to_vec()).unwrap();
    assert!(csv.starts_with("rowid,title,body\n10,Joining,"), "{csv}");
    assert!(tree.get("data/doc search.csv").is_none(), "an external-content table has no rows of its own");

    let back = rebuilt(&tree).unwrap();
    assert_eq!(schema(&back), schema(&conn), "the same schema, shadow tables made again by SQLite");
    for sql in [
        "SELECT rowid, title, body FROM notes ORDER BY rowid",
        "SELECT rowid, title FROM notes WHERE notes MATCH 'join' ORDER BY rank",
        "SELECT rowid, highlight(\"doc search\", 1, '[', ']') FROM \"doc search\" WHERE \"doc search\" MATCH 'stored OR inner' ORDER BY rowid",
    ] {
        assert_eq!(rows(&back, sql), rows(&conn, sql), "{sql}");
    }
    assert_eq!(rows(&back, "SELECT rowid FROM notes WHERE notes MATCH 'join'"), [["Integer(10)".to_owned()]]);
    assert_eq!(export(&back, "search").unwrap(), tree, "exported again, the same project");
    // The rebuilt table takes new rows as FTS5 does.
    back.execute("INSERT INTO notes (title, body) VALUES ('More', 'joins again')", []).unwrap();

    // A data file whose rowid is not a whole number is refused with its line.
    let mut wrong = tree.clone();
    wrong.insert("data/notes.csv", csv.replacen("\n10,", "\nten,", 1)).unwrap();
    let e = rebuilt(&wrong).unwrap_err().to_string();
    assert!(e.contains("data/notes.csv") && e.contains("rowid must be a whole number"), "{e}");
}

#[test]
fn a_contentless_fts5_table_is_refused_for_the_text_it_does_not_keep() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE tokens USING fts5(word, content = ''); INSERT INTO tokens (rowid, word) VALUES (1, 'x');",
    )
    .unwrap();
    let e = export(&conn, "cl").unwrap_err().to_string();
    assert!(e.contains("table \"tokens\" is a contentless FTS5 table"), "{e}");
}

#[test]
fn stored_generated_columns_collations_and_every_quoting_come_back_as_written() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE `Bücher Liste` (
           [book id] INTEGER PRIMARY KEY,
           \"Titel\" TEXT COLLATE NOCASE NOT NULL CHECK (length(\"Titel\") > 0),
           price_cents INTEGER DEFAULT (100 * 2),
           price REAL GENERATED ALWAYS AS (price_cents / 100.0) STORED,
           shelf TEXT GENERATED ALWAYS AS (upper(substr(\"Titel\", 1, 1))) VIRTUAL
         );
         CREATE INDEX \"by title\" ON `Bücher Liste` (\"Titel\" COLLATE NOCASE DESC);
         INSERT INTO `Bücher Liste` ([book id], \"Titel\", price_cents) VALUES (3, 'emma', 1250), (7, 'Ulysses', NULL);
         INSERT INTO `Bücher Liste` (\"Titel\") VALUES ('anna');",
    )
    .unwrap();
    let tree = export(&conn, "books").unwrap();
    let back = rebuilt(&tree).unwrap();
    assert_eq!(schema(&back), schema(&conn));
    let sql =
        "SELECT [book id], \"Titel\", price_cents, price, shelf, typeof(price) FROM `Bücher Liste` ORDER BY \"Titel\"";
    assert_eq!(rows(&back, sql), rows(&conn, sql), "NOCASE order, stored and virtual generated values");
    assert_eq!(
        rows(&back, "SELECT count(*) FROM `Bücher Liste` WHERE \"Titel\" = 'EMMA'"),
        [["Integer(1)".to_owned()]]
    );
    assert_eq!(export(&back, "books").unwrap(), tree);
}
