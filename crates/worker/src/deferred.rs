//! The requests a learner's first visit never makes: the authors' text forms (zips, Markdown,
//! rebuilds), the teacher's class, data files into tables, a table as CSV, the SQL playground
//! (a step's SQL box is the player's `RunSql`), a new empty database, a `.db` download, the
//! answer to a duplicate, resetting a workspace or progress, restoring a snapshot.
//!
//! They are handled here, apart from `dispatch::handle`, so that the build can leave
//! their code out of the worker's first download: each entry point returns a boxed future
//! behind `dyn Future` and is never inlined, so its code (and everything only it calls) stays
//! in functions of this module's name, which `crates/worker/split.rules` moves to the worker's
//! second wasm module (loaded on first use; docs/ARCHITECTURE.md, "The page and the worker in two
//! parts").

use std::future::Future;
use std::pin::Pin;

use web_sys::Blob;

use stepwise_protocol::{DataOptions, DataPreview, RequestBody, Response, Stored, WorkerError};

use crate::blobs;
use crate::class;
use crate::data;
use crate::handling::{State, ready, reply};
use crate::library::OnProgress;
use crate::textforms;

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The requests [`handle`] answers, as a pattern: `dispatch` matches every request by name, so a
/// new request cannot go unhandled.
macro_rules! deferred_requests {
    () => {
        RequestBody::ReadHandIn(_)
            | RequestBody::ClassSummary(_)
            | RequestBody::ClassCsv(_)
            | RequestBody::ClearClass(_)
            | RequestBody::ExportText(_)
            | RequestBody::PreviewZip(_)
            | RequestBody::ImportZip(_)
            | RequestBody::RebuildProject(_)
            | RequestBody::PreviewData(_)
            | RequestBody::ImportData(_)
            | RequestBody::TableCsv(_)
            | RequestBody::Query(_)
            | RequestBody::Tables(_)
            | RequestBody::TableStructure(_)
            | RequestBody::BrowseTable(_)
            | RequestBody::NewDatabase(_)
            | RequestBody::Download(_)
            | RequestBody::ResolveDuplicate(_)
            | RequestBody::ResetWorkspace(_)
            | RequestBody::ResetProgress(_)
            | RequestBody::RestoreSnapshot(_)
    };
}
pub(crate) use deferred_requests;

/// Whether [`handle`] answers this request.
pub fn handles(body: &RequestBody) -> bool {
    matches!(body, deferred_requests!())
}

/// Whether a file of this name is a data file (CSV, TSV, JSON…) rather than a database.
pub fn is_data_name(name: &str) -> bool {
    stepwise_artifact::tabular::is_data_name(name)
}

