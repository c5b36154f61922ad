//! The playground: tables, pages of rows, and queries on any stored database.

use serde::{Deserialize, Serialize};

/// Seconds a playground statement may run before the worker stops it (the page says so beside
/// its Run button).
pub const QUERY_SECONDS: u32 = 30;

/// Rows for a table in the page: cells as text, `None` for NULL; a blob as `<blob N bytes>`.
pub type Rows = Vec<Vec<Option<String>>>;

/// Answer to [`crate::Tables`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablesView {
    /// `(name, rows)`; a view's rows are `None`.
    pub tables: Vec<(String, Option<i64>)>,
    /// Which of them are a workshop's definition or artifact tables (read-only unless write
    /// mode is on).
    pub protected: Vec<String>,
    /// Which of them are views (no row count, but browsable and downloadable); the others
    /// without a count are virtual tables this SQLite cannot read.
    #[serde(default)]
    pub views: Vec<String>,
}

/// Answer to [`crate::BrowseTable`]: one page of a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablePage {
    /// The table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// The page's rows.
    pub rows: Rows,
    /// The first row's offset.
    pub offset: u64,
    /// Rows in the whole table.
    pub total: u64,
}

/// Answer to [`crate::Query`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryDone {
    /// Columns (empty for a statement that returns none).
    pub columns: Vec<String>,
    /// The first rows.
    pub rows: Rows,
    /// More rows came than were kept.
    pub truncated: bool,
    /// Rows changed by an `INSERT`, `UPDATE` or `DELETE`.
    pub changed: u64,
    /// The workshop's content digest no longer matches: its definition was changed. Checked
    /// after a write-mode statement that changed rows or returned none (a change of the schema,
    /// a transaction's end); `false` for any other statement, which cannot change it.
    pub digest_changed: bool,
}
