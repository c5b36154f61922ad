//! Owns the dedicated database worker: starts it, opens its storage, and matches its answers to
//! the requests that asked for them.
//!
//! [`WorkerHandle::call`] posts `{ request: "<JSON>", file?: File }` (see
//! [`stepwise_protocol::wire`]) and resolves with the request's answer, of the type the request
//! names ([`Call::Answer`]), or the worker's [`WorkerError`]; progress events for it go to the
//! callback given with it. Requests made before the storage is open wait in a queue and are
//! posted once the worker has answered `Init`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, MessageEvent, Worker};
use yew::prelude::*;

use stepwise_protocol::wire::{FILE_FIELD, PREFETCH_REST, REQUEST_FIELD, WORKER_URL};
use stepwise_protocol::{
    ByteProgress, Call, ErrorKind, FromWorker, Init, LoadProgress, Ping, Request, RequestBody, Response, Storage,
    WorkerError,
};

/// What the UI knows about its worker.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerStatus {
    /// Loading, or opening its storage; how much of its wasm has arrived, while the loader says.
    Starting(Option<LoadProgress>),
    /// The storage is open; requests are answered.
    Ready {
        /// Where the worker keeps databases.
        storage: Storage,
        /// The worker's version, once it answered the ping.
        version: Option<String>,
    },
    /// The worker runs but refused to open its storage (another tab holds it, …).
    Unavailable(WorkerError),
    /// Could not be started, or stopped.
    Failed(String),
}

/// One request waiting for its response.
struct AwaitedReply {
    on_progress: Option<Callback<ByteProgress>>,
    reply: oneshot::Sender<Response>,
}

#[derive(Default)]
struct Inner {
    worker: RefCell<Option<Worker>>,
    next_id: Cell<u32>,
    pending: RefCell<HashMap<u32, AwaitedReply>>,
    /// Whether `Init` was answered with `Ready`: until then requests wait in `queue`, encoded,
    /// each with its id.
    open: Cell<bool>,
    queue: RefCell<Vec<(u32, JsValue)>>,
    /// Stops the running worker and starts a new one (set by [`use_worker`]).
    restart: RefCell<Option<Rc<dyn Fn()>>>,
    /// Whether the page has asked for the worker's rest ([`WorkerHandle::prefetch_rest`]): a
    /// worker started after a stop is asked again.
    rest_wanted: Cell<bool>,
    /// When a request was last sent or answered (`Date.now()`), for [`WorkerHandle::until_quiet`].
    last_active: Cell<f64>,
}

/// How long no request may have been waiting for the worker to count as quiet.
const QUIET_MS: f64 = 1_000.0;
/// The longest [`WorkerHandle::until_quiet`] waits, however busy the worker stays.
const LONGEST_WAIT_MS: f64 = 15_000.0;

/// Sends requests to the worker; cheap to clone, equal when it is the same worker.
#[derive(Clone, Default)]
pub struct WorkerHandle {
    inner: Rc<Inner>,
}

impl PartialEq for WorkerHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl WorkerHandle {
    /// Whether the worker has opened the storage: requests made before wait in a queue.
    pub fn is_open(&self) -> bool {
        self.inner.open.get()
    }

    /// A fresh request id (ids start at 1).
    pub fn next_id(&self) -> u32 {
        let id = self.inner.next_id.get() + 1;
        self.inner.next_id.set(id);
        id
    }

    /// Sends `request` and resolves with its answer.
    pub async fn call<C: Call>(&self, request: C) -> Result<C::Answer, WorkerError> {
        self.call_with(self.next_id(), request, None, None).await
    }

