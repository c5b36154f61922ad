//! Data files (CSV, TSV, JSON) read into a table: what the reader detected, shown before anything
//! is written, and the user's choices.

use serde::{Deserialize, Serialize};

use crate::playground::Rows;

/// How a data file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataFormat {
    /// Fields separated by a delimiter, one record per line (CSV, TSV and their cousins).
    Delimited,
    /// One JSON array: of objects (one per row, keys as columns) or of arrays.
    Json,
    /// One JSON object per line (NDJSON, JSON Lines).
    JsonLines,
}

/// The SQLite type a column is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Numbers with a fraction or an exponent.
    Real,
    /// Anything else.
    Text,
}

impl ColumnType {
    /// Its name in `CREATE TABLE`.
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::Integer => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Text => "TEXT",
        }
    }
}

/// How to read a data file: `None` asks the reader to detect it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataOptions {
    /// The delimiter of a delimited file (`,`, tab, `;`, `|` or any other ASCII character).
    pub delimiter: Option<char>,
    /// The first record names the columns.
    pub header: Option<bool>,
}

/// One column as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataColumn {
    /// Its name (from the header or the keys; `column1`… otherwise).
    pub name: String,
    /// The type its values fit.
    pub column_type: ColumnType,
    /// Rows where it is empty or missing.
    pub empty: u64,
}

/// What a data file holds, read in full but not written anywhere: answer to
/// [`crate::PreviewData`], and to an added file that is data ([`crate::Stored::DataFound`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataPreview {
    /// The file's name.
    pub name: String,
    /// Its layout.
    pub format: DataFormat,
    /// The delimiter (a delimited file only).
    pub delimiter: Option<char>,
    /// The first record names the columns (a delimited file, or a JSON array of arrays).
    pub header: bool,
    /// The columns, in order.
    pub columns: Vec<DataColumn>,
    /// The first rows, as they will be written (`None`: NULL).
    pub rows: Rows,
    /// Rows in the whole file.
    pub total: u64,
    /// A table name made from the file's name.
    pub table: String,
    /// What the reader did that the user should know (short rows filled with NULL…).
    pub notes: Vec<String>,
    /// Why the file cannot be written as read (a row with more fields than the header…), in
    /// one line naming the place; the user may change the delimiter or the header.
    pub problem: Option<String>,
    /// The worker holds the file (it fetched it from an address): requests about it name this
    /// token instead of posting the file, and [`crate::Remove`] of the token drops it.
    #[serde(default)]
    pub pending: Option<String>,
}
