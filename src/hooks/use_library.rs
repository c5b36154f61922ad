//! What components can do to the library: each command sends a request to the worker and turns
//! its answer into [`Action`]s on the shared [`LibraryState`].

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::use_route::{Route, navigate};
use crate::hooks::use_worker::WorkerHandle;
use stepwise_protocol::{
    Added, ByteProgress, DataImported, Download, DownloadReady, DuplicateChoice, Entry, ErrorKind, ExportText, Import,
    ImportSource, ImportZip, List, NewDatabase, Remove, ResolveDuplicate, Resolved, Stored, TextForm, WorkerError,
    file_name_of_url,
};

use crate::state::library::{
    Action, DataPrompt, DuplicatePrompt, Estimate, Job, JobKind, LibraryContext, LibraryState, ZipPrompt,
};

/// The library's commands; cheap to clone into callbacks.
#[derive(Clone, PartialEq)]
pub struct Commands {
    dispatch: UseReducerDispatcher<LibraryState>,
    worker: WorkerHandle,
}

/// The commands of the library provided by [`crate::App`].
#[hook]
pub fn use_library() -> (LibraryContext, Commands) {
    let library = use_context::<LibraryContext>().expect("App provides the library");
    let worker = use_context::<WorkerHandle>().expect("App provides the worker");
    let commands = Commands { dispatch: library.dispatcher(), worker };
    (library, commands)
}

impl Commands {
    /// Makes the commands from the reducer's dispatcher and the worker.
    pub fn new(dispatch: UseReducerDispatcher<LibraryState>, worker: WorkerHandle) -> Self {
        Commands { dispatch, worker }
    }

    /// The worker, for requests whose answers a page keeps to itself (`Open`).
    pub fn worker(&self) -> &WorkerHandle {
        &self.worker
    }

    /// Lists the stored databases, then refreshes the storage estimate.
    pub fn refresh(&self) {
        let this = self.clone();
        spawn_local(async move {
            match this.worker.call(List {}).await {
                Ok(entries) => this.dispatch.dispatch(Action::Loaded(entries)),
                Err(error) => this.fail(None, "Your library", &error),
            }
            this.estimate().await;
        });
    }

    /// Stores a file the user picked or dropped.
    pub fn import_file(&self, file: File) {
        let name = file.name();
        let source = ImportSource::File { name: name.clone(), bytes: file.size() as u64 };
        self.import(source, Some(file), name);
    }

    /// Shows the import `id` of `label` as running.
    fn import_started(&self, id: u32, label: &str) {
        let label = label.to_owned();
        self.dispatch.dispatch(Action::Started(Job { id, kind: JobKind::Import, label, progress: None }));
    }

