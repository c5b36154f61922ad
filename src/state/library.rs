//! The page's shared state: the worker's storage, the stored databases and the jobs under way.
//!
//! One [`LibraryState`] changed only through [`Action`]s, handed down by a context provider
//! ([`LibraryContext`]). The worker's answers become actions in `hooks::use_library`.

use std::rc::Rc;

use yew::prelude::*;

use stepwise_protocol::{ByteProgress, DataPreview, Entry, LoadProgress, Storage, WorkerError, ZipContents};

/// The handle components get from the context.
pub type LibraryContext = UseReducerHandle<LibraryState>;

/// Where the connection to the worker's storage stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The worker is loading or opening its storage; how much of its wasm has arrived, while
    /// its loader says.
    Starting(Option<LoadProgress>),
    /// The storage is open.
    Ready(Storage),
    /// Another tab holds the storage: this one cannot use it.
    OtherTab(String),
    /// The worker could not be started or could not open any storage.
    Broken(String),
}

/// What a job is doing, for its progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// Adding a database to the library.
    Import,
    /// Preparing a stored database for download.
    Download {
        /// The entry being downloaded.
        entry: String,
    },
}

/// A long request under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The request's id.
    pub id: u32,
    /// Import or download.
    pub kind: JobKind,
    /// What it works on, for people: a file name or a URL.
    pub label: String,
    /// The worker's last progress event, if any came.
    pub progress: Option<ByteProgress>,
}

/// A refusal or failure shown in the alert region until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Identifies it for dismissal.
    pub id: u32,
    /// What it was about (a file name or URL), shown first.
    pub subject: String,
    /// What went wrong, as the worker said it (plus a hint where the UI has one).
    pub message: String,
}

/// An import that waits for the user: the same workshop is already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatePrompt {
    /// The import's request id.
    pub job: u32,
    /// The worker's token for the checked, not yet stored import.
    pub pending: String,
    /// The stored workshop.
    pub existing: Entry,
    /// The one being imported.
    pub incoming: Entry,
}

/// A zip the user added, waiting for "Build and add": what the worker found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipPrompt {
    /// The preview's request id.
    pub job: u32,
    /// What the zip holds.
    pub contents: ZipContents,
    /// The zip itself, sent again to build it.
    pub file: web_sys::File,
}

/// A data file (CSV, TSV, JSON) the user added, waiting in its preview for "Import".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPrompt {
    /// The preview's request id.
    pub job: u32,
    /// What the worker read in it.
    pub preview: DataPreview,
    /// The file itself, sent again to write it (`None`: the worker holds it, fetched from an
    /// address; the preview names its token).
    pub file: Option<web_sys::File>,
}

/// What the last finished import did, shown once under the add controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The stored entry.
    pub entry: Entry,
    /// `(carried, dropped)` steps' progress when a previous version was replaced.
    pub carried: Option<(u32, u32)>,
    /// It replaced a stored copy (the user chose so).
    pub replaced: bool,
}

/// `navigator.storage.estimate()`, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Bytes used by this site.
    pub usage: f64,
    /// Bytes this site may use.
    pub quota: f64,
}

/// Everything the page shares.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryState {
    /// Whether the storage can be used yet.
    pub phase: Phase,
    /// Every stored database, most recent first; `None` until the first list arrives.
    pub entries: Option<Vec<Entry>>,
    /// Imports and downloads under way, oldest first.
    pub jobs: Vec<Job>,
    /// Refusals to show, oldest first.
    pub alerts: Vec<Alert>,
    /// Imports waiting for the user's choice, asked one at a time (several files may be dropped).
    pub duplicates: Vec<DuplicatePrompt>,
    /// The last import that finished.
    pub report: Option<ImportReport>,
    /// The browser's storage estimate, once known.
    pub estimate: Option<Estimate>,
    /// Zips waiting for the user's confirmation, asked one at a time.
    pub zips: Vec<ZipPrompt>,
    /// Data files waiting in their preview, one at a time.
    pub data: Vec<DataPrompt>,
    next_alert: u32,
}