/// Handles a request [`handles`] names.
#[inline(never)]
pub fn handle<'a>(
    state: &'a mut State,
    id: u32,
    body: RequestBody,
    file: Option<Blob>,
    progress: OnProgress<'a>,
) -> Boxed<'a, Response> {
    Box::pin(async move {
        // The class lives in memory: it needs no storage.
        match &body {
            RequestBody::ReadHandIn(r) => {
                let bytes = blobs::posted(file, &r.name).and_then(|blob| {
                    class::check_size(&r.name, blob.size())?;
                    blobs::read_all(&blob, &r.name)
                });
                return reply(id, r, state.class.read(&r.name, bytes));
            }
            RequestBody::ClassSummary(r) => return reply(id, r, Ok(state.class.summary())),
            RequestBody::ClassCsv(r) => return reply(id, r, state.class.csv(&mut state.downloads)),
            RequestBody::ClearClass(r) => {
                state.class.clear();
                return reply(id, r, Ok(()));
            }
            _ => {}
        }
        let library = match ready(&mut state.storage, id) {
            Ok(library) => library,
            Err(refused) => return refused,
        };
        let downloads = &mut state.downloads;
        match body {
            RequestBody::ExportText(r) => {
                let result = library
                    .export_text(&r.entry, r.form, progress)
                    .and_then(|(zip, name)| downloads.offer(zip.chunks(), &name, "application/zip"));
                reply(id, &r, result)
            }
            RequestBody::PreviewZip(r) => {
                let result = blobs::posted(file, &r.name)
                    .and_then(|blob| blobs::read_all(&blob, &r.name))
                    .and_then(|bytes| textforms::preview(&r.name, &bytes));
                reply(id, &r, result)
            }
            RequestBody::ImportZip(r) => {
                let result = match blobs::posted(file, &r.name).and_then(|blob| blobs::read_all(&blob, &r.name)) {
                    Ok(bytes) => library.import_zip(&r.name, &bytes, progress).await,
                    Err(e) => Err(e),
                };
                reply(id, &r, result)
            }
            RequestBody::RebuildProject(r) => {
                let result = match blobs::posted(file, &r.name).and_then(|blob| blobs::read_all(&blob, &r.name)) {
                    Ok(bytes) => library.rebuild_project(&r.entry, &r.name, &bytes, progress).await,
                    Err(e) => Err(e),
                };
                reply(id, &r, result)
            }
            RequestBody::PreviewData(r) => {
                let result = match &r.pending {
                    Some(token) => {
                        data::held(&state.data, token).and_then(|bytes| data::preview(&r.name, bytes, r.options))
                    }
                    None => posted_data(file, &r.name).and_then(|bytes| data::preview(&r.name, &bytes, r.options)),
                }
                .map(|preview| DataPreview { pending: r.pending.clone(), ..preview });
                reply(id, &r, result)
            }
            RequestBody::ImportData(r) => {
                let result = match &r.pending {
                    Some(token) => match data::held(&state.data, token) {
                        Ok(bytes) => library.import_data(&r, bytes).await,
                        Err(e) => Err(e),
                    },
                    None => match posted_data(file, &r.name) {
                        Ok(bytes) => library.import_data(&r, &bytes).await,
                        Err(e) => Err(e),
                    },
                };
                if result.is_ok() && r.pending.is_some() {
                    state.data = None;
                }
                reply(id, &r, result)
            }
            RequestBody::TableCsv(r) => {
                let result = library
                    .table_csv(&r.entry, &r.table)
                    .and_then(|csv| downloads.offer([&csv[..]], &format!("{}.csv", r.table), "text/csv"));
                reply(id, &r, result)
            }
            RequestBody::Query(r) => {
                let result = match library.reserve_for_query().await {
                    Ok(()) => library.query(&r.entry, &r.sql, r.write),
                    Err(e) => Err(e),
                };
                reply(id, &r, result)
            }
            RequestBody::Tables(r) => reply(id, &r, library.tables(&r.entry)),
            RequestBody::TableStructure(r) => reply(id, &r, library.structure(&r.entry, &r.table)),
            RequestBody::BrowseTable(r) => {
                let result =
                    library.browse(&r.entry, &r.table, r.offset, r.limit, r.order_by.as_deref(), r.descending);
                reply(id, &r, result)
            }
            RequestBody::NewDatabase(r) => {
                let result = library.new_database(&r.name).await;
                reply(id, &r, result)
            }
            RequestBody::Download(r) => {
                let parts = js_sys::Array::new();
                let entry = library.export(
                    &r.entry,
                    &mut |chunk| {
                        parts.push(&js_sys::Uint8Array::from(chunk));
                        Ok(())
                    },
                    progress,
                );
                let result =
                    entry.and_then(|e| downloads.offer_parts(&parts, &e.file_name, "application/vnd.sqlite3"));
                reply(id, &r, result)
            }
            RequestBody::ResolveDuplicate(r) => {
                let result = library.resolve(&r.pending, r.choice).await;
                reply(id, &r, result)
            }
            RequestBody::ResetWorkspace(r) => reply(id, &r, library.reset_workspace(&r.entry, &r.step)),
            RequestBody::ResetProgress(r) => reply(id, &r, library.reset_progress(&r.entry)),
            RequestBody::RestoreSnapshot(r) => reply(id, &r, library.restore_snapshot(&r.entry, r.snapshot)),
            _ => unreachable!("deferred::handle answers only what deferred::handles names"),
        }
    })
}

/// A file added to the library that is not a database: a zip or Markdown file (what it holds,
/// to confirm) or a data file (its first rows, to confirm).
#[inline(never)]
pub fn preview_file(name: &str, blob: Blob) -> Boxed<'_, Result<Stored, WorkerError>> {
    Box::pin(async move {
        if is_data_name(name) && !blobs::is_zip(name, &blob) {
            data::check_size(name, blob.size())?;
            let bytes = blobs::read_all(&blob, name)?;
            return Ok(Stored::DataFound(data::preview(name, &bytes, DataOptions::default())?));
        }
        let bytes = blobs::read_all(&blob, name)?;
        Ok(Stored::ZipFound(textforms::preview(name, &bytes)?))
    })
}

/// A data file's address: fetched (or read from the body the page downloaded) and held for the
/// preview's answer, not stored.
#[inline(never)]
pub fn fetch_data<'a>(
    slot: &'a mut Option<data::Held>,
    url: &'a str,
    file: Option<Blob>,
    progress: OnProgress<'a>,
) -> Boxed<'a, Result<Stored, WorkerError>> {
    Box::pin(async move { data::fetch(slot, url, file.as_ref(), progress).await.map(Stored::DataFound) })
}

/// The data file posted beside a request, its size checked before it is read.
fn posted_data(file: Option<Blob>, name: &str) -> Result<Vec<u8>, WorkerError> {
    let blob = blobs::posted(file, name)?;
    data::check_size(name, blob.size())?;
    blobs::read_all(&blob, name)
}
