//! The messages between the Stepwise page and its database worker, and the views they carry.
//!
//! The page (the UI thread) never opens SQLite: it asks the worker. Every request is a type of
//! its own that names the type of its answer through [`Call`], so the page cannot be handed an
//! answer its request cannot have:
//!
//! ```
//! use stepwise_protocol::{Call, List, Entry};
//! fn answer_type<C: Call>(_: &C) -> &'static str { std::any::type_name::<C::Answer>() }
//! assert_eq!(answer_type(&List {}), std::any::type_name::<Vec<Entry>>());
//! ```
//!
//! On the wire ([`wire`]) the page posts `{ request: "<JSON of Request>", file?: File }` and the
//! worker posts the JSON text of [`FromWorker`]: progress events, then one [`Response`] per
//! request, holding the answer's JSON or a [`WorkerError`].
//!
//! The views are plain data, each type defined once here: the worker fills them (the format
//! library fills [`ArtifactsView`] and [`StepState`] itself) and the page shows them.
#![deny(missing_docs)]

// First, so that `tag_first!` is in scope in the modules below.
#[macro_use]
pub mod tagged;

mod address;
mod artifacts;
mod class;
mod data;
mod error;
mod library;
mod player;
mod playground;
mod requests;
mod structure;
mod textforms;
pub mod wire;

pub use crate::address::file_name_of_url;
pub use crate::artifacts::{ArtifactsView, FileItem, ManifestDoc};
pub use crate::class::{
    AnswerView, ClassRow, ClassStep, ClassView, Flag, HandIn, HandInRead, HandInStep, Mark, SortKey, Unread,
};
pub use crate::data::{ColumnType, DataColumn, DataFormat, DataOptions, DataPreview};
pub use crate::error::{ErrorKind, WorkerError};
pub use crate::library::{
    Added, DataImported, Duplicate, DuplicateChoice, Entry, EntryKind, ImportSource, Imported, OpenedEntry, OpenedView,
    Pong, Resolved, Storage, Stored,
};
pub use crate::player::{
    CheckState, CheckView, ChoiceView, CompletionView, HelpView, PlayerView, SetupNote, SnapshotSummary, SqlOutcome,
    SqlTable, StepReport, StepState, TocStep, WorkspaceTable,
};
pub use crate::playground::{QUERY_SECONDS, QueryDone, Rows, TablePage, TablesView};
pub use crate::requests::*;
pub use crate::structure::{ColumnView, ForeignKeyView, IndexView, StructureView, TriggerView};
pub use crate::textforms::{DownloadReady, TextForm, ZipContents};
pub use crate::wire::{ByteProgress, FromWorker, LoadProgress, Request, Response};