    /// Sends `request` under `id` (from [`Self::next_id`]), with a `File` beside it, and resolves
    /// with its answer; `on_progress` receives its progress events. A worker that stops or cannot
    /// be reached answers an [`ErrorKind::Internal`] error.
    pub async fn call_with<C: Call>(
        &self,
        id: u32,
        request: C,
        file: Option<File>,
        on_progress: Option<Callback<ByteProgress>>,
    ) -> Result<C::Answer, WorkerError> {
        let body: RequestBody = request.into();
        let wait_for_init = !matches!(body, RequestBody::Init(_));
        let message = match encode(&Request { id, body }, file.as_ref()) {
            Ok(message) => message,
            Err(reason) => return Err(WorkerError::new(ErrorKind::Internal, reason)),
        };
        let (reply, answer) = oneshot::channel();
        self.inner.pending.borrow_mut().insert(id, AwaitedReply { on_progress, reply });
        self.inner.last_active.set(js_sys::Date::now());
        if wait_for_init && !self.inner.open.get() {
            self.inner.queue.borrow_mut().push((id, message));
        } else {
            self.post(id, &message);
        }
        match answer.await {
            Ok(response) => response.decode::<C>(),
            Err(_) => Err(WorkerError::new(
                ErrorKind::Internal,
                "The database worker stopped before it answered. Reload the page to try again.",
            )),
        }
    }

    fn post(&self, id: u32, message: &JsValue) {
        let result = match self.inner.worker.borrow().as_ref() {
            Some(worker) => worker.post_message(message).map_err(|e| describe(&e)),
            None => Err("the database worker is not running".to_owned()),
        };
        if let Err(reason) = result {
            self.answer(failed(id, format!("Could not reach the database worker: {reason}.")));
        }
    }

    fn answer(&self, response: Response) {
        let pending = self.inner.pending.borrow_mut().remove(&response.id);
        if let Some(pending) = pending {
            self.inner.last_active.set(js_sys::Date::now());
            let _ = pending.reply.send(response);
        }
    }

    /// Resolves once no request has waited for the worker for a second (or after 15 seconds,
    /// however busy it stays). Background work waits for it: compiling the rests of the wasm
    /// takes CPU time from what the learner is waiting for, such as a workshop being added or
    /// opened (on a two-core machine, ~15% longer to load a 100 MB workshop).
    pub async fn until_quiet(&self) {
        let start = js_sys::Date::now();
        loop {
            let now = js_sys::Date::now();
            let idle = self.inner.pending.borrow().is_empty();
            let quiet_for = now - self.inner.last_active.get();
            if (idle && quiet_for >= QUIET_MS) || now - start >= LONGEST_WAIT_MS {
                return;
            }
            sleep(if idle { QUIET_MS - quiet_for } else { QUIET_MS }).await;
        }
    }

    fn progress(&self, progress: ByteProgress) {
        let callback = self.inner.pending.borrow().get(&progress.id).and_then(|p| p.on_progress.clone());
        if let Some(callback) = callback {
            callback.emit(progress);
        }
    }

    /// Posts every request that waited for the storage to open.
    fn open(&self) {
        self.inner.open.set(true);
        let queued = std::mem::take(&mut *self.inner.queue.borrow_mut());
        for (id, message) in queued {
            self.post(id, &message);
        }
    }

    /// Stops the worker at once, whatever it is doing (a statement that runs too long), and starts
    /// a new one on the same storage: every waiting request is answered with an error, then the
    /// new worker opens the storage and requests go on. What the worker kept in memory (the
    /// class view's hand-ins, the last download's URL) is gone; what is stored is not: SQLite's
    /// journal undoes a write the stop cut short.
    pub fn restart(&self) {
        let restart = self.inner.restart.borrow().clone();
        if let Some(restart) = restart {
            self.inner.open.set(false);
            restart();
        }
    }

    /// Has the worker's loader fetch and compile the rest of the worker's wasm in the background,
    /// and any worker started after a stop do the same, so that an author's tool or a playground
    /// query does not wait for it (`PREFETCH_REST`). Call it once the app's files are in the
    /// service worker's cache: on a first visit the download would otherwise compete with the
    /// files the page is still waiting for.
    pub fn prefetch_rest(&self) {
        self.inner.rest_wanted.set(true);
        if let Some(worker) = self.inner.worker.borrow().as_ref() {
            post_prefetch_rest(worker);
        }
    }

