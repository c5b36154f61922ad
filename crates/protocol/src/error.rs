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

    /// A download of `name` from `url` that never got an answer: the network is down, or the
    /// server does not allow other sites to read the file (CORS); the browser does not tell the
    /// two apart. `detail` is the browser's own words. The page and the worker say it alike, so
    /// whichever tried the download reports it, once.
    pub fn download_failed(name: &str, url: &str, detail: &str) -> Self {
        WorkerError::new(
            ErrorKind::Network,
            format!(
                "Stepwise could not download {name} from {}. Either the network is down, or the server does \
                 not allow other sites to load this file (it must send cross-origin (CORS) headers, such as \
                 Access-Control-Allow-Origin). Download the file yourself and open it from your computer \
                 instead. ({})",
                clip(url, 200),
                clip(detail, 200)
            ),
        )
    }

    /// A download of `name` the server answered with `status` rather than 200.
    pub fn download_status(name: &str, status: u16, status_text: &str) -> Self {
        let hint = match status {
            404 | 410 => " The address may be wrong, or the file was moved.",
            401 | 403 => " The server does not let Stepwise read it.",
            500..=599 => " The server has a problem; try again later.",
            _ => "",
        };
        let text = clip(status_text.trim(), 80);
        let answer = if text.is_empty() { status.to_string() } else { format!("{status} {text}") };
        WorkerError::new(
            ErrorKind::Network,
            format!("Stepwise could not download {name}: the server answered {answer}.{hint}"),
        )
    }
}

/// `text`, or its first `chars` characters and an ellipsis: an address or a browser's message
/// is quoted, not echoed whole.
fn clip(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkerError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_download_names_the_file_the_address_and_cors_and_quotes_a_long_address_in_part() {
        let e = WorkerError::download_failed("w.db", "https://example.org/w.db", "TypeError: Failed to fetch");
        assert_eq!(e.kind, ErrorKind::Network);
        assert!(e.message.starts_with("Stepwise could not download w.db from https://example.org/w.db. "), "{e}");
        assert!(e.message.contains("(CORS)") && e.message.ends_with("(TypeError: Failed to fetch)"), "{e}");
        let long = format!("https://example.org/{}", "é".repeat(5000));
        let e = WorkerError::download_failed("w.db", &long, &"x".repeat(5000));
        assert!(e.message.len() < 1000, "{} bytes", e.message.len());
        assert!(e.message.contains("https://example.org/éé") && e.message.contains("é…"), "{e}");
    }

    #[test]
    fn an_answer_other_than_200_is_named_with_what_to_do() {
        let e = WorkerError::download_status("w.db", 404, "Not Found");
        assert_eq!(
            e.message,
            "Stepwise could not download w.db: the server answered 404 Not Found. The address may be wrong, or the file was moved."
        );
        let e = WorkerError::download_status("w.db", 503, "");
        assert_eq!(
            e.message,
            "Stepwise could not download w.db: the server answered 503. The server has a problem; try again later."
        );
        let e = WorkerError::download_status("w.db", 204, "No Content");
        assert_eq!(e.message, "Stepwise could not download w.db: the server answered 204 No Content.");
    }
}
