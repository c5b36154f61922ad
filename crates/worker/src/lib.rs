//! Stepwise's database worker: everything that owns SQLite in the browser.
//!
//! The page starts this crate's `worker` binary in a dedicated Worker and talks to it through
//! [`stepwise_protocol`]. [`serve`] is the message loop: one queue, one request at a time. It
//! hands each request to [`Library`], which keeps every stored database in OPFS (the `sahpool`
//! VFS of [`backend`]) or in memory when this browser has no OPFS for the page:
//!
//! - [`import`](Library::import): streamed from a `File` or a URL ([`source`]), sniffed before
//!   anything is stored, checked and added to the [`catalog`]; a workshop already stored waits
//!   for the user's answer ([`Library::resolve`]);
//! - the player ([`player`]: a step's view in `player_view`, hints, solutions and the
//!   completion page in `help`, the step setups in `session`), the playground ([`playground`]), the text forms ([`textforms`]);
//! - export and removal.
//!
//! The requests a learner's first visit never makes (text forms, the class, data files) are
//! handled in `deferred`, apart, so that the build can move their code to the worker's second
//! wasm module, loaded on first use.
//!
//! Refusals are the library's [`Fault`](errors::Fault)s until they leave through
//! [`errors`], the one place that turns them into the page's
//! [`WorkerError`](stepwise_protocol::WorkerError).
//!
//! **Invariant:** nothing outside this crate opens a SQLite connection in the browser; the page
//! links no SQLite at all (a test on `cargo metadata` checks the app package's graph).
//!
//! On targets other than wasm32 this library is empty: it runs in a browser only.
#![cfg(target_arch = "wasm32")]

pub mod backend;
mod blobs;
pub mod catalog;
mod class;
pub mod data;
pub mod digest;
mod deferred;
mod dispatch;
mod duplicates;
mod handling;
pub mod errors;
pub mod faults;
mod help;
mod import;
mod library;
pub mod lock;
mod new_database;
pub mod player;
mod player_view;
pub mod playground;
pub mod serve;
mod session;

pub mod source;
pub mod textforms;

pub use crate::library::{Library, MEMORY_REASON, OnProgress};
