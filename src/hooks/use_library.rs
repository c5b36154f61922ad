//! What components can do to the library: each command sends a request to the worker and turns
//! its answer into [`Action`]s on the shared [`Library`].

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::WorkerHandle;
use crate::library::{Action, DuplicatePrompt, Estimate, Job, JobKind, Library, LibraryContext, ZipPrompt};
use crate::protocol::{
    DuplicateChoice, Entry, ErrorKind, ImportSource, RequestBody, ResponseBody, TextForm, WorkerError,
};

/// The library's commands; cheap to clone into callbacks.
#[derive(Clone, PartialEq)]
pub struct Commands {
    dispatch: UseReducerDispatcher<Library>,
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
    pub fn new(dispatch: UseReducerDispatcher<Library>, worker: WorkerHandle) -> Self {
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
            match this.worker.call(RequestBody::List).await {
                ResponseBody::Library { entries } => this.dispatch.dispatch(Action::Loaded(entries)),
                ResponseBody::Failed { error } => this.fail(None, "Your library", &error),
                other => this.unexpected(None, "Your library", &other),
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
            this.dispatch.dispatch(Action::Started(Job {
                id,
                kind: JobKind::Import,
                label: label.clone(),
                progress: None,
            }));
            let hint = cross_origin_hint(&source);
            let body = RequestBody::Import { source };
            let answer = this.worker.call_with(id, body, file.clone(), Some(this.on_progress())).await;
            // A zip (issue #5): ask before building it.
            if let (ResponseBody::ZipFound { contents }, Some(file)) = (&answer, file) {
                let prompt = ZipPrompt { job: id, contents: contents.clone(), file };
                this.dispatch.dispatch(Action::ZipFound(prompt));
                return;
            }
            this.imported(id, &label, answer, hint.as_deref(), false).await;
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
                this.dispatch.dispatch(Action::Started(Job {
                    id,
                    kind: JobKind::Import,
                    label: label.clone(),
                    progress: None,
                }));
            }
            let body = RequestBody::ResolveDuplicate { pending: prompt.pending, choice };
            let answer = this.worker.call_with(id, body, None, Some(this.on_progress())).await;
            let replaced =
                matches!(choice, DuplicateChoice::ReplaceKeepProgress | DuplicateChoice::ReplaceDiscardProgress);
            this.imported(id, &label, answer, None, replaced).await;
        });
    }

    async fn imported(&self, id: u32, label: &str, answer: ResponseBody, hint: Option<&str>, replaced: bool) {
        match answer {
            ResponseBody::Imported { entry, carried } => {
                self.dispatch.dispatch(Action::Imported { job: id, entry, carried, replaced });
                // A replaced workshop may have had another id: the worker's list is the truth.
                self.refresh();
            }
            ResponseBody::Duplicate { pending, existing, incoming } => {
                self.dispatch.dispatch(Action::Duplicate(DuplicatePrompt { job: id, pending, existing, incoming }));
            }
            // A cancelled duplicate: nothing was stored.
            ResponseBody::Removed { .. } => self.dispatch.dispatch(Action::Finished(id)),
            ResponseBody::Failed { mut error } => {
                // The worker may have explained CORS already; otherwise say what it may be.
                if let (ErrorKind::Network, Some(hint)) = (error.kind, hint)
                    && !error.message.contains("CORS")
                {
                    error.message = format!("{} {hint}", error.message);
                }
                self.fail(Some(id), label, &error);
            }
            other => self.unexpected(Some(id), label, &other),
        }
    }

    /// Answers the zip question (issue #5): builds the database from it, or drops it.
    pub fn answer_zip(&self, prompt: ZipPrompt, build: bool) {
        self.dispatch.dispatch(Action::ZipAnswered(prompt.job));
        if !build {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            let label = prompt.contents.name.clone();
            this.dispatch.dispatch(Action::Started(Job {
                id,
                kind: JobKind::Import,
                label: label.clone(),
                progress: None,
            }));
            let body = RequestBody::ImportZip { name: label.clone() };
            let answer = this.worker.call_with(id, body, Some(prompt.file), Some(this.on_progress())).await;
            this.imported(id, &label, answer, None, false).await;
        });
    }

    /// Prepares a text form of a stored database (issue #5) and saves it.
    pub fn export_text(&self, entry: Entry, form: TextForm) {
        let this = self.clone();
        spawn_local(async move {
            let id = this.worker.next_id();
            let kind = JobKind::Download { entry: entry.id.clone() };
            this.dispatch.dispatch(Action::Started(Job { id, kind, label: entry.file_name.clone(), progress: None }));
            let body = RequestBody::ExportText { entry: entry.id.clone(), form };
            this.saved(id, &entry.file_name, this.worker.call_with(id, body, None, Some(this.on_progress())).await);
        });
    }

    /// Saves what a request made downloadable (issue #5), or says why not.
    pub fn saved(&self, id: u32, label: &str, answer: ResponseBody) {
        match answer {
            ResponseBody::DownloadReady { url, file_name, .. } => {
                self.dispatch.dispatch(Action::Finished(id));
                if let Err(e) = save(&url, &file_name) {
                    let message = format!("The browser would not save {file_name}: {e}.");
                    self.dispatch.dispatch(Action::Failed { job: None, subject: file_name, message });
                }
            }
            ResponseBody::Failed { error } => self.fail(Some(id), label, &error),
            other => self.unexpected(Some(id), label, &other),
        }
    }

    /// Reports a failed request in the alert region (issue #5).
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
            let body = RequestBody::Download { entry: entry.id.clone() };
            match this.worker.call_with(id, body, None, Some(this.on_progress())).await {
                ResponseBody::DownloadReady { url, file_name, .. } => {
                    this.dispatch.dispatch(Action::Finished(id));
                    if let Err(e) = save(&url, &file_name) {
                        let message = format!("The browser would not save {file_name}: {e}.");
                        this.dispatch.dispatch(Action::Failed { job: None, subject: file_name, message });
                    }
                }
                ResponseBody::Failed { error } => this.fail(Some(id), &entry.file_name, &error),
                other => this.unexpected(Some(id), &entry.file_name, &other),
            }
        });
    }

    /// Deletes a stored database (the user has confirmed).
    pub fn remove(&self, entry: Entry) {
        let this = self.clone();
        spawn_local(async move {
            match this.worker.call(RequestBody::Remove { entry: entry.id.clone() }).await {
                ResponseBody::Removed { entry } => {
                    this.dispatch.dispatch(Action::Removed(entry));
                    this.estimate().await;
                }
                ResponseBody::Failed { error } => this.fail(None, &entry.title, &error),
                other => this.unexpected(None, &entry.title, &other),
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

    fn on_progress(&self) -> Callback<crate::protocol::Progress> {
        let dispatch = self.dispatch.clone();
        Callback::from(move |progress| dispatch.dispatch(Action::Progress(progress)))
    }

    fn fail(&self, job: Option<u32>, subject: &str, error: &WorkerError) {
        self.dispatch.dispatch(Action::Failed { job, subject: subject.to_owned(), message: error.message.clone() });
    }

    fn unexpected(&self, job: Option<u32>, subject: &str, answer: &ResponseBody) {
        let message =
            format!("The database worker gave an answer this page does not expect ({answer:?}). Reload the page.");
        self.dispatch.dispatch(Action::Failed { job, subject: subject.to_owned(), message });
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

fn describe(error: JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// For a URL on another site: what may have gone wrong, and what to do instead.
fn cross_origin_hint(source: &ImportSource) -> Option<String> {
    let ImportSource::Url { url } = source else { return None };
    let here = web_sys::window()?.location().origin().ok()?;
    let there = web_sys::Url::new(url).ok()?;
    (there.origin() != here).then(|| {
        format!(
            "If the address works in a new tab, the server at {} does not allow other sites to fetch the file \
             (CORS): download it yourself and add it with “Choose a file”.",
            there.host()
        )
    })
}
