//! Every refusal as a sentence a student understands, naming the file, with a category the UI
//! can act on.

use stepwise_artifact::Error;
use stepwise_artifact::rusqlite;

use super::backend::StoreError;
use crate::protocol::{ErrorKind, WorkerError};

/// "12.3 MB", for messages.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value >= 100.0 { format!("{value:.0} {}", UNITS[unit]) } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// The storage is full: nothing was stored.
pub fn storage_full(file: &str) -> WorkerError {
    WorkerError::new(
        ErrorKind::StorageFull,
        format!(
            "There is not enough room in this browser's storage for {file}, so nothing was stored. \
             Remove workshops you no longer need from the library, or free some disk space, and try again."
        ),
    )
}

/// Another tab owns the storage.
pub fn other_tab() -> WorkerError {
    WorkerError::new(
        ErrorKind::OtherTab,
        "Stepwise is already open in another tab of this browser; close it or use that tab.",
    )
}

/// No such library entry.
pub fn not_found(id: &str) -> WorkerError {
    WorkerError::new(
        ErrorKind::NotFound,
        format!("This database is no longer in the library (it may have been removed in another window): {id}."),
    )
}

/// A storage-layer failure while working on `file`.
pub fn from_store(file: &str, e: &StoreError) -> WorkerError {
    if e.full {
        return storage_full(file);
    }
    if e.other_tab {
        return other_tab();
    }
    WorkerError::new(ErrorKind::Internal, format!("Stepwise could not store {file}: {}.", e.detail))
}

/// Whether SQLite said the disk (or quota) is full.
pub fn is_sqlite_full(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// An SQLite failure while working on `file` (`doing`: "reading the library"…).
pub fn from_sqlite(file: &str, doing: &str, e: &rusqlite::Error) -> WorkerError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => storage_full(file),
        Some(ErrorCode::NotADatabase) => {
            WorkerError::new(ErrorKind::NotSqlite, format!("{file} is not an SQLite database: {e}."))
        }
        Some(ErrorCode::DatabaseCorrupt) => WorkerError::new(ErrorKind::Damaged, format!("{file} is damaged: {e}.")),
        _ => WorkerError::new(ErrorKind::Internal, format!("Something went wrong while {doing} {file}: {e}.")),
    }
}

/// The format library's error about `file`, for a student.
pub fn from_artifact(file: &str, e: &Error) -> WorkerError {
    let (kind, message) = match e {
        Error::NotSqlite { reason, .. } => {
            (ErrorKind::NotSqlite, format!("{file} is not an SQLite database: {}.", reason.trim_end_matches('.')))
        }
        Error::Encrypted { .. } => (
            ErrorKind::NotSqlite,
            format!(
                "{file} is not a database Stepwise can read: its bytes look encrypted or scrambled. \
                 Stepwise opens plain SQLite files only."
            ),
        ),
        Error::Truncated { expected, found, .. } => (
            ErrorKind::Damaged,
            format!(
                "{file} is damaged: it is cut short ({} of the {} it should have). Download or copy it again.",
                human_size(*found),
                human_size(*expected)
            ),
        ),
        Error::Corrupt { detail, .. } => (
            ErrorKind::Damaged,
            format!("{file} is damaged: {}. Download or copy it again.", detail.trim_end_matches('.')),
        ),
        Error::DigestMismatch { .. } => (
            ErrorKind::Damaged,
            format!(
                "{file} is damaged: its content no longer matches the fingerprint it was built with \
                 (it was changed or corrupted after it was built). Ask for a fresh copy."
            ),
        ),
        Error::MissingTables { tables, .. } => (
            ErrorKind::Damaged,
            format!("{file} is a damaged workshop: it lacks the table(s) {}. Ask for a fresh copy.", tables.join(", ")),
        ),
        Error::UnexpectedSchema { objects, .. } => (
            ErrorKind::Invalid,
            format!(
                "{file} was refused: it holds {}. A Stepwise workshop never carries code that runs by itself; \
                 ask for a fresh copy (or rebuild it from its text form).",
                objects.join("; ")
            ),
        ),
        Error::TooNew { found, supported, .. } => (
            ErrorKind::TooNew,
            format!(
                "{file} was made by a newer version of Stepwise (format {found}; this version reads up to {supported}); \
                 update the app (reload) to open it."
            ),
        ),
        Error::Sqlite { message, .. } if message.contains("database or disk is full") => {
            return storage_full(file);
        }
        Error::Sqlite { message, .. } if message.contains("file is not a database") => {
            (ErrorKind::NotSqlite, format!("{file} is not an SQLite database: {message}."))
        }
        Error::Sqlite { message, .. } if message.contains("malformed") => {
            (ErrorKind::Damaged, format!("{file} is damaged: {message}. Download or copy it again."))
        }
        other => (ErrorKind::Internal, format!("Stepwise could not open {file}: {other}.")),
    };
    WorkerError::new(kind, message)
}
