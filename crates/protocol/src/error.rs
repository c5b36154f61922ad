//! Why a request failed, in a form the page can keep in its state and show.

use serde::{Deserialize, Serialize};

/// Why a request failed: a category the page can act on, and a sentence a learner understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerError {
    /// The category.
    pub kind: ErrorKind,
    /// One or two sentences for the user, naming the file.
    pub message: String,
}

/// Categories of [`WorkerError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The message was not a request this worker understands (a stale page after an update?).
    BadRequest,
    /// The file is not an SQLite database (or looks encrypted).
    NotSqlite,
    /// The file is an SQLite database but damaged (truncated, failed checks, digest mismatch).
    Damaged,
    /// A workshop made by a newer Stepwise.
    TooNew,
    /// The browser's storage is full.
    StorageFull,
    /// Another tab of Stepwise holds the storage.
    OtherTab,
    /// The URL could not be fetched (network, CORS, HTTP status).
    Network,
    /// No such entry (removed in the meantime?).
    NotFound,
    /// Anything else.
    Internal,
    /// A zip, YAML or CSV with a mistake, or a statement the playground refused; the message
    /// names the file inside the zip and the line.
    Invalid,
}

impl WorkerError {
    /// Makes an error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        WorkerError { kind, message: message.into() }
    }
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkerError {}
