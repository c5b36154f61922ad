//! Messages between the UI and the worker: serde enums both sides import.
//!
//! The page posts a JS object `{ request: "<JSON of Request>", file?: File }` (see
//! [`FILE_FIELD`]): the JSON carries the typed request, and a `File`/`Blob` to import travels
//! beside it as a structured clone, never as a serde-encoded byte vector. The worker posts JSON
//! text of [`FromWorker`]. Each request carries an id that its progress events and its one final
//! response repeat.

use serde::{Deserialize, Serialize};

/// The worker's loader script (`static/worker-loader.js`, copied next to Trunk's `worker.js`).
pub const WORKER_URL: &str = "./worker-loader.js";

/// Name of the field of the posted object that holds the request's JSON text.
pub const REQUEST_FIELD: &str = "request";

/// Name of the field of the posted object that holds a `File` or `Blob`, for imports.
pub const FILE_FIELD: &str = "file";

/// Name of the Web Lock the tab whose worker owns the OPFS pool holds for its whole life.
pub const STORAGE_LOCK: &str = "stepwise-storage";

/// A request from the UI to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the UI; repeated in progress events and the [`Response`].
    pub id: u32,
    /// What is asked.
    pub body: RequestBody,
}

/// What the UI can ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestBody {
    /// Is the worker alive? Answered with [`ResponseBody::Pong`].
    Ping,
    /// Open the storage (OPFS, or memory when OPFS cannot be used). Sent once after `Started`;
    /// answered with [`ResponseBody::Ready`]. Every other request waits for it.
    Init,
    /// Every stored database. Answered with [`ResponseBody::Library`].
    List,
    /// Store a database: from the `File` posted beside the request, or fetched from a URL.
    /// Progress events follow; answered with [`ResponseBody::Imported`], or
    /// [`ResponseBody::Duplicate`] when a workshop with the same slug is already stored.
    Import {
        /// Where the bytes come from.
        source: ImportSource,
    },
    /// Answer to [`ResponseBody::Duplicate`]: what to do with the pending import.
    ResolveDuplicate {
        /// The `pending` token of the `Duplicate` response.
        pending: String,
        /// What the user chose.
        choice: DuplicateChoice,
    },
    /// Open a stored database: answered with [`ResponseBody::Opened`]; records "last opened".
    Open {
        /// The entry's id.
        entry: String,
    },
    /// Make a stored database downloadable, progress included: progress events follow, then
    /// [`ResponseBody::DownloadReady`] with a `blob:` URL the page can download.
    Download {
        /// The entry's id.
        entry: String,
    },
    /// Delete a stored database (the UI has asked the user first). Answered with
    /// [`ResponseBody::Removed`].
    Remove {
        /// The entry's id.
        entry: String,
    },
    /// Make a text form of a stored database downloadable (issue #5): the workshop's YAML/CSV
    /// zip, its decompiled zip, or the project form of any database. Progress events follow,
    /// then [`ResponseBody::DownloadReady`] named `<slug>-<version>.zip`,
    /// `<slug>-<version>-decompiled.zip` or `<name>-project.zip`.
    ExportText {
        /// The entry's id.
        entry: String,
        /// Which text form.
        form: TextForm,
    },
    /// Read the zip posted in [`FILE_FIELD`] and say what it holds, storing nothing: answered
    /// with [`ResponseBody::ZipFound`]. ([`RequestBody::Import`] of a file answers the same when
    /// the file is a zip, by its name or its first bytes.)
    PreviewZip {
        /// The zip's file name.
        name: String,
    },
    /// Build a database from the zip posted in [`FILE_FIELD`] (a workshop text form or a
    /// project) into a fresh storage file, check it and store it: answered like
    /// [`RequestBody::Import`]. On any failure nothing stored changes.
    ImportZip {
        /// The zip's file name.
        name: String,
    },
    /// Replace a stored database with the project posted in [`FILE_FIELD`]: the new file is
    /// built beside it, then the catalog entry is swapped, then the old file is removed.
    /// Answered with [`ResponseBody::Imported`].
    RebuildProject {
        /// The entry's id.
        entry: String,
        /// The zip's file name.
        name: String,
    },
    /// Tables and views of a stored database with row counts (views: `None`): answered with
    /// [`ResponseBody::Tables`].
    Tables {
        /// The entry's id.
        entry: String,
    },
    /// One page of a table or view: answered with [`ResponseBody::TablePage`].
    BrowseTable {
        /// The entry's id.
        entry: String,
        /// The table's name.
        table: String,
        /// Rows to skip.
        offset: u64,
        /// Rows to return (at most 500).
        limit: u32,
        /// Column to sort by (`None`: rowid order, or as SQLite gives a view's rows).
        order_by: Option<String>,
        /// Sort descending.
        descending: bool,
    },
    /// Run one SQL statement in the playground: answered with [`ResponseBody::QueryDone`].
    /// Unless `write` is set, writing a workshop's definition or artifact tables is refused.
    Query {
        /// The entry's id.
        entry: String,
        /// One statement.
        sql: String,
        /// The user switched the playground to write mode.
        write: bool,
    },
    /// Make one table downloadable as project-form CSV: [`ResponseBody::DownloadReady`]
    /// named `<table>.csv`.
    TableCsv {
        /// The entry's id.
        entry: String,
        /// The table's name.
        table: String,
    },
    /// The player: open step `step` of a workshop (or the learner's current step when `None`),
    /// moving the cursor there unless it is locked. Answered with [`ResponseBody::Player`].
    Play {
        /// The entry's id.
        entry: String,
        /// The step's slug, from the address `#/w/<id>/s/<slug>`.
        step: Option<String>,
    },
    /// The player's artifacts panel: step `step`'s manifests (one per resource), files and
    /// educational state, readable. Withheld for a locked step. Answered with
    /// [`ResponseBody::Artifacts`].
    Artifacts {
        /// The entry's id.
        entry: String,
        /// The step's slug.
        step: String,
    },
    /// The player's SQL box: run one statement on the learner's workspace (writes allowed; the
    /// workspace is saved when it changed). Answered with [`ResponseBody::SqlRan`].
    RunSql {
        /// The entry's id.
        entry: String,
        /// The statement.
        sql: String,
    },
    /// Run check `validation` of `step` (`input`: the answer typed, or `"yes"` to confirm a
    /// `manual`/`external` check). The result and progress are saved at once. Answered with
    /// [`ResponseBody::Player`], whose step shows the result.
    Check {
        /// The entry's id.
        entry: String,
        /// The step's slug.
        step: String,
        /// The validation's id.
        validation: String,
        /// What the learner typed or confirmed.
        input: Option<String>,
    },
    /// Replace the workspace with the project of `step`'s file-state archive (the UI asked the
    /// user first). Answered with [`ResponseBody::Player`].
    ResetWorkspace {
        /// The entry's id.
        entry: String,
        /// The step whose project to load.
        step: String,
    },
    /// Forget all progress and check results (the UI asked first). Answered with
    /// [`ResponseBody::Player`].
    ResetProgress {
        /// The entry's id.
        entry: String,
    },
    /// Go back to a snapshot: cursor, progress, checks and workspace (the UI asked first).
    /// Answered with [`ResponseBody::Player`].
    RestoreSnapshot {
        /// The entry's id.
        entry: String,
        /// The snapshot's id.
        snapshot: i64,
    },
}