    /// Answers every waiting request with `reason` (the worker is gone).
    fn fail_all(&self, reason: &str) {
        self.inner.queue.borrow_mut().clear();
        let pending: Vec<_> = self.inner.pending.borrow_mut().drain().collect();
        for (id, p) in pending {
            let _ = p.reply.send(failed(id, reason));
        }
    }
}

/// Resolves after `ms` milliseconds (at once where there is no window).
async fn sleep(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let timer = web_sys::window().map(|window| {
            #[allow(clippy::cast_possible_truncation)]
            let ms = ms.clamp(0.0, f64::from(i32::MAX)) as i32;
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
        });
        if !matches!(timer, Some(Ok(_))) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn encode(request: &Request, file: Option<&File>) -> Result<JsValue, String> {
    let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &REQUEST_FIELD.into(), &text.into()).map_err(|e| describe(&e))?;
    if let Some(file) = file {
        js_sys::Reflect::set(&object, &FILE_FIELD.into(), file).map_err(|e| describe(&e))?;
    }
    Ok(object.into())
}

fn post_prefetch_rest(worker: &Worker) {
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &PREFETCH_REST.into(), &JsValue::TRUE);
    let _ = worker.post_message(&object);
}

fn failed(id: u32, message: impl Into<String>) -> Response {
    Response::failed(id, WorkerError::new(ErrorKind::Internal, message))
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The running worker's handlers; the worker is terminated when this is dropped.
struct Running {
    handle: WorkerHandle,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(JsValue)>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(worker) = self.handle.inner.worker.borrow_mut().take() {
            worker.terminate();
        }
        self.handle.fail_all("The database worker was stopped.");
    }
}

/// Starts the worker for the component's lifetime, opens its storage (`Init`), and returns its
/// status and the handle to send requests with.
#[hook]
pub fn use_worker() -> (WorkerStatus, WorkerHandle) {
    let status = use_state(|| WorkerStatus::Starting(None));
    let handle = use_memo((), |_| WorkerHandle::default());
    {
        let set = status.setter();
        let handle = (*handle).clone();
        use_effect_with((), move |_| {
            let running: Rc<RefCell<Option<Running>>> = Rc::new(RefCell::new(None));
            let launch = {
                let (running, handle, set) = (running.clone(), handle.clone(), set.clone());
                move || {
                    // The old worker first: dropping it terminates it and fails what it owed.
                    let after_stop = running.borrow_mut().take().is_some();
                    set.set(WorkerStatus::Starting(None));
                    match start(handle.clone(), set.clone(), after_stop) {
                        Ok(started) => *running.borrow_mut() = Some(started),
                        Err(reason) => set.set(WorkerStatus::Failed(reason)),
                    }
                }
            };
            launch();
            *handle.inner.restart.borrow_mut() = Some(Rc::new(launch));
            move || {
                handle.inner.restart.borrow_mut().take();
                drop(running.borrow_mut().take());
            }
        });
    }
    ((*status).clone(), (*handle).clone())
}

/// The worker the page's loader started before the page's wasm had arrived (written into
/// `index.html` by `scripts/trunk-post-build.mjs`), with what it sent meanwhile; taken once.
struct EarlyWorker {
    worker: Worker,
    /// Its `message` and `error` events so far, in order.
    events: Vec<JsValue>,
}

const EARLY_WORKER: &str = "stepwiseEarlyWorker";

