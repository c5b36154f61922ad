//! The worker's message loop: reads what the page posts, answers `Ping` at once, and queues
//! every other request for ONE task that handles them in order, so two imports never
//! interleave and the [`Library`](crate::Library) is never used by two tasks at once. Long
//! requests post [`FromWorker::Progress`] before their one response.
//!
//! The page posts `{request: "<JSON>", file?: File}` (a bare JSON string is accepted too).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use stepwise_protocol::wire::{FILE_FIELD, REQUEST_FIELD};
use stepwise_protocol::{ByteProgress, ErrorKind, FromWorker, Ping, Request, RequestBody, Response, WorkerError};

use crate::dispatch;
use crate::handling::State;

/// Progress events are posted at most once per this many bytes (and at each stage's end).
const PROGRESS_STEP: u64 = 1 << 20;

/// A request and the file posted beside it, waiting its turn.
struct Queued {
    request: Request,
    file: Option<Blob>,
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    queue: RefCell<VecDeque<Queued>>,
    running: Cell<bool>,
    state: RefCell<Option<State>>,
}

/// Installs the message handler on the worker's global scope and keeps it for the worker's life.
///
/// # Panics
/// When not called inside a dedicated worker.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope =
        js_sys::global().dyn_into().expect("the worker binary runs in a dedicated worker");
    let worker = Rc::new(Worker {
        scope: scope.clone(),
        queue: RefCell::new(VecDeque::new()),
        running: Cell::new(false),
        state: RefCell::new(Some(State::default())),
    });
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| match parse(&event.data()) {
        // A test build arms a fault-injection point (faults.rs); others ignore it.
        #[cfg(feature = "faults")]
        Err(_) if Reflect::get(&event.data(), &"fault".into()).ok().and_then(|f| f.as_string()).is_some() => {
            let point = Reflect::get(&event.data(), &"fault".into()).ok().and_then(|f| f.as_string());
            crate::faults::arm(&point.unwrap_or_default());
        }
        Ok(Queued { request: Request { id, body: RequestBody::Ping(ping) }, .. }) => {
            worker.post(&FromWorker::Response(respond_to_ping(id, &ping)));
        }
        Ok(queued) => {
            worker.queue.borrow_mut().push_back(queued);
            Worker::kick(&worker);
        }
        Err((id, error)) => worker.post(&FromWorker::Response(Response::failed(id, error))),
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Started);
}

fn respond_to_ping(id: u32, _: &Ping) -> Response {
    Response::new::<Ping>(id, Ok(dispatch::pong()))
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let encoded = serde_json::to_string(message).expect("worker messages always encode");
    // Posting a string to our own page cannot fail short of the page being gone.
    let _ = scope.post_message(&encoded.into());
}

/// Reads a posted message: `{request, file?}` or a bare JSON string. On failure, the request's
/// id when it can be read (else 0) and the error.
fn parse(data: &JsValue) -> Result<Queued, (u32, WorkerError)> {
    let (text, file) = if let Some(text) = data.as_string() {
        (text, None)
    } else {
        let text = Reflect::get(data, &REQUEST_FIELD.into()).ok().and_then(|t| t.as_string()).ok_or_else(|| {
            (0, WorkerError::new(ErrorKind::BadRequest, format!("The message has no `{REQUEST_FIELD}` text.")))
        })?;
        let file = Reflect::get(data, &FILE_FIELD.into()).ok().and_then(|f| f.dyn_into::<Blob>().ok());
        (text, file)
    };
    serde_json::from_str::<Request>(&text).map(|request| Queued { request, file }).map_err(|e| {
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64))
            .and_then(|id| u32::try_from(id).ok())
            .unwrap_or(0);
        let message = format!("The worker does not understand this request (is the page out of date? reload it): {e}");
        (id, WorkerError::new(ErrorKind::BadRequest, message))
    })
}

impl Worker {
    fn post(&self, message: &FromWorker) {
        post(&self.scope, message);
    }

    /// Starts the task that works through the queue, unless it runs already.
    fn kick(this: &Rc<Worker>) {
        if this.running.replace(true) {
            return;
        }
        let worker = Rc::clone(this);
        wasm_bindgen_futures::spawn_local(async move {
            // Only this task touches the state while it runs.
            let mut state = worker.state.borrow_mut().take().unwrap_or_default();
            loop {
                let next = worker.queue.borrow_mut().pop_front();
                let Some(Queued { request: Request { id, body }, file }) = next else { break };
                let mut throttle = Throttle::new(&worker.scope, id);
                let mut progress = |stage: &str, done: u64, total: Option<u64>| throttle.report(stage, done, total);
                let response = dispatch::handle(&mut state, id, body, file, &mut progress).await;
                worker.post(&FromWorker::Response(response));
            }
            *worker.state.borrow_mut() = Some(state);
            worker.running.set(false);
        });
    }
}

/// Posts progress for one request, at most once per [`PROGRESS_STEP`] bytes per stage.
struct Throttle<'a> {
    scope: &'a DedicatedWorkerGlobalScope,
    id: u32,
    stage: String,
    last: Option<u64>,
}

impl<'a> Throttle<'a> {
    fn new(scope: &'a DedicatedWorkerGlobalScope, id: u32) -> Self {
        Throttle { scope, id, stage: String::new(), last: None }
    }

    fn report(&mut self, stage: &str, done: u64, total: Option<u64>) {
        let new_stage = stage != self.stage;
        let due = self.last.is_none_or(|last| done.saturating_sub(last) >= PROGRESS_STEP) || Some(done) == total;
        let moved = self.last != Some(done);
        let post_it = new_stage || (moved && due);
        if !post_it {
            return;
        }
        self.stage = stage.to_owned();
        self.last = Some(done);
        let progress = ByteProgress { id: self.id, stage: stage.to_owned(), done, total };
        post(self.scope, &FromWorker::Progress(progress));
    }
}
