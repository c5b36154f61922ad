//! A database out as a project: `project.yaml` (every table's `sql`) and `data/<table>.csv`,
//! into a [`FileTree`] or streamed into a zip; one table as CSV for the playground and the
//! runtime tables of a workshop's text form.

use std::collections::HashSet;
use std::io::{Seek, Write};

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension as _};

use crate::archive::{FileTree, ZipStream};
use crate::csv::{self, Affinity, Encoding, TypeCounts};
use crate::error::{Error, Result, Shown, SqlContext as _};
use crate::project::file::*;
use crate::project::fts5;
use crate::project::names::*;
use crate::project::rebuild::load_csv;

/// Exports the database of `conn` as a project named `name`.
///
/// The tree holds `project.yaml` (with every table's `sql`), `data/<table>.csv` for every table
/// (rows in primary key or rowid order, each column in the first encoding that reproduces all
/// its values) and a `.gitignore` ignoring `*.db`. The same database always gives the same
/// bytes. SQLite's internal tables (`sqlite_*`) and automatic indexes are left out.
///
/// # Errors
///
/// [`Error::Sqlite`] when reading the schema or data fails; [`Error::Invalid`] for what the
/// project form cannot hold (a virtual table, text that is not UTF-8).
pub fn export(conn: &Connection, name: &str) -> Result<FileTree> {
    let mut tree = FileTree::new();
    export_into(conn, name, &mut |path, fill| {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        tree.insert(path, bytes)
    })?;
    Ok(tree)
}

/// Exports the database of `conn` as the zip of the project [`export`] makes — the same bytes as
/// `export(conn, name)?.to_zip()` —, streamed into `out`: each CSV goes through deflate as its
/// rows are read, so memory holds a few rows and the zip written so far (in a file: nothing).
/// Returns `out` and the number of files.
///
/// # Errors
///
/// As [`export`]; [`Error::Archive`] when writing to `out` fails.
pub fn export_zip<W: Write + Seek>(conn: &Connection, name: &str, out: W) -> Result<(W, usize)> {
    let mut zip = ZipStream::new(out);
    export_into(conn, name, &mut |path, fill| zip.entry(path, false, fill))?;
    let count = zip.len();
    Ok((zip.finish()?, count))
}

/// A file of the project: its path, and a function that writes its bytes.
pub(crate) type FileFill<'a> = &'a mut dyn FnMut(&mut dyn Write) -> Result<()>;

