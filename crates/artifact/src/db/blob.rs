//! Content-addressed rows: an artifact, asset or workspace image is stored once under its
//! SHA-256, however many rows name it.

use rusqlite::{Connection, params};

use crate::digest::sha256_hex;
use crate::error::{Result, SqlContext};

/// Stores `data` in `table` (`blob` or `runtime_blob`) unless a row of the same digest is
/// there already, and returns its digest (lowercase hex).
///
/// # Errors
/// [`crate::Error::Sqlite`] when SQLite refuses the row.
pub(crate) fn put_blob(tx: &Connection, table: &str, data: &[u8]) -> Result<String> {
    let sha = sha256_hex(data);
    tx.prepare_cached(&format!("INSERT OR IGNORE INTO {table} (sha256, size, data) VALUES (?1, ?2, ?3)"))
        .and_then(|mut st| st.execute(params![sha, data.len() as i64, data]))
        .ctx("writing a blob")?;
    Ok(sha)
}