fn take_early_worker() -> Option<EarlyWorker> {
    let window = web_sys::window()?;
    let early = js_sys::Reflect::get(&window, &EARLY_WORKER.into()).ok().filter(|v| v.is_object())?;
    let _ = js_sys::Reflect::delete_property(&window, &EARLY_WORKER.into());
    let field = |name: &str| js_sys::Reflect::get(&early, &name.into()).ok();
    let worker: Worker = field("worker")?.dyn_into().ok()?;
    // Its own listeners go: the page's handlers take every event from now on.
    if let Some(keep) = field("keep").and_then(|k| k.dyn_into::<js_sys::Function>().ok()) {
        let _ = worker.remove_event_listener_with_callback("message", &keep);
        let _ = worker.remove_event_listener_with_callback("error", &keep);
    }
    let events = field("early").map(|e| js_sys::Array::from(&e).to_vec()).unwrap_or_default();
    Some(EarlyWorker { worker, events })
}

fn start(handle: WorkerHandle, set: UseStateSetter<WorkerStatus>, after_stop: bool) -> Result<Running, String> {
    // The first start takes over the worker the page's loader started, if it did; a restart
    // (after a stop) makes a new one.
    let early = if after_stop { None } else { take_early_worker() };
    let (worker, events) = match early {
        Some(EarlyWorker { worker, events }) => (worker, events),
        None => {
            let worker =
                Worker::new(WORKER_URL).map_err(|e| format!("could not start the worker: {}", describe(&e)))?;
            (worker, Vec::new())
        }
    };
    *handle.inner.worker.borrow_mut() = Some(worker.clone());
    if handle.inner.rest_wanted.get() {
        post_prefetch_rest(&worker);
    }

    // A worker that said why it failed (FailedToStart) then stops with an error: the reason stays.
    let explained = Rc::new(Cell::new(false));
    let on_message = {
        let handle = handle.clone();
        let set = set.clone();
        let explained = explained.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            match serde_json::from_str::<FromWorker>(&text) {
                Ok(FromWorker::Started) => {
                    // Its wasm is all in: no figure to show while it opens the storage.
                    set.set(WorkerStatus::Starting(None));
                    let (handle, set) = (handle.clone(), set.clone());
                    yew::platform::spawn_local(open_storage(handle, set, after_stop));
                }
                Ok(FromWorker::FailedToStart { reason }) => {
                    explained.set(true);
                    handle.fail_all("The database worker could not load.");
                    set.set(WorkerStatus::Failed(format!("the worker could not load: {reason}")));
                }
                Ok(FromWorker::Loading(loaded)) => set.set(WorkerStatus::Starting(Some(loaded))),
                Ok(FromWorker::Progress(progress)) => handle.progress(progress),
                Ok(FromWorker::Response(response)) => handle.answer(response),
                Err(e) => web_sys::console::warn_1(&format!("unreadable message from the worker: {e}").into()),
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    let on_error = {
        let handle = handle.clone();
        Closure::<dyn Fn(JsValue)>::new(move |_| {
            handle.fail_all("The database worker stopped unexpectedly. Reload the page to try again.");
            if !explained.get() {
                set.set(WorkerStatus::Failed("the worker failed to load or stopped".to_owned()));
            }
        })
    };
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // What the worker sent before the page ran, handled now, in order.
    for event in events {
        let handler: &js_sys::Function =
            if event.is_instance_of::<MessageEvent>() { on_message.as_ref() } else { on_error.as_ref() }
                .unchecked_ref();
        let _ = handler.call1(&JsValue::NULL, &event);
    }

    Ok(Running { handle, _on_message: on_message, _on_error: on_error })
}

/// Sends `Init`, then (once the storage is open) posts the queued requests and pings.
async fn open_storage(handle: WorkerHandle, set: UseStateSetter<WorkerStatus>, after_stop: bool) {
    match handle.call(Init { after_stop }).await {
        Ok(storage) => {
            handle.open();
            set.set(WorkerStatus::Ready { storage: storage.clone(), version: None });
            let version = handle.call(Ping {}).await.ok().map(|pong| pong.version);
            set.set(WorkerStatus::Ready { storage, version });
        }
        Err(error) => {
            handle.fail_all(&error.message);
            set.set(WorkerStatus::Unavailable(error));
        }
    }
}