/// The project of `conn`, file by file in ascending path order (`.gitignore`, `data/*.csv`,
/// `project.yaml`), handed to `add`.
pub(crate) fn export_into(
    conn: &Connection,
    name: &str,
    add: &mut dyn FnMut(&str, FileFill<'_>) -> Result<()>,
) -> Result<()> {
    let mut project = ProjectFile {
        version: VERSION,
        project: ProjectMeta { name: name.to_owned(), description: None },
        tables: Vec::new(),
        relationships: Vec::new(),
        indexes: Vec::new(),
        views: Vec::new(),
        triggers: Vec::new(),
    };
    add(".gitignore", &mut |w| w.write_all(b"*.db\n").map_err(|e| write_error(".gitignore", &e)))?;
    let mut used_files: HashSet<String> = HashSet::new();
    // The tables in schema order (project.yaml lists them so), each with its data file.
    let mut tables: Vec<(TableDef, Vec<ColumnInfo>, Option<String>)> = Vec::new();
    // An FTS5 table's shadow tables are SQLite's: it makes them again with the table.
    let shadows = fts5::shadow_tables(conn)?;
    for (table, sql) in &schema_objects(conn, "table")? {
        if table.to_ascii_lowercase().starts_with("sqlite_") || shadows.contains(table) {
            continue;
        }
        let mut has_rows = true;
        let mut rowid = false;
        if leading_words(sql, 2).get(1).map(String::as_str) == Some("VIRTUAL") {
            let module = virtual_module(sql).unwrap_or_else(|| "?".to_owned());
            match (module.as_str(), fts5::content(sql)) {
                ("fts5", fts5::Content::Own) => rowid = true,
                ("fts5", fts5::Content::External(_)) => has_rows = false,
                ("fts5", fts5::Content::None) => {
                    return Err(Error::invalid(
                        name,
                        format!(
                            "table {} is a contentless FTS5 table (content=''): it keeps no text, so its rows \
                             cannot be written out",
                            Shown(table)
                        ),
                    ));
                }
                _ => {
                    return Err(Error::invalid(
                        name,
                        format!(
                            "table {} is a virtual table of the module {}, which the project form cannot hold",
                            Shown(table),
                            Shown(&module)
                        ),
                    ));
                }
            }
        }
        let (mut def, all_columns) = describe_table(conn, table, sql)?;
        def.rowid = rowid;
        project.relationships.extend(relationships(conn, table)?);
        let stem = if is_safe_file_name(table) && used_files.insert(table.to_lowercase()) {
            table.clone()
        } else {
            let base = safe_file_stem(table);
            let mut stem = base.clone();
            let mut n = 2;
            while !used_files.insert(stem.to_lowercase()) {
                stem = format!("{base}-{n}");
                n += 1;
            }
            def.file = Some(format!("{stem}.csv"));
            stem
        };
        tables.push((def, all_columns, has_rows.then(|| format!("data/{stem}.csv"))));
    }
    // The data files in path order, as a zip of the tree holds them.
    let mut order: Vec<usize> = (0..tables.len()).filter(|&i| tables[i].2.is_some()).collect();
    order.sort_by(|&a, &b| tables[a].2.cmp(&tables[b].2));
    for i in order {
        let (def, columns, path) = &mut tables[i];
        let path = path.as_deref().unwrap_or_default();
        add(path, &mut |w| export_rows(conn, def, columns, &mut *w, path))?;
    }
    project.tables = tables.into_iter().map(|(def, _, _)| def).collect();
    for (index, sql) in schema_objects(conn, "index")? {
        let table: String = conn
            .query_row("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?1", [&index], |r| r.get(0))
            .ctx(&format!("reading index {}", Shown(&index)))?;
        let mut stmt = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno").ctx("reading indexes")?;
        let columns = stmt
            .query_map([&index], |r| r.get::<_, Option<String>>(0))
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .ctx(&format!("reading index {}", Shown(&index)))?
            .into_iter()
            .flatten()
            .collect();
        let unique = leading_words(&sql, 2).get(1).map(String::as_str) == Some("UNIQUE");
        project.indexes.push(IndexDef { name: index, table, columns, unique, sql: Some(sql) });
    }
    for (view, sql) in schema_objects(conn, "view")? {
        project.views.push(NamedSql { name: view, sql });
    }
    for (trigger, sql) in schema_objects(conn, "trigger")? {
        project.triggers.push(NamedSql { name: trigger, sql });
    }
    let yaml = project.to_yaml()?;
    add(PROJECT_YAML, &mut |w| w.write_all(yaml.as_bytes()).map_err(|e| write_error(PROJECT_YAML, &e)))
}

/// Writing a file of the export failed (the zip's output, or the disk under it).
pub(crate) fn write_error(path: &str, e: &std::io::Error) -> Error {
    Error::Archive { file: path.to_owned(), reason: format!("writing: {e}") }
}

/// `(name, sql)` of the schema objects of `kind` that have SQL, in creation order.
pub(crate) fn schema_objects(conn: &Connection, kind: &str) -> Result<Vec<(String, String)>> {
    let context = format!("reading the {kind}s of the schema");
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = ?1 AND sql IS NOT NULL ORDER BY rowid")
        .ctx(&context)?;
    stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?))).and_then(|rows| rows.collect()).ctx(&context)
}

/// A column as `pragma table_xinfo` describes it.
pub(crate) struct ColumnInfo {
    name: String,
    type_: String,
    not_null: bool,
    default: Option<String>,
    pk: i64,
    hidden: i64,
}

