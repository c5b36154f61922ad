//! A project back into a database: checked (`project.yaml`, every CSV, keys and foreign keys),
//! then its tables created and loaded in one transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension as _};

use crate::archive::FileTree;
use crate::csv::{self, Encoding, Field};
use crate::error::{Error, Result, Shown, SqlContext as _, shown_list};
use crate::project::file::*;
use crate::project::fts5;
use crate::project::names::*;

/// What [`rebuild`] would create from `tree`: the tables and their row counts.
///
/// # Errors
///
/// The errors of [`ProjectFile::parse`], and [`Error::Csv`] for a data file that does not
/// parse.
pub fn summary(tree: &FileTree) -> Result<Summary> {
    let project = read_project(tree)?;
    let mut out = Summary::default();
    let mut fields = Vec::new();
    for table in &project.tables {
        let path = table.data_path()?;
        let mut rows = 0;
        if let Some(bytes) = tree.get(&path) {
            let mut reader = csv::Reader::new(&path, bytes)?;
            if reader.read_record(&mut fields)?.is_some() {
                while reader.read_record(&mut fields)?.is_some() {
                    rows += 1;
                }
            }
        }
        out.tables.push(TableRows { name: table.name.clone(), rows });
    }
    Ok(out)
}

pub(crate) fn read_project(tree: &FileTree) -> Result<ProjectFile> {
    let bytes = tree
        .get(PROJECT_YAML)
        .ok_or_else(|| Error::invalid(PROJECT_YAML, "missing: a project needs project.yaml at its root"))?;
    let project = ProjectFile::parse(bytes)?;
    check_project(&project, tree)?;
    Ok(project)
}

/// Checks what can be checked before touching a database.
pub(crate) fn check_project(project: &ProjectFile, tree: &FileTree) -> Result<()> {
    let bad = |reason: String| Err(Error::invalid(PROJECT_YAML, reason));
    let mut names = HashSet::new();
    let mut files = HashMap::new();
    // SQLite tells names apart ignoring the case of ASCII letters only (`Ä` and `ä` are two).
    for table in &project.tables {
        if !names.insert(table.name.to_ascii_lowercase()) {
            return bad(format!("table {} is listed twice", Shown(&table.name)));
        }
        if table.columns.is_empty() {
            return bad(format!("table {} has no columns", Shown(&table.name)));
        }
        let mut cols = HashSet::new();
        for c in &table.columns {
            if !cols.insert(c.name.to_ascii_lowercase()) {
                return bad(format!("table {}: column {} is listed twice", Shown(&table.name), Shown(&c.name)));
            }
        }
        for k in &table.primary_key {
            if !cols.contains(&k.to_ascii_lowercase()) {
                return bad(format!(
                    "table {}: primary_key names {}, which is not one of its columns",
                    Shown(&table.name),
                    Shown(k)
                ));
            }
        }
        let path = table.data_path()?;
        if let Some(other) = files.insert(path.to_lowercase(), table.name.clone()) {
            return bad(format!("tables {} and {} both use {path}", Shown(&other), Shown(&table.name)));
        }
        if tree.is_folder(&path) {
            return Err(Error::invalid(path, "is a folder; a table's data is one CSV file"));
        }
        if tree.get(&path).is_none()
            && let Some((other, _)) = tree.iter().find(|(p, _)| p.to_lowercase() == path.to_lowercase())
        {
            return Err(Error::invalid(
                other,
                format!("is the data of table {} with other capitals: name it {path}", Shown(&table.name)),
            ));
        }
    }
    for (path, _) in tree.subtree("data").iter() {
        let full = format!("data/{path}");
        if !files.contains_key(&full.to_lowercase()) {
            return Err(Error::invalid(full, "matches no table of project.yaml; add the table or remove the file"));
        }
    }
    Ok(())
}

