//! Data files read, previewed and written, as users bring them: spreadsheets' CSV with quotes
//! and line breaks, TSV, semicolons, JSON exports, and broken ones.

use rusqlite::Connection;
use stepwise_protocol::{ColumnType, DataFormat, DataOptions};

use super::{Plan, load, preview, table_name};

fn detect() -> DataOptions {
    DataOptions::default()
}

fn rows_of(conn: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    let text = |v: rusqlite::types::ValueRef<'_>| match v {
        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
        other => String::from_utf8_lossy(other.as_bytes().unwrap_or(b"?")).into_owned(),
    };
    stmt.query_map([], |r| (0..width).map(|i| r.get_ref(i).map(text)).collect::<Result<Vec<_>, _>>())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn new_table<'a>(table: &'a str) -> Plan<'a> {
    Plan { table, append: false, options: DataOptions::default(), types: &[] }
}

#[test]
fn a_spreadsheets_csv_is_previewed_with_its_header_and_types() {
    let csv = "\u{feff}id,name,price,zip,note\r\n1,\"Ada, Countess\",12.5,02134,\"two\r\nlines\"\r\n2,Bob,3,10115,\r\n\r\n3,\"Cé \"\"Q\"\"\",,00501,x\r\n";
    let p = preview("Shop items.csv", csv.as_bytes(), detect()).unwrap();
    assert_eq!(p.format, DataFormat::Delimited);
    assert_eq!(p.delimiter, Some(','));
    assert!(p.header);
    assert_eq!(p.total, 3, "the blank line is no row");
    assert_eq!(p.table, "Shop_items");
    let types: Vec<_> = p.columns.iter().map(|c| (c.name.as_str(), c.column_type, c.empty)).collect();
    assert_eq!(
        types,
        [
            ("id", ColumnType::Integer, 0),
            ("name", ColumnType::Text, 0),
            ("price", ColumnType::Real, 1),
            ("zip", ColumnType::Text, 0),
            ("note", ColumnType::Text, 1),
        ]
    );
    assert_eq!(
        p.rows[0],
        [Some("1"), Some("Ada, Countess"), Some("12.5"), Some("02134"), Some("two\r\nlines")]
            .map(|c| c.map(str::to_owned))
    );
    assert_eq!(p.rows[2][1].as_deref(), Some("Cé \"Q\""));
    assert_eq!(p.rows[2][2], None, "an empty number is NULL");
    assert_eq!(p.rows[1][4].as_deref(), Some(""), "an empty text stays empty");
    assert!(p.notes.is_empty() && p.problem.is_none(), "{p:?}");
}

#[test]
fn the_delimiter_is_detected_and_can_be_chosen() {
    let tsv = "city\tcountry\tpeople\nBerlin\tDE\t3850809\nParis, the capital\tFR\t2102650\n";
    let p = preview("cities.tsv", tsv.as_bytes(), detect()).unwrap();
    assert_eq!(p.delimiter, Some('\t'));
    assert_eq!(p.columns[2].column_type, ColumnType::Integer);
    assert_eq!(p.rows[1][0].as_deref(), Some("Paris, the capital"));

    let semi = "a;b;c\n1,5;2;x\n3,25;4;y\n";
    let p = preview("eu.csv", semi.as_bytes(), detect()).unwrap();
    assert_eq!(p.delimiter, Some(';'));
    assert_eq!(p.columns.len(), 3);

    let pipes = "k|v\n1|one\n2|two\n";
    assert_eq!(preview("p.txt.csv", pipes.as_bytes(), detect()).unwrap().delimiter, Some('|'));

    let forced = preview("eu.csv", semi.as_bytes(), DataOptions { delimiter: Some(','), header: None }).unwrap();
    assert_eq!(forced.delimiter, Some(','));
    assert_eq!(forced.columns.len(), 1, "a;b;c is one field when split by commas");
    assert!(forced.problem.is_some(), "\"1,5;2;x\" has two fields: {forced:?}");

    let bad = preview("x.csv", b"a,b\n", DataOptions { delimiter: Some('"'), header: None }).unwrap_err();
    assert!(bad.to_string().contains("cannot separate fields"), "{bad}");
}

#[test]
fn a_first_row_of_numbers_is_data_and_names_are_made_up() {
    let p = preview("m.csv", b"1,2,3\n4,5,6\n", detect()).unwrap();
    assert!(!p.header);
    assert_eq!(p.total, 2);
    let names: Vec<_> = p.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["column1", "column2", "column3"]);

    let header = DataOptions { delimiter: None, header: Some(true) };
    let p = preview("h.csv", b"Name,,name, Name \nx,y,z,w\n", header).unwrap();
    assert!(p.header);
    let names: Vec<_> = p.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Name", "column2", "name_2", "Name_3"], "empty and repeated names (ignoring case)");

    let p = preview("h.csv", b"a,b\nx,y\n", DataOptions { delimiter: None, header: Some(false) }).unwrap();
    assert_eq!(p.total, 2, "the user said the first row is data");
}

