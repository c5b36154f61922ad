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
        post(&reply_to, &FromWorker::Response(protocol::answer(&text)));
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
