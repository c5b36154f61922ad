//! Opens an untrusted database: hardens the connection, tells a workshop from a plain SQLite
//! file, and refuses what cannot be read with a message that names the problem.

use rusqlite::Connection;
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;

use crate::digest::content_digest;
use crate::error::{Error, Result, SqlContext};
use crate::model::{Runtime, Workshop};
use crate::schema::{APPLICATION_ID, SCHEMA_VERSION, required_tables};
use crate::store::{get_meta, read_runtime, read_workshop};

/// A workshop that opened and passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedWorkshop {
    /// The file's name, as given.
    pub file: String,
    /// Definition and artifacts.
    pub workshop: Workshop,
    /// The learner's runtime state.
    pub runtime: Runtime,
    /// The content digest, stored and recomputed (they are equal).
    pub digest: String,
    /// The format version the file had before it was migrated in memory, if it was older.
    pub migrated_from: Option<i64>,
}

/// A plain SQLite database: not a workshop, opened as a playground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playground {
    /// The file's name, as given.
    pub file: String,
    /// Tables and views with their row counts (views: `None`).
    pub tables: Vec<(String, Option<i64>)>,
    /// Another program's `application_id`, when the file carries one (0 is a plain database).
    pub application_id: Option<u32>,
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// A Stepwise workshop.
    Workshop(Box<OpenedWorkshop>),
    /// Any other SQLite database: a plain one, or another program's.
    Playground(Playground),
}

/// What the tables of an open connection say it is, before anything is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A workshop of the current format version.
    Workshop,
    /// A workshop of an older format version, which [`crate::migrate`] can bring up to date.
    OlderWorkshop(i64),
    /// A plain SQLite database.
    Playground,
}

/// Applies SQLite's advice for untrusted database files to `conn`: defensive mode, no trusted
/// schema (views and triggers cannot call functions with side effects), cell size checks, no
/// memory mapping, no `ATTACH`, and modest limits.
///
/// # Errors
/// [`Error::Sqlite`] if SQLite refuses a setting.
pub fn harden(conn: &Connection) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true).ctx("enabling defensive mode")?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false).ctx("disabling trusted_schema")?;
    conn.execute_batch("PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0; PRAGMA foreign_keys = ON;")
        .ctx("setting safety pragmas")?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0).ctx("limiting ATTACH")?;
    conn.set_limit(Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 16).ctx("limiting trigger depth")?;
    conn.set_limit(Limit::SQLITE_LIMIT_EXPR_DEPTH, 500).ctx("limiting expression depth")?;
    Ok(())
}

/// Turns SQLite's "not a database" / "malformed" failures into the format's own errors.
pub(crate) fn classify_sqlite(file: &str, context: &str, e: rusqlite::Error) -> Error {
    use rusqlite::ffi::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotSqlite { file: file.to_owned(), reason: e.to_string() },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt { file: file.to_owned(), detail: e.to_string() },
        _ => Error::sqlite(format!("{file}: {context}"), e),
    }
}

/// Runs `PRAGMA quick_check` and returns every message it prints (empty when all is well).
///
/// # Errors
/// [`Error::Corrupt`] when SQLite cannot even run the check.
pub fn quick_check(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check").map_err(|e| classify_sqlite(file, "checking the database", e))?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| classify_sqlite(file, "checking the database", e))?;
    Ok(if rows == ["ok"] { Vec::new() } else { rows })
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
            0 => crate::schema::V0_TABLES,
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
        let on =
            if self.kind == "table" || self.table == self.name { String::new() } else { format!(" on {}", self.table) };
        format!("{} {:?}{on}{why}", self.kind, self.name)
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
/// A workshop holds exactly the tables and indexes of [`SCHEMA_V1`](crate::schema::SCHEMA_V1),
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
    conn.execute_batch(crate::schema::SCHEMA_V1).ctx("creating the workshop schema")?;
    schema_objects(&conn, "the format's schema")
}

pub(crate) fn table_names(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .map_err(|e| classify_sqlite(file, "listing tables", e))?;
    stmt.query_map([], |r| r.get(0)).and_then(|r| r.collect()).map_err(|e| classify_sqlite(file, "listing tables", e))
}

/// Loads a current-version workshop from `conn` and checks its content digest.
///
/// # Errors
/// [`Error::DigestMismatch`] when the content no longer matches the stored digest, and the
/// errors of reading (see [`read_workshop`]).
pub fn load_checked(conn: &Connection, file: &str) -> Result<(Workshop, String)> {
    let workshop = read_workshop(conn, file).map_err(|e| unreadable(file, e))?;
    let computed = content_digest(&workshop);
    let stored = get_meta(conn, "content_digest").map_err(|e| unreadable(file, e))?.unwrap_or_default();
    if stored != computed {
        return Err(Error::DigestMismatch { file: file.to_owned(), stored, computed });
    }
    Ok((workshop, computed))
}

/// A row of a file that passed `quick_check` but cannot be read (text that is not UTF-8, a value
/// of the wrong type where the format has no CHECK) is damage in that file: say so, naming it.
pub(crate) fn unreadable(file: &str, e: Error) -> Error {
    match e {
        Error::Sqlite { context, message }
            if !message.contains("disk is full") && !message.contains("out of memory") =>
        {
            Error::Corrupt { file: file.to_owned(), detail: format!("{context}: {message}") }
        }
        e => e,
    }
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
                Err(e) => Err(Error::sqlite(format!("{file}: counting rows of {name}"), e)),
            }
        })
        .collect()
}