#[test]
fn ragged_rows_are_named_by_line() {
    let csv = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n";
    let p = preview("r.csv", csv.as_bytes(), detect()).unwrap();
    assert_eq!(p.problem.as_deref(), Some("r.csv:4: 4 fields, but the header has 3"));
    assert_eq!(p.notes, ["1 row with fewer fields than the header: their missing cells are left empty (NULL)."]);
    assert_eq!(p.rows[1], [Some("4".to_owned()), Some("5".to_owned()), None]);

    let conn = Connection::open_in_memory().unwrap();
    let e = load(&conn, "r.csv", csv.as_bytes(), &new_table("r")).unwrap_err();
    assert_eq!(e.to_string(), "r.csv:4: 4 fields, but the header has 3");
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 0, "nothing was written");
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_line() {
    let bytes = b"name\nJos\xe9\n";
    let e = preview("latin1.csv", bytes, detect()).unwrap_err();
    assert_eq!(e.to_string(), "latin1.csv:2: not UTF-8 text; save the file as UTF-8 and add it again");
}

#[test]
fn rows_are_written_with_their_types() {
    let conn = Connection::open_in_memory().unwrap();
    let csv = "id,name,price,zip\n1,Ada,12.5,02134\n2,Bob,,10115\n";
    assert_eq!(load(&conn, "items.csv", csv.as_bytes(), &new_table("items")).unwrap(), 2);
    let sql: String = conn.query_row("SELECT sql FROM sqlite_schema WHERE name = 'items'", [], |r| r.get(0)).unwrap();
    assert_eq!(sql, "CREATE TABLE \"items\" (\"id\" INTEGER, \"name\" TEXT, \"price\" REAL, \"zip\" TEXT)");
    let got = rows_of(&conn, "SELECT typeof(id), name, quote(price), quote(zip) FROM items ORDER BY id");
    assert_eq!(got, [["integer", "Ada", "12.5", "'02134'"], ["integer", "Bob", "NULL", "'10115'"]]);

    // The user made `zip` a number and `id` text.
    let types = [ColumnType::Text, ColumnType::Text, ColumnType::Real, ColumnType::Integer];
    let plan = Plan { table: "items2", append: false, options: DataOptions::default(), types: &types };
    load(&conn, "items.csv", csv.as_bytes(), &plan).unwrap();
    let got = rows_of(&conn, "SELECT quote(id), quote(zip) FROM items2 ORDER BY rowid");
    assert_eq!(got, [["'1'", "2134"], ["'2'", "10115"]]);

    let wrong = Plan { table: "items3", append: false, options: DataOptions::default(), types: &types[..2] };
    let e = load(&conn, "items.csv", csv.as_bytes(), &wrong).unwrap_err();
    assert!(e.to_string().contains("preview it again"), "{e}");
}

#[test]
fn rows_are_added_to_an_existing_table_or_none_are() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, upper_name TEXT AS (upper(name)));
         INSERT INTO people VALUES (1, 'ada');",
    )
    .unwrap();
    let append = |table: &'static str| Plan { table, append: true, options: DataOptions::default(), types: &[] };
    assert_eq!(load(&conn, "more.csv", b"id,name\n2,bob\n3,cy\n", &append("People")).unwrap(), 2);
    let got = rows_of(&conn, "SELECT id, upper_name FROM people ORDER BY id");
    assert_eq!(got, [["1", "ADA"], ["2", "BOB"], ["3", "CY"]]);

    // Row 3 breaks the primary key: none of the file's rows stay.
    let e = load(&conn, "dup.csv", b"id,name\n40,dee\n1,again\n", &append("people")).unwrap_err();
    assert_eq!(e.to_string(), "dup.csv:3: UNIQUE constraint failed: people.id");
    let n: i64 = conn.query_row("SELECT count(*) FROM people", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);

    // A header naming the table's columns in another order, one left out: matched by name.
    assert_eq!(load(&conn, "named.csv", b"NAME,id\ndee,4\n", &append("people")).unwrap(), 1);
    assert_eq!(rows_of(&conn, "SELECT name FROM people WHERE id = 4"), [["dee"]]);
    let json = br#"[{"name": "eve", "id": 5}]"#;
    assert_eq!(load(&conn, "named.json", json, &append("people")).unwrap(), 1);
    assert_eq!(rows_of(&conn, "SELECT name FROM people WHERE id = 5"), [["eve"]]);
    // Names that are not the table's: by position, so the widths must agree.
    let e = load(&conn, "w.csv", b"a,b,c\n1,2,3\n", &append("people")).unwrap_err();
    assert_eq!(e.to_string(), "w.csv: has 3 columns, but the table \"people\" has 2");
    let e = load(&conn, "n.csv", b"a\n1\n", &append("nobody")).unwrap_err();
    assert_eq!(e.to_string(), "n.csv: the database has no table named \"nobody\"");
    let e = load(&conn, "people.csv", b"id,name\n9,x\n", &new_table("PEOPLE")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "people.csv: the database already has a table named \"people\"; choose another name or add the rows to it"
    );
    let e = load(&conn, "s.csv", b"a\n1\n", &new_table("sqlite_stat9")).unwrap_err();
    assert!(e.to_string().contains("SQLite keeps for itself"), "{e}");
    let long = "t".repeat(10_000);
    let e = load(&conn, "s.csv", b"a\n1\n", &new_table(&long)).unwrap_err();
    assert!(e.to_string().len() < 200, "a hostile name is quoted short: {e}");
}

