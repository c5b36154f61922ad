//! Database files on disk opened read-only, never written: what `stepwise info`, `verify` and
//! `export` read.

use rusqlite::Connection;

use crate::db::harden::{checked_copy, classify_sqlite, harden, memory_copy};
use crate::db::inspect::{Kind, inspect};
use crate::db::open::{Opened, open_checked};
use crate::db::verify::{Report, verify_connection};
use crate::error::{Error, Result};

/// Opens a database file read-only after checking its header bytes, through [`open_checked`]
/// (native only). The file is never written: a workshop is read, and an older one migrated, on
/// a copy in memory.
///
/// # Errors
/// Every error of [`crate::db::sniff::sniff`] and [`open_checked`], and [`Error::Io`] when the file
/// cannot be read.
pub fn open_path(path: &std::path::Path) -> Result<Opened> {
    let (file, conn) = open_readonly(path)?;
    open_checked(conn, &file, "1970-01-01T00:00:00Z").map(|(_, opened)| opened)
}

/// Sniffs and opens `path` read-only, without hardening (native only).
pub(crate) fn open_readonly(path: &std::path::Path) -> Result<(String, Connection)> {
    use std::io::Read;
    let file = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut head = Vec::with_capacity(crate::db::sniff::SNIFF_LEN);
    (&mut f).take(crate::db::sniff::SNIFF_LEN as u64).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
    crate::db::sniff::sniff(&file, &head, len)?;
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify_sqlite(&file, "opening", e))?;
    Ok((file, conn))
}

/// Verifies a workshop file on disk without writing to it (native only).
///
/// # Errors
/// When the file cannot be opened as a workshop at all (not SQLite, another program's file,
/// too new, missing tables); every other problem is listed in the [`Report`].
pub fn verify_path(path: &std::path::Path) -> Result<Report> {
    let (file, conn) = open_readonly(path)?;
    harden(&conn)?;
    // A workshop is verified on a copy in memory: on the read-only connection SQLite would not
    // check its CHECK constraints (see `db::harden::checked_copy`).
    match inspect(&conn, &file) {
        Ok(Kind::Workshop) => verify_connection(&memory_copy(&conn, &file)?, &file),
        // An older workshop is verified as it opens, migrated on the copy, after a first
        // problem that says how to bring the file itself up to date. What stops the migration
        // (damage, a changed definition) is the next problem.
        Ok(Kind::OlderWorkshop(v)) => {
            let older = format!(
                "format version {v} is older than this Stepwise's {}: run `stepwise migrate {file}`",
                crate::db::schema::SCHEMA_VERSION
            );
            let migrated = checked_copy(&conn, &file).and_then(|mut copy| {
                crate::db::migrate::migrate(&mut copy, &file, "1970-01-01T00:00:00Z").map(|_| copy)
            });
            let mut report = match migrated {
                Ok(copy) => verify_connection(&copy, &file)?,
                Err(e) => {
                    let problem = match e {
                        Error::Corrupt { detail, .. } => format!("damaged database: {detail}"),
                        e => e.to_string(),
                    };
                    Report { file, digest: None, problems: vec![problem], warnings: Vec::new() }
                }
            };
            report.problems.insert(0, older);
            Ok(report)
        }
        _ => verify_connection(&conn, &file),
    }
}
