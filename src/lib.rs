//! The Stepwise web app: plays workshop `.db` files in the browser.
//!
//! The page is a Yew app ([`App`]) running on the UI thread. Every SQLite connection will live
//! in one dedicated worker (the `worker` binary, built only with the `worker` feature) that the
//! UI talks to through the typed messages of [`protocol`]. The page shows the library of stored
//! databases ([`library::Library`], shared through a context) and opens one at `#/w/<id>`.
//!
//! **Invariant:** the UI binary links no SQLite: everything that opens a database sits behind
//! the `worker` feature (`scripts/test.sh` checks the built `app` wasm for `sqlite3_` symbols).

mod app;
mod components;
mod format;
mod hooks;
pub mod library;
mod pages;
pub mod protocol;
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
pub mod runtime;
pub mod samples;
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
pub mod worker;

pub use crate::app::App;