/// A text form of a database (issue #5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextForm {
    /// The workshop's lossless YAML/CSV form (`stepwise export`).
    Workshop,
    /// The workshop's readable form (`stepwise decompile`).
    Decompiled,
    /// `project.yaml` + `data/<table>.csv` of any database (`stepwise project export`).
    Project,
}

/// What a zip holds, before anything is built from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZipContents {
    /// The zip's file name.
    pub name: String,
    /// [`TextForm::Workshop`] or [`TextForm::Project`].
    pub form: TextForm,
    /// The workshop's title, or the project's name.
    pub title: String,
    /// A workshop's steps (slug, number of artifacts), or a project's tables (name, rows).
    pub items: Vec<(String, u64)>,
    /// One sentence: `8 steps, 12 artifacts` or `3 tables, 47 rows`.
    pub counts: String,
}

/// Rows for a table in the page: cells as text, `None` for NULL; a blob as `<blob N bytes>`.
pub type Rows = Vec<Vec<Option<String>>>;

/// Where an import's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    /// The `File` posted in [`FILE_FIELD`] (file picker or drag-and-drop).
    File {
        /// The file's name as the user's system gave it (`sql-joins.db`).
        name: String,
        /// Its size in bytes.
        bytes: u64,
    },
    /// A URL the worker fetches (`?src=…`, or a sample served by the app itself).
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

