//! The project form of any SQLite database: `project.yaml` plus `data/<table>.csv`, exported
//! from a connection and rebuilt into an empty one. The form follows the RDBMS Playground's
//! published project format; `docs/format.md` § Project form says what Stepwise writes.

mod export;
mod file;
mod fts5;
mod names;
mod rebuild;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod sqlite_features_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub(crate) use self::export::load_table_csv;
pub use self::export::{export, export_zip, relation_csv, table_csv};
pub use self::file::{
    ColumnDef, Endpoint, IndexDef, NamedSql, PROJECT_YAML, ProjectFile, ProjectMeta, Relationship, Summary, TableDef,
    TableRows, VERSION,
};
pub use self::rebuild::{rebuild, summary};
