//! Starts the dedicated worker for the component's lifetime and reports whether it answers.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

use crate::protocol::{FromWorker, Request, RequestBody, Response, ResponseBody, WORKER_URL};

/// What the UI knows about its worker.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerStatus {
    /// Loading, or waiting for the answer to the first ping.
    Starting,
    /// Answered the ping.
    Ready {
        /// The version the worker reported.
        version: String,
    },
    /// Could not be started or answered with an error.
    Failed(String),
}

/// The running worker and the handlers it calls; terminated when dropped.
struct Running {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(wasm_bindgen::JsValue)>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Starts the worker, pings it once it is up, and returns its status.
#[hook]
pub fn use_worker() -> WorkerStatus {
    let status = use_state(|| WorkerStatus::Starting);
    {
        let set = status.setter();
        use_effect_with((), move |_| {
            let running = match start(set.clone()) {
                Ok(running) => Some(running),
                Err(reason) => {
                    set.set(WorkerStatus::Failed(reason));
                    None
                }
            };
            move || drop(running)
        });
    }
    (*status).clone()
}

fn start(set: UseStateSetter<WorkerStatus>) -> Result<Running, String> {
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("could not start the worker: {e:?}"))?;

    let sender = worker.clone();
    let set_on_message = set.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match serde_json::from_str::<FromWorker>(&text) {
            Ok(FromWorker::Started) => {
                let ping =
                    serde_json::to_string(&Request { id: 1, body: RequestBody::Ping }).expect("requests always encode");
                if let Err(e) = sender.post_message(&ping.into()) {
                    set_on_message.set(WorkerStatus::Failed(format!("could not ping the worker: {e:?}")));
                }
            }
            Ok(FromWorker::FailedToStart { reason }) => {
                set_on_message.set(WorkerStatus::Failed(format!("the worker could not load: {reason}")));
            }
            Ok(FromWorker::Response(Response { body: ResponseBody::Pong { version }, .. })) => {
                set_on_message.set(WorkerStatus::Ready { version });
            }
            Ok(FromWorker::Response(Response { body: ResponseBody::Failed { error }, .. })) => {
                set_on_message.set(WorkerStatus::Failed(error.to_string()));
            }
            Ok(FromWorker::Progress(_) | FromWorker::Response(_)) => {}
            Err(e) => set_on_message.set(WorkerStatus::Failed(format!("unreadable message from the worker: {e}"))),
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    let on_error = Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(move |_| {
        set.set(WorkerStatus::Failed("the worker failed to load".to_owned()));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    Ok(Running { worker, _on_message: on_message, _on_error: on_error })
}
