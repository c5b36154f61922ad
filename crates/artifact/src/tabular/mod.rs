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
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::collections::HashSet;
use std::fmt;

use stepwise_protocol::{ColumnType, DataColumn, DataFormat, DataOptions, DataPreview};

use self::cells::{Cell, TypeGuess, shown, value};
use self::delimited::{Records, delimiter_byte, delimiter_char, detect_delimiter, looks_like_header};
use self::json::{JsonRow, JsonRows};
use crate::{Error, Result, Shown};

pub use self::load::{Plan, load};

/// Most columns a data file may have.
pub const MAX_COLUMNS: usize = 1000;
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

/// Where a row stands in its file.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// Its line (delimited, NDJSON) or its number in a JSON array.
    pub n: u64,
    /// `n` is a line.
    pub line: bool,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line { write!(f, "line {}", self.n) } else { write!(f, "row {}", self.n) }
    }
}

/// An error about the row at `place` of `file`.
fn at(file: &str, place: Place, reason: String) -> Error {
    if place.line {
        Error::Csv { file: file.to_owned(), line: place.n, reason }
    } else {
        Error::Invalid { file: file.to_owned(), reason: format!("{place}: {reason}") }
    }
}

enum Body<'a> {
    Delimited { bytes: &'a [u8], delimiter: u8 },
    Json(JsonRows),
}

/// A data file opened: its layout and column names settled, its rows ready to read.
pub struct Source<'a> {
    name: &'a str,
    header: bool,
    columns: Vec<String>,
    body: Body<'a>,
}

/// What reading every row found.
#[derive(Debug, Default)]
struct Stats {
    rows: u64,
    /// Rows with fewer fields than there are columns.
    short: u64,
    /// Objects and arrays written as JSON text.
    nested: u64,
    /// The first row that cannot be written as read (counted in `rows`, given to no callback).
    problem: Option<Error>,
}

impl<'a> Source<'a> {
    /// Opens `bytes` as a data file named `name`, with the user's `options` where given.
    ///
    /// # Errors
    /// Not a data file, a bad delimiter, too many columns.
    pub fn open(name: &'a str, bytes: &'a [u8], options: DataOptions) -> Result<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        let lower = name.to_ascii_lowercase();
        let json_name = [".json", ".ndjson", ".jsonl"].iter().any(|e| lower.ends_with(e));
        let delimited_name = [".csv", ".tsv", ".tab"].iter().any(|e| lower.ends_with(e));
        let json_content = matches!(first, Some(b'[' | b'{')) && !delimited_name && options.delimiter.is_none();
        let (header, columns, body) = if json_name || json_content {
            let rows = json::read(name, bytes)?;
            let (header, columns) = json_columns(name, &rows, options.header)?;
            (header, columns, Body::Json(rows))
        } else {
            let delimiter = match options.delimiter {
                Some(c) => delimiter_byte(name, c)?,
                None => detect_delimiter(name, bytes),
            };
            let mut records = Records::new(name, bytes, delimiter);
            let (header, columns) = match records.next_record()? {
                None => (options.header.unwrap_or(true), Vec::new()),
                Some((_, first)) => {
                    let header = options.header.unwrap_or_else(|| looks_like_header(&first));
                    let names = if header {
                        first.iter().map(|s| (*s).to_owned()).collect()
                    } else {
                        vec![String::new(); first.len()]
                    };
                    (header, names)
                }
            };
            (header, columns, Body::Delimited { bytes, delimiter })
        };
        if columns.len() > MAX_COLUMNS {
            return Err(Error::TooLarge {
                file: name.to_owned(),
                reason: format!("{} columns; Stepwise reads up to {MAX_COLUMNS}", columns.len()),
            });
        }
        Ok(Source { name, header, columns: unique_names(columns), body })
    }

    /// The columns' names, each different from the others (ignoring case, as SQLite does).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    fn format(&self) -> DataFormat {
        match &self.body {
            Body::Delimited { .. } => DataFormat::Delimited,
            Body::Json(rows) if rows.lines => DataFormat::JsonLines,
            Body::Json(_) => DataFormat::Json,
        }
    }

    /// Calls `row` with every data row's cells, one per column (`Cell::Null` for a missing
    /// one), until it answers `false`. A row with more fields than there are columns is an
    /// error when `strict`, else it is skipped and named in [`Stats::problem`].
    fn each(&self, strict: bool, row: &mut dyn FnMut(Place, &[Cell<'_>]) -> Result<bool>) -> Result<Stats> {
        let width = self.columns.len();
        let mut stats = Stats::default();
        let what = if self.header { "the header has" } else { "the first row has" };
        let too_long = |place: Place, n: usize, stats: &mut Stats| -> Result<()> {
            let error = at(self.name, place, format!("{n} fields, but {what} {width}"));
            if strict {
                return Err(error);
            }
            stats.problem.get_or_insert(error);
            stats.rows += 1;
            Ok(())
        };
        match &self.body {
            Body::Delimited { bytes, delimiter } => {
                let mut records = Records::new(self.name, bytes, *delimiter);
                if self.header {
                    records.next_record()?;
                }
                while let Some((line, fields)) = records.next_record()? {
                    let place = Place { n: line, line: true };
                    if fields.len() > width {
                        too_long(place, fields.len(), &mut stats)?;
                        continue;
                    }
                    stats.short += u64::from(fields.len() < width);
                    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(width);
                    cells.extend(fields.iter().map(|f| Cell::Raw(f)));
                    cells.resize(width, Cell::Null);
                    stats.rows += 1;
                    if !row(place, &cells)? {
                        break;
                    }
                }
            }
            Body::Json(rows) => {
                for (i, (n, json_row)) in rows.rows.iter().enumerate() {
                    if i == 0 && self.header {
                        continue;
                    }
                    let place = Place { n: *n, line: rows.lines };
                    let mut row_cells: Vec<Cell<'_>> = match json_row {
                        JsonRow::Object(fields) => self
                            .columns
                            .iter()
                            .map(|c| fields.iter().find(|(k, _)| k == c).map_or(Cell::Null, |(_, v)| json::cell(v)))
                            .collect(),
                        JsonRow::Array(values) if values.len() > width => {
                            too_long(place, values.len(), &mut stats)?;
                            continue;
                        }
                        JsonRow::Array(values) => {
                            stats.short += u64::from(values.len() < width);
                            values.iter().map(json::cell).collect()
                        }
                        JsonRow::Scalar => Vec::new(),
                    };
                    stats.nested += match json_row {
                        JsonRow::Object(fields) => fields.iter().filter(|(_, v)| json::is_nested(v)).count() as u64,
                        JsonRow::Array(values) => values.iter().filter(|v| json::is_nested(v)).count() as u64,
                        JsonRow::Scalar => 0,
                    };
                    row_cells.resize(width, Cell::Null);
                    stats.rows += 1;
                    if !row(place, &row_cells)? {
                        break;
                    }
                }
            }
        }
        Ok(stats)
    }
}

