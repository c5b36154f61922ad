//! How messages travel between the page and the worker.
//!
//! The page posts a JS object `{ request: "<JSON of Request>", file?: File }`: the JSON carries
//! the typed request, and a `File` to import travels beside it as a structured clone, never as
//! a serde-encoded byte vector. The worker posts the JSON text of [`FromWorker`]. Each request
//! carries an id that its progress events and its one [`Response`] repeat.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, WorkerError};
use crate::requests::{Call, RequestBody};
use crate::tagged::{fields, unit, unknown};

/// The worker's loader script (`static/worker-loader.js`, copied next to Trunk's `worker.js`).
pub const WORKER_URL: &str = "./worker-loader.js";

/// Name of the field of the posted object that holds the request's JSON text.
pub const REQUEST_FIELD: &str = "request";

/// Name of the field of the posted object that holds a `File` or `Blob`, for imports.
pub const FILE_FIELD: &str = "file";

/// Name of the field of a posted object `{ prefetch_rest: true }` that asks the worker's loader
/// to fetch and compile the rest of the worker's wasm in the background (what a first visit does
/// not run: authors' text forms, the playground's queries, the class view; docs/ARCHITECTURE.md,
/// "The page and the worker in two parts"). `static/worker-loader.js` takes it; the worker's own
/// handler never sees it, and nothing answers it.
pub const PREFETCH_REST: &str = "prefetch_rest";

/// Name of the Web Lock the tab whose worker owns the OPFS pool holds for its whole life.
pub const STORAGE_LOCK: &str = "stepwise-storage";

/// A request from the page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the page; repeated in progress events and the [`Response`].
    pub id: u32,
    /// What is asked.
    pub body: RequestBody,
}

/// Everything the worker posts to the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// Sent once the worker's message handler is installed. Requests posted before it may be
    /// lost (the worker's wasm loads asynchronously), so the page waits for this first.
    Started,
    /// Sent by `static/worker-loader.js` when the worker's wasm could not be loaded.
    FailedToStart {
        /// What the browser said.
        reason: String,
    },
    /// Sent by `static/worker-loader.js` while the first part of the worker's wasm downloads
    /// (never when the service worker answers from its cache): any number, before `Started`.
    Loading(LoadProgress),
    /// How far a long request has got (import, download). Any number of these come before the
    /// request's response.
    Progress(ByteProgress),
    /// The answer to one request.
    Response(Response),
}

/// How far a long request has got, in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteProgress {
    /// The request's id.
    pub id: u32,
    /// What is happening, for people: `Downloading`, `Copying into storage`, `Checking`.
    pub stage: String,
    /// Bytes done.
    pub done: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
}

/// How much of the worker's wasm has arrived, in bytes as the host sent them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadProgress {
    /// Bytes arrived.
    pub done: u64,
    /// Bytes in all, when the host said (not when it compressed them on the way: then the
    /// length it gives is not of the bytes counted).
    pub total: Option<u64>,
}

/// The worker's answer to one [`Request`]: `{"id": 3, "ok": "<JSON of the answer>"}` or
/// `{"id": 3, "error": {"kind": …, "message": …}}`.
///
/// The answer travels as JSON text inside the message, decoded by the page as the type its
/// request names: no generic JSON value is built on either side (that code would cost the first
/// visit more than the escaping costs the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The id of the request this answers.
    pub id: u32,
    /// The answer: the JSON text of the request's [`Call::Answer`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<String>,
    /// Why the request failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WorkerError>,
}

impl Response {
    /// The response to request `id` of type `C`.
    pub fn new<C: Call>(id: u32, result: Result<C::Answer, WorkerError>) -> Response {
        match result.and_then(|answer| {
            serde_json::to_string(&answer).map_err(|e| {
                WorkerError::new(ErrorKind::Internal, format!("The worker could not encode its answer: {e}."))
            })
        }) {
            Ok(answer) => Response { id, ok: Some(answer), error: None },
            Err(error) => Response::failed(id, error),
        }
    }

    /// A failed response to request `id`.
    pub fn failed(id: u32, error: WorkerError) -> Response {
        Response { id, ok: None, error: Some(error) }
    }

    /// The answer of a request of type `C`. An answer that does not read as `C::Answer` (a worker
    /// of another version) is an error, like a refusal.
    ///
    /// # Errors
    /// The worker's [`WorkerError`], or [`ErrorKind::BadRequest`] for an answer of another shape.
    pub fn decode<C: Call>(self) -> Result<C::Answer, WorkerError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        serde_json::from_str(self.ok.as_deref().unwrap_or("null")).map_err(|e| {
            WorkerError::new(
                ErrorKind::BadRequest,
                format!("The database worker answered in a form this page does not read (reload the page): {e}."),
            )
        })
    }
}

tag_first!(FromWorker, tag "kind", "a message from the worker", |tag, rest| {
    #[derive(Deserialize)]
    struct FailedToStart {
        reason: String,
    }
    match tag {
        "started" => unit(rest, FromWorker::Started),
        "failed_to_start" => fields(rest).map(|FailedToStart { reason }| FromWorker::FailedToStart { reason }),
        "loading" => fields(rest).map(FromWorker::Loading),
        "progress" => fields(rest).map(FromWorker::Progress),
        "response" => fields(rest).map(FromWorker::Response),
        _ => Err(unknown::<Self, _>(tag)),
    }
});
