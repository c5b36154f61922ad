//! The playground's schema panel: what a table or view is made of.

use serde::{Deserialize, Serialize};

/// One column of a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnView {
    /// Its name.
    pub name: String,
    /// Its declared type, as written (`""` when none).
    pub declared: String,
    /// Its place in the primary key (1 for the first column of it), 0 when not in it.
    pub key: u32,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Its default, as SQL text.
    pub default: Option<String>,
    /// A generated column (`GENERATED ALWAYS AS …`, stored or virtual).
    pub generated: bool,
}

/// A foreign key of a table: its columns refer to columns of another table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKeyView {
    /// The referring columns.
    pub columns: Vec<String>,
    /// The table referred to.
    pub table: String,
    /// Its columns referred to (empty: its primary key).
    pub to: Vec<String>,
    /// `ON DELETE` action (`NO ACTION` when none).
    pub on_delete: String,
    /// `ON UPDATE` action.
    pub on_update: String,
}

/// An index of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexView {
    /// Its name (`sqlite_autoindex_…` for those SQLite makes for a UNIQUE or PRIMARY KEY).
    pub name: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// Its columns (`<expression>` for an indexed expression).
    pub columns: Vec<String>,
    /// A partial index (`WHERE …`).
    pub partial: bool,
    /// Its `CREATE INDEX`, when it was written (not for SQLite's own).
    pub sql: Option<String>,
}

/// A named statement: a trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerView {
    /// Its name.
    pub name: String,
    /// Its `CREATE TRIGGER`.
    pub sql: String,
}

/// Answer to [`crate::TableStructure`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureView {
    /// The table's or view's name.
    pub name: String,
    /// `table`, `view` or `virtual table`, with `STRICT` and `WITHOUT ROWID` when they apply.
    pub kind: String,
    /// Its `CREATE` statement.
    pub sql: String,
    /// Its columns, in order (hidden columns of virtual tables left out).
    pub columns: Vec<ColumnView>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKeyView>,
    /// Its indexes.
    pub indexes: Vec<IndexView>,
    /// Its triggers.
    pub triggers: Vec<TriggerView>,
}
