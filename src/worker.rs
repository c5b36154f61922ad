//! The worker's side of [`crate::protocol`]: runs in the dedicated worker, answers requests.
//!
//! Built only with the `worker` feature (and for wasm32), so nothing here and no SQLite reaches
//! the UI binary. The page posts `{request: "<JSON>", file?: File}` (a bare JSON string is
//! accepted too); `Ping` is answered at once, every other request joins a queue that one task
//! works through in order, so two imports never interleave and the [`Library`] is never used by
//! two tasks at once. Long requests post [`FromWorker::Progress`] before their one response.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, MessageEvent, Url};

use crate::protocol::{
    self, ErrorKind, FILE_FIELD, FromWorker, ImportSource, REQUEST_FIELD, Request, RequestBody, Response, ResponseBody,
    STORAGE_LOCK, WorkerError,
};
use crate::runtime::backend::PoolConfig;
use crate::runtime::lock::{LockOutcome, acquire_forever};
use crate::runtime::source::{BlobSource, FetchSource, describe, file_name_of_url};
use crate::runtime::{Library, errors};

/// Progress events are posted at most once per this many bytes (and at each stage's end).
const PROGRESS_STEP: u64 = 1 << 20;

/// A request and the file posted beside it.
struct Job {
    request: Request,
    file: Option<Blob>,
}

/// Where the storage stands.
enum Phase {
    /// `Init` not yet received.
    NotReady,
    /// Storage open.
    Ready(Library),
    /// Another tab holds the storage (or it failed to open): every request gets this error.
    Refused(WorkerError),
}

struct State {
    phase: Phase,
    /// The `blob:` URL of the last download, revoked by the next download or a removal.
    download_url: Option<String>,
    /// This worker holds [`STORAGE_LOCK`] (until it ends).
    lock_held: bool,
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    queue: RefCell<VecDeque<Job>>,
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
        state: RefCell::new(Some(State { phase: Phase::NotReady, download_url: None, lock_held: false })),
    });
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| match parse(&event.data()) {
        // A test build arms a fault-injection point (src/runtime/faults.rs); others ignore it.
        #[cfg(feature = "faults")]
        Err(_) if Reflect::get(&event.data(), &"fault".into()).ok().and_then(|f| f.as_string()).is_some() => {
            let point = Reflect::get(&event.data(), &"fault".into()).ok().and_then(|f| f.as_string());
            crate::runtime::faults::arm(&point.unwrap_or_default());
        }
        Ok(Job { request: Request { id, body: RequestBody::Ping }, .. }) => worker.respond(id, pong()),
        Ok(job) => {
            worker.queue.borrow_mut().push_back(job);
            Worker::kick(&worker);
        }
        Err((id, error)) => worker.respond(id, ResponseBody::Failed { error }),
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Started);
}

fn pong() -> ResponseBody {
    ResponseBody::Pong { version: env!("CARGO_PKG_VERSION").to_owned() }
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let encoded = serde_json::to_string(message).expect("worker messages always encode");
    // Posting a string to our own page cannot fail short of the page being gone.
    let _ = scope.post_message(&encoded.into());
}