/// Rebuilds the project in `tree` into the empty database of `conn`, in one transaction.
///
/// Tables are created first (from `sql` when present, else generated from the columns, keys and
/// relationships), then the CSV data is loaded, then indexes, views and triggers are created,
/// and finally foreign keys are checked. Any error rolls everything back. Hardening the
/// connection (defensive mode, `trusted_schema`) is the caller's job.
///
/// # Errors
///
/// - The errors of [`ProjectFile::parse`].
/// - [`Error::Invalid`] naming `project.yaml` for a target database that is not empty, or an
///   `sql` that is not a single `CREATE` of the named object, or columns that disagree with it.
/// - [`Error::Csv`] naming the data file and line for a header that does not match the table,
///   a ragged or malformed record, a value that does not decode, a row the table refuses, or a
///   row whose foreign key points nowhere.
/// - [`Error::Sqlite`] for other failures of SQLite.
pub fn rebuild(tree: &FileTree, conn: &mut Connection) -> Result<Summary> {
    let project = read_project(tree)?;
    let existing: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).ctx("reading the target database")?;
    if existing > 0 {
        return Err(Error::invalid("target database", "is not empty; a project is rebuilt into an empty database"));
    }
    let tx = conn.transaction().ctx("starting the rebuild")?;
    tx.execute_batch("PRAGMA defer_foreign_keys = ON").ctx("starting the rebuild")?;
    let mut summary = Summary::default();
    for table in &project.tables {
        create_table(&tx, table, &project.relationships)?;
    }
    let mut lines_by_table: LinesByTable = HashMap::new();
    for table in &project.tables {
        let path = table.data_path()?;
        let mut lines = Vec::new();
        let rows = match tree.get(&path) {
            Some(bytes) => load_csv(&tx, table, &path, bytes, &mut lines)?,
            None => 0,
        };
        lines_by_table.insert(table.name.clone(), (path, lines));
        summary.tables.push(TableRows { name: table.name.clone(), rows });
    }
    for table in &project.tables {
        if let Some(sequence) = table.sequence {
            set_sequence(&tx, table, sequence)?;
        }
        // An external-content FTS5 table indexes its content table, loaded above.
        if let Some(sql) = table.sql.as_deref().filter(|sql| fts5::is_fts5(sql))
            && matches!(fts5::content(sql), fts5::Content::External(_))
        {
            fts5::reindex(&tx, &table.name)?;
        }
    }
    for index in &project.indexes {
        let sql = match &index.sql {
            Some(sql) => sql.clone(),
            None => format!(
                "CREATE {}INDEX {} ON {} ({})",
                if index.unique { "UNIQUE " } else { "" },
                quote_ident(&index.name),
                quote_ident(&index.table),
                index.columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
            ),
        };
        create_object(&tx, "index", &index.name, &sql)?;
    }
    for view in &project.views {
        create_object(&tx, "view", &view.name, &view.sql)?;
    }
    for trigger in &project.triggers {
        create_object(&tx, "trigger", &trigger.name, &trigger.sql)?;
    }
    check_foreign_keys(&tx, &lines_by_table)?;
    tx.commit().ctx("committing the rebuild")?;
    Ok(summary)
}