/// The table's definition and its insertable columns (generated ones left out).
pub(crate) fn describe_table(conn: &Connection, table: &str, sql: &str) -> Result<(TableDef, Vec<ColumnInfo>)> {
    let context = format!("reading table {}", Shown(table));
    let (strict, without_rowid): (bool, bool) = conn
        .query_row("SELECT strict, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1", [table], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ctx(&context)?;
    let mut stmt = conn
        .prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid")
        .ctx(&context)?;
    let columns: Vec<ColumnInfo> = stmt
        .query_map([table], |r| {
            Ok(ColumnInfo {
                name: r.get(0)?,
                type_: r.get(1)?,
                not_null: r.get(2)?,
                default: r.get(3)?,
                pk: r.get(4)?,
                hidden: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
        .ctx(&context)?
        .into_iter()
        .filter(|c| c.hidden == 0)
        .collect();
    // Single-column UNIQUE constraints.
    let mut unique_cols: HashSet<String> = HashSet::new();
    let mut stmt =
        conn.prepare("SELECT name FROM pragma_index_list(?1) WHERE origin = 'u' AND partial = 0").ctx(&context)?;
    let uniques: Vec<String> = stmt.query_map([table], |r| r.get(0)).and_then(|r| r.collect()).ctx(&context)?;
    for index in uniques {
        let mut stmt = conn.prepare("SELECT name FROM pragma_index_info(?1)").ctx(&context)?;
        let cols: Vec<Option<String>> =
            stmt.query_map([&index], |r| r.get(0)).and_then(|r| r.collect()).ctx(&context)?;
        if let [Some(col)] = cols.as_slice() {
            unique_cols.insert(col.clone());
        }
    }
    let mut keyed: Vec<&ColumnInfo> = columns.iter().filter(|c| c.pk > 0).collect();
    keyed.sort_by_key(|c| c.pk);
    let composite = keyed.len() > 1;
    let defs = columns
        .iter()
        .map(|c| ColumnDef {
            name: c.name.clone(),
            type_: c.type_.clone(),
            primary_key: c.pk > 0 && !composite,
            not_null: c.not_null,
            unique: unique_cols.contains(&c.name),
            default: c.default.clone(),
            encoding: Encoding::Text,
        })
        .collect();
    let def = TableDef {
        name: table.to_owned(),
        file: None,
        columns: defs,
        strict,
        without_rowid,
        primary_key: if composite { keyed.iter().map(|c| c.name.clone()).collect() } else { Vec::new() },
        sql: Some(sql.to_owned()),
        sequence: sequence_of(conn, table)?,
        rowid: false,
    };
    Ok((def, columns))
}

/// The `sqlite_sequence` counter of `table`, when it has one (an `AUTOINCREMENT` table that
/// has held a row).
fn sequence_of(conn: &Connection, table: &str) -> Result<Option<i64>> {
    let exists: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'",
            [],
            |r| r.get(0),
        )
        .ctx("reading the schema")?;
    if !exists {
        return Ok(None);
    }
    let context = format!("reading the AUTOINCREMENT counter of {}", Shown(table));
    let value: Option<rusqlite::types::Value> = conn
        .query_row("SELECT seq FROM sqlite_sequence WHERE name = ?1", [table], |r| r.get(0))
        .optional()
        .ctx(&context)?;
    match value {
        None => Ok(None),
        Some(rusqlite::types::Value::Integer(n)) => Ok(Some(n)),
        Some(_) => Err(Error::invalid(
            "sqlite_sequence",
            format!("the counter of table {} is not a whole number", Shown(table)),
        )),
    }
}

/// The foreign keys of `table`.
pub(crate) fn relationships(conn: &Connection, table: &str) -> Result<Vec<Relationship>> {
    let context = format!("reading the foreign keys of {}", Shown(table));
    let mut stmt = conn
        .prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
        .ctx(&context)?;
    type Row = (i64, String, String, Option<String>, String, String);
    let rows: Vec<Row> = stmt
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .and_then(|r| r.collect())
        .ctx(&context)?;
    let mut out: Vec<Relationship> = Vec::new();
    let mut last_id = None;
    let action = |a: &str| {
        let a = a.to_ascii_lowercase();
        if a == "no action" { None } else { Some(a) }
    };
    for (id, parent, from, to, on_update, on_delete) in rows {
        if last_id != Some(id) {
            last_id = Some(id);
            out.push(Relationship {
                from: Endpoint { table: table.to_owned(), columns: Vec::new() },
                to: Endpoint { table: parent.clone(), columns: Vec::new() },
                on_delete: action(&on_delete),
                on_update: action(&on_update),
            });
        }
        if let Some(rel) = out.last_mut() {
            rel.from.columns.push(from);
            if let Some(to) = to {
                rel.to.columns.push(to);
            }
        }
    }
    // A reference without columns names the parent's primary key.
    for rel in out.iter_mut().filter(|r| r.to.columns.is_empty()) {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk").ctx(&context)?;
        rel.to.columns = stmt.query_map([&rel.to.table], |r| r.get(0)).and_then(|r| r.collect()).ctx(&context)?;
    }
    Ok(out)
}

/// The encoding a workshop's runtime tables use, fixed by the declared type: they are STRICT,
/// so a BLOB column holds only blobs and every other column reads back through its affinity.
pub(crate) fn runtime_encoding(declared: &str) -> Encoding {
    if declared.eq_ignore_ascii_case("BLOB") { Encoding::Base64 } else { Encoding::Text }
}

pub(crate) fn table_sql(conn: &Connection, table: &str) -> Result<String> {
    conn.query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
        .ctx(&format!("reading table {}", Shown(table)))
}

/// One table of `conn` as project-form CSV, or `None` when it has no rows: how a workshop's
/// runtime tables travel in its text form (`data/<table>.csv`).
pub fn table_csv(conn: &Connection, table: &str) -> Result<Option<Vec<u8>>> {
    let rows: i64 = conn
        .query_row(&format!("SELECT count(*) FROM {}", quote_ident(table)), [], |r| r.get(0))
        .ctx(&format!("counting the rows of {}", Shown(table)))?;
    if rows == 0 {
        return Ok(None);
    }
    let (mut def, columns) = describe_table(conn, table, &table_sql(conn, table)?)?;
    let mut bytes = Vec::new();
    export_rows(conn, &mut def, &columns, &mut bytes, &format!("data/{table}.csv"))?;
    if let Some(c) = def.columns.iter().find(|c| c.encoding != runtime_encoding(&c.type_)) {
        return Err(Error::invalid(
            format!("data/{table}.csv"),
            format!("column {:?} holds values of an unexpected type", c.name),
        ));
    }
    Ok(Some(bytes))
}

/// A table or view of `conn` as CSV for people (a spreadsheet, a grade book): the header, then
/// every row — a table's in key or rowid order, a view's ordered by all its columns so that the
/// same view always gives the same file. NULL is an empty field and `""` an empty text, as in
/// the project form; numbers as SQLite prints them; a blob in base64.
///
/// # Errors
/// [`Error::Invalid`] when `name` is neither a table nor a view; SQLite's error otherwise (a
/// virtual table whose module this SQLite lacks).
pub fn relation_csv(conn: &Connection, name: &str) -> Result<Vec<u8>> {
    let context = format!("reading {}", Shown(name));
    let kind: Option<String> = conn
        .query_row("SELECT type FROM sqlite_schema WHERE name = ?1 AND type IN ('table', 'view')", [name], |r| r.get(0))
        .optional()
        .ctx(&context)?;
    let Some(kind) = kind else {
        return Err(Error::invalid(name, "is neither a table nor a view of this database"));
    };
    let q = quote_ident(name);
    let columns: Vec<String> = {
        let stmt = conn.prepare(&format!("SELECT * FROM {q} LIMIT 0")).ctx(&context)?;
        stmt.column_names().into_iter().map(str::to_owned).collect()
    };
    let order = if kind == "view" {
        (1..=columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
    } else {
        let keys: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
            .ctx(&context)?;
        if keys.is_empty() {
            "rowid".to_owned()
        } else {
            keys.iter().map(|k| quote_ident(k)).collect::<Vec<_>>().join(", ")
        }
    };
    let sql =
        if order.is_empty() { format!("SELECT * FROM {q}") } else { format!("SELECT * FROM {q} ORDER BY {order}") };
    let mut stmt = match conn.prepare(&sql) {
        Ok(stmt) => stmt,
        // A table whose rowid is hidden behind columns of that name: in stored order.
        Err(_) => conn.prepare(&format!("SELECT * FROM {q}")).ctx(&context)?,
    };
    let mut out = String::new();
    crate::csv::write_record(&mut out, columns.iter().map(|c| Some(c.as_str())));
    let mut rows = stmt.query([]).ctx(&context)?;
    let mut cells: Vec<Option<String>> = Vec::with_capacity(columns.len());
    while let Some(row) = rows.next().ctx(&context)? {
        cells.clear();
        for i in 0..columns.len() {
            cells.push(match row.get_ref(i).ctx(&context)? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                rusqlite::types::ValueRef::Real(x) => Some(x.to_string()),
                rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                rusqlite::types::ValueRef::Blob(b) => {
                    use base64::Engine as _;
                    Some(base64::engine::general_purpose::STANDARD.encode(b))
                }
            });
        }
        crate::csv::write_record(&mut out, cells.iter().map(Option::as_deref));
    }
    Ok(out.into_bytes())
}

/// Loads `bytes` (the CSV written by [`table_csv`]) into the existing, empty `table`.
pub(crate) fn load_table_csv(conn: &Connection, table: &str, path: &str, bytes: &[u8]) -> Result<u64> {
    let (mut def, _) = describe_table(conn, table, &table_sql(conn, table)?)?;
    for c in &mut def.columns {
        c.encoding = runtime_encoding(&c.type_);
    }
    load_csv(conn, &def, path, bytes, &mut Vec::new())
}

/// Writes the CSV of one table and sets each column's encoding in `def`.
/// Writes the CSV of `def`'s table into `w` (the data file `path`), choosing each column's
/// encoding first; the text goes out in pieces of about [`CSV_PIECE`] bytes.
pub(crate) fn export_rows(
    conn: &Connection,
    def: &mut TableDef,
    columns: &[ColumnInfo],
    w: &mut dyn Write,
    path: &str,
) -> Result<()> {
    let table = def.name.clone();
    let context = format!("reading the rows of {}", Shown(&table));
    let q = quote_ident(&table);
    // Pick the encodings from typeof() counts, in one pass over the table.
    if !columns.is_empty() {
        let aggregates: Vec<String> = columns
            .iter()
            .map(|c| {
                let c = quote_ident(&c.name);
                format!(
                    "count(CASE WHEN typeof({c}) = 'integer' THEN 1 END), count(CASE WHEN typeof({c}) = 'real' THEN 1 END), \
                     count(CASE WHEN typeof({c}) = 'real' AND {c} = CAST({c} AS INTEGER) THEN 1 END), \
                     count(CASE WHEN typeof({c}) = 'text' THEN 1 END), count(CASE WHEN typeof({c}) = 'blob' THEN 1 END)"
                )
            })
            .collect();
        let sql = format!("SELECT {} FROM {q}", aggregates.join(", "));
        let counts: Vec<TypeCounts> = conn
            .query_row(&sql, [], |r| {
                (0..columns.len())
                    .map(|i| {
                        Ok(TypeCounts {
                            integer: r.get::<_, i64>(i * 5)?.unsigned_abs(),
                            real: r.get::<_, i64>(i * 5 + 1)?.unsigned_abs(),
                            integral_real: r.get::<_, i64>(i * 5 + 2)?.unsigned_abs(),
                            text: r.get::<_, i64>(i * 5 + 3)?.unsigned_abs(),
                            blob: r.get::<_, i64>(i * 5 + 4)?.unsigned_abs(),
                        })
                    })
                    .collect()
            })
            .ctx(&context)?;
        for ((col, info), counts) in def.columns.iter_mut().zip(columns).zip(&counts) {
            col.encoding = csv::pick_encoding(Affinity::of(&info.type_, def.strict), counts);
        }
    }
    let order = if def.without_rowid {
        def.key_columns().iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
    } else {
        let names: HashSet<String> = columns.iter().map(|c| c.name.to_ascii_lowercase()).collect();
        ["rowid", "_rowid_", "oid"]
            .into_iter()
            .find(|r| !names.contains(*r))
            .ok_or_else(|| {
                Error::invalid(
                    PROJECT_YAML,
                    format!("table {} hides its rowid behind columns rowid, _rowid_ and oid", Shown(&table)),
                )
            })?
            .to_owned()
    };
    let mut out = String::with_capacity(CSV_PIECE + 4096);
    let rowid = def.rowid && !def.without_rowid;
    let header = rowid.then_some(ROWID).into_iter().chain(columns.iter().map(|c| c.name.as_str()));
    csv::write_record(&mut out, header.map(Some));
    let mut list = columns.iter().map(|c| quote_ident(&c.name)).collect::<Vec<_>>();
    if rowid {
        list.insert(0, order.clone());
    }
    let list = list.join(", ");
    let mut stmt = conn.prepare(&format!("SELECT {list} FROM {q} ORDER BY {order}")).ctx(&context)?;
    let skip = usize::from(rowid);
    let mut rows = stmt.query([]).ctx(&context)?;
    let encodings: Vec<Encoding> = def.columns.iter().map(|c| c.encoding).collect();
    let mut row_number: u64 = 0;
    // Cells are written straight into `out`: the common cases (text, integers, base64 blobs)
    // borrow SQLite's bytes instead of copying each value first (the export of a big table
    // spends its time here and in deflate).
    while let Some(row) = rows.next().ctx(&context)? {
        row_number += 1;
        if rowid {
            use std::fmt::Write as _;
            let _ = write!(out, "{}", row.get::<_, i64>(0).ctx(&context)?);
        }
        for (i, encoding) in encodings.iter().enumerate() {
            if i + skip > 0 {
                out.push(',');
            }
            let value = row.get_ref(i + skip).ctx(&context)?;
            let utf8 = |t| utf8_cell(t, &table, row_number, &columns[i].name);
            match (encoding, value) {
                (_, ValueRef::Null) => {}
                (Encoding::Text, ValueRef::Text(t)) => csv::write_field(&mut out, Some(utf8(t)?)),
                (Encoding::Text, ValueRef::Integer(n)) => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{n}");
                }
                (Encoding::Base64, ValueRef::Blob(b)) => csv::write_base64_field(&mut out, b),
                (_, other) => {
                    let value = match other {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => Value::Integer(n),
                        ValueRef::Real(x) => Value::Real(x),
                        ValueRef::Text(t) => Value::Text(utf8(t)?.to_owned()),
                        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                    };
                    let cell = csv::encode_cell(&value, *encoding).ok_or_else(|| {
                        Error::invalid(
                            PROJECT_YAML,
                            format!(
                                "table {}, row {row_number}, column {}: value cannot be written as {}",
                                Shown(&table),
                                Shown(&columns[i].name),
                                encoding.as_str()
                            ),
                        )
                    })?;
                    csv::write_field(&mut out, cell.as_deref());
                }
            }
        }
        out.push('\n');
        if out.len() >= CSV_PIECE {
            w.write_all(out.as_bytes()).map_err(|e| write_error(path, &e))?;
            out.clear();
        }
    }
    w.write_all(out.as_bytes()).map_err(|e| write_error(path, &e))
}

/// How much CSV text [`export_rows`] gathers before writing it on.
pub(crate) const CSV_PIECE: usize = 256 * 1024;

/// `t` as text, or the error that names the cell holding invalid UTF-8.
pub(crate) fn utf8_cell<'t>(t: &'t [u8], table: &str, row: u64, column: &str) -> Result<&'t str> {
    std::str::from_utf8(t).map_err(|_| {
        Error::invalid(
            PROJECT_YAML,
            format!("table {}, row {row}, column {}: text that is not valid UTF-8", Shown(table), Shown(column)),
        )
    })
}
