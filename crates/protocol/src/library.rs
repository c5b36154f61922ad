//! The library of stored databases: entries, imports, duplicates, opening.

use serde::{Deserialize, Serialize};

use crate::data::DataPreview;
use crate::tagged::{fields, unit, unknown};
use crate::textforms::ZipContents;

/// The worker's own version, answer to [`crate::Ping`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    /// The version of the worker's package.
    pub version: String,
}

/// Where the worker keeps databases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Storage {
    /// The origin-private file system: kept across reloads and restarts.
    Opfs,
    /// Memory only: lost when the tab closes.
    Memory {
        /// Why OPFS could not be used (private window, unsupported browser, insecure origin…),
        /// in a sentence.
        reason: String,
    },
}

/// What kind of database an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A Stepwise workshop.
    Workshop,
    /// Any other SQLite database, opened as a playground.
    Playground,
}

/// One stored database, as the library lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id within this browser (also the storage file's stem).
    pub id: String,
    /// Workshop or playground.
    pub kind: EntryKind,
    /// The workshop's title, or the file name for a playground.
    pub title: String,
    /// The workshop's slug (`None` for a playground).
    pub slug: Option<String>,
    /// The author's version of the workshop (`None` for a playground).
    pub version: Option<String>,
    /// Steps of a workshop; tables of a playground.
    pub steps: u32,
    /// Steps done (0 for a playground).
    pub done: u32,
    /// Size of the stored file in bytes.
    pub bytes: u64,
    /// The name of the file it was loaded from (`sql-joins.db`), used for downloads.
    pub file_name: String,
    /// When it was stored (RFC 3339).
    pub added_at: String,
    /// When it was last opened (RFC 3339), if ever.
    pub last_opened: Option<String>,
    /// The address it was fetched from (`None`: a file from this computer, or made here), for
    /// links that open it with a query (`?src=…&sql=…`).
    #[serde(default)]
    pub source: Option<String>,
}

/// Where an import's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    /// The `File` posted beside the request (file picker or drag-and-drop).
    File {
        /// The file's name as the user's system gave it (`sql-joins.db`).
        name: String,
        /// Its size in bytes.
        bytes: u64,
    },
    /// A URL the worker fetches (`?src=…`, or a sample served by the app itself). When the page
    /// has downloaded it already (asked for before the worker had started), the body is posted
    /// beside the request as a `File` and the worker reads that instead.
    Url {
        /// Absolute URL.
        url: String,
    },
}

/// What to do when the imported workshop is already stored (same slug).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateChoice {
    /// Replace the stored one, carrying progress over for the steps that still exist.
    ReplaceKeepProgress,
    /// Replace the stored one and start from scratch.
    ReplaceDiscardProgress,
    /// Store the new one beside the old one.
    KeepBoth,
    /// Do not store it.
    Cancel,
}

/// A database joined the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Its library entry.
    pub entry: Entry,
    /// When a previous version was replaced keeping progress: how many steps' progress carried
    /// over, and how many were dropped because the step no longer exists.
    pub carried: Option<(u32, u32)>,
}

/// The workshop is already stored: the page asks the user, then sends
/// [`crate::ResolveDuplicate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Token naming the checked, not yet stored import.
    pub pending: String,
    /// The stored workshop.
    pub existing: Entry,
    /// The one being imported.
    pub incoming: Entry,
}

/// Answer to [`crate::Import`]: stored, waiting for the duplicate question, or a zip to preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stored {
    /// Stored.
    Imported(Imported),
    /// Already stored: ask.
    Duplicate(Duplicate),
    /// The file is a zip (by its name or its first bytes): what it holds. The page asks, then
    /// sends [`crate::ImportZip`] with the same file.
    ZipFound(ZipContents),
    /// The file is data (CSV, TSV or JSON, by its name): what it holds. The page asks, then
    /// sends [`crate::ImportData`] with the same file.
    DataFound(DataPreview),
}

/// Answer to [`crate::ImportZip`]: stored, or waiting for the duplicate question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Added {
    /// Stored.
    Imported(Imported),
    /// Already stored: ask.
    Duplicate(Duplicate),
}

/// Answer to [`crate::ResolveDuplicate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolved {
    /// Stored (replacing the old one, or beside it).
    Imported(Imported),
    /// The user cancelled: the pending import is gone.
    Cancelled,
}

/// What an opened database shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpenedView {
    /// A workshop: the player shows it next, from its own answer ([`crate::PlayerView`], which
    /// carries the outline and the learner's place), so nothing more is sent here.
    Workshop,
    /// A plain database: its tables and views with row counts (views: `None`).
    Playground {
        /// `(name, rows)`.
        tables: Vec<(String, Option<i64>)>,
    },
}

/// Answer to [`crate::Open`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedEntry {
    /// The entry (with `last_opened` updated).
    pub entry: Entry,
    /// What it holds.
    pub view: OpenedView,
}

/// Answer to [`crate::ImportData`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataImported {
    /// The database written to (new, or the one named in the request).
    pub entry: Entry,
    /// The table written to.
    pub table: String,
    /// Rows written.
    pub rows: u64,
}

tag_first!(Storage, tag "kind", "a storage", |tag, rest| {
    #[derive(Deserialize)]
    struct Memory {
        reason: String,
    }
    match tag {
        "opfs" => unit(rest, Storage::Opfs),
        "memory" => fields(rest).map(|Memory { reason }| Storage::Memory { reason }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

tag_first!(ImportSource, tag "kind", "an import source", |tag, rest| {
    #[derive(Deserialize)]
    struct File {
        name: String,
        bytes: u64,
    }
    #[derive(Deserialize)]
    struct Url {
        url: String,
    }
    match tag {
        "file" => fields(rest).map(|File { name, bytes }| ImportSource::File { name, bytes }),
        "url" => fields(rest).map(|Url { url }| ImportSource::Url { url }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

tag_first!(Stored, tag "kind", "an import's answer", |tag, rest| {
    match tag {
        "imported" => fields(rest).map(Stored::Imported),
        "duplicate" => fields(rest).map(Stored::Duplicate),
        "zip_found" => fields(rest).map(Stored::ZipFound),
        "data_found" => fields(rest).map(Stored::DataFound),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

tag_first!(Added, tag "kind", "an addition's answer", |tag, rest| {
    match tag {
        "imported" => fields(rest).map(Added::Imported),
        "duplicate" => fields(rest).map(Added::Duplicate),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

tag_first!(Resolved, tag "kind", "a duplicate's answer", |tag, rest| {
    match tag {
        "imported" => fields(rest).map(Resolved::Imported),
        "cancelled" => unit(rest, Resolved::Cancelled),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

tag_first!(OpenedView, tag "kind", "an opened view", |tag, rest| {
    #[derive(Deserialize)]
    struct Playground {
        tables: Vec<(String, Option<i64>)>,
    }
    match tag {
        "workshop" => unit(rest, OpenedView::Workshop),
        "playground" => fields(rest).map(|Playground { tables }| OpenedView::Playground { tables }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});