impl Default for LibraryState {
    fn default() -> Self {
        LibraryState {
            phase: Phase::Starting(None),
            entries: None,
            jobs: Vec::new(),
            alerts: Vec::new(),
            duplicates: Vec::new(),
            report: None,
            estimate: None,
            zips: Vec::new(),
            data: Vec::new(),
            next_alert: 1,
        }
    }
}

/// Every change the page makes to [`LibraryState`].
// Actions live for one dispatch; boxing their entries would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// More of the worker's wasm has arrived (`None`: it has all come, or nothing is counted).
    WorkerLoading(Option<LoadProgress>),
    /// The worker opened its storage.
    Ready(Storage),
    /// The storage cannot be used from this tab.
    Unavailable(WorkerError),
    /// The worker could not start at all.
    Broken(String),
    /// The worker listed the stored databases.
    Loaded(Vec<Entry>),
    /// A long request was sent.
    Started(Job),
    /// The worker reported how far a long request has got.
    Progress(ByteProgress),
    /// An import stored a database.
    Imported {
        /// The import's request id.
        job: u32,
        /// The stored entry.
        entry: Entry,
        /// Progress carried over from a replaced version.
        carried: Option<(u32, u32)>,
        /// It replaced a stored copy.
        replaced: bool,
    },
    /// An import found the same workshop stored: ask the user.
    Duplicate(DuplicatePrompt),
    /// The user answered the duplicate question of this import (its job goes on, or ends).
    DuplicateAnswered(u32),
    /// A download is ready (or a job ended without a result worth keeping).
    Finished(u32),
    /// A database was removed.
    Removed(String),
    /// A database was opened; its entry has a new "last opened".
    Opened(Entry),
    /// A request failed: show why.
    Failed {
        /// The request's id, if it was a long one.
        job: Option<u32>,
        /// What it was about (file name, URL, title).
        subject: String,
        /// The sentence to show.
        message: String,
    },
    /// The user dismissed an alert.
    Dismiss(u32),
    /// The user dismissed the import report.
    DismissReport,
    /// `navigator.storage.estimate()` answered.
    Estimated(Estimate),
    /// An added file was a zip: ask before building it.
    ZipFound(ZipPrompt),
    /// The user answered the zip question of this job.
    ZipAnswered(u32),
    /// An added file was data: preview it before writing it.
    DataFound(DataPrompt),
    /// The data preview of this job was closed (imported or cancelled).
    DataAnswered(u32),
}