/// Creates one table and checks that it agrees with its columns.
pub(crate) fn create_table(conn: &Connection, table: &TableDef, relationships: &[Relationship]) -> Result<()> {
    let sql = match &table.sql {
        Some(sql) => sql.clone(),
        None => generate_create_table(table, relationships)?,
    };
    create_object(conn, "table", &table.name, &sql)?;
    let context = format!("reading table {:?}", table.name);
    let mut stmt =
        conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid").ctx(&context)?;
    let actual: Vec<(String, String, bool, i64)> = stmt
        .query_map([&table.name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|r| r.collect())
        .ctx(&context)?;
    let disagree = |what: String| {
        Err(Error::invalid(
            PROJECT_YAML,
            format!("table {}: the columns listed disagree with its sql: {what}", Shown(&table.name)),
        ))
    };
    let listed: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let real: Vec<&str> = actual.iter().map(|c| c.0.as_str()).collect();
    if listed != real {
        return disagree(format!("listed [{}], sql has [{}]", shown_list(listed), shown_list(real)));
    }
    for (col, (name, type_, not_null, _)) in table.columns.iter().zip(&actual) {
        if &col.type_ != type_ {
            return disagree(format!(
                "column {} is listed with type {}, sql says {}",
                Shown(name),
                Shown(&col.type_),
                Shown(type_)
            ));
        }
        if col.not_null != *not_null {
            return disagree(format!(
                "column {} is listed with not_null: {}, sql says {not_null}",
                Shown(name),
                col.not_null
            ));
        }
    }
    let mut keyed: Vec<&(String, String, bool, i64)> = actual.iter().filter(|c| c.3 > 0).collect();
    keyed.sort_by_key(|c| c.3);
    let sql_key: Vec<&str> = keyed.iter().map(|c| c.0.as_str()).collect();
    if table.key_columns() != sql_key {
        return disagree(format!(
            "primary key listed as [{}], sql has [{}]",
            shown_list(table.key_columns()),
            shown_list(sql_key)
        ));
    }
    Ok(())
}

/// The `CREATE TABLE` of a table written by hand without `sql`.
pub(crate) fn generate_create_table(table: &TableDef, relationships: &[Relationship]) -> Result<String> {
    let key = table.key_columns();
    let mut parts: Vec<String> = Vec::new();
    for c in &table.columns {
        let mut p = quote_ident(&c.name);
        if !c.type_.is_empty() {
            p.push(' ');
            p.push_str(&c.type_);
        }
        if c.primary_key && key.len() == 1 {
            p.push_str(" PRIMARY KEY");
        }
        if c.not_null {
            p.push_str(" NOT NULL");
        }
        if c.unique {
            p.push_str(" UNIQUE");
        }
        if let Some(d) = &c.default {
            p.push_str(" DEFAULT ");
            p.push_str(d);
        }
        parts.push(p);
    }
    if key.len() > 1 {
        parts.push(format!("PRIMARY KEY ({})", key.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")));
    }
    for rel in relationships.iter().filter(|r| r.from.table == table.name) {
        let mut p = format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            rel.from.columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", "),
            quote_ident(&rel.to.table),
            rel.to.columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
        );
        for (word, action) in [("DELETE", &rel.on_delete), ("UPDATE", &rel.on_update)] {
            if let Some(a) = action {
                let a = a.to_ascii_lowercase();
                if !["no action", "restrict", "set null", "set default", "cascade"].contains(&a.as_str()) {
                    return Err(Error::invalid(
                        PROJECT_YAML,
                        format!(
                            "relationship from {}: unknown action {}; use no action, restrict, set null, set default or cascade",
                            Shown(&rel.from.table),
                            Shown(&a)
                        ),
                    ));
                }
                p.push_str(&format!(" ON {word} {}", a.to_ascii_uppercase()));
            }
        }
        parts.push(p);
    }
    let mut sql = format!("CREATE TABLE {} ({})", quote_ident(&table.name), parts.join(", "));
    let mut options = Vec::new();
    if table.strict {
        options.push("STRICT");
    }
    if table.without_rowid {
        options.push("WITHOUT ROWID");
    }
    if !options.is_empty() {
        sql.push(' ');
        sql.push_str(&options.join(", "));
    }
    Ok(sql)
}

/// Puts back the `AUTOINCREMENT` counter of `table` (after its rows, which moved it to their
/// largest id).
fn set_sequence(conn: &Connection, table: &TableDef, sequence: i64) -> Result<()> {
    let has_counter: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'",
            [],
            |r| r.get(0),
        )
        .ctx("reading the schema")?;
    if !has_counter || !has_word(table.sql.as_deref().unwrap_or(""), "AUTOINCREMENT") {
        return Err(Error::invalid(
            PROJECT_YAML,
            format!("table {}: `sequence` needs a table declared with AUTOINCREMENT in its sql", Shown(&table.name)),
        ));
    }
    let context = format!("setting the AUTOINCREMENT counter of {}", Shown(&table.name));
    let updated = conn
        .execute("UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1", rusqlite::params![table.name, sequence])
        .ctx(&context)?;
    if updated == 0 {
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
            rusqlite::params![table.name, sequence],
        )
        .ctx(&context)?;
    }
    Ok(())
}