/// The columns of JSON rows: the keys of objects in the order they first appear, or the
/// first array (a header when it holds only strings that name columns).
fn json_columns(name: &str, rows: &JsonRows, header: Option<bool>) -> Result<(bool, Vec<String>)> {
    let Some((_, first)) = rows.rows.first() else { return Ok((false, Vec::new())) };
    match first {
        JsonRow::Object(_) => {
            let mut seen = HashSet::new();
            let mut columns = Vec::new();
            for (n, row) in &rows.rows {
                let JsonRow::Object(fields) = row else {
                    let place = Place { n: *n, line: rows.lines };
                    return Err(at(name, place, "an array among objects; every row must be an object".to_owned()));
                };
                for (key, _) in fields {
                    if seen.insert(key.as_str()) {
                        columns.push(key.clone());
                        if columns.len() > MAX_COLUMNS {
                            return Ok((false, columns));
                        }
                    }
                }
            }
            Ok((false, columns))
        }
        JsonRow::Array(values) => {
            let texts: Option<Vec<&str>> = values.iter().map(serde_json::Value::as_str).collect();
            let header = header.unwrap_or_else(|| texts.as_ref().is_some_and(|t| looks_like_header(t)));
            let columns = match (header, texts) {
                (true, Some(texts)) => texts.into_iter().map(str::to_owned).collect(),
                (true, None) => values.iter().map(|v| v.to_string()).collect(),
                (false, _) => vec![String::new(); values.len()],
            };
            Ok((header, columns))
        }
        JsonRow::Scalar => Ok((false, Vec::new())),
    }
}

/// Names trimmed, an empty one made `column<N>`, a repeated one (ignoring case) given `_2`,
/// `_3`….
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let base = match name.trim() {
            "" => format!("column{}", i + 1),
            t => t.to_owned(),
        };
        let mut candidate = base.clone();
        let mut k = 2;
        while !taken.insert(candidate.to_lowercase()) {
            candidate = format!("{base}_{k}");
            k += 1;
        }
        out.push(candidate);
    }
    out
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
    let delimiter = match &source.body {
        Body::Delimited { delimiter, .. } => Some(delimiter_char(*delimiter)),
        Body::Json(_) => None,
    };
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
    })
}

fn rows_word(n: u64) -> String {
    if n == 1 { "1 row".to_owned() } else { format!("{n} rows") }
}
