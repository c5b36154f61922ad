//! The Stepwise workshop format: a whole hands-on workshop in one SQLite file.
//!
//! A workshop `.db` holds three sections (see `docs/format.md`): the **definition** (metadata,
//! steps, Markdown, navigation, validation rules), the **compiled step artifacts** (manifest
//! bundles, file-state archives, educational state, and the assets the Markdown shows), and the
//! **runtime state** of one learner (current step, progress, check results, snapshots,
//! workspace). This crate reads and writes all of it, natively and in the browser's worker:
//!
//! - [`open_checked`] is the one way an untrusted file is opened: hardened, classified (a
//!   workshop, an older one to migrate, or a plain SQLite database the app opens as a
//!   playground), loaded and its digest checked; [`verify_connection`] lists every problem.
//! - [`Workshop`] and [`Runtime`] are the typed model, read from and written to the tables by
//!   [`db::store`]; `native::fs::build_file` builds a new `.db` from a folder.
//! - [`text`] turns a workshop into its lossless text form (`workshop.yaml`, step folders, CSV)
//!   and back; [`decompile`] into a human-readable tree; [`project`] does the same for any
//!   SQLite database (`project.yaml` + `data/<table>.csv`).
//! - [`rules`] runs a step's checks against a learner's workspace database; [`prove`] plays a
//!   workshop natively and proves that every check fails before its solution and passes after.
//! - [`migrate`] brings files of older format versions up to date.
//! - [`tabular`] reads CSV, TSV and JSON data files into tables, after a preview.
//! - [`archive`] reads zips, tars and folders as hostile input; [`csv`] is the text forms' CSV.
//! - [`native`] (not in the browser) is everything that touches the disk.
//!
//! ```no_run
//! # fn main() -> stepwise_artifact::Result<()> {
//! let opened = stepwise_artifact::open_path("sql-joins.db".as_ref())?;
//! if let stepwise_artifact::Opened::Workshop(w) = opened {
//!     println!("{} has {} steps", w.workshop.meta.title, w.workshop.steps.len());
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod error;
mod model;

pub mod archive;
pub mod artifacts;
pub mod class;
pub mod completion;
pub mod csv;
pub mod db;
pub mod decompile;
mod digest;
pub mod import;
pub mod markdown;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod play;
pub mod progress;
pub mod project;
pub mod prove;
pub mod rules;
pub mod tabular;
pub mod text;

pub use crate::error::{Error, Result, Shown, capped_list, clipped, clipped_at, digest_shown, plain_or_shown, shown_list};
pub use crate::model::*;
/// The SQLite binding this crate uses, re-exported so callers name the same `Connection`.
pub use rusqlite;

pub use crate::db::deferred::{load_artifacts, with_artifacts};
pub use crate::db::harden::{harden, quick_check};
pub use crate::db::inspect::{Kind, inspect, playground_tables};
pub use crate::db::migrate;
pub use crate::db::runtime::{write_runtime, write_runtime_changes};
pub use crate::db::schema::{APPLICATION_ID, ARTIFACT_TABLES, DEFINITION_TABLES, META_TABLES, SCHEMA_VERSION};
pub use crate::db::store::{read_runtime, read_workshop, read_workshop_deferred, write_new};
pub use crate::db::verify::{Report, verify_connection};
pub use crate::db::{
    Header, Opened, OpenedWorkshop, Opening, PendingWorkshop, Playground, SNIFF_LEN, load_checked, open_checked,
    open_pending, open_pending_deferred, sniff,
};
pub use crate::digest::{
    DIGEST_PREFIX, Sha256Digest, content_digest, content_digest_deferred, content_digest_with, digest_blobs, sha256,
    sha256_hex,
};
#[cfg(not(target_arch = "wasm32"))]
pub use crate::native::fs::build_file;
#[cfg(not(target_arch = "wasm32"))]
pub use crate::native::{open_path, verify_path};
