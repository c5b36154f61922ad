//! Data files (CSV, TSV, JSON) into tables of the library's databases: read and shown first
//! ([`preview`]), then written, after the user agreed, into a plain database or a new one named
//! after the file ([`Library::import_data`]). All rows or none.

use stepwise_artifact::tabular::{self, Plan};
use stepwise_protocol::{Added, DataImported, DataOptions, DataPreview, EntryKind, ErrorKind, ImportData, WorkerError};

use crate::library::Library;

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