/// Everything the worker posts to the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// Sent once the worker's message handler is installed. Requests posted before it may be
    /// lost (the worker's wasm loads asynchronously), so the UI waits for this first.
    Started,
    /// Sent by `static/worker-loader.js` when the worker's wasm could not be loaded.
    FailedToStart {
        /// What the browser said.
        reason: String,
    },
    /// How far a long request has got (import, download). Any number of these come before the
    /// request's response.
    Progress(Progress),
    /// The answer to one request.
    Response(Response),
}

/// Progress of a long request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The request's id.
    pub id: u32,
    /// What is happening, for people: `Downloading`, `Copying into storage`, `Checking`.
    pub stage: String,
    /// Bytes done.
    pub done: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
}

/// A response from the worker to one [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The id of the request this answers.
    pub id: u32,
    /// The answer.
    pub body: ResponseBody,
}

/// Where the worker keeps databases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Storage {
    /// The origin-private file system: kept across reloads and restarts.
    Opfs,
    /// Memory only: lost when the tab closes. Why OPFS could not be used, in a sentence.
    Memory {
        /// Why (private window, unsupported browser, insecure origin…).
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
}

/// One step as the library's "open" shows it (the player comes later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSummary {
    /// The step's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Whether the learner finished it.
    pub done: bool,
}

/// What an opened database shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpenedView {
    /// A workshop: its summary and steps.
    Workshop {
        /// One paragraph from the author.
        summary: String,
        /// Steps in order.
        steps: Vec<StepSummary>,
        /// The step the learner was on.
        current_step: Option<String>,
    },
    /// A plain database: its tables and views with row counts (views: `None`).
    Playground {
        /// `(name, rows)`.
        tables: Vec<(String, Option<i64>)>,
    },
}

/// Where a step stands in the player's table of contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TocState {
    /// Every check passed.
    Done,
    /// May be opened.
    Open,
    /// Opens once the previous step is done.
    Locked,
}

/// One line of the player's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocStep {
    /// The step's slug (its address is `#/w/<id>/s/<slug>`).
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Estimated minutes, if the author gave them.
    pub minutes: Option<u32>,
    /// Done, open or locked.
    pub state: TocState,
}

/// The latest result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    /// Whether it passed.
    pub passed: bool,
    /// The reason, for the learner.
    pub message: String,
    /// What the learner submitted.
    pub input: Option<String>,
}

/// One check of the step shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// The validation's id within the step.
    pub id: String,
    /// `sql`, `answer`, `manual` or `external`.
    pub kind: String,
    /// What the learner is asked, as sanitised HTML.
    pub prompt_html: String,
    /// A hint, shown after a failed attempt.
    pub hint_html: Option<String>,
    /// For `external`: what runs the spec.
    pub runner: Option<String>,
    /// For `external`: the spec or script.
    pub spec: Option<String>,
    /// The latest result, if the learner ran it.
    pub result: Option<CheckState>,
}

/// A snapshot the learner can go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    /// Its id.
    pub id: i64,
    /// Its label (`Finished Inner join`).
    pub label: String,
    /// When (RFC 3339).
    pub taken_at: String,
}