#[test]
fn json_arrays_of_objects_keep_the_keys_order_and_types() {
    let json = r#"[
        {"name": "Ada", "born": 1815, "score": 9.5, "tags": ["math"], "active": true},
        {"born": 1906, "name": "Grace", "extra": null, "active": false},
        {"name": "Edsger", "score": 7}
    ]"#;
    let p = preview("people.json", json.as_bytes(), detect()).unwrap();
    assert_eq!(p.format, DataFormat::Json);
    assert_eq!(p.delimiter, None);
    let cols: Vec<_> = p.columns.iter().map(|c| (c.name.as_str(), c.column_type)).collect();
    assert_eq!(
        cols,
        [
            ("name", ColumnType::Text),
            ("born", ColumnType::Integer),
            ("score", ColumnType::Real),
            ("tags", ColumnType::Text),
            ("active", ColumnType::Integer),
            ("extra", ColumnType::Text),
        ]
    );
    assert_eq!(p.notes, ["1 objects or arrays are written as JSON text."]);
    let conn = Connection::open_in_memory().unwrap();
    assert_eq!(load(&conn, "people.json", json.as_bytes(), &new_table("people")).unwrap(), 3);
    let got = rows_of(&conn, "SELECT quote(name), quote(born), quote(score), quote(tags), quote(active) FROM people");
    assert_eq!(
        got,
        [
            ["'Ada'", "1815", "9.5", "'[\"math\"]'", "1"],
            ["'Grace'", "1906", "NULL", "NULL", "0"],
            ["'Edsger'", "NULL", "7.0", "NULL", "NULL"],
        ]
    );
}

#[test]
fn json_lines_and_arrays_of_arrays() {
    let nd = "{\"a\": 1, \"b\": \"x\"}\n\n{\"a\": 2}\n{\"a\": 3, \"b\": \"z\"}\n";
    let p = preview("log.ndjson", nd.as_bytes(), detect()).unwrap();
    assert_eq!(p.format, DataFormat::JsonLines);
    assert_eq!(p.total, 3);

    let broken = "{\"a\": 1}\n{\"a\": 2,}\n";
    let e = preview("log.jsonl", broken.as_bytes(), detect()).unwrap_err();
    assert!(e.to_string().starts_with("log.jsonl:2: not valid JSON"), "{e}");

    let arrays = r#"[["city", "people"], ["Berlin", 3850809], ["Paris", 2102650]]"#;
    let p = preview("c.json", arrays.as_bytes(), detect()).unwrap();
    assert!(p.header);
    assert_eq!(p.total, 2);
    assert_eq!(p.columns[1].column_type, ColumnType::Integer);

    let e = preview("s.json", b"[1, 2]", detect()).unwrap_err();
    assert!(e.to_string().starts_with("s.json: row 1 is not an object or an array"), "{e}");
    let e = preview("m.json", br#"[{"a": 1}, [2]]"#, detect()).unwrap_err();
    assert_eq!(e.to_string(), "m.json: row 2: an array among objects; every row must be an object");
}

#[test]
fn too_many_columns_are_refused() {
    let header: Vec<String> = (0..5000).map(|i| format!("c{i}")).collect();
    let e = preview("wide.csv", header.join(",").as_bytes(), detect()).unwrap_err();
    assert_eq!(e.to_string(), "wide.csv: too large: 5000 columns; Stepwise reads up to 1000");
}

#[test]
fn empty_files_have_nothing_to_write() {
    let p = preview("e.csv", b"", detect()).unwrap();
    assert_eq!((p.total, p.columns.len()), (0, 0));
    let conn = Connection::open_in_memory().unwrap();
    let e = load(&conn, "e.csv", b"", &new_table("e")).unwrap_err();
    assert_eq!(e.to_string(), "e.csv: holds no rows: there is nothing to write");
}

#[test]
fn table_names_come_from_file_names() {
    assert_eq!(table_name("Sales 2024 (final).csv"), "Sales_2024_final");
    assert_eq!(table_name("2024.csv"), "t_2024");
    assert_eq!(table_name("---.json"), "data");
    assert_eq!(table_name("sqlite_master.csv"), "t_sqlite_master");
    assert_eq!(table_name("städte.tsv"), "städte");
}
