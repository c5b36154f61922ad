//! What the handling of requests shares ([`crate::dispatch`] and [`crate::deferred`]): the
//! worker's state between requests, the open library (or the response that says why there is
//! none), and the encoding of an answer.

use stepwise_protocol::{Call, ErrorKind, Response, WorkerError};

use crate::blobs::Downloads;
use crate::class::Class;
use crate::data;
use crate::library::Library;

/// Where the storage stands.
pub enum StorageState {
    /// `Init` not yet received.
    NotReady,
    /// Storage open.
    Ready(Library),
    /// Another tab holds the storage (or it failed to open): every request gets this error.
    Refused(WorkerError),
}

/// What the worker keeps between requests.
pub struct State {
    /// The storage.
    pub storage: StorageState,
    /// Downloads made for the page.
    pub downloads: Downloads,
    /// This worker holds [`STORAGE_LOCK`](stepwise_protocol::wire::STORAGE_LOCK) (until it ends).
    pub lock_held: bool,
    /// The teacher's class, in memory.
    pub class: Class,
    /// A data file fetched from an address, held for its preview's answer.
    pub data: Option<data::Held>,
}

impl Default for State {
    fn default() -> Self {
        State {
            storage: StorageState::NotReady,
            downloads: Downloads::default(),
            lock_held: false,
            data: None,
            class: Class::default(),
        }
    }
}

/// The response to request `id` of type `C`: the type checker holds each arm of the handlers to
/// the answer its request names.
pub fn reply<C: Call>(id: u32, _request: &C, result: Result<C::Answer, WorkerError>) -> Response {
    Response::new::<C>(id, result)
}

/// The open library, or the response that says why there is none.
pub fn ready(storage: &mut StorageState, id: u32) -> Result<&mut Library, Response> {
    match storage {
        StorageState::Ready(library) => Ok(library),
        StorageState::Refused(error) => Err(Response::failed(id, error.clone())),
        StorageState::NotReady => {
            let error = WorkerError::new(ErrorKind::BadRequest, "The storage is not open yet: send Init first.");
            Err(Response::failed(id, error))
        }
    }
}
