//! Messages between the UI and the worker: serde enums both sides import.
//!
//! Each request carries an id that its response repeats, so replies can be matched to the
//! request that caused them. Messages cross `postMessage` as JSON text.

use serde::{Deserialize, Serialize};

/// The worker's loader script (`static/worker-loader.js`, copied next to Trunk's `worker.js`).
pub const WORKER_URL: &str = "./worker-loader.js";

/// A request from the UI to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the UI; repeated in the [`Response`].
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
    /// The answer to one request.
    Response(Response),
}

/// A response from the worker to one [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The id of the request this answers.
    pub id: u32,
    /// The answer.
    pub body: ResponseBody,
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
    /// The request could not be handled. (A struct variant: `WorkerError` has its own `kind` tag.)
    Failed {
        /// What went wrong.
        error: WorkerError,
    },
}

/// An error that crossed the worker boundary: kept in UI state, so `Clone + PartialEq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerError {
    /// The message was not a request this worker understands (a stale page after an update?).
    BadRequest {
        /// What the decoder said.
        reason: String,
    },
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerError::BadRequest { reason } => write!(f, "the worker could not read a request: {reason}"),
        }
    }
}

/// The worker's answer to one encoded request: never fails, bad input becomes
/// [`ResponseBody::Failed`] (with id 0 when even the id could not be read).
pub fn answer(encoded: &str) -> Response {
    match serde_json::from_str::<Request>(encoded) {
        Ok(Request { id, body: RequestBody::Ping }) => Response {
            id,
            body: ResponseBody::Pong { version: env!("CARGO_PKG_VERSION").to_owned() },
        },
        Err(e) => Response {
            id: 0,
            body: ResponseBody::Failed { error: WorkerError::BadRequest { reason: e.to_string() } },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_is_answered_with_the_same_id() {
        let request = serde_json::to_string(&Request { id: 7, body: RequestBody::Ping }).unwrap();
        assert_eq!(request, r#"{"id":7,"body":{"kind":"ping"}}"#);
        let response = answer(&request);
        assert_eq!(response.id, 7);
        assert_eq!(response.body, ResponseBody::Pong { version: env!("CARGO_PKG_VERSION").into() });
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
    fn garbage_is_a_bad_request_not_a_panic() {
        let response = answer("{not json");
        assert!(matches!(response.body, ResponseBody::Failed { error: WorkerError::BadRequest { .. } }));
    }

    #[test]
    fn worker_messages_round_trip_through_json() {
        let messages = [
            FromWorker::Started,
            FromWorker::FailedToStart { reason: "CompileError".into() },
            FromWorker::Response(Response { id: 3, body: ResponseBody::Pong { version: "1.2.3".into() } }),
            FromWorker::Response(Response {
                id: 0,
                body: ResponseBody::Failed { error: WorkerError::BadRequest { reason: "eof".into() } },
            }),
        ];
        for message in messages {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message, "{text}");
        }
    }
}
