//! A data file opened: its layout (delimited or JSON) and column names settled, its rows read
//! one at a time as cells, for both the preview and the load.

use std::collections::HashSet;
use std::fmt;

use stepwise_protocol::{DataFormat, DataOptions};

use super::cells::Cell;
use super::delimited::{Records, delimiter_byte, delimiter_char, detect_delimiter, looks_like_header};
use super::json::{self, JsonRow, JsonRows};
use crate::{Error, Result};

/// Most columns a data file may have.
pub const MAX_COLUMNS: usize = 1000;

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
pub fn at(file: &str, place: Place, reason: String) -> Error {
    if place.line {
        Error::Csv { file: file.to_owned(), line: place.n, reason }
    } else {
        Error::Invalid { file: file.to_owned(), reason: format!("{place}: {reason}") }
    }
}

pub(super) enum Body<'a> {
    Delimited { bytes: &'a [u8], delimiter: u8 },
    Json(JsonRows),
}

/// A data file opened: its layout and column names settled, its rows ready to read.
pub struct Source<'a> {
    name: &'a str,
    pub(super) header: bool,
    pub(super) columns: Vec<String>,
    pub(super) body: Body<'a>,
}

/// What reading every row found.
#[derive(Debug, Default)]
pub(super) struct Stats {
    pub(super) rows: u64,
    /// Rows with fewer fields than there are columns.
    pub(super) short: u64,
    /// Objects and arrays written as JSON text.
    pub(super) nested: u64,
    /// The first row that cannot be written as read (counted in `rows`, given to no callback).
    pub(super) problem: Option<Error>,
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

    pub(super) fn format(&self) -> DataFormat {
        match &self.body {
            Body::Delimited { .. } => DataFormat::Delimited,
            Body::Json(rows) if rows.lines => DataFormat::JsonLines,
            Body::Json(_) => DataFormat::Json,
        }
    }

    /// Calls `row` with every data row's cells, one per column (`Cell::Null` for a missing
    /// one), until it answers `false`. A row with more fields than there are columns is an
    /// error when `strict`, else it is skipped and named in [`Stats::problem`].
    pub(super) fn each(&self, strict: bool, row: &mut dyn FnMut(Place, &[Cell<'_>]) -> Result<bool>) -> Result<Stats> {
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

impl Source<'_> {
    /// Whether the file names its columns: a header, or the keys of JSON objects.
    pub(super) fn named(&self) -> bool {
        match &self.body {
            Body::Json(rows) => self.header || rows.rows.first().is_some_and(|(_, r)| matches!(r, JsonRow::Object(_))),
            Body::Delimited { .. } => self.header,
        }
    }

    /// The delimiter, for a delimited file.
    pub(super) fn delimiter(&self) -> Option<char> {
        match &self.body {
            Body::Delimited { delimiter, .. } => Some(delimiter_char(*delimiter)),
            Body::Json(_) => None,
        }
    }
}