impl Reducible for LibraryState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::WorkerLoading(loaded) => {
                if let Phase::Starting(_) = next.phase {
                    next.phase = Phase::Starting(loaded);
                }
            }
            Action::Ready(storage) => next.phase = Phase::Ready(storage),
            Action::Unavailable(error) => {
                next.phase = match error.kind {
                    stepwise_protocol::ErrorKind::OtherTab => Phase::OtherTab(error.message),
                    _ => Phase::Broken(error.message),
                }
            }
            Action::Broken(reason) => next.phase = Phase::Broken(reason),
            Action::Loaded(entries) => next.entries = Some(entries),
            Action::Started(job) => {
                if job.kind == JobKind::Import {
                    next.report = None;
                }
                next.jobs.retain(|j| j.id != job.id);
                next.jobs.push(job);
            }
            Action::Progress(progress) => {
                if let Some(job) = next.jobs.iter_mut().find(|j| j.id == progress.id) {
                    job.progress = Some(progress);
                }
            }
            Action::Imported { job, entry, carried, replaced } => {
                next.jobs.retain(|j| j.id != job);
                next.duplicates.retain(|d| d.job != job);
                let entries = next.entries.get_or_insert_with(Vec::new);
                entries.retain(|e| e.id != entry.id);
                entries.insert(0, entry.clone());
                next.report = Some(ImportReport { entry, carried, replaced });
            }
            Action::Duplicate(prompt) => {
                next.duplicates.retain(|d| d.job != prompt.job);
                next.duplicates.push(prompt);
            }
            Action::DuplicateAnswered(job) => next.duplicates.retain(|d| d.job != job),
            Action::Finished(job) => next.jobs.retain(|j| j.id != job),
            Action::Removed(id) => {
                if let Some(entries) = next.entries.as_mut() {
                    entries.retain(|e| e.id != id);
                }
                if next.report.as_ref().is_some_and(|r| r.entry.id == id) {
                    next.report = None;
                }
            }
            Action::Opened(entry) => {
                if let Some(slot) = next.entries.iter_mut().flatten().find(|e| e.id == entry.id) {
                    *slot = entry;
                }
            }
            Action::Failed { job, subject, message } => {
                if let Some(job) = job {
                    next.jobs.retain(|j| j.id != job);
                    next.duplicates.retain(|d| d.job != job);
                }
                let id = next.next_alert;
                next.next_alert += 1;
                next.alerts.push(Alert { id, subject, message });
            }
            Action::Dismiss(id) => next.alerts.retain(|a| a.id != id),
            Action::DismissReport => next.report = None,
            Action::Estimated(estimate) => next.estimate = Some(estimate),
            Action::ZipFound(prompt) => {
                next.jobs.retain(|j| j.id != prompt.job);
                next.zips.retain(|z| z.job != prompt.job);
                next.zips.push(prompt);
            }
            Action::ZipAnswered(job) => next.zips.retain(|z| z.job != job),
            Action::DataFound(prompt) => {
                next.jobs.retain(|j| j.id != prompt.job);
                next.data.retain(|d| d.job != prompt.job);
                next.data.push(prompt);
            }
            Action::DataAnswered(job) => next.data.retain(|d| d.job != job),
        }
        Rc::new(next)
    }
}