/// One Kubernetes resource of a step's manifest bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDoc {
    /// Its `kind` (`Deployment`), or empty.
    pub kind: String,
    /// Its `metadata.name`, or empty.
    pub name: String,
    /// The document's YAML as the author wrote it.
    pub text: String,
}

/// One file of a step's file-state archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileItem {
    /// Relative, `/`-separated path.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Its text; `None` when binary (not UTF-8, or holds NUL) or larger than 256 KiB.
    pub text: Option<String>,
}

/// A step's compiled artifacts, readable (answer to [`RequestBody::Artifacts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactsView {
    /// Resources of the manifest bundle, in order.
    pub manifests: Vec<ManifestDoc>,
    /// Files of the file-state archive, sorted by path.
    pub files: Vec<FileItem>,
    /// The educational state's YAML, if any.
    pub state: Option<String>,
}

/// Everything the player page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerView {
    /// The entry's id.
    pub entry: String,
    /// The workshop's title.
    pub title: String,
    /// The file name, for downloads.
    pub file_name: String,
    /// Table of contents, in order.
    pub steps: Vec<TocStep>,
    /// Index in `steps` of the step shown.
    pub index: usize,
    /// The step the learner is on (the cursor).
    pub current_step: Option<String>,
    /// When the step shown is locked: why, in a sentence (its content and checks are withheld).
    pub locked: Option<String>,
    /// The step's Markdown as sanitised HTML (empty when locked).
    pub html: String,
    /// Its checks (empty when locked).
    pub checks: Vec<CheckView>,
    /// Whether its file-state archive holds a project, so the workspace can be reset to it.
    pub has_project: bool,
    /// Whether the learner has a workspace database.
    pub has_workspace: bool,
    /// Whether the step shown has compiled artifacts to look at (false when locked).
    #[serde(default)]
    pub has_artifacts: bool,
    /// Tables and views of the workspace (`(name, "table" | "view")`).
    pub workspace_tables: Vec<(String, String)>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotSummary>,
}

/// Rows of the SQL box, as text: `NULL` for null, blobs described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlTable {
    /// Column names.
    pub columns: Vec<String>,
    /// The rows kept (`None` is NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// Whether more rows were returned than kept.
    pub truncated: bool,
    /// Whether the statement changed the workspace (it was saved).
    pub changed: bool,
}

