//! Every refusal as a sentence a learner understands, naming the file, with a category the page
//! can act on.
//!
//! Inside the worker a failure travels as a [`Fault`]: what failed (the format library, SQLite,
//! the storage layer) and the file it was about, added where the failure happens with
//! [`About::about`] or [`Doing::doing`]. It becomes the page's [`WorkerError`] in one place,
//! `From<Fault> for WorkerError`, when the answer leaves the library.

use stepwise_artifact::Error;
use stepwise_artifact::rusqlite;
use stepwise_protocol::{ErrorKind, WorkerError};

use crate::backend::StoreError;

/// A failure inside the worker, with the file it is about, until it becomes a [`WorkerError`].
#[derive(Debug)]
pub enum Fault {
    /// The format library refused `file` (not SQLite, damaged, too new, a bad zip…).
    Format {
        /// The file's name as the user knows it.
        file: String,
        /// What the library said.
        error: Error,
    },
    /// SQLite failed while `doing` something to `file`.
    Sqlite {
        /// The file's name as the user knows it (or "the library").
        file: String,
        /// What the worker was doing: "opening", "reading", "adding to the library"…
        doing: &'static str,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// The storage layer failed while storing or reading `file`.
    Store {
        /// The file's name as the user knows it.
        file: String,
        /// What the storage said.
        error: StoreError,
    },
    /// A mistake inside a zip the user gave (a workshop text form or a project): the library's
    /// error already names the file inside it and the line.
    InZip {
        /// The zip's name.
        zip: String,
        /// What the library said.
        error: Error,
    },
    /// Already an answer for the page (not found, a bad request, the network…).
    Answer(WorkerError),
}

impl From<WorkerError> for Fault {
    fn from(error: WorkerError) -> Self {
        Fault::Answer(error)
    }
}

impl From<Fault> for WorkerError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Format { file, error } => from_artifact(&file, &error),
            Fault::Sqlite { file, doing, error } => from_sqlite(&file, doing, &error),
            Fault::Store { file, error } => from_store(&file, &error),
            Fault::InZip { zip, error } => from_zip(&zip, &error),
            Fault::Answer(error) => error,
        }
    }
}

/// Names the file a failure of the format library or the storage is about.
pub trait About<T> {
    /// The failure, about `file`.
    ///
    /// # Errors
    /// The failure as a [`Fault`].
    fn about(self, file: &str) -> Result<T, Fault>;
}

impl<T> About<T> for Result<T, Error> {
    fn about(self, file: &str) -> Result<T, Fault> {
        self.map_err(|error| Fault::Format { file: file.to_owned(), error })
    }
}

impl<T> About<T> for Result<T, StoreError> {
    fn about(self, file: &str) -> Result<T, Fault> {
        self.map_err(|error| Fault::Store { file: file.to_owned(), error })
    }
}

/// Names the zip a failure to read or build a text form is about.
pub trait InZip<T> {
    /// The failure, inside `zip`.
    ///
    /// # Errors
    /// The failure as a [`Fault`].
    fn in_zip(self, zip: &str) -> Result<T, Fault>;
}

impl<T> InZip<T> for Result<T, Error> {
    fn in_zip(self, zip: &str) -> Result<T, Fault> {
        self.map_err(|error| Fault::InZip { zip: zip.to_owned(), error })
    }
}

/// Says what SQLite was doing to which file when it failed.
pub trait Doing<T> {
    /// The failure, while `doing` something to `file`.
    ///
    /// # Errors
    /// The failure as a [`Fault`].
    fn doing(self, file: &str, doing: &'static str) -> Result<T, Fault>;
}

impl<T> Doing<T> for Result<T, rusqlite::Error> {
    fn doing(self, file: &str, doing: &'static str) -> Result<T, Fault> {
        self.map_err(|error| Fault::Sqlite { file: file.to_owned(), doing, error })
    }
}

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
fn from_store(file: &str, e: &StoreError) -> WorkerError {
    if e.full {
        return storage_full(file);
    }
    if e.other_tab {
        return other_tab();
    }
    WorkerError::new(ErrorKind::Internal, format!("Stepwise could not store {file}: {}.", e.detail))
}

/// A mistake inside a zip; nothing was stored.
fn from_zip(zip: &str, e: &Error) -> WorkerError {
    if let Error::Sqlite { message, .. } = e
        && message.contains("database or disk is full")
    {
        return storage_full(zip);
    }
    let text = e.to_string();
    let text = if text.starts_with(zip) { text } else { format!("{zip}: {text}") };
    WorkerError::new(ErrorKind::Invalid, format!("{text}. Nothing was stored."))
}

/// An SQLite failure while working on `file` (`doing`: "reading the library"…).
fn from_sqlite(file: &str, doing: &str, e: &rusqlite::Error) -> WorkerError {
    use rusqlite::ErrorCode;
    // SQLite's messages quote names of the file's schema.
    let said = stepwise_artifact::clipped(&e.to_string());
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => storage_full(file),
        Some(ErrorCode::NotADatabase) => {
            WorkerError::new(ErrorKind::NotSqlite, format!("{file} is not an SQLite database: {said}."))
        }
        Some(ErrorCode::DatabaseCorrupt) => WorkerError::new(ErrorKind::Damaged, format!("{file} is damaged: {said}.")),
        _ => WorkerError::new(ErrorKind::Internal, format!("Something went wrong while {doing} {file}: {said}.")),
    }
}

/// The format library's error about `file`, for a student.
fn from_artifact(file: &str, e: &Error) -> WorkerError {
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
        Error::BlobMismatch { what, .. } => (
            ErrorKind::Damaged,
            format!(
                "{file} is damaged: {what} no longer matches the fingerprint the workshop gives it \
                 (the file was changed or corrupted after it was built). Ask for a fresh copy."
            ),
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
                stepwise_artifact::capped_list(objects)
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
