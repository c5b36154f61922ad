//! The one error type of the crate: every variant says what is wrong and where.

use serde::{Deserialize, Serialize};

/// A `Result` whose error defaults to this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while opening, verifying, building or exporting.
///
/// Variants carry what a person needs to fix the problem (a file inside an archive, a line, the
/// value found and the value expected). The type is `Clone + PartialEq` and serde-encodable so
/// that the browser worker can send it to the UI as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file does not start with the SQLite header.
    #[error("{file}: not an SQLite database ({reason})")]
    NotSqlite {
        /// The file that was opened.
        file: String,
        /// What was seen instead.
        reason: String,
    },
    /// The file looks like a database whose bytes are scrambled: an encrypted database.
    #[error("{file}: looks encrypted (no SQLite header, bytes look random); Stepwise cannot open encrypted databases")]
    Encrypted {
        /// The file that was opened.
        file: String,
    },
    /// The file is shorter than its own header says.
    #[error("{file}: truncated: the header promises {expected} bytes but the file has {found}")]
    Truncated {
        /// The file that was opened.
        file: String,
        /// Bytes the header promises.
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },
    /// An SQLite file that belongs to another program (its `application_id` is not ours).
    #[error(
        "{file}: an SQLite database of another program (application_id {application_id:#010x}), not a Stepwise workshop"
    )]
    ForeignApplication {
        /// The file that was opened.
        file: String,
        /// The `application_id` found.
        application_id: u32,
    },
    /// A workshop made by a newer Stepwise than this one.
    #[error(
        "{file}: made by a newer Stepwise (format version {found}; this version reads up to {supported}); update Stepwise to open it"
    )]
    TooNew {
        /// The file that was opened.
        file: String,
        /// The `user_version` found.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// A workshop file lacks tables its version requires.
    #[error("{file}: damaged workshop: missing table(s) {}", tables.join(", "))]
    MissingTables {
        /// The file that was opened.
        file: String,
        /// The tables that are missing.
        tables: Vec<String>,
    },
    /// A workshop whose schema holds objects the format does not: triggers, views, virtual
    /// tables, or the format's tables and indexes defined differently.
    #[error(
        "{file}: refused: its schema holds what a Stepwise workshop never does: {}; a workshop holds only the tables and indexes of its format version",
        capped_list(objects)
    )]
    UnexpectedSchema {
        /// The file that was opened.
        file: String,
        /// Each object found, with its kind, name, table and why it is refused.
        objects: Vec<String>,
    },
    /// SQLite's own consistency check failed.
    #[error("{file}: damaged database: {detail}")]
    Corrupt {
        /// The file that was opened.
        file: String,
        /// What `PRAGMA quick_check` (or SQLite) reported.
        detail: String,
    },
    /// The content digest stored in the workshop does not match its content.
    #[error(
        "{file}: content digest mismatch: stored {}, computed {computed}; the workshop was changed or damaged",
        digest_shown(stored)
    )]
    DigestMismatch {
        /// The file that was opened.
        file: String,
        /// The digest stored in `meta`.
        stored: String,
        /// The digest of the content as it is now.
        computed: String,
    },
    /// An artifact's bytes, read when it was used, are not the blob the workshop names: its
    /// content digest covers each artifact's SHA-256, so a changed blob shows only here.
    #[error("{file}: {what}: stored {found}; the workshop was changed or damaged")]
    BlobMismatch {
        /// The file that was opened.
        file: String,
        /// Which artifact (`the file archive of step “joins”`).
        what: String,
        /// What was found instead (`bytes hashing to 3f2a…, not 9c1e…`, or another length).
        found: String,
    },
    /// `verify` found one or more problems; each is listed.
    #[error("{file}: {} problem(s): {}", problems.len(), problems.join("; "))]
    Problems {
        /// The file that was verified.
        file: String,
        /// Every problem found, one sentence each.
        problems: Vec<String>,
    },
    /// An error reported by SQLite, with what we were doing.
    #[error("{context}: {message}")]
    Sqlite {
        /// What Stepwise was doing (and where).
        context: String,
        /// SQLite's own message.
        message: String,
    },
    /// A YAML file that does not parse or does not have the expected shape.
    #[error("{file}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Yaml {
        /// The file (inside the directory or archive).
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// A CSV file that does not parse or does not fit its table.
    #[error("{file}:{line}: {reason}")]
    Csv {
        /// The file (inside the directory or archive).
        file: String,
        /// 1-based line of the record.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A text form (`workshop.yaml`, `project.yaml`, a step folder) that parses but is wrong.
    #[error("{file}: {reason}")]
    Invalid {
        /// The file (inside the directory or archive).
        file: String,
        /// What is wrong and, where possible, how to fix it.
        reason: String,
    },
    /// A text form whose `version:` this build does not read.
    #[error("{file}: unsupported version {found} (this Stepwise reads version {supported})")]
    UnsupportedVersion {
        /// The file that carries the version.
        file: String,
        /// The version found.
        found: String,
        /// The version this build reads.
        supported: u32,
    },
    /// A path in an archive or directory that is not allowed (escapes its folder, absolute, a link…).
    #[error("{archive}: entry {} refused: {reason}", Shown(path))]
    UnsafePath {
        /// The archive or directory being read.
        archive: String,
        /// The offending entry.
        path: String,
        /// Why it is refused.
        reason: String,
    },
    /// An archive or file larger than the stated cap.
    #[error("{file}: too large: {reason}")]
    TooLarge {
        /// The file or archive entry.
        file: String,
        /// Which cap was exceeded, with the figures.
        reason: String,
    },
    /// A zip or tar archive that cannot be read.
    #[error("{file}: broken archive: {reason}")]
    Archive {
        /// The archive (or the entry inside it).
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A file-system error (native only).
    #[error("{path}: {message}")]
    Io {
        /// The path being read or written.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl Error {
    /// Wraps a SQLite error with what was being done.
    pub fn sqlite(context: impl Into<String>, err: rusqlite::Error) -> Self {
        // SQLite's messages quote names and tokens of the statement or the file's schema.
        Error::Sqlite { context: context.into(), message: clipped(&err.to_string()) }
    }

    /// Wraps an I/O error with the path involved.
    pub fn io(path: impl AsRef<std::path::Path>, err: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), message: err.to_string() }
    }

    /// Makes an [`Error::Invalid`].
    pub fn invalid(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid { file: file.into(), reason: reason.into() }
    }

    /// Prefixes the file named by this error with `root` (the folder or zip it was read from),
    /// so `workshop.yaml:12` becomes `samples/sql-joins/workshop.yaml:12`.
    #[must_use]
    pub fn within(mut self, root: &str) -> Self {
        let root = root.trim_end_matches('/');
        if root.is_empty() {
            return self;
        }
        match &mut self {
            Error::Yaml { file, .. }
            | Error::Csv { file, .. }
            | Error::Invalid { file, .. }
            | Error::UnsupportedVersion { file, .. } => {
                *file = format!("{root}/{file}");
            }
            Error::TooLarge { file, .. } | Error::Archive { file, .. } | Error::UnsafePath { archive: file, .. }
                if !file.starts_with(root) =>
            {
                *file = format!("{root}/{file}");
            }
            _ => {}
        }
        self
    }

    /// Turns a serde_norway error into an [`Error::Yaml`] naming `file` and the line.
    pub fn yaml(file: impl Into<String>, err: &serde_norway::Error) -> Self {
        let line = err.location().map(|l| l.line() as u64);
        let mut reason = err.to_string();
        // serde_norway appends " at line L column C"; the line is already in the prefix.
        if let Some(i) = reason.find(" at line ") {
            reason.truncate(i);
        }
        // The parser's message can quote the text it read ("unknown field `…`").
        Error::Yaml { file: file.into(), line, reason: clipped(&reason) }
    }
}