    /// Creates an empty database named `name` and opens its playground.
    pub fn new_database(&self, name: String) {
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            this.import_started(id, &name);
            let answer = this.worker.call_with(id, NewDatabase { name: name.clone() }, None, None).await;
            if let Ok(Added::Imported(imported)) = &answer {
                navigate(&Route::Playground(imported.entry.id.clone()));
            }
            this.imported(id, &name, answer, None, false);
        });
    }

    /// Fetches and stores a database from an absolute URL.
    pub fn import_url(&self, url: String) {
        let label = url.rsplit('/').find(|part| !part.is_empty()).unwrap_or(&url).to_owned();
        let label = if label.is_empty() { url.clone() } else { label };
        self.import(ImportSource::Url { url }, None, label);
    }

    fn import(&self, source: ImportSource, file: Option<File>, label: String) {
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            this.import_started(id, &label);
            let hint = cross_origin_hint(&source);
            // An address of this site asked for before the database worker has started (a
            // sample added at once): the page downloads it meanwhile, so the download does not
            // wait for the worker's wasm, and posts the body with the request. A download that
            // got no answer, or an answer other than 200, is reported as the worker would have:
            // asking the host again would only make the learner wait twice as long for the same
            // failure. One broken off on the way is the worker's to try again. Another site's
            // address is the worker's to download: the page's Content-Security-Policy lets it
            // connect to its own site only.
            let posted = match (&source, &file) {
                (ImportSource::Url { url }, None) if !this.worker.is_open() && same_origin(url) => {
                    let progress = this.on_progress();
                    let said = |done, total| {
                        progress.emit(ByteProgress { id, stage: "Downloading".to_owned(), done, total });
                    };
                    match downloaded(url, said).await {
                        Ok(file) => {
                            if !this.worker.is_open() {
                                let size = file.size() as u64;
                                let stage = "Downloaded; waiting for the database worker".to_owned();
                                progress.emit(ByteProgress { id, stage, done: size, total: Some(size) });
                            }
                            Some(file)
                        }
                        Err(Some(error)) => {
                            this.imported(id, &label, Err(error), hint.as_deref(), false);
                            return;
                        }
                        Err(None) => None,
                    }
                }
                _ => file.clone(),
            };
            let answer = this.worker.call_with(id, Import { source }, posted, Some(this.on_progress())).await;
            let added = match answer {
                Ok(Stored::Imported(imported)) => Ok(Added::Imported(imported)),
                Ok(Stored::Duplicate(duplicate)) => Ok(Added::Duplicate(duplicate)),
                // A zip: ask before building it.
                Ok(Stored::ZipFound(contents)) => {
                    match file {
                        Some(file) => this.dispatch.dispatch(Action::ZipFound(ZipPrompt { job: id, contents, file })),
                        None => this.dispatch.dispatch(Action::Finished(id)),
                    }
                    return;
                }
                // A data file: preview it before writing it.
                Ok(Stored::DataFound(preview)) => {
                    this.dispatch.dispatch(Action::DataFound(DataPrompt { job: id, preview, file }));
                    return;
                }
                Err(error) => Err(error),
            };
            this.imported(id, &label, added, hint.as_deref(), false);
        });
    }

    /// Answers the duplicate question of `prompt` with `choice`.
    pub fn resolve(&self, prompt: DuplicatePrompt, choice: DuplicateChoice) {
        let this = self.clone();
        spawn_local(async move {
            this.dispatch.dispatch(Action::DuplicateAnswered(prompt.job));
            this.dispatch.dispatch(Action::Finished(prompt.job));
            let label = prompt.incoming.file_name.clone();
            let id = this.worker.next_id();
            if choice != DuplicateChoice::Cancel {
                this.import_started(id, &label);
            }
            let request = ResolveDuplicate { pending: prompt.pending, choice };
            let added = match this.worker.call_with(id, request, None, Some(this.on_progress())).await {
                Ok(Resolved::Imported(imported)) => Ok(Added::Imported(imported)),
                // Cancelled: nothing was stored; a shared query goes to the copy already stored.
                Ok(Resolved::Cancelled) => {
                    this.dispatch.dispatch(Action::Finished(id));
                    if crate::shared_query::database_stored(&prompt.existing.id) {
                        navigate(&Route::Playground(prompt.existing.id.clone()));
                    }
                    return;
                }
                Err(error) => Err(error),
            };
            let replaced =
                matches!(choice, DuplicateChoice::ReplaceKeepProgress | DuplicateChoice::ReplaceDiscardProgress);
            this.imported(id, &label, added, None, replaced);
        });
    }

    fn imported(&self, id: u32, label: &str, answer: Result<Added, WorkerError>, hint: Option<&str>, replaced: bool) {
        match answer {
            Ok(Added::Imported(imported)) => {
                let (entry, carried) = (imported.entry, imported.carried);
                if crate::shared_query::database_stored(&entry.id) {
                    navigate(&Route::Playground(entry.id.clone()));
                }
                self.dispatch.dispatch(Action::Imported { job: id, entry, carried, replaced });
                // A replaced workshop may have had another id: the worker's list is the truth.
                self.refresh();
            }
            Ok(Added::Duplicate(d)) => {
                let (pending, existing, incoming) = (d.pending, d.existing, d.incoming);
                self.dispatch.dispatch(Action::Duplicate(DuplicatePrompt { job: id, pending, existing, incoming }));
            }
            Err(mut error) => {
                crate::shared_query::forget();
                // The worker may have explained CORS already; otherwise say what it may be.
                if let (ErrorKind::Network, Some(hint)) = (error.kind, hint)
                    && !error.message.contains("CORS")
                {
                    error.message = format!("{} {hint}", error.message);
                }
                self.fail(Some(id), label, &error);
            }
        }
    }

    /// Answers the zip question: builds the database from it, or drops it.
    pub fn answer_zip(&self, prompt: ZipPrompt, build: bool) {
        self.dispatch.dispatch(Action::ZipAnswered(prompt.job));
        if !build {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            let label = prompt.contents.name.clone();
            this.import_started(id, &label);
            let request = ImportZip { name: label.clone() };
            let answer = this.worker.call_with(id, request, Some(prompt.file), Some(this.on_progress())).await;
            this.imported(id, &label, answer, None, false);
        });
    }

    /// Closes the preview of a data file; `done`: its rows went into a new database, which is
    /// listed and opened in its playground.
    pub fn data_answered(&self, prompt: &DataPrompt, done: Option<DataImported>) {
        self.dispatch.dispatch(Action::DataAnswered(prompt.job));
        let Some(done) = done else {
            // Cancelled: a statement shared with the address has nothing to run on, and the
            // worker lets go of a file it fetched.
            crate::shared_query::forget();
            if let Some(token) = prompt.preview.pending.clone() {
                let worker = self.worker.clone();
                spawn_local(async move {
                    let _ = worker.call(Remove { entry: token }).await;
                });
            }
            return;
        };
        {
            crate::shared_query::database_stored(&done.entry.id);
            navigate(&Route::Playground(done.entry.id.clone()));
            let job = self.worker.next_id();
            self.dispatch.dispatch(Action::Imported { job, entry: done.entry, carried: None, replaced: false });
            self.refresh();
        }
    }

    /// Prepares a text form of a stored database and saves it.
    pub fn export_text(&self, entry: Entry, form: TextForm) {
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            let kind = JobKind::Download { entry: entry.id.clone() };
            this.dispatch.dispatch(Action::Started(Job { id, kind, label: entry.file_name.clone(), progress: None }));
            let request = ExportText { entry: entry.id.clone(), form };
            this.saved(id, &entry.file_name, this.worker.call_with(id, request, None, Some(this.on_progress())).await);
        });
    }

    /// Saves what a request made downloadable, or says why not.
    pub fn saved(&self, id: u32, label: &str, answer: Result<DownloadReady, WorkerError>) {
        match answer {
            Ok(DownloadReady { url, file_name, .. }) => {
                self.dispatch.dispatch(Action::Finished(id));
                if let Err(e) = save(&url, &file_name) {
                    let message = format!("The browser would not save {file_name}: {e}.");
                    self.dispatch.dispatch(Action::Failed { job: None, subject: file_name, message });
                }
            }
            Err(error) => self.fail(Some(id), label, &error),
        }
    }

    /// Reports a failed request in the alert region.
    pub fn alert(&self, subject: &str, error: &WorkerError) {
        self.fail(None, subject, error);
    }

    /// Prepares a stored database and saves it under its file name.
    pub fn download(&self, entry: Entry) {
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            let kind = JobKind::Download { entry: entry.id.clone() };
            this.dispatch.dispatch(Action::Started(Job { id, kind, label: entry.file_name.clone(), progress: None }));
            let request = Download { entry: entry.id.clone() };
            this.saved(id, &entry.file_name, this.worker.call_with(id, request, None, Some(this.on_progress())).await);
        });
    }

    /// Deletes a stored database (the user has confirmed).
    pub fn remove(&self, entry: Entry) {
        let this = self.clone();
        spawn_local(async move {
            match this.worker.call(Remove { entry: entry.id.clone() }).await {
                Ok(()) => {
                    this.dispatch.dispatch(Action::Removed(entry.id));
                    this.estimate().await;
                }
                Err(error) => this.fail(None, &entry.title, &error),
            }
        });
    }

    /// Dismisses an alert.
    pub fn dismiss(&self, alert: u32) {
        self.dispatch.dispatch(Action::Dismiss(alert));
    }

    /// Dismisses the import report.
    pub fn dismiss_report(&self) {
        self.dispatch.dispatch(Action::DismissReport);
    }

    /// Records an opened entry (its "last opened" changed).
    pub fn opened(&self, entry: Entry) {
        self.dispatch.dispatch(Action::Opened(entry));
    }

    fn on_progress(&self) -> Callback<ByteProgress> {
        let dispatch = self.dispatch.clone();
        Callback::from(move |progress| dispatch.dispatch(Action::Progress(progress)))
    }

    fn fail(&self, job: Option<u32>, subject: &str, error: &WorkerError) {
        self.dispatch.dispatch(Action::Failed { job, subject: subject.to_owned(), message: error.message.clone() });
    }

    /// Asks the browser how much storage the site uses and may use.
    async fn estimate(&self) {
        if let Some(estimate) = storage_estimate().await {
            self.dispatch.dispatch(Action::Estimated(estimate));
        }
    }
}

