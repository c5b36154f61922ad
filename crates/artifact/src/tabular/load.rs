//! Writing a data file's rows into a table: a new one created with the columns' types, or an
//! existing one with as many columns. One savepoint: every row is written, or none.

use rusqlite::{Connection, params_from_iter};
use stepwise_protocol::{ColumnType, DataOptions};

use super::cells::{TypeGuess, value};
use super::source::{Source, at};
use crate::{Error, Result, Shown, clipped};

/// What to write, as the user left the preview.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'p> {
    /// The table to create, or to add rows to.
    pub table: &'p str,
    /// Add the rows to the existing table instead of creating it.
    pub append: bool,
    /// How to read the file.
    pub options: DataOptions,
    /// Each column's type (empty: as detected).
    pub types: &'p [ColumnType],
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sqlite(file: &str, doing: &str, e: &rusqlite::Error) -> Error {
    Error::Sqlite { context: format!("{file}: {doing}"), message: clipped(&e.to_string()) }
}

fn refuse(file: &str, reason: String) -> Error {
    Error::Invalid { file: file.to_owned(), reason }
}

/// Checks a table name the user typed: one line, up to 100 characters, not SQLite's own.
///
/// # Errors
/// A sentence saying what is wrong with it.
pub fn check_table_name(file: &str, table: &str) -> Result<()> {
    if table.trim().is_empty() {
        return Err(refuse(file, "give the table a name".to_owned()));
    }
    if table.chars().count() > 100 || table.chars().any(char::is_control) {
        return Err(refuse(file, format!("the table name {} must be one line of up to 100 characters", Shown(table))));
    }
    if table.to_ascii_lowercase().starts_with("sqlite_") {
        return Err(refuse(file, format!("{} is a name SQLite keeps for itself", Shown(table))));
    }
    Ok(())
}

/// Writes the rows of the data file `name` into `conn` as `plan` says, and answers how many.
///
/// # Errors
/// The file as in [`super::preview`]; a row with more fields than the columns (naming its
/// line); a table that exists when creating or is missing or of another width when adding;
/// SQLite's refusal of a row (a constraint), naming the row. Nothing is written on any error.
pub fn load(conn: &Connection, name: &str, bytes: &[u8], plan: &Plan<'_>) -> Result<u64> {
    check_table_name(name, plan.table)?;
    let source = Source::open(name, bytes, plan.options)?;
    let width = source.columns().len();
    if width == 0 {
        return Err(refuse(name, "holds no rows: there is nothing to write".to_owned()));
    }
    let types = if plan.types.is_empty() {
        let mut guesses = vec![TypeGuess::default(); width];
        source.each(true, &mut |_, cells| {
            guesses.iter_mut().zip(cells).for_each(|(g, c)| g.see(c));
            Ok(true)
        })?;
        guesses.iter().map(TypeGuess::column_type).collect()
    } else if plan.types.len() == width {
        plan.types.to_vec()
    } else {
        let reason = format!("has {width} columns, but {} types were chosen; preview it again", plan.types.len());
        return Err(refuse(name, reason));
    };
    let existing: Option<(String, String)> = conn
        .query_row(
            "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE",
            [plan.table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .map_err(|e| sqlite(name, "reading the schema", &e))?;
    let target_columns: Vec<String> = match (&existing, plan.append) {
        (Some((kind, table)), false) => {
            let reason = format!(
                "the database already has a {kind} named {}; choose another name or add the rows to it",
                Shown(table)
            );
            return Err(refuse(name, reason));
        }
        (None, true) => return Err(refuse(name, format!("the database has no table named {}", Shown(plan.table)))),
        (Some((kind, table)), true) if kind == "view" => {
            return Err(refuse(name, format!("{} is a view: rows can only be added to a table", Shown(table))));
        }
        (Some((_, table)), true) => {
            // Generated and hidden columns take no values.
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid")
                .and_then(|mut s| s.query_map([table], |r| r.get(0))?.collect())
                .map_err(|e| sqlite(name, "reading the table", &e))?;
            match by_name(&source, &columns) {
                Some(matched) => matched,
                None if columns.len() == width => columns,
                None => {
                    let reason = format!("has {width} columns, but the table {} has {}", Shown(table), columns.len());
                    return Err(refuse(name, reason));
                }
            }
        }
        (None, false) => source.columns().to_vec(),
    };
    conn.execute_batch("SAVEPOINT stepwise_data").map_err(|e| sqlite(name, "starting", &e))?;
    let written = write_rows(conn, name, &source, plan, &types, &target_columns);
    match written {
        Ok(rows) => {
            conn.execute_batch("RELEASE stepwise_data").map_err(|e| sqlite(name, "saving", &e))?;
            Ok(rows)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO stepwise_data; RELEASE stepwise_data");
            Err(e)
        }
    }
}

/// The table's columns in the order of the file's, when the file names its columns (a header,
/// or JSON objects' keys) and every name is one of the table's (ignoring ASCII case, as SQLite
/// does):
/// the rows then go in by name, and the table's other columns take their defaults.
fn by_name(source: &Source<'_>, table: &[String]) -> Option<Vec<String>> {
    if !source.named() {
        return None;
    }
    source.columns().iter().map(|c| table.iter().find(|t| t.eq_ignore_ascii_case(c)).cloned()).collect()
}

fn write_rows(
    conn: &Connection,
    name: &str,
    source: &Source<'_>,
    plan: &Plan<'_>,
    types: &[ColumnType],
    target_columns: &[String],
) -> Result<u64> {
    let table = quote(plan.table);
    if !plan.append {
        let defs: Vec<String> =
            source.columns().iter().zip(types).map(|(c, t)| format!("{} {}", quote(c), t.sql())).collect();
        let create = format!("CREATE TABLE {table} ({})", defs.join(", "));
        conn.execute_batch(&create).map_err(|e| sqlite(name, "creating the table", &e))?;
    }
    let names: Vec<String> = target_columns.iter().map(|c| quote(c)).collect();
    let marks = vec!["?"; names.len()].join(", ");
    let insert = format!("INSERT INTO {table} ({}) VALUES ({marks})", names.join(", "));
    let mut statement = conn.prepare(&insert).map_err(|e| sqlite(name, "preparing", &e))?;
    let mut written = 0u64;
    source.each(true, &mut |place, cells| {
        let values = cells.iter().zip(types).map(|(c, t)| value(c, *t));
        statement.execute(params_from_iter(values)).map_err(|e| at(name, place, clipped(&e.to_string())))?;
        written += 1;
        Ok(true)
    })?;
    Ok(written)
}