/// What the worker can answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseBody {
    /// Answer to [`RequestBody::Ping`]: the worker's own version.
    Pong {
        /// The `stepwise-app` version the worker was built from.
        version: String,
    },
    /// Answer to [`RequestBody::Init`].
    Ready {
        /// Where databases are kept.
        storage: Storage,
    },
    /// Answer to [`RequestBody::List`].
    Library {
        /// Every stored database, most recently opened (or added) first.
        entries: Vec<Entry>,
    },
    /// A database was stored.
    Imported {
        /// Its library entry.
        entry: Entry,
        /// When a previous version was replaced keeping progress: how many steps' progress
        /// carried over, and how many were dropped because the step no longer exists.
        carried: Option<(u32, u32)>,
    },
    /// The workshop is already stored: ask the user, then send [`RequestBody::ResolveDuplicate`].
    Duplicate {
        /// Token naming the checked, not yet stored import.
        pending: String,
        /// The stored workshop.
        existing: Entry,
        /// The one being imported.
        incoming: Entry,
    },
    /// Answer to [`RequestBody::Open`].
    Opened {
        /// The entry (with `last_opened` updated).
        entry: Entry,
        /// What it holds.
        view: OpenedView,
    },
    /// Answer to [`RequestBody::Download`]: a `blob:` URL made in the worker; the page downloads
    /// it under `file_name` and the worker revokes it on the next download or removal.
    DownloadReady {
        /// The `blob:` URL.
        url: String,
        /// The name to save it as.
        file_name: String,
        /// Its size.
        bytes: u64,
    },
    /// Answer to [`RequestBody::Remove`] and to a cancelled duplicate.
    Removed {
        /// The id that is gone (or the pending token that was dropped).
        entry: String,
    },
    /// The zip of a [`RequestBody::PreviewZip`] or a file [`RequestBody::Import`]: what it holds;
    /// the UI asks, then sends [`RequestBody::ImportZip`] with the same file.
    ZipFound {
        /// What it holds.
        contents: ZipContents,
    },
    /// Answer to [`RequestBody::Tables`].
    Tables {
        /// `(name, rows)`; a view's rows are `None`.
        tables: Vec<(String, Option<i64>)>,
        /// Which of them are a workshop's definition or artifact tables (read-only unless
        /// write mode is on).
        protected: Vec<String>,
    },
    /// Answer to [`RequestBody::BrowseTable`].
    TablePage {
        /// The table.
        table: String,
        /// Its columns.
        columns: Vec<String>,
        /// The page's rows.
        rows: Rows,
        /// The first row's offset.
        offset: u64,
        /// Rows in the whole table.
        total: u64,
    },
    /// Answer to [`RequestBody::Query`].
    QueryDone {
        /// Columns (empty for a statement that returns none).
        columns: Vec<String>,
        /// The first rows.
        rows: Rows,
        /// More rows came than were kept.
        truncated: bool,
        /// Rows changed by an `INSERT`, `UPDATE` or `DELETE`.
        changed: u64,
        /// The workshop's content digest no longer matches: its definition was changed.
        digest_changed: bool,
    },
    /// Answer to the player's requests: everything the player page shows.
    Player {
        /// The workshop, its steps and the step shown.
        view: PlayerView,
    },
    /// Answer to [`RequestBody::Artifacts`].
    Artifacts {
        /// The step's artifacts, readable.
        view: ArtifactsView,
    },
    /// Answer to [`RequestBody::RunSql`].
    SqlRan {
        /// The rows, or SQLite's message (verbatim) when the statement failed.
        result: Result<SqlTable, String>,
    },
    /// The request could not be handled. (A struct variant: `WorkerError` has its own `kind` tag.)
    Failed {
        /// What went wrong.
        error: WorkerError,
    },
}

