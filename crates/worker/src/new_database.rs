//! A new, empty database in the library: a plain SQLite file to build tables in from the
//! playground.

use stepwise_artifact::harden;
use stepwise_artifact::rusqlite::Connection;
use stepwise_protocol::{Added, ErrorKind, WorkerError};

use crate::catalog::file_of;
use crate::errors::{About, Doing, Fault};
use crate::library::{Library, SPARE};

/// Longest name of a new database, in characters.
pub const NAME_LIMIT: usize = 100;

/// `name`, checked, with `.db` added unless it ends in a database extension.
///
/// # Errors
/// A sentence for the user: empty, too long, on several lines or holding a `/` or `\`.
pub fn file_name(name: &str) -> Result<String, WorkerError> {
    let name = name.trim();
    let refuse = |why: &str| Err(WorkerError::new(ErrorKind::BadRequest, why.to_owned()));
    if name.is_empty() {
        return refuse("Give the new database a name.");
    }
    if name.chars().count() > NAME_LIMIT {
        return refuse("A name of up to 100 characters, please.");
    }
    if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return refuse("A name on one line, without / or \\, please.");
    }
    let lower = name.to_ascii_lowercase();
    Ok(if [".db", ".sqlite", ".sqlite3"].iter().any(|e| lower.ends_with(e)) {
        name.to_owned()
    } else {
        format!("{name}.db")
    })
}

impl Library {
    /// Creates an empty SQLite database named `name` in the library.
    ///
    /// # Errors
    /// A bad name; storage errors. Nothing is stored on any error.
    pub async fn new_database(&mut self, name: &str) -> Result<Added, WorkerError> {
        Ok(self.create_database(name, |_| Ok(())).await?.0)
    }

    /// Creates a SQLite database named `name` in the library, filled by `fill` before it is
    /// listed.
    ///
    /// # Errors
    /// A bad name; `fill`'s failure; storage errors. Nothing is stored on any error.
    pub(crate) async fn create_database<T>(
        &mut self,
        name: &str,
        fill: impl FnOnce(&Connection) -> Result<T, Fault>,
    ) -> Result<(Added, T), WorkerError> {
        let file_name = file_name(name)?;
        self.store().reserve(SPARE + 1).await.about(&file_name)?;
        let id = self.fresh_id()?;
        let file = file_of(&id);
        let made = async {
            let filled = (|| -> Result<T, Fault> {
                let conn = self.store().connect(&file).doing(&file_name, "creating")?;
                harden(&conn).about(&file_name)?;
                // A write gives the file its header: an empty file is not yet an SQLite database.
                conn.execute_batch("PRAGMA user_version = 1; PRAGMA user_version = 0;").doing(&file_name, "creating")?;
                let filled = fill(&conn)?;
                conn.close().map_err(|(_, e)| e).doing(&file_name, "closing")?;
                Ok(filled)
            })()?;
            Ok::<_, Fault>((self.examine(&id, &file_name).await?, filled))
        }
        .await;
        match made {
            Ok((entry, filled)) => Ok((self.file_away(entry, &file, &file_name)?, filled)),
            Err(e) => {
                self.discard(&file);
                Err(e.into())
            }
        }
    }
}
