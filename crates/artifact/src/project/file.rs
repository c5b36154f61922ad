//! `project.yaml`: the description of a project's tables, columns, keys, relationships and
//! indexes, and the summary of what a project holds.

use serde::{Deserialize, Deserializer, Serialize};

use crate::archive::check_path;
use crate::csv::Encoding;
use crate::error::{Error, Result, Shown, plain_or_shown};
use crate::project::names::*;

/// The name of the project description inside a project.
pub const PROJECT_YAML: &str = "project.yaml";

/// The version of `project.yaml` this build reads and writes.
pub const VERSION: u32 = 1;

/// `project.yaml`: the schema of a database and where its data lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// The version of this format; always [`VERSION`].
    pub version: u32,
    /// Name and description.
    pub project: ProjectMeta,
    /// The tables, in creation order.
    #[serde(default)]
    pub tables: Vec<TableDef>,
    /// Foreign keys, for people and tools reading the file (a table's `sql` is authoritative).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relationships: Vec<Relationship>,
    /// Indexes, created after the data is loaded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDef>,
    /// Views, in creation order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<NamedSql>,
    /// Triggers, created last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<NamedSql>,
}

/// The `project:` section of `project.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectMeta {
    /// The project's name.
    pub name: String,
    /// A sentence about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The header of the rowid column in the data file of a table with `rowid: true`.
pub(crate) const ROWID: &str = "rowid";

/// One table of `project.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// The table's name, verbatim.
    pub name: String,
    /// The data file inside `data/` when it is not `<name>.csv` (a name that is not a safe
    /// file name, such as one with a `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The columns a CSV row holds, in table order (generated columns are left out: they come
    /// from `sql`).
    pub columns: Vec<ColumnDef>,
    /// A STRICT table.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// A WITHOUT ROWID table.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_rowid: bool,
    /// A primary key of several columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary_key: Vec<String>,
    /// The exact `CREATE TABLE`; authoritative when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
    /// For a table declared `AUTOINCREMENT`: the largest id it ever handed out (its row in
    /// `sqlite_sequence`), kept so that a rebuilt table never reuses the id of a deleted row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    /// The data file's first column is `rowid`, each row's rowid (an FTS5 table's rowids name
    /// its documents, so they are kept).
    #[serde(default, skip_serializing_if = "is_false")]
    pub rowid: bool,
}

/// One column of a table in `project.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    /// The column's name.
    pub name: String,
    /// The declared type, verbatim (`""` when none).
    #[serde(rename = "type", default)]
    pub type_: String,
    /// The column alone is the primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// `NOT NULL`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// `UNIQUE` (on this column alone).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// The default, as an SQL expression.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "scalar_text")]
    pub default: Option<String>,
    /// How the table's CSV writes this column.
    #[serde(default, skip_serializing_if = "is_text")]
    pub encoding: Encoding,
}

/// A foreign key of `project.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    /// The referencing table and columns.
    pub from: Endpoint,
    /// The referenced table and columns.
    pub to: Endpoint,
    /// `ON DELETE` action in lower case (`cascade`, `set null`…); none means `no action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<String>,
    /// `ON UPDATE` action in lower case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
}

/// One side of a [`Relationship`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The table.
    pub table: String,
    /// Its columns, in key order.
    pub columns: Vec<String>,
}

/// An index of `project.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDef {
    /// The index's name.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// The indexed columns (expressions are only in `sql`).
    #[serde(default)]
    pub columns: Vec<String>,
    /// A UNIQUE index.
    #[serde(default)]
    pub unique: bool,
    /// The exact `CREATE INDEX`; authoritative when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

/// A view or trigger: a name and its `CREATE` statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedSql {
    /// The object's name.
    pub name: String,
    /// Its `CREATE VIEW` or `CREATE TRIGGER` statement.
    pub sql: String,
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

pub(crate) fn is_text(e: &Encoding) -> bool {
    *e == Encoding::Text
}

