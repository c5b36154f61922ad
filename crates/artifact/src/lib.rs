//! The Stepwise workshop format: a whole hands-on workshop in one SQLite file.
//!
//! A workshop `.db` holds three sections (see `docs/format.md`): the **definition** (metadata,
//! steps, Markdown, navigation, validation rules), the **compiled step artifacts** (manifest
//! bundles, file-state archives, educational state, and the assets the Markdown shows), and the
//! **runtime state** of one learner (current step, progress, check results, snapshots,
//! workspace). This crate reads and writes all of it, natively and in the browser's worker:
//!
//! - [`open`] validates an untrusted file and tells a workshop from a plain SQLite database
//!   (which the app opens as a playground); [`verify`] lists every problem it finds.
//! - [`Workshop`] and [`Runtime`] are the typed model; [`build_file`] writes a new `.db`.
//! - [`text`] turns a workshop into its lossless text form (`workshop.yaml`, step folders, CSV)
//!   and back; [`decompile`] into a human-readable tree; [`project`] does the same for any
//!   SQLite database (`project.yaml` + `data/<table>.csv`).
//! - [`rules`] runs a step's checks against a learner's workspace database.
//! - [`migrate`] brings files of older format versions up to date.
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

pub mod artifacts;
pub mod csv;
pub mod decompile;
mod digest;
#[cfg(not(target_arch = "wasm32"))]
pub mod fs;
pub mod markdown;
pub mod migrate;
mod open;
pub mod play;
pub mod progress;
pub mod project;
pub mod rules;
mod schema;
mod sniff;
mod store;
pub mod text;
pub mod tree;
mod verify;

pub use crate::error::{Error, Result};
pub use crate::model::*;
/// The SQLite binding this crate uses, re-exported so callers name the same `Connection`.
pub use rusqlite;

pub use crate::digest::{DIGEST_PREFIX, content_digest, sha256_hex};
#[cfg(not(target_arch = "wasm32"))]
pub use crate::fs::build_file;
#[cfg(not(target_arch = "wasm32"))]
pub use crate::open::open_path;
pub use crate::open::{
    Kind, Opened, OpenedWorkshop, Playground, harden, inspect, load_checked, open_checked, playground_tables,
    quick_check,
};
pub use crate::schema::{APPLICATION_ID, ARTIFACT_TABLES, DEFINITION_TABLES, META_TABLES, SCHEMA_VERSION};
pub use crate::sniff::{Header, SNIFF_LEN, sniff};
pub use crate::store::{read_runtime, read_workshop, write_new, write_runtime};
#[cfg(not(target_arch = "wasm32"))]
pub use crate::verify::verify_path;
pub use crate::verify::{Report, verify_connection};
