//! Delimited files (CSV, TSV, semicolon- or pipe-separated): the delimiter and the header
//! detected from the first records, and every record read with the `csv` crate.
//!
//! The `csv` crate reads the dialects found in the wild (quoted fields over several lines,
//! `""` inside quotes, CRLF, blank lines); the text forms' own reader (`crate::csv`) is strict on
//! purpose and would refuse them.

use csv::{ByteRecord, ReaderBuilder};

use super::cells::{Cell, TypeGuess};
use crate::Error;

/// Delimiters tried, in order of preference when two fit equally well.
const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Records looked at to pick the delimiter.
const SNIFF_RECORDS: usize = 50;

/// A delimited file read with `delimiter`, records one at a time.
pub struct Records<'a> {
    name: &'a str,
    reader: csv::Reader<&'a [u8]>,
    record: ByteRecord,
}

impl<'a> Records<'a> {
    /// Reads `bytes` (without a byte-order mark) with `delimiter`.
    pub fn new(name: &'a str, bytes: &'a [u8], delimiter: u8) -> Self {
        let reader = ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
        Records { name, reader, record: ByteRecord::new() }
    }

    /// The next record as text fields, with its line; `None` at the end.
    ///
    /// # Errors
    /// A field that is not UTF-8, naming the line.
    pub fn next_record(&mut self) -> Result<Option<(u64, Vec<&str>)>, Error> {
        let more = self.reader.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            Error::Csv { file: self.name.to_owned(), line, reason: format!("unreadable: {e}") }
        })?;
        if !more {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, csv::Position::line);
        let mut fields = Vec::with_capacity(self.record.len());
        for field in &self.record {
            let text = std::str::from_utf8(field).map_err(|_| Error::Csv {
                file: self.name.to_owned(),
                line,
                reason: "not UTF-8 text; save the file as UTF-8 and add it again".to_owned(),
            })?;
            fields.push(text);
        }
        Ok(Some((line, fields)))
    }
}

/// The delimiter that splits the first records most consistently into two or more fields;
/// a tab first for a `.tsv` or `.tab` file; a comma when nothing splits them.
pub fn detect_delimiter(name: &str, bytes: &[u8]) -> u8 {
    let lower = name.to_ascii_lowercase();
    let tab_first = lower.ends_with(".tsv") || lower.ends_with(".tab");
    let mut order = CANDIDATES;
    if tab_first {
        order.swap(0, 1);
    }
    let mut best: Option<(u8, (usize, usize))> = None;
    for delimiter in order {
        let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
        let counts: Vec<usize> =
            reader.byte_records().take(SNIFF_RECORDS).map_while(Result::ok).map(|r| r.len()).collect();
        let Some(mode) = mode(&counts) else { continue };
        if mode < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&n| n == mode).count();
        // Agreeing records out of all, as a fraction of 1000, then more fields.
        let score = (consistent * 1000 / counts.len(), mode);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((delimiter, score));
        }
    }
    best.map_or(order[0], |(d, _)| d)
}

/// The most frequent value (the larger on a tie).
fn mode(counts: &[usize]) -> Option<usize> {
    let mut tally: Vec<(usize, usize)> = Vec::new();
    for &n in counts {
        match tally.iter_mut().find(|(v, _)| *v == n) {
            Some((_, c)) => *c += 1,
            None => tally.push((n, 1)),
        }
    }
    tally.into_iter().max_by_key(|&(v, c)| (c, v)).map(|(v, _)| v)
}

/// Whether `first` (the first record) names columns: every field holds text that is not a
/// number and no two are the same.
pub fn looks_like_header(first: &[&str]) -> bool {
    let mut seen = std::collections::HashSet::new();
    first.iter().all(|f| {
        let mut guess = TypeGuess::default();
        guess.see(&Cell::Raw(f));
        guess.empty == 0
            && guess.column_type() == stepwise_protocol::ColumnType::Text
            && seen.insert(f.trim().to_lowercase())
    })
}

/// The delimiter as the preview shows it.
pub fn delimiter_char(delimiter: u8) -> char {
    char::from(delimiter)
}

/// `c` as a delimiter: one ASCII character that is not a quote, a line break or alphanumeric.
///
/// # Errors
/// Any other character.
pub fn delimiter_byte(name: &str, c: char) -> Result<u8, Error> {
    match u8::try_from(c) {
        Ok(b) if b.is_ascii() && !b.is_ascii_alphanumeric() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(b),
        _ => Err(Error::Invalid {
            file: name.to_owned(),
            reason: format!("{c:?} cannot separate fields; use a comma, a tab, a semicolon or another sign"),
        }),
    }
}
