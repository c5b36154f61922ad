//! Every request the page can make, each a type that names its answer through [`Call`].
//!
//! A request travels inside [`crate::Request`] as [`RequestBody`]: `{"kind": "<name>", …its
//! fields}`, the name in snake case (`BrowseTable` is `browse_table`), `kind` first.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::artifacts::ArtifactsView;
use crate::class::{ClassView, HandInRead};
use crate::data::{ColumnType, DataOptions, DataPreview};
use crate::library::{
    Added, DataImported, DuplicateChoice, Entry, ImportSource, Imported, OpenedEntry, Pong, Resolved, Storage, Stored,
};
use crate::player::{CompletionView, PlayerView, SqlOutcome};
use crate::playground::{QueryDone, TablePage, TablesView};
use crate::structure::StructureView;
use crate::tagged::{fields, spells, unknown};
use crate::textforms::{DownloadReady, TextForm, ZipContents};

/// A request, and the type of its answer.
pub trait Call: Serialize + Into<RequestBody> {
    /// What the worker answers when the request succeeds.
    type Answer: Serialize + DeserializeOwned;
}

macro_rules! requests {
    ($($name:ident => $answer:ty,)*) => {
        /// Every request, as it travels.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum RequestBody {
            $(
                #[doc = concat!("[`", stringify!($name), "`]")]
                $name($name),
            )*
        }

        tag_first!(RequestBody, tag "kind", "a request", |kind, rest| {
            $(
                if spells(kind, stringify!($name)) {
                    return fields(rest).map(RequestBody::$name);
                }
            )*
            Err(unknown::<Self, _>(kind))
        });
        $(
            impl Call for $name {
                type Answer = $answer;
            }
            impl From<$name> for RequestBody {
                fn from(request: $name) -> Self {
                    RequestBody::$name(request)
                }
            }
        )*
    };
}

requests! {
    Ping => Pong,
    Init => Storage,
    List => Vec<Entry>,
    Import => Stored,
    ResolveDuplicate => Resolved,
    Open => OpenedEntry,
    Download => DownloadReady,
    Remove => (),
    ExportText => DownloadReady,
    PreviewZip => ZipContents,
    ImportZip => Added,
    NewDatabase => Added,
    PreviewData => DataPreview,
    ImportData => DataImported,
    RebuildProject => Imported,
    Tables => TablesView,
    BrowseTable => TablePage,
    TableStructure => StructureView,
    Query => QueryDone,
    TableCsv => DownloadReady,
    Play => PlayerView,
    Artifacts => ArtifactsView,
    RunSql => SqlOutcome,
    Check => PlayerView,
    OpenHint => PlayerView,
    ShowSolution => PlayerView,
    Completion => CompletionView,
    SetLearner => CompletionView,
    ResetWorkspace => PlayerView,
    ResetProgress => PlayerView,
    RestoreSnapshot => PlayerView,
    ReadHandIn => HandInRead,
    ClassSummary => ClassView,
    ClassCsv => DownloadReady,
    ClearClass => (),
}

/// Is the worker alive? Answered at once, even while another request runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {}

/// Open the storage (OPFS, or memory when OPFS cannot be used). Sent once after
/// [`crate::FromWorker::Started`]; every other request waits for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Init {
    /// This tab stopped its previous worker (Stop): wait for it to let go of the storage
    /// instead of taking its lock for another tab's.
    #[serde(default)]
    pub after_stop: bool,
}

/// Every stored database, most recently opened (or added) first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {}

/// Store a database: from the `File` posted beside the request, or fetched from a URL. Progress
/// events come first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// Where the bytes come from.
    pub source: ImportSource,
}

/// The user's answer to [`crate::Duplicate`]: what to do with the pending import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveDuplicate {
    /// The `pending` token of the [`crate::Duplicate`].
    pub pending: String,
    /// What the user chose.
    pub choice: DuplicateChoice,
}

/// Open a stored database; records "last opened".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open {
    /// The entry's id.
    pub entry: String,
}

/// Make a stored database downloadable, progress included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// The entry's id.
    pub entry: String,
}

/// Delete a stored database (the page has asked the user first), or drop a pending import by
/// its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remove {
    /// The entry's id.
    pub entry: String,
}

/// Make a text form of a stored database downloadable: the workshop's YAML/CSV zip
/// (`<slug>-<version>.zip`), its decompiled zip (`<slug>-<version>-decompiled.zip`), or the
/// project form of any database (`<name>-project.zip`). Progress events come first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportText {
    /// The entry's id.
    pub entry: String,
    /// Which text form.
    pub form: TextForm,
}

/// Read the zip posted beside the request and say what it holds, storing nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewZip {
    /// The zip's file name.
    pub name: String,
}

/// Build a database from the zip posted beside the request (a workshop text form or a project)
/// into a fresh storage file, check it and store it. On any failure nothing stored changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportZip {
    /// The zip's file name.
    pub name: String,
}

/// Replace a stored database with the project posted beside the request: the new file is built
/// beside it, then the catalog entry is swapped, then the old file is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildProject {
    /// The entry's id.
    pub entry: String,
    /// The zip's file name.
    pub name: String,
}

/// Tables and views of a stored database with row counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    /// The entry's id.
    pub entry: String,
}