/// Accepts `default: 0`, `default: 1.5`, `default: true` as well as strings.
pub(crate) fn scalar_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match serde_norway::Value::deserialize(d)? {
        serde_norway::Value::Null => Ok(None),
        serde_norway::Value::String(s) => Ok(Some(s)),
        serde_norway::Value::Number(n) => Ok(Some(n.to_string())),
        serde_norway::Value::Bool(b) => Ok(Some(if b { "TRUE" } else { "FALSE" }.to_owned())),
        _ => Err(D::Error::custom("a default must be an SQL expression written as text")),
    }
}

impl ProjectFile {
    /// Parses `project.yaml` from its bytes.
    ///
    /// # Errors
    ///
    /// [`Error::Yaml`] (with the line) for YAML that does not parse or has unknown or missing
    /// fields, [`Error::UnsupportedVersion`] for a `version:` other than 1, [`Error::Invalid`]
    /// when `version:` is missing.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Yaml {
            file: PROJECT_YAML.to_owned(),
            line: None,
            reason: "not valid UTF-8".to_owned(),
        })?;
        let raw: serde_norway::Value = serde_norway::from_str(text).map_err(|e| Error::yaml(PROJECT_YAML, &e))?;
        match raw.get("version") {
            None => {
                return Err(Error::invalid(PROJECT_YAML, "missing `version: 1` at the top"));
            }
            Some(serde_norway::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
            Some(other) => {
                let found = serde_norway::to_string(other).unwrap_or_default().trim().to_owned();
                // `unsupported version 2`; anything but a plain word quoted and cut.
                let found = plain_or_shown(&found);
                return Err(Error::UnsupportedVersion { file: PROJECT_YAML.to_owned(), found, supported: VERSION });
            }
        }
        serde_norway::from_str(text).map_err(|e| Error::yaml(PROJECT_YAML, &e))
    }

    /// The YAML text of the project.
    ///
    /// # Errors
    ///
    /// [`Error::Yaml`] if serialisation fails (it does not for values built by this crate).
    pub fn to_yaml(&self) -> Result<String> {
        serde_norway::to_string(self).map_err(|e| Error::yaml(PROJECT_YAML, &e))
    }
}

impl TableDef {
    /// The path of the table's data inside the project (`data/<file>`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `file:` is not a plain file name, or when it is absent and the
    /// table's name is not a safe file name.
    pub fn data_path(&self) -> Result<String> {
        let file = match &self.file {
            Some(f) => f.clone(),
            None if is_safe_file_name(&self.name) => format!("{}.csv", self.name),
            None => {
                return Err(Error::invalid(
                    PROJECT_YAML,
                    format!(
                        "table {} needs `file:` (its name cannot be a file name), e.g. file: {}",
                        Shown(&self.name),
                        Shown(&(safe_file_stem(&self.name) + ".csv"))
                    ),
                ));
            }
        };
        if file.contains('/') || check_path(PROJECT_YAML, &file).is_err() {
            return Err(Error::invalid(
                PROJECT_YAML,
                format!("table {}: file {} must be a plain file name inside data/", Shown(&self.name), Shown(&file)),
            ));
        }
        Ok(format!("data/{file}"))
    }

    /// The primary key columns, in key order.
    pub fn key_columns(&self) -> Vec<&str> {
        if !self.primary_key.is_empty() {
            self.primary_key.iter().map(String::as_str).collect()
        } else {
            self.columns.iter().filter(|c| c.primary_key).map(|c| c.name.as_str()).collect()
        }
    }
}

/// Rows per table, for the confirmation before a rebuild and the report after it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Each table with its number of rows, in creation order.
    pub tables: Vec<TableRows>,
}

/// One table of a [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    /// The table's name.
    pub name: String,
    /// Its number of rows.
    pub rows: u64,
}

impl Summary {
    /// Number of tables.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// Number of rows in all tables.
    pub fn row_count(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// `3 tables, 47 rows` (singular for one).
    pub fn counts(&self) -> String {
        let t = self.table_count();
        let r = self.row_count();
        format!("{t} table{}, {r} row{}", if t == 1 { "" } else { "s" }, if r == 1 { "" } else { "s" })
    }

    /// The confirmation before a rebuild: `3 tables, 47 rows will be recreated; the existing
    /// .db will be replaced`.
    pub fn sentence(&self) -> String {
        format!("{} will be recreated; the existing .db will be replaced", self.counts())
    }
}
