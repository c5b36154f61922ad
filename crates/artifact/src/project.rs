//! (placeholder until the project codec lands)
#![allow(missing_docs, unused_variables)]
use crate::error::Result;
pub fn table_csv(conn: &rusqlite::Connection, table: &str) -> Result<Option<Vec<u8>>> { unimplemented!() }
pub fn load_table_csv(conn: &rusqlite::Connection, table: &str, file: &str, csv: &[u8]) -> Result<()> { unimplemented!() }