/// Runs `sql`, which must be one `CREATE` of the `kind` object named `name`, and checks that it
/// created exactly that.
pub(crate) fn create_object(conn: &Connection, kind: &str, name: &str, sql: &str) -> Result<()> {
    let refuse = |reason: String| Err(Error::invalid(PROJECT_YAML, format!("{kind} {}: {reason}", Shown(name))));
    let words = leading_words(sql, 3);
    let keyword = kind.to_ascii_uppercase();
    let shape_ok = words.first().map(String::as_str) == Some("CREATE")
        && (words.get(1) == Some(&keyword)
            || (kind == "index"
                && words.get(1).map(String::as_str) == Some("UNIQUE")
                && words.get(2) == Some(&keyword)));
    // An FTS5 table is the one virtual table the project form holds.
    let fts5_table = kind == "table" && words.get(1).map(String::as_str) == Some("VIRTUAL") && fts5::is_fts5(sql);
    if !shape_ok && !fts5_table {
        if words.get(1).map(String::as_str) == Some("VIRTUAL") {
            let module = virtual_module(sql).unwrap_or_else(|| "?".to_owned());
            return refuse(format!(
                "sql creates a virtual table of the module {}, which the project form cannot hold",
                Shown(&module)
            ));
        }
        return refuse(format!("sql must be a single CREATE {keyword} statement, found {}", Shown(&words.join(" "))));
    }
    // SQLite's own objects (`sqlite_sequence`, made with the first AUTOINCREMENT table, and the
    // shadow tables of an FTS5 table) do not count.
    let count = |conn: &Connection| -> Result<(i64, i64)> {
        conn.query_row(
            "SELECT count(*), count(CASE WHEN name = ?2 THEN 1 END) FROM sqlite_schema \
             WHERE type = ?1 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN \
             (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow')",
            [kind, name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("reading the schema")
    };
    let before = count(conn)?;
    let mut stmt = match conn.prepare(sql) {
        Ok(stmt) => stmt,
        Err(rusqlite::Error::MultipleStatement) => {
            return refuse("sql holds more than one statement".to_owned());
        }
        Err(e) => return refuse(format!("sql is refused by SQLite: {e}")),
    };
    if let Err(e) = stmt.raw_execute() {
        return refuse(format!("sql is refused by SQLite: {e}"));
    }
    drop(stmt);
    let after = count(conn)?;
    if after.0 != before.0 + 1 || after.1 != 1 {
        return refuse(format!("sql does not create the {kind} {} (it must create exactly that {kind})", Shown(name)));
    }
    Ok(())
}

/// Loads one CSV into its table; returns the number of rows. For rowid tables, records the
/// line of each rowid in `lines` so that later errors can name it.
pub(crate) fn load_csv(
    conn: &Connection,
    table: &TableDef,
    path: &str,
    bytes: &[u8],
    lines: &mut Vec<(i64, u64)>,
) -> Result<u64> {
    let csv_err = |line: u64, reason: String| Error::Csv { file: path.to_owned(), line, reason };
    let mut reader = csv::Reader::new(path, bytes)?;
    let mut fields: Vec<Field> = Vec::new();
    let all = shown_list(table.columns.iter().map(|c| c.name.as_str()));
    if reader.read_record(&mut fields)?.is_none() {
        return Err(csv_err(
            1,
            format!("the file is empty; it needs a header row with the columns of {}: {all}", Shown(&table.name)),
        ));
    }
    // Map the header onto the table's columns.
    let mut order: Vec<usize> = Vec::with_capacity(fields.len());
    for f in &fields {
        if table.rowid && f.text == ROWID && !order.contains(&ROWID_AT) {
            order.push(ROWID_AT);
            continue;
        }
        match table.columns.iter().position(|c| c.name == f.text) {
            Some(i) if order.contains(&i) => {
                return Err(csv_err(1, format!("column {:?} appears twice in the header", f.text)));
            }
            Some(i) => order.push(i),
            None => {
                return Err(csv_err(
                    1,
                    format!(
                        "the header has column {}, which table {} does not have (its columns: {all})",
                        Shown(&f.text),
                        Shown(&table.name)
                    ),
                ));
            }
        }
    }
    // A column with a default may be left out: it takes its default (a text form written
    // before the column existed still loads).
    if let Some(missing) = table.columns.iter().enumerate().find(|(i, c)| !order.contains(i) && c.default.is_none()) {
        return Err(csv_err(
            1,
            format!("column {:?} of table {:?} is missing from the header", missing.1.name, table.name),
        ));
    }
    if table.rowid && !order.contains(&ROWID_AT) {
        return Err(csv_err(
            1,
            format!("the header needs a {ROWID} column: table {} keeps its rowids", Shown(&table.name)),
        ));
    }
    let width = order.len();
    let encodings: Vec<Encoding> =
        order.iter().map(|&i| if i == ROWID_AT { Encoding::Text } else { table.columns[i].encoding }).collect();
    let names: Vec<&str> =
        order.iter().map(|&i| if i == ROWID_AT { ROWID } else { table.columns[i].name.as_str() }).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_ident(&table.name),
        names.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", "),
        (1..=width).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
    );
    let mut stmt = conn.prepare(&sql).ctx(&format!("preparing to load {path}"))?;
    let track = !table.without_rowid;
    let mut rows = 0;
    while let Some(line) = reader.read_record(&mut fields)? {
        if fields.len() != width {
            let hint = if fields.len() == 1 && fields[0].is_null() { " (an empty line?)" } else { "" };
            return Err(csv_err(line, format!("{} field(s), but the header has {width}{hint}", fields.len())));
        }
        for (i, (field, encoding)) in fields.iter().zip(&encodings).enumerate() {
            let bound = match encoding {
                _ if order[i] == ROWID_AT => match field.as_opt().map(str::parse::<i64>) {
                    Some(Ok(id)) => stmt.raw_bind_parameter(i + 1, id),
                    _ => return Err(csv_err(line, format!("the {ROWID} must be a whole number"))),
                },
                Encoding::Text => stmt.raw_bind_parameter(i + 1, field.as_opt()),
                _ => stmt.raw_bind_parameter(i + 1, csv::decode_cell(field, *encoding, path, line, names[i])?),
            };
            bound.map_err(|e| csv_err(line, e.to_string()))?;
        }
        stmt.raw_execute().map_err(|e| csv_err(line, sqlite_message(&e)))?;
        if track {
            lines.push((conn.last_insert_rowid(), line));
        }
        rows += 1;
    }
    Ok(rows)
}