impl LibraryState {
    /// The download under way for an entry, if any.
    pub fn download_of(&self, entry: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| matches!(&j.kind, JobKind::Download { entry: e } if e == entry))
    }

    /// The zip question to ask now (the oldest).
    pub fn zip(&self) -> Option<&ZipPrompt> {
        self.zips.first()
    }

    /// The data file to preview now (the oldest).
    pub fn data_prompt(&self) -> Option<&DataPrompt> {
        self.data.first()
    }

    /// The duplicate question to ask now (the oldest).
    pub fn duplicate(&self) -> Option<&DuplicatePrompt> {
        self.duplicates.first()
    }

    /// Imports under way, oldest first.
    pub fn imports(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter().filter(|j| j.kind == JobKind::Import)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_protocol::{EntryKind, ErrorKind};

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            kind: EntryKind::Workshop,
            title: format!("Workshop {id}"),
            slug: Some("w".into()),
            version: Some("1.0.0".into()),
            steps: 3,
            done: 0,
            bytes: 4096,
            file_name: "w.db".into(),
            added_at: "2026-01-01T00:00:00Z".into(),
            last_opened: None,
            source: None,
        }
    }

    fn reduce(library: LibraryState, actions: impl IntoIterator<Item = Action>) -> LibraryState {
        let mut state = Rc::new(library);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn import_job(id: u32) -> Job {
        Job { id, kind: JobKind::Import, label: "w.db".into(), progress: None }
    }

    #[test]
    fn an_import_moves_from_job_to_the_top_of_the_list() {
        let state = reduce(
            LibraryState::default(),
            [
                Action::Loaded(vec![entry("a")]),
                Action::Started(import_job(5)),
                Action::Progress(ByteProgress { id: 5, stage: "Copying".into(), done: 1, total: Some(2) }),
            ],
        );
        assert_eq!(state.jobs[0].progress.as_ref().unwrap().done, 1);
        let state =
            reduce(state, [Action::Imported { job: 5, entry: entry("b"), carried: Some((2, 1)), replaced: true }]);
        assert!(state.jobs.is_empty());
        let ids: Vec<_> = state.entries.unwrap().iter().map(|e| e.id.clone()).collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(state.report.unwrap().carried, Some((2, 1)));
    }

    #[test]
    fn a_failure_ends_the_job_and_leaves_the_list_alone() {
        let state = reduce(
            LibraryState::default(),
            [
                Action::Loaded(vec![entry("a")]),
                Action::Started(import_job(2)),
                Action::Failed { job: Some(2), subject: "notes.txt".into(), message: "Not SQLite.".into() },
            ],
        );
        assert!(state.jobs.is_empty());
        assert_eq!(state.entries.as_ref().unwrap().len(), 1);
        assert_eq!(state.alerts[0].subject, "notes.txt");
        let id = state.alerts[0].id;
        assert!(reduce(state, [Action::Dismiss(id)]).alerts.is_empty());
    }

    #[test]
    fn duplicate_questions_are_asked_one_at_a_time() {
        let prompt =
            |job| DuplicatePrompt { job, pending: format!("p{job}"), existing: entry("a"), incoming: entry("b") };
        let state = reduce(
            LibraryState::default(),
            [
                Action::Started(import_job(1)),
                Action::Started(import_job(2)),
                Action::Duplicate(prompt(1)),
                Action::Duplicate(prompt(2)),
            ],
        );
        assert_eq!(state.duplicate().map(|d| d.job), Some(1));
        let state = reduce(state, [Action::DuplicateAnswered(1)]);
        assert_eq!(state.duplicate().map(|d| d.job), Some(2));
        let state = reduce(state, [Action::Failed { job: Some(2), subject: "b.db".into(), message: "gone".into() }]);
        assert_eq!(state.duplicate(), None);
    }

    #[test]
    fn removing_drops_the_entry() {
        let state = reduce(
            LibraryState::default(),
            [Action::Loaded(vec![entry("a"), entry("b")]), Action::Removed("a".into())],
        );
        assert_eq!(state.entries.unwrap(), vec![entry("b")]);
    }

    #[test]
    fn another_tab_is_its_own_phase() {
        let state =
            reduce(LibraryState::default(), [Action::Unavailable(WorkerError::new(ErrorKind::OtherTab, "busy"))]);
        assert_eq!(state.phase, Phase::OtherTab("busy".into()));
        let state = reduce(LibraryState::default(), [Action::Unavailable(WorkerError::new(ErrorKind::Internal, "no"))]);
        assert_eq!(state.phase, Phase::Broken("no".into()));
    }

    #[test]
    fn the_worker_s_download_is_kept_while_it_starts_and_no_longer() {
        let loaded = |done| LoadProgress { done, total: Some(623_108) };
        let state = reduce(
            LibraryState::default(),
            [Action::WorkerLoading(Some(loaded(65_536))), Action::WorkerLoading(Some(loaded(131_072)))],
        );
        assert_eq!(state.phase, Phase::Starting(Some(loaded(131_072))));
        // Started: it opens its storage, and the figure goes.
        let state = reduce(state, [Action::WorkerLoading(None)]);
        assert_eq!(state.phase, Phase::Starting(None));
        let state = reduce(state, [Action::Ready(Storage::Opfs), Action::WorkerLoading(Some(loaded(623_108)))]);
        assert_eq!(state.phase, Phase::Ready(Storage::Opfs));
    }

    #[test]
    fn downloads_are_found_by_entry() {
        let job = Job { id: 9, kind: JobKind::Download { entry: "a".into() }, label: "a.db".into(), progress: None };
        let state = reduce(LibraryState::default(), [Action::Started(job)]);
        assert_eq!(state.download_of("a").map(|j| j.id), Some(9));
        assert!(state.download_of("b").is_none());
        assert_eq!(state.imports().count(), 0);
    }
}
