//! The worker's side of [`crate::protocol`]: runs in the dedicated worker, answers requests.
//!
//! Built only with the `worker` feature, so nothing here (and, later, no SQLite) reaches the
//! UI binary.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{self, FromWorker};

/// Installs the message handler on the worker's global scope and keeps it for the worker's life.
///
/// # Panics
/// When not called inside a dedicated worker.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope =
        js_sys::global().dyn_into().expect("the worker binary runs in a dedicated worker");
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        post(&reply_to, &FromWorker::Response(answer(&text)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Started);
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let encoded = serde_json::to_string(message).expect("worker messages always encode");
    // Posting a string to our own page cannot fail short of the page being gone.
    let _ = scope.post_message(&encoded.into());
}

/// Answers one encoded request (the storage requests come with the OPFS runtime).
fn answer(encoded: &str) -> protocol::Response {
    use protocol::{ErrorKind, Request, RequestBody, Response, ResponseBody, WorkerError};
    match serde_json::from_str::<Request>(encoded) {
        Ok(Request { id, body: RequestBody::Ping }) => {
            Response { id, body: ResponseBody::Pong { version: env!("CARGO_PKG_VERSION").to_owned() } }
        }
        Ok(Request { id, .. }) => Response {
            id,
            body: ResponseBody::Failed { error: WorkerError::new(ErrorKind::BadRequest, "not implemented yet") },
        },
        Err(e) => Response { id: 0, body: ResponseBody::Failed { error: WorkerError::new(ErrorKind::BadRequest, e.to_string()) } },
    }
}
