//! What an open, hardened connection holds — a workshop, an older workshop, or a plain
//! database — decided from its header fields and schema before anything is loaded.

use rusqlite::Connection;

use crate::db::harden::{classify_sqlite, quick_check};
use crate::db::schema::{APPLICATION_ID, SCHEMA_VERSION, required_tables};
use crate::error::{Error, Result, Shown, SqlContext, plain_or_shown};

/// What the tables of an open connection say it is, before anything is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A workshop of the current format version.
    Workshop,
    /// A workshop of an older format version, which [`crate::db::migrate`] can bring up to date.
    OlderWorkshop(i64),
    /// A plain SQLite database.
    Playground,
}

/// Decides what an open, hardened connection holds, checking the header fields, the tables a
/// workshop needs, and SQLite's own consistency check.
///
/// # Errors
/// [`Error::ForeignApplication`], [`Error::TooNew`], [`Error::MissingTables`], [`Error::Corrupt`].
pub fn inspect(conn: &Connection, file: &str) -> Result<Kind> {
    let problems = quick_check(conn, file)?;
    if !problems.is_empty() {
        return Err(Error::Corrupt { file: file.to_owned(), detail: problems.join("; ") });
    }
    let pragma = |name: &str| -> Result<i64> {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .map_err(|e| classify_sqlite(file, "reading the header", e))
    };
    let app = pragma("application_id")? as u32;
    let version = pragma("user_version")?;
    if app == 0 {
        return Ok(Kind::Playground);
    }
    if app != APPLICATION_ID {
        return Err(Error::ForeignApplication { file: file.to_owned(), application_id: app });
    }
    if version > SCHEMA_VERSION {
        return Err(Error::TooNew { file: file.to_owned(), found: version, supported: SCHEMA_VERSION });
    }
    if version < SCHEMA_VERSION {
        // The older layout is read only by its migration, but code must not ride along either.
        let code = schema_objects(conn, file)?.into_iter().filter(|o| o.kind == "trigger" || o.kind == "view");
        let found: Vec<String> = code.map(|o| o.describe("")).collect();
        if !found.is_empty() {
            return Err(Error::UnexpectedSchema { file: file.to_owned(), objects: found });
        }
        // A damaged header can claim an older version: its tables must be there to migrate.
        let needed: &[&str] = match version {
            0 => crate::db::schema::V0_TABLES,
            1 => crate::db::schema::V1_TABLES,
            _ => {
                return Err(Error::Corrupt {
                    file: file.to_owned(),
                    detail: format!("the header claims format version {version}, which never existed"),
                });
            }
        };
        let present = table_names(conn, file)?;
        let missing: Vec<String> =
            needed.iter().filter(|t| !present.iter().any(|p| p == *t)).map(|t| (*t).to_owned()).collect();
        if !missing.is_empty() {
            return Err(Error::MissingTables { file: file.to_owned(), tables: missing });
        }
        return Ok(Kind::OlderWorkshop(version));
    }
    let present = table_names(conn, file)?;
    let missing: Vec<String> =
        required_tables().filter(|t| !present.iter().any(|p| p == t)).map(str::to_owned).collect();
    if !missing.is_empty() {
        return Err(Error::MissingTables { file: file.to_owned(), tables: missing });
    }
    let unexpected = unexpected_schema(conn, file)?;
    if !unexpected.is_empty() {
        return Err(Error::UnexpectedSchema { file: file.to_owned(), objects: unexpected });
    }
    Ok(Kind::Workshop)
}

/// One row of `sqlite_schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SchemaObject {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

impl SchemaObject {
    fn describe(&self, why: &str) -> String {
        let on = if self.kind == "table" || self.table == self.name {
            String::new()
        } else {
            format!(" on {}", plain_or_shown(&self.table))
        };
        format!("{} {}{on}{why}", self.kind, Shown(&self.name))
    }
}

