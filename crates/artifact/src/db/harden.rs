//! A connection to an untrusted file made safe to read: SQLite's settings for untrusted
//! databases, its integrity check, its failures in the format's words, and hardened copies in
//! memory.

use rusqlite::Connection;
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;

use crate::error::{Error, Result, SqlContext, clipped, clipped_at, first_eight};

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
        // SQLite's messages quote names of the file's schema ("malformed database schema (…)").
        Some(ErrorCode::NotADatabase) => Error::NotSqlite { file: file.to_owned(), reason: clipped(&e.to_string()) },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt { file: file.to_owned(), detail: clipped(&e.to_string()) },
        _ => Error::sqlite(format!("{file}: {context}"), e),
    }
}

/// Runs `PRAGMA quick_check` and returns what it prints (empty when all is well): its first
/// eight messages, each cut after 120 characters (they name the file's own tables and indexes),
/// then how many more there were.
///
/// # Errors
/// [`Error::Corrupt`] when SQLite cannot even run the check.
pub fn quick_check(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check").map_err(|e| classify_sqlite(file, "checking the database", e))?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| classify_sqlite(file, "checking the database", e))?;
    if rows == ["ok"] {
        return Ok(Vec::new());
    }
    Ok(first_eight(rows.iter().map(|r| clipped_at(r, 120))))
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

/// A hardened copy in memory of a read-only connection's database, checked again there.
///
/// SQLite keeps no CHECK constraints for a database it opened read-only (nothing could ever
/// violate them through that connection), so `quick_check` there does not verify them: a
/// workshop whose `blob.size` does not match its data would open read-only and be refused on
/// the worker's read-write connection. A workshop is small; a plain database (a playground,
/// possibly gigabytes) is not copied.
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

/// Copies a whole database from `src` into `dst` with SQLite's backup API.
pub(crate) fn copy_database(src: &Connection, dst: &mut Connection, file: &str) -> Result<()> {
    let backup = rusqlite::backup::Backup::new(src, dst).ctx("copying the database")?;
    backup
        .run_to_completion(256, std::time::Duration::ZERO, None)
        .map_err(|e| classify_sqlite(file, "copying the database", e))
}
