//! Data files (CSV, TSV, JSON) into tables of the library's databases: read and shown first
//! ([`preview`]), then written, after the user agreed, into a plain database or a new one named
//! after the file ([`Library::import_data`]). All rows or none.

use stepwise_artifact::tabular::{self, Plan};
use stepwise_protocol::{
    Added, DataImported, DataOptions, DataPreview, EntryKind, ErrorKind, ImportData, WorkerError, file_name_of_url,
};
use web_sys::Blob;

use crate::library::{Library, OnProgress};
use crate::source::{ByteSource, StreamSource};

/// Largest data file read, in bytes: it is read whole into the worker's memory.
pub const DATA_LIMIT: u64 = 256 << 20;

/// Refuses a data file larger than [`DATA_LIMIT`] before it is read.
///
/// # Errors
/// The sentence saying so.
pub fn check_size(name: &str, size: f64) -> Result<(), WorkerError> {
    if size > DATA_LIMIT as f64 {
        return Err(WorkerError::new(
            ErrorKind::Invalid,
            format!(
                "{} is {:.0} MB; Stepwise reads data files of up to {} MB. Split it, or load it with the \
                 sqlite3 shell and add the database.",
                stepwise_artifact::Shown(name),
                size / 1e6,
                DATA_LIMIT >> 20
            ),
        ));
    }
    Ok(())
}

/// What the data file `name` holds and how its first rows will be written.
///
/// # Errors
/// Not a data file Stepwise reads, in one line naming the place.
pub fn preview(name: &str, bytes: &[u8], options: DataOptions) -> Result<DataPreview, WorkerError> {
    tabular::preview(name, bytes, options).map_err(|e| refused(&e, ""))
}

/// The library's error as the page shows it: it already names the data file and the line.
fn refused(e: &stepwise_artifact::Error, then: &str) -> WorkerError {
    WorkerError::new(ErrorKind::Invalid, format!("{}.{then}", e.to_string().trim_end_matches('.')))
}

/// A data file fetched from an address, held until its preview is answered.
pub struct Held {
    /// The token the page names it by ([`DataPreview::pending`]).
    pub token: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Fetches the data file at `url` (or reads the body the page has downloaded already,
/// `downloaded`), keeps it in `slot` (replacing one held before) and says what it holds; the
/// preview names the token to ask about it by.
///
/// # Errors
/// The network (as for a database's address), a file over [`DATA_LIMIT`], not a data file.
pub async fn fetch(
    slot: &mut Option<Held>,
    url: &str,
    downloaded: Option<&Blob>,
    progress: OnProgress<'_>,
) -> Result<DataPreview, WorkerError> {
    let name = file_name_of_url(url);
    progress("Downloading", 0, None);
    let mut source = StreamSource::from_url(url, &name, downloaded).await?;
    let total = source.total();
    if let Some(total) = total {
        check_size(&name, total as f64)?;
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = source.next_chunk().await? {
        bytes.extend_from_slice(&chunk);
        check_size(&name, bytes.len() as f64)?;
        progress("Downloading", bytes.len() as u64, total);
    }
    let mut shown = preview(&name, &bytes, DataOptions::default())?;
    let token = format!("data-{:012x}", (js_sys::Math::random() * 2f64.powi(48)) as u64);
    shown.pending = Some(token.clone());
    *slot = Some(Held { token, bytes });
    Ok(shown)
}

/// The bytes held under `token`.
///
/// # Errors
/// None held under it (another was fetched since, or the worker restarted).
pub fn held<'a>(slot: &'a Option<Held>, token: &str) -> Result<&'a [u8], WorkerError> {
    match slot {
        Some(held) if held.token == token => Ok(&held.bytes),
        _ => Err(WorkerError::new(
            ErrorKind::BadRequest,
            "The data file is no longer in the worker's memory: open its address again.",
        )),
    }
}

impl Library {
    /// Writes the data file `bytes` as `request` says: into the plain database `request.entry`
    /// (the playground's connection), or into a new database named after the file.
    ///
    /// # Errors
    /// A workshop as the target; the file or the table refused (see
    /// [`stepwise_artifact::tabular::load`]); storage errors. Nothing changes on any error.
    pub async fn import_data(&mut self, request: &ImportData, bytes: &[u8]) -> Result<DataImported, WorkerError> {
        let plan =
            Plan { table: &request.table, append: request.append, options: request.options, types: &request.types };
        let name = request.name.as_str();
        match &request.entry {
            Some(id) => {
                let (conn, file_name, kind) = self.playground_conn(id)?;
                if kind == EntryKind::Workshop {
                    self.keep_playground(id, conn);
                    return Err(WorkerError::new(
                        ErrorKind::BadRequest,
                        "A workshop's file takes no data of its own: add the file to the library as a new database.",
                    ));
                }
                let loaded = tabular::load(&conn, name, bytes, &plan);
                self.keep_playground(id, conn);
                let rows = loaded.map_err(|e| refused(&e, &format!(" Nothing was written to {file_name}.")))?;
                let entry = self.entry(id)?;
                Ok(DataImported { entry, table: request.table.clone(), rows })
            }
            None => {
                let db_name = tabular::table_name(name);
                let (added, rows) = self
                    .create_database(&db_name, |conn| {
                        tabular::load(conn, name, bytes, &plan).map_err(|e| refused(&e, " Nothing was stored.").into())
                    })
                    .await?;
                let Added::Imported(imported) = added else {
                    // A plain database has no slug, so it is never a duplicate of another.
                    return Err(WorkerError::new(ErrorKind::Internal, "A new database was taken for a duplicate."));
                };
                Ok(DataImported { entry: imported.entry, table: request.table.clone(), rows })
            }
        }
    }
}