fn schema_objects(conn: &Connection, file: &str) -> Result<Vec<SchemaObject>> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .map_err(|e| classify_sqlite(file, "reading the schema", e))?;
    stmt.query_map([], |r| Ok(SchemaObject { kind: r.get(0)?, name: r.get(1)?, table: r.get(2)?, sql: r.get(3)? }))
        .and_then(|r| r.collect())
        .map_err(|e| classify_sqlite(file, "reading the schema", e))
}

/// What a workshop's schema holds beyond the format's own objects, one description each.
///
/// A workshop holds exactly the tables and indexes of [`SCHEMA_V2`](crate::db::schema::SCHEMA_V2),
/// with the format's own SQL: no trigger (it would run when the player records progress, and
/// could write the definition tables), no view, no virtual table, no index of its own on the
/// format's tables, no format table redefined (a changed `CHECK` or default would run on
/// writes). Tables of its own, and their plain indexes, are allowed: they hold data, nothing
/// runs from them unless they are written, and the playground lets a learner create them.
fn unexpected_schema(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let expected = format_schema()?;
    let format_table = |t: &str| expected.iter().any(|o| o.kind == "table" && o.name.eq_ignore_ascii_case(t));
    let mut found = Vec::new();
    for o in schema_objects(conn, file)? {
        if o.name.starts_with("sqlite_") && o.kind == "table" {
            continue; // sqlite_sequence, sqlite_stat1…: SQLite's own
        }
        let why = match o.kind.as_str() {
            "trigger" => " (a workshop holds no triggers)",
            "view" => " (a workshop holds no views)",
            _ if o.sql.as_deref().is_some_and(|s| {
                s.trim_start().get(..14).is_some_and(|p| p.eq_ignore_ascii_case("CREATE VIRTUAL"))
            }) =>
            {
                " (a workshop holds no virtual tables)"
            }
            _ if expected.contains(&o) => continue,
            _ if expected.iter().any(|e| e.kind == o.kind && e.name == o.name) => {
                " (defined differently from the format's)"
            }
            "table" => continue, // a table of its own
            "index" if !format_table(&o.table) => continue,
            _ => " (not part of the format)",
        };
        found.push(o.describe(why));
    }
    Ok(found)
}

/// The `sqlite_schema` rows of a freshly created workshop.
fn format_schema() -> Result<Vec<SchemaObject>> {
    let conn = Connection::open_in_memory().ctx("opening memory")?;
    conn.execute_batch(crate::db::schema::SCHEMA_V2).ctx("creating the workshop schema")?;
    schema_objects(&conn, "the format's schema")
}

pub(crate) fn table_names(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .map_err(|e| classify_sqlite(file, "listing tables", e))?;
    stmt.query_map([], |r| r.get(0)).and_then(|r| r.collect()).map_err(|e| classify_sqlite(file, "listing tables", e))
}

/// Lists tables and views with row counts, for a playground.
///
/// A view has no count (`None`), and neither has a virtual table that cannot be read here: one
/// whose module this SQLite lacks (the browser's SQLite is built without FTS5 and R*Tree, and no
/// SQLite has another program's modules) still lists, so the rest of the file can be explored.
///
/// # Errors
/// [`Error::Sqlite`] if an ordinary table cannot be counted.
pub fn playground_tables(conn: &Connection, file: &str) -> Result<Vec<(String, Option<i64>)>> {
    let mut stmt = conn
        .prepare(
            "SELECT name, type, coalesce(sql, '') LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema \
             WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .map_err(|e| classify_sqlite(file, "listing tables", e))?;
    let names: Vec<(String, String, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|r| r.collect())
        .ctx("listing tables")?;
    names
        .into_iter()
        .map(|(name, ty, is_virtual)| {
            if ty != "table" {
                return Ok((name, None));
            }
            let q = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
            match conn.query_row(&q, [], |r| r.get(0)) {
                Ok(count) => Ok((name, Some(count))),
                Err(_) if is_virtual => Ok((name, None)),
                Err(e) => Err(Error::sqlite(format!("{file}: counting rows of {}", Shown(&name)), e)),
            }
        })
        .collect()
}