/// Reads a posted message: `{request, file?}` or a bare JSON string. On failure, the request's
/// id when it can be read (else 0) and the error.
fn parse(data: &JsValue) -> Result<Job, (u32, WorkerError)> {
    let (text, file) = if let Some(text) = data.as_string() {
        (text, None)
    } else {
        let text = Reflect::get(data, &REQUEST_FIELD.into()).ok().and_then(|t| t.as_string()).ok_or_else(|| {
            (0, WorkerError::new(ErrorKind::BadRequest, format!("The message has no `{REQUEST_FIELD}` text.")))
        })?;
        let file = Reflect::get(data, &FILE_FIELD.into()).ok().and_then(|f| f.dyn_into::<Blob>().ok());
        (text, file)
    };
    serde_json::from_str::<Request>(&text).map(|request| Job { request, file }).map_err(|e| {
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
    fn respond(&self, id: u32, body: ResponseBody) {
        post(&self.scope, &FromWorker::Response(Response { id, body }));
    }

    /// Starts the task that works through the queue, unless it runs already.
    fn kick(this: &Rc<Worker>) {
        if this.running.replace(true) {
            return;
        }
        let worker = Rc::clone(this);
        wasm_bindgen_futures::spawn_local(async move {
            // Only this task touches the state while it runs.
            let mut state = worker.state.borrow_mut().take().unwrap_or(State {
                phase: Phase::NotReady,
                download_url: None,
                lock_held: false,
            });
            loop {
                let next = worker.queue.borrow_mut().pop_front();
                let Some(job) = next else { break };
                let id = job.request.id;
                let body = match worker.handle(&mut state, job).await {
                    Ok(body) => body,
                    Err(error) => ResponseBody::Failed { error },
                };
                worker.respond(id, body);
            }
            *worker.state.borrow_mut() = Some(state);
            worker.running.set(false);
        });
    }

    async fn handle(&self, state: &mut State, job: Job) -> Result<ResponseBody, WorkerError> {
        let Job { request: Request { id, body }, file } = job;
        if let RequestBody::Init = body {
            return self.init(state).await;
        }
        let library = match &mut state.phase {
            Phase::Ready(library) => library,
            Phase::Refused(error) => return Err(error.clone()),
            Phase::NotReady => {
                return Err(WorkerError::new(ErrorKind::BadRequest, "The storage is not open yet: send Init first."));
            }
        };
        let mut progress = Throttle::new(&self.scope, id);
        match body {
            RequestBody::Ping => Ok(pong()),
            RequestBody::Init => unreachable!("handled above"),
            RequestBody::List => Ok(ResponseBody::Library { entries: library.list()? }),
            RequestBody::Import { source: ImportSource::File { name, .. } } => {
                let blob = file.ok_or_else(|| {
                    WorkerError::new(ErrorKind::BadRequest, format!("No file came with the import of {name}."))
                })?;
                // A zip (by its name or its first bytes) is a text form: say what it holds first.
                if textforms_io::is_zip(&name, &blob) {
                    let bytes = textforms_io::read_all(&blob, &name)?;
                    let contents = crate::runtime::textforms::preview(&name, &bytes)?;
                    return Ok(ResponseBody::ZipFound { contents });
                }
                let source = BlobSource::new(blob, &name)?;
                library.import(&name, source, &mut |stage, done, total| progress.report(stage, done, total)).await
            }
            RequestBody::Import { source: ImportSource::Url { url } } => {
                let name = file_name_of_url(&url);
                progress.report("Downloading", 0, None);
                let source = FetchSource::open(&url, &name).await?;
                library.import(&name, source, &mut |stage, done, total| progress.report(stage, done, total)).await
            }
            RequestBody::ResolveDuplicate { pending, choice } => library.resolve(&pending, choice).await,
            RequestBody::Open { entry } => {
                let (entry, view) = library.open_entry(&entry)?;
                Ok(ResponseBody::Opened { entry, view })
            }
            RequestBody::Download { entry } => {
                let parts = Array::new();
                let entry = library.export(
                    &entry,
                    &mut |chunk| {
                        parts.push(&Uint8Array::from(chunk));
                        Ok(())
                    },
                    &mut |stage, done, total| progress.report(stage, done, total),
                )?;
                let options = BlobPropertyBag::new();
                options.set_type("application/vnd.sqlite3");
                let failed = |e: JsValue| {
                    WorkerError::new(
                        ErrorKind::Internal,
                        format!("Stepwise could not prepare {} for download: {}.", entry.file_name, describe(&e)),
                    )
                };
                let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
                let url = Url::create_object_url_with_blob(&blob).map_err(failed)?;
                if let Some(previous) = state.download_url.replace(url.clone()) {
                    let _ = Url::revoke_object_url(&previous);
                }
                Ok(ResponseBody::DownloadReady { url, file_name: entry.file_name, bytes: blob.size() as u64 })
            }
            RequestBody::ExportText { entry, form } => {
                let (zip, file_name) =
                    library.export_text(&entry, form, &mut |stage, done, total| progress.report(stage, done, total))?;
                textforms_io::download(&mut state.download_url, zip.chunks(), &file_name, "application/zip")
            }
            RequestBody::PreviewZip { name } => {
                let bytes = textforms_io::read_all(&textforms_io::posted(file, &name)?, &name)?;
                Ok(ResponseBody::ZipFound { contents: crate::runtime::textforms::preview(&name, &bytes)? })
            }
            RequestBody::ImportZip { name } => {
                let bytes = textforms_io::read_all(&textforms_io::posted(file, &name)?, &name)?;
                library.import_zip(&name, &bytes, &mut |stage, done, total| progress.report(stage, done, total)).await
            }
            RequestBody::RebuildProject { entry, name } => {
                let bytes = textforms_io::read_all(&textforms_io::posted(file, &name)?, &name)?;
                library
                    .rebuild_project(&entry, &name, &bytes, &mut |stage, done, total| {
                        progress.report(stage, done, total)
                    })
                    .await
            }
            RequestBody::Tables { entry } => library.tables(&entry),
            RequestBody::BrowseTable { entry, table, offset, limit, order_by, descending } => {
                library.browse(&entry, &table, offset, limit, order_by.as_deref(), descending)
            }
            RequestBody::Query { entry, sql, write } => library.query(&entry, &sql, write),
            RequestBody::TableCsv { entry, table } => {
                let csv = library.table_csv(&entry, &table)?;
                textforms_io::download(&mut state.download_url, [&csv[..]], &format!("{table}.csv"), "text/csv")
            }
            RequestBody::Play { entry, step } => {
                Ok(ResponseBody::Player { view: library.play(&entry, step.as_deref())? })
            }
            RequestBody::Artifacts { entry, step } => {
                Ok(ResponseBody::Artifacts { view: library.artifacts(&entry, &step)? })
            }
            RequestBody::RunSql { entry, sql } => Ok(ResponseBody::SqlRan { result: library.run_sql(&entry, &sql)? }),
            RequestBody::Check { entry, step, validation, input } => {
                Ok(ResponseBody::Player { view: library.check(&entry, &step, &validation, input.as_deref())? })
            }
            RequestBody::ResetWorkspace { entry, step } => {
                Ok(ResponseBody::Player { view: library.reset_workspace(&entry, &step)? })
            }
            RequestBody::ResetProgress { entry } => Ok(ResponseBody::Player { view: library.reset_progress(&entry)? }),
            RequestBody::RestoreSnapshot { entry, snapshot } => {
                Ok(ResponseBody::Player { view: library.restore_snapshot(&entry, snapshot)? })
            }
            RequestBody::Remove { entry } => {
                if let Some(previous) = state.download_url.take() {
                    let _ = Url::revoke_object_url(&previous);
                }
                library.remove(&entry)?;
                Ok(ResponseBody::Removed { entry })
            }
        }
    }

    /// Takes the storage lock, then opens the library (OPFS, or memory with a reason).
    async fn init(&self, state: &mut State) -> Result<ResponseBody, WorkerError> {
        if let Phase::Ready(library) = &state.phase {
            return Ok(ResponseBody::Ready { storage: library.storage().clone() });
        }
        // Refused before: the other tab may have closed since, so ask again.
        if !state.lock_held {
            match acquire_forever(STORAGE_LOCK).await {
                LockOutcome::Held => state.lock_held = true,
                LockOutcome::Unsupported => {}
                LockOutcome::Taken => {
                    let error = errors::other_tab();
                    state.phase = Phase::Refused(error.clone());
                    return Err(error);
                }
            }
        }
        match Library::open(&PoolConfig::default()).await {
            Ok(library) => {
                let storage = library.storage().clone();
                state.phase = Phase::Ready(library);
                Ok(ResponseBody::Ready { storage })
            }
            Err(error) => {
                state.phase = Phase::Refused(error.clone());
                Err(error)
            }
        }
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
        let progress = protocol::Progress { id: self.id, stage: stage.to_owned(), done, total };
        post(self.scope, &FromWorker::Progress(progress));
    }
}

/// Bytes in and out of the worker for text forms (issue #5): zips read from a posted `File`,
/// downloads handed to the page as a `blob:` URL made here.
mod textforms_io {
    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::JsValue;
    use web_sys::{Blob, BlobPropertyBag, FileReaderSync, Url};

    use crate::protocol::{ErrorKind, ResponseBody, WorkerError};
    use crate::runtime::source::describe;

    /// The `File` posted beside a request.
    pub fn posted(file: Option<Blob>, name: &str) -> Result<Blob, WorkerError> {
        file.ok_or_else(|| WorkerError::new(ErrorKind::BadRequest, format!("No file came with {name}.")))
    }

    fn read(blob: &Blob, name: &str) -> Result<Vec<u8>, WorkerError> {
        let failed = |e: JsValue| {
            WorkerError::new(ErrorKind::Internal, format!("Stepwise could not read {name}: {}.", describe(&e)))
        };
        let reader = FileReaderSync::new().map_err(failed)?;
        let buffer = reader.read_as_array_buffer(blob).map_err(failed)?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// A zip by its name, or by its first bytes (`PK\x03\x04`, or `PK\x05\x06` when empty).
    pub fn is_zip(name: &str, blob: &Blob) -> bool {
        if name.to_ascii_lowercase().ends_with(".zip") {
            return true;
        }
        let head = blob.slice_with_f64_and_f64(0.0, 4.0).ok().and_then(|b| read(&b, name).ok()).unwrap_or_default();
        head == b"PK\x03\x04" || head == b"PK\x05\x06"
    }

    /// The whole blob (a zip is read whole: its directory is at its end).
    pub fn read_all(blob: &Blob, name: &str) -> Result<Vec<u8>, WorkerError> {
        read(blob, name)
    }

    /// Makes `parts` (the file's bytes, in pieces) downloadable under `file_name`, revoking the
    /// previous download's URL.
    pub fn download<'a>(
        previous: &mut Option<String>,
        parts_of: impl IntoIterator<Item = &'a [u8]>,
        file_name: &str,
        mime: &str,
    ) -> Result<ResponseBody, WorkerError> {
        let failed = |e: JsValue| {
            WorkerError::new(
                ErrorKind::Internal,
                format!("Stepwise could not prepare {file_name} for download: {}.", describe(&e)),
            )
        };
        let parts = Array::new();
        for part in parts_of {
            parts.push(&Uint8Array::from(part));
        }
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
        let url = Url::create_object_url_with_blob(&blob).map_err(failed)?;
        if let Some(old) = previous.replace(url.clone()) {
            let _ = Url::revoke_object_url(&old);
        }
        Ok(ResponseBody::DownloadReady { url, file_name: file_name.to_owned(), bytes: blob.size() as u64 })
    }
}