/// Why a request failed: a category the UI can act on, and a sentence a student understands.
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
    /// A zip, YAML or CSV with a mistake, or a statement the playground refused (issue #5);
    /// the message names the file inside the zip and the line.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_have_a_stable_json_form() {
        let request = serde_json::to_string(&Request { id: 7, body: RequestBody::Ping }).unwrap();
        assert_eq!(request, r#"{"id":7,"body":{"kind":"ping"}}"#);
        let import = Request {
            id: 8,
            body: RequestBody::Import { source: ImportSource::File { name: "a.db".into(), bytes: 3 } },
        };
        let text = serde_json::to_string(&import).unwrap();
        assert_eq!(text, r#"{"id":8,"body":{"kind":"import","source":{"kind":"file","name":"a.db","bytes":3}}}"#);
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), import);
        let artifacts = Request { id: 9, body: RequestBody::Artifacts { entry: "w1".into(), step: "pod".into() } };
        let text = serde_json::to_string(&artifacts).unwrap();
        assert_eq!(text, r#"{"id":9,"body":{"kind":"artifacts","entry":"w1","step":"pod"}}"#);
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), artifacts);
    }

    #[test]
    fn text_form_and_playground_messages_have_a_stable_json_form() {
        let export =
            Request { id: 9, body: RequestBody::ExportText { entry: "w1".into(), form: TextForm::Decompiled } };
        assert_eq!(
            serde_json::to_string(&export).unwrap(),
            r#"{"id":9,"body":{"kind":"export_text","entry":"w1","form":"decompiled"}}"#
        );
        let query =
            Request { id: 10, body: RequestBody::Query { entry: "w1".into(), sql: "SELECT 1".into(), write: false } };
        assert_eq!(
            serde_json::to_string(&query).unwrap(),
            r#"{"id":10,"body":{"kind":"query","entry":"w1","sql":"SELECT 1","write":false}}"#
        );
        let answers = [
            ResponseBody::ZipFound {
                contents: ZipContents {
                    name: "shop.zip".into(),
                    form: TextForm::Project,
                    title: "shop".into(),
                    items: vec![("customers".into(), 3)],
                    counts: "1 table, 3 rows".into(),
                },
            },
            ResponseBody::Tables { tables: vec![("t".into(), Some(1))], protected: vec!["step".into()] },
            ResponseBody::TablePage {
                table: "t".into(),
                columns: vec!["a".into()],
                rows: vec![vec![None], vec![Some("x".into())]],
                offset: 50,
                total: 1_000_000,
            },
            ResponseBody::QueryDone {
                columns: vec![],
                rows: vec![],
                truncated: false,
                changed: 1,
                digest_changed: true,
            },
            ResponseBody::Failed { error: WorkerError::new(ErrorKind::Invalid, "a.zip: data/t.csv:3: …") },
        ];
        for body in answers {
            let message = FromWorker::Response(Response { id: 1, body });
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message, "{text}");
        }
    }

    #[test]
    fn the_loaders_failure_message_is_understood() {
        // Written by hand in static/worker-loader.js: keep the two in step.
        let text = r#"{"kind":"failed_to_start","reason":"TypeError: x"}"#;
        assert_eq!(
            serde_json::from_str::<FromWorker>(text).unwrap(),
            FromWorker::FailedToStart { reason: "TypeError: x".into() }
        );
    }

    #[test]
    fn worker_messages_round_trip_through_json() {
        let entry = Entry {
            id: "w1".into(),
            kind: EntryKind::Workshop,
            title: "SQL joins".into(),
            slug: Some("sql-joins".into()),
            version: Some("1.0.0".into()),
            steps: 8,
            done: 2,
            bytes: 155_648,
            file_name: "sql-joins.db".into(),
            added_at: "2026-11-21T10:00:00Z".into(),
            last_opened: None,
        };
        let messages = [
            FromWorker::Started,
            FromWorker::FailedToStart { reason: "CompileError".into() },
            FromWorker::Progress(Progress { id: 2, stage: "Copying into storage".into(), done: 10, total: Some(20) }),
            FromWorker::Response(Response { id: 3, body: ResponseBody::Pong { version: "1.2.3".into() } }),
            FromWorker::Response(Response {
                id: 4,
                body: ResponseBody::Ready { storage: Storage::Memory { reason: "private window".into() } },
            }),
            FromWorker::Response(Response {
                id: 5,
                body: ResponseBody::Duplicate {
                    pending: "p1".into(),
                    existing: entry.clone(),
                    incoming: entry.clone(),
                },
            }),
            FromWorker::Response(Response {
                id: 6,
                body: ResponseBody::Opened {
                    entry: entry.clone(),
                    view: OpenedView::Playground { tables: vec![("t".into(), Some(3)), ("v".into(), None)] },
                },
            }),
            FromWorker::Response(Response {
                id: 7,
                body: ResponseBody::Artifacts {
                    view: ArtifactsView {
                        manifests: vec![ManifestDoc {
                            kind: "Pod".into(),
                            name: "hello".into(),
                            text: "apiVersion: v1\nkind: Pod\n".into(),
                        }],
                        files: vec![
                            FileItem { path: "k8s/pod.yaml".into(), bytes: 22, text: Some("kind: Pod\n".into()) },
                            FileItem { path: "logo.png".into(), bytes: 900, text: None },
                        ],
                        state: Some("concepts: [Pod]\n".into()),
                    },
                },
            }),
            FromWorker::Response(Response {
                id: 0,
                body: ResponseBody::Failed { error: WorkerError::new(ErrorKind::BadRequest, "eof") },
            }),
        ];
        for message in messages {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message, "{text}");
        }
    }
}