/// One page of a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowseTable {
    /// The entry's id.
    pub entry: String,
    /// The table's name.
    pub table: String,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return (at most 500).
    pub limit: u32,
    /// Column to sort by (`None`: rowid order, or as SQLite gives a view's rows).
    pub order_by: Option<String>,
    /// Sort descending.
    pub descending: bool,
}

/// Run one SQL statement in the playground. Unless `write` is set, writing a workshop's
/// definition or artifact tables is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// The entry's id.
    pub entry: String,
    /// One statement.
    pub sql: String,
    /// The user switched the playground to write mode.
    pub write: bool,
}

/// Make one table downloadable as project-form CSV, named `<table>.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableCsv {
    /// The entry's id.
    pub entry: String,
    /// The table's name.
    pub table: String,
}

/// The player: open step `step` of a workshop (or the learner's current step when `None`),
/// moving the cursor there unless it is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Play {
    /// The entry's id.
    pub entry: String,
    /// The step's slug, from the address `#/w/<id>/s/<slug>`.
    pub step: Option<String>,
}

/// The player's artifacts panel: a step's manifests (one per resource), files and educational
/// state, readable. Withheld for a locked step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifacts {
    /// The entry's id.
    pub entry: String,
    /// The step's slug.
    pub step: String,
}

/// The player's SQL box: run one statement on the learner's workspace (writes allowed; the
/// workspace is saved when it changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSql {
    /// The entry's id.
    pub entry: String,
    /// The statement.
    pub sql: String,
    /// Stop after this many seconds instead of under the checks' instruction budget (the
    /// playground on the workspace, which shows the limit and a Stop button).
    #[serde(default)]
    pub seconds: Option<u32>,
}

/// Run check `validation` of `step`; the result and progress are saved at once. The answer's
/// step shows the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The entry's id.
    pub entry: String,
    /// The step's slug.
    pub step: String,
    /// The validation's id.
    pub validation: String,
    /// What the learner typed, or `"yes"` to confirm a `manual` or `external` check.
    pub input: Option<String>,
}

/// Reveal the next hint of check `validation` of `step`, if a failed attempt made one ready.
/// Recorded with the check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHint {
    /// The entry's id.
    pub entry: String,
    /// The step's slug.
    pub step: String,
    /// The validation's id.
    pub validation: String,
}

/// Show the solution of check `validation` of `step`, once enough failed attempts made it
/// available. Recorded with the check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowSolution {
    /// The entry's id.
    pub entry: String,
    /// The step's slug.
    pub step: String,
    /// The validation's id.
    pub validation: String,
}

/// The completion page of a workshop: steps done, checks verified or confirmed, help used, time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// The entry's id.
    pub entry: String,
}

/// Store the learner's name in the workshop's runtime tables, for the hand-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLearner {
    /// The entry's id.
    pub entry: String,
    /// The name, as typed (trimmed; 1 to 100 characters).
    pub name: String,
}

/// Replace the workspace with the project of `step`'s file-state archive (the page asked the
/// user first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetWorkspace {
    /// The entry's id.
    pub entry: String,
    /// The step whose project to load.
    pub step: String,
}

/// Forget all progress and check results (the page asked first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetProgress {
    /// The entry's id.
    pub entry: String,
}

/// Go back to a snapshot: cursor, progress, checks and workspace (the page asked first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreSnapshot {
    /// The entry's id.
    pub entry: String,
    /// The snapshot's id.
    pub snapshot: i64,
}

/// Read the handed-in `.db` posted beside the request into the class (the worker's memory only:
/// nothing is stored). A file that is not a hand-in is refused with one line and listed in
/// [`ClassView::unread`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadHandIn {
    /// The file's name.
    pub name: String,
}

/// The class as read so far: learners × steps, totals and flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSummary {}

/// Make the class table downloadable as CSV (for a grade book).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCsv {}

/// Forget every hand-in read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearClass {}

/// What a table or view of a stored database is made of: columns, keys, indexes, triggers and
/// its `CREATE` statement (the playground's schema panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStructure {
    /// The entry's id.
    pub entry: String,
    /// The table's or view's name.
    pub table: String,
}

/// Create an empty SQLite database in the library, named `name` (`.db` is added unless it ends
/// in a database extension).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDatabase {
    /// Its name.
    pub name: String,
}

/// Read the data file (CSV, TSV, JSON) posted beside the request and say what it holds,
/// writing nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewData {
    /// The file's name.
    pub name: String,
    /// The delimiter and header as the user set them (`None`: detect).
    #[serde(default)]
    pub options: DataOptions,
    /// The worker's token for a file it holds ([`DataPreview::pending`]), instead of a posted one.
    #[serde(default)]
    pub pending: Option<String>,
}

/// Write the data file posted beside the request into a table: of `entry` (a plain database),
/// or of a new database named after the file. All rows or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportData {
    /// The file's name.
    pub name: String,
    /// The database to write into; `None`: a new one.
    pub entry: Option<String>,
    /// The table to create, or to add rows to.
    pub table: String,
    /// Add the rows to the existing table `table` instead of creating it.
    pub append: bool,
    /// How to read the file, as the preview showed it.
    pub options: DataOptions,
    /// The type of each column, as the user left them in the preview (empty: as detected).
    pub types: Vec<ColumnType>,
    /// The worker's token for a file it holds ([`DataPreview::pending`]), instead of a posted one.
    #[serde(default)]
    pub pending: Option<String>,
}
