//! Data files into tables: a CSV, TSV or JSON file read as rows, its layout and column types
//! detected ([`preview`]) and, once the user agreed, written into a new or existing table of
//! any SQLite database ([`load`]), all rows or none.
//!
//! What is detected — the delimiter, whether the first record is a header, each column's type —
//! the user can change before anything is written; [`preview`] shows the first rows exactly as
//! [`load`] will write them.

mod cells;
mod delimited;
mod json;
mod load;
mod source;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use stepwise_protocol::{ColumnType, DataColumn, DataOptions, DataPreview};

use self::cells::{TypeGuess, shown, value};
use crate::{Result, Shown};

pub use self::load::{Plan, check_table_name, load};
pub use self::source::{MAX_COLUMNS, Place, Source};
/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 10;

/// Whether `name` is a data file by its extension: `.csv`, `.tsv`, `.tab`, `.json`, `.ndjson`
/// or `.jsonl`.
pub fn is_data_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".tsv", ".tab", ".json", ".ndjson", ".jsonl"].iter().any(|e| lower.ends_with(e))
}

/// A table name from a file name: its stem, with every run of characters other than letters,
/// digits and `_` made one `_` (`Sales 2024.csv` → `Sales_2024`).
pub fn table_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut out = String::new();
    for c in stem.chars().take(60) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.chars().next() {
        None => "data".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("t_{out}"),
        _ if out.to_ascii_lowercase().starts_with("sqlite_") => format!("t_{out}"),
        _ => out,
    }
}

/// Reads `bytes` as the data file `name` and says what it holds and how its first rows will
/// be written, writing nothing.
///
/// # Errors
/// Not a data file (not UTF-8, not JSON, not rows), a bad delimiter, too many columns. A row
/// that cannot be written as read is not an error here: it is [`DataPreview::problem`].
pub fn preview(name: &str, bytes: &[u8], options: DataOptions) -> Result<DataPreview> {
    let source = Source::open(name, bytes, options)?;
    let mut guesses = vec![TypeGuess::default(); source.columns.len()];
    let stats = source.each(false, &mut |_, cells| {
        for (guess, cell) in guesses.iter_mut().zip(cells) {
            guess.see(cell);
        }
        Ok(true)
    })?;
    let types: Vec<ColumnType> = guesses.iter().map(TypeGuess::column_type).collect();
    let mut rows = Vec::new();
    source.each(false, &mut |_, cells| {
        rows.push(cells.iter().zip(&types).map(|(c, t)| shown(&value(c, *t))).collect());
        Ok(rows.len() < PREVIEW_ROWS)
    })?;
    let columns = source
        .columns
        .iter()
        .zip(&guesses)
        .map(|(name, g)| DataColumn { name: name.clone(), column_type: g.column_type(), empty: g.empty })
        .collect();
    let mut notes = Vec::new();
    if stats.short > 0 {
        let what = if source.header { "the header" } else { "the first row" };
        notes.push(format!(
            "{} with fewer fields than {what}: their missing cells are left empty (NULL).",
            rows_word(stats.short)
        ));
    }
    if stats.nested > 0 {
        notes.push(format!("{} objects or arrays are written as JSON text.", stats.nested));
    }
    if source.columns.is_empty() {
        notes.push(format!("{} holds no rows.", Shown(name)));
    }
    let delimiter = source.delimiter();
    Ok(DataPreview {
        name: name.to_owned(),
        format: source.format(),
        delimiter,
        header: source.header,
        columns,
        rows,
        total: stats.rows,
        table: table_name(name),
        notes,
        problem: stats.problem.map(|e| e.to_string()),
        pending: None,
    })
}

fn rows_word(n: u64) -> String {
    if n == 1 { "1 row".to_owned() } else { format!("{n} rows") }
}
