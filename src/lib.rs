//! The Stepwise web app: the page, UI only.
//!
//! The page is a Yew app ([`App`]) running on the UI thread. It never opens SQLite: every
//! database lives in the dedicated worker (the `stepwise-worker` package, built by Trunk as a
//! second wasm binary), which the page asks through the typed requests of [`stepwise_protocol`]
//! (`hooks::use_worker`). The page shows the library of stored databases
//! ([`state::library::LibraryState`], shared through a context) and opens one at `#/w/<id>`.
//!
//! **Invariant:** this package's dependency graph holds no SQLite crate, for any target or
//! feature (`tests/invariants.rs` checks it on `cargo metadata`).

mod app;
pub mod boot;
mod components;
mod editor;
mod format;
mod hooks;
mod pages;
mod result_text;
pub mod samples;
mod shared_query;
pub mod state;

pub use crate::app::App;