/// `navigator.storage`, when the browser offers it (not on an insecure origin).
fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if storage.is_undefined() || storage.is_null() { None } else { storage.dyn_into().ok() }
}

/// Asks once that the site's storage not be evicted under pressure (`navigator.storage.persist()`).
pub fn request_persistence() {
    if let Some(promise) = storage_manager().and_then(|s| s.persist().ok()) {
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

async fn storage_estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let number = |name: &str| js_sys::Reflect::get(&value, &name.into()).ok().and_then(|v| v.as_f64());
    Some(Estimate { usage: number("usage")?, quota: number("quota")? })
}

/// Saves a `blob:` URL under `file_name` with a temporary `<a download>`.
fn save(url: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(describe)?.dyn_into().map_err(|_| "not a link".to_owned())?;
    link.set_href(url);
    link.set_download(file_name);
    link.set_hidden(true);
    let body = document.body().ok_or("no body")?;
    body.append_child(&link).map_err(describe)?;
    link.click();
    link.remove();
    Ok(())
}

/// `name: message` of a JS exception (`TypeError: Failed to fetch`), or its string form.
fn describe(error: JsValue) -> String {
    let get = |key: &str| js_sys::Reflect::get(&error, &key.into()).ok().and_then(|v| v.as_string());
    match (get("name"), get("message")) {
        (Some(name), Some(message)) if !message.is_empty() => format!("{name}: {message}"),
        (Some(name), _) => name,
        (None, Some(message)) => message,
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

/// Whether `url`, absolute or relative to the page, is on the page's own site.
fn same_origin(url: &str) -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return false };
    match (location.origin(), location.href().and_then(|base| web_sys::Url::new_with_base(url, &base))) {
        (Ok(here), Ok(there)) => there.origin() == here,
        _ => false,
    }
}

/// For a URL on another site: what may have gone wrong, and what to do instead.
fn cross_origin_hint(source: &ImportSource) -> Option<String> {
    let ImportSource::Url { url } = source else { return None };
    if same_origin(url) {
        return None;
    }
    let there = web_sys::Url::new(url).ok()?;
    Some(format!(
        "If the address works in a new tab, the server at {} does not allow other sites to fetch the file \
         (CORS): download it yourself and add it with “Choose a file”.",
        there.host()
    ))
}

/// The body at `url` as a `File` named after the address. `Err(Some(_))`: the host could not be
/// reached or did not answer 200, in the worker's words; `Err(None)`: the body broke off on the
/// way, or the browser could not make a file of it (the worker then downloads it itself).
/// `progress` hears the bytes read and the size, when known, as they arrive.
async fn downloaded(url: &str, progress: impl Fn(u64, Option<u64>)) -> Result<File, Option<WorkerError>> {
    let name = file_name_of_url(url);
    let window = web_sys::window().ok_or(None)?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| Some(WorkerError::download_failed(&name, url, &describe(e))))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| None)?;
    if response.status() != 200 {
        return Err(Some(WorkerError::download_status(&name, response.status(), &response.status_text())));
    }
    read_body(&name, &response, progress).await.ok_or(None)
}

/// The rest of [`downloaded`]: the body read as it arrives into a `File`.
async fn read_body(name: &str, response: &web_sys::Response, progress: impl Fn(u64, Option<u64>)) -> Option<File> {
    // Read as it arrives, so the job counts the bytes while the worker is on its way. The length
    // the host gives is of the bytes on the wire: unknown here when it compressed them itself.
    let headers = response.headers();
    let total = match headers.get("content-encoding").ok().flatten() {
        Some(_) => None,
        None => headers.get("content-length").ok().flatten().and_then(|length| length.parse().ok()),
    };
    let reader: web_sys::ReadableStreamDefaultReader = response.body()?.get_reader().dyn_into().ok()?;
    let parts = js_sys::Array::new();
    let mut done = 0;
    progress(done, total);
    loop {
        let read = JsFuture::from(reader.read()).await.ok()?;
        if js_sys::Reflect::get(&read, &"done".into()).ok()?.as_bool() != Some(false) {
            break;
        }
        let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&read, &"value".into()).ok()?.dyn_into().ok()?;
        done += u64::from(chunk.length());
        parts.push(&chunk);
        progress(done, total);
    }
    File::new_with_u8_array_sequence(&parts, name).ok()
}