/// Adds context to a rusqlite result: `conn.execute(..).ctx("writing steps")?`.
pub(crate) trait SqlContext<T> {
    /// Maps the error to [`Error::Sqlite`] with `context`.
    fn ctx(self, context: &str) -> Result<T>;
}

impl<T> SqlContext<T> for std::result::Result<T, rusqlite::Error> {
    fn ctx(self, context: &str) -> Result<T> {
        self.map_err(|e| Error::sqlite(context, e))
    }
}

/// Characters of a name or value from a file that a message quotes before cutting it short.
pub const SHOWN_CHARS: usize = 64;

/// A name or value from a file, for a message: quoted and escaped as `{:?}` writes it, and cut
/// after [`SHOWN_CHARS`] characters with its length, so a hostile name never floods a message.
///
/// ```
/// use stepwise_artifact::Shown;
/// assert_eq!(Shown("orders").to_string(), "\"orders\"");
/// let long = "x".repeat(100_000);
/// assert_eq!(Shown(&long).to_string(), format!("\"{}\"… (100000 bytes)", "x".repeat(64)));
/// ```
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.char_indices().nth(SHOWN_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some((cut, _)) => write!(f, "{:?}… ({} bytes)", &self.0[..cut], self.0.len()),
        }
    }
}

/// The first eight of `items`, then "and N more" for the rest: how a message lists what a file
/// may hold any number of.
pub(crate) fn first_eight(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut items = items.into_iter();
    let mut out: Vec<String> = items.by_ref().take(8).collect();
    let more = items.count();
    if more > 0 {
        out.push(format!("and {more} more"));
    }
    out
}

/// Names for a message: each [`Shown`], the first eight, then how many more.
pub fn shown_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    first_eight(names.into_iter().map(|n| Shown(n).to_string())).join(", ")
}

/// A stored content digest, for a message: whole when it has a digest's shape (`sha256:` and 64
/// hex digits), else as [`Shown`].
pub fn digest_shown(stored: &str) -> String {
    let hex = stored.strip_prefix("sha256:").unwrap_or("");
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        stored.to_owned()
    } else {
        Shown(stored).to_string()
    }
}

/// A name from a file, for a message: as it is when it is a plain word (letters, digits, `_`,
/// `-`, `.`) of at most [`SHOWN_CHARS`] characters, else as [`Shown`] (quoted, escaped, cut).
pub fn plain_or_shown(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().count() <= SHOWN_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c));
    if plain { name.to_owned() } else { Shown(name).to_string() }
}

/// Sentences of a message, each already short (names through [`Shown`]): the first eight,
/// then how many more.
pub fn capped_list(items: &[String]) -> String {
    first_eight(items.iter().cloned()).join("; ")
}

/// A message of SQLite's (which echoes names and tokens of the statement), cut after 300
/// characters.
pub fn clipped(message: &str) -> String {
    clipped_at(message, 300)
}

/// `message` cut after `chars` characters, with its length.
pub fn clipped_at(message: &str, chars: usize) -> String {
    match message.char_indices().nth(chars) {
        None => message.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &message[..cut], message.len()),
    }
}
