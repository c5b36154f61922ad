//! One request, handled: the storage opened by `Init`, then every other request handed to the
//! [`Library`] and its answer encoded as the type the request names ([`Call::Answer`]). The
//! requests a learner's first visit never makes go to [`deferred`].

use web_sys::Blob;

use stepwise_protocol::wire::STORAGE_LOCK;
use stepwise_protocol::{
    ErrorKind, ImportSource, Pong, RequestBody, Response, Storage, Stored, WorkerError, file_name_of_url,
};

use crate::backend::PoolConfig;
use crate::blobs;
use crate::deferred;
use crate::errors;
use crate::handling::{State, StorageState, ready, reply};
use crate::library::{Library, OnProgress};
use crate::lock::{LockOutcome, acquire_forever};
use crate::source::{BlobSource, StreamSource, gunzipped_name};
use crate::textforms;

/// The answer to [`stepwise_protocol::Ping`].
pub fn pong() -> Pong {
    Pong { version: env!("CARGO_PKG_VERSION").to_owned() }
}

/// Handles one request (`file`: the `File` posted beside it), reporting progress through
/// `progress`.
pub async fn handle(
    state: &mut State,
    id: u32,
    body: RequestBody,
    file: Option<Blob>,
    progress: OnProgress<'_>,
) -> Response {
    if let RequestBody::Init(request) = &body {
        return reply(id, request, init(state, request.after_stop).await);
    }
    if deferred::handles(&body) {
        return deferred::handle(state, id, body, file, progress).await;
    }
    let library = match ready(&mut state.storage, id) {
        Ok(library) => library,
        Err(refused) => return refused,
    };
    let downloads = &mut state.downloads;
    match body {
        RequestBody::Ping(r) => reply(id, &r, Ok(pong())),
        RequestBody::Init(_) | deferred::deferred_requests!() => unreachable!("handled above"),
        RequestBody::List(r) => reply(id, &r, library.list()),
        RequestBody::Import(r) => {
            let result = match &r.source {
                // A data file's address: fetched and held for the preview, not stored.
                ImportSource::Url { url } if deferred::is_data_name(&file_name_of_url(url)) => {
                    deferred::fetch_data(&mut state.data, url, file, progress).await
                }
                _ => import(library, &r.source, file, progress).await,
            };
            reply(id, &r, result)
        }
        RequestBody::Open(r) => {
            let result = library.open_entry(&r.entry).await;
            reply(id, &r, result)
        }
        RequestBody::Play(r) => reply(id, &r, library.play(&r.entry, r.step.as_deref())),
        RequestBody::Artifacts(r) => reply(id, &r, library.artifacts(&r.entry, &r.step)),
        RequestBody::RunSql(r) => reply(id, &r, library.run_sql(&r.entry, &r.sql, r.seconds)),
        RequestBody::Check(r) => {
            let result = library.check(&r.entry, &r.step, &r.validation, r.input.as_deref());
            reply(id, &r, result)
        }
        RequestBody::OpenHint(r) => reply(id, &r, library.open_hint(&r.entry, &r.step, &r.validation)),
        RequestBody::ShowSolution(r) => reply(id, &r, library.show_solution(&r.entry, &r.step, &r.validation)),
        RequestBody::Completion(r) => reply(id, &r, library.completion(&r.entry)),
        RequestBody::SetLearner(r) => reply(id, &r, library.set_learner(&r.entry, &r.name)),
        RequestBody::Remove(r) => {
            if state.data.as_ref().is_some_and(|held| held.token == r.entry) {
                state.data = None;
                return reply(id, &r, Ok(()));
            }
            downloads.revoke();
            reply(id, &r, library.remove(&r.entry))
        }
    }
}

/// Stores a database from the posted `File` or from a URL, unpacked first when its name ends
/// in `.gz`; a zip (by its name or its first bytes) is a text form, so what it holds is said
/// first.
async fn import(
    library: &mut Library,
    source: &ImportSource,
    file: Option<Blob>,
    progress: OnProgress<'_>,
) -> Result<Stored, WorkerError> {
    match source {
        ImportSource::File { name, .. } => {
            let blob = file.ok_or_else(|| {
                WorkerError::new(ErrorKind::BadRequest, format!("No file came with the import of {name}."))
            })?;
            if blobs::is_zip(name, &blob) || textforms::is_markdown(name) || deferred::is_data_name(name) {
                return deferred::preview_file(name, blob).await;
            }
            if let Some(inner) = gunzipped_name(name) {
                let source = StreamSource::gunzip_blob(&blob, name)?;
                return library.import(inner, source, progress).await;
            }
            let source = BlobSource::new(blob, name)?;
            library.import(name, source, progress).await
        }
        ImportSource::Url { url } => {
            let name = file_name_of_url(url);
            progress("Downloading", 0, None);
            let source = StreamSource::from_url(url, &name, file.as_ref()).await?;
            library.import(gunzipped_name(&name).unwrap_or(&name), source, progress).await
        }
    }
}

/// Takes the storage lock, then opens the library (OPFS, or memory with a reason).
async fn init(state: &mut State, after_stop: bool) -> Result<Storage, WorkerError> {
    if let StorageState::Ready(library) = &state.storage {
        return Ok(library.storage().clone());
    }
    // Refused before: the other tab may have closed since, so ask again.
    if !state.lock_held {
        match acquire_forever(STORAGE_LOCK, after_stop).await {
            LockOutcome::Held => state.lock_held = true,
            LockOutcome::Unsupported => {}
            LockOutcome::Taken => {
                let error = errors::other_tab();
                state.storage = StorageState::Refused(error.clone());
                return Err(error);
            }
        }
    }
    match Library::open(&PoolConfig::default()).await {
        Ok(library) => {
            let storage = library.storage().clone();
            state.storage = StorageState::Ready(library);
            Ok(storage)
        }
        Err(error) => {
            state.storage = StorageState::Refused(error.clone());
            Err(error)
        }
    }
}