/// Opens an untrusted database the one way every caller does — the worker's import and open,
/// the player, the CLI and the fuzz targets: **harden → classify → (copy) → migrate → load and
/// check the digest**.
///
/// The caller has sniffed the file's header (see [`crate::sniff()`]) and opened `conn` on it;
/// the connection comes back with what it holds. Another program's SQLite file (its own
/// `application_id`) is a playground like any plain database. A workshop on a read-only
/// connection is checked and read on a hardened copy in memory, which comes back instead:
/// SQLite verifies no CHECK constraint of a database it opened read-only, so the copy is where
/// they are checked. A workshop of an older format version is migrated — in place on a writable
/// connection, on the copy otherwise — with `now` as the migration's time.
///
/// # Errors
/// As [`inspect`] and [`load_checked`]; [`crate::migrate::migrate`]'s errors; an unreadable row
/// is [`Error::Corrupt`] naming the file.
pub fn open_checked(conn: Connection, file: &str, now: &str) -> Result<(Connection, Opened)> {
    harden(&conn)?;
    let (kind, application_id) = match inspect(&conn, file) {
        Ok(kind) => (kind, None),
        Err(Error::ForeignApplication { application_id, .. }) => (Kind::Playground, Some(application_id)),
        Err(e) => return Err(e),
    };
    if kind == Kind::Playground {
        let tables = playground_tables(&conn, file)?;
        return Ok((conn, Opened::Playground(Playground { file: file.to_owned(), tables, application_id })));
    }
    let mut conn = if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) { checked_copy(&conn, file)? } else { conn };
    let migrated_from = match kind {
        Kind::OlderWorkshop(v) => {
            crate::migrate::migrate(&mut conn, file, now).map_err(|e| unreadable(file, e))?;
            Some(v)
        }
        _ => None,
    };
    let (workshop, digest) = load_checked(&conn, file)?;
    let runtime = read_runtime(&conn, file).map_err(|e| unreadable(file, e))?;
    let opened = OpenedWorkshop { file: file.to_owned(), workshop, runtime, digest, migrated_from };
    Ok((conn, Opened::Workshop(Box::new(opened))))
}

/// Opens a database file read-only after checking its header bytes, through [`open_checked`]
/// (native only). The file is never written: a workshop is read, and an older one migrated, on
/// a copy in memory.
///
/// # Errors
/// Every error of [`crate::sniff::sniff`] and [`open_checked`], and [`Error::Io`] when the file
/// cannot be read.
#[cfg(not(target_arch = "wasm32"))]
pub fn open_path(path: &std::path::Path) -> Result<Opened> {
    let (file, conn) = open_readonly(path)?;
    open_checked(conn, &file, "1970-01-01T00:00:00Z").map(|(_, opened)| opened)
}

/// A hardened copy in memory of a read-only connection's database, checked again there.
///
/// SQLite keeps no CHECK constraints for a database it opened read-only (nothing could ever
/// violate them through that connection), so `quick_check` there does not verify them: a
/// workshop whose `blob.size` no longer matched its data opened in the CLI and was refused by
/// the worker, whose connections are read-write (found by the `open` fuzz target). A workshop
/// is small; a plain database (a playground, possibly gigabytes) is not copied.
///
/// # Errors
/// [`Error::Corrupt`] listing what `quick_check` found in the copy.
pub(crate) fn checked_copy(conn: &Connection, file: &str) -> Result<Connection> {
    let mem = memory_copy(conn, file)?;
    let problems = quick_check(&mem, file)?;
    if !problems.is_empty() {
        return Err(Error::Corrupt { file: file.to_owned(), detail: problems.join("; ") });
    }
    Ok(mem)
}

/// A hardened copy in memory of `conn`'s database, unchecked.
pub(crate) fn memory_copy(conn: &Connection, file: &str) -> Result<Connection> {
    let mut mem = Connection::open_in_memory().ctx("opening memory")?;
    copy_database(conn, &mut mem, file)?;
    harden(&mem)?;
    Ok(mem)
}

/// Sniffs and opens `path` read-only, without hardening (native only).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn open_readonly(path: &std::path::Path) -> Result<(String, Connection)> {
    use std::io::Read;
    let file = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut head = Vec::with_capacity(crate::sniff::SNIFF_LEN);
    (&mut f).take(crate::sniff::SNIFF_LEN as u64).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
    crate::sniff::sniff(&file, &head, len)?;
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify_sqlite(&file, "opening", e))?;
    Ok((file, conn))
}

/// Copies a whole database from `src` into `dst` with SQLite's backup API.
pub(crate) fn copy_database(src: &Connection, dst: &mut Connection, file: &str) -> Result<()> {
    let backup = rusqlite::backup::Backup::new(src, dst).ctx("copying the database")?;
    backup
        .run_to_completion(256, std::time::Duration::ZERO, None)
        .map_err(|e| classify_sqlite(file, "copying the database", e))
}