/// Where the rowid column stands in a header's mapping onto a table's columns.
const ROWID_AT: usize = usize::MAX;

/// SQLite's own message for an error, without rusqlite's decoration.
pub(crate) fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        other => other.to_string(),
    }
}

/// Per table: its data file and the CSV line of each rowid loaded.
pub(crate) type LinesByTable = HashMap<String, (String, Vec<(i64, u64)>)>;

/// Reports the first row whose foreign key points nowhere.
pub(crate) fn check_foreign_keys(conn: &Connection, lines: &LinesByTable) -> Result<()> {
    let context = "checking foreign keys";
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").ctx(context)?;
    let first: Option<(String, Option<i64>, String)> =
        stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional().ctx(context)?;
    let Some((table, rowid, parent)) = first else {
        return Ok(());
    };
    let reason = format!("this row of {} refers to a row of {} that does not exist", Shown(&table), Shown(&parent));
    match lines.get(&table) {
        Some((path, by_rowid)) => match rowid.and_then(|id| by_rowid.iter().find(|(r, _)| *r == id)) {
            Some((_, line)) => Err(Error::Csv { file: path.clone(), line: *line, reason }),
            None => Err(Error::invalid(
                path.clone(),
                format!("a row of {} refers to a row of {} that does not exist", Shown(&table), Shown(&parent)),
            )),
        },
        None => Err(Error::invalid(PROJECT_YAML, reason)),
    }
}
