//! JSON data files: one array of objects (keys name the columns, in the order they first
//! appear) or of arrays (the first may name the columns), or one object per line (NDJSON).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::cells::Cell;
use crate::Error;

/// One row as it stands in the file.
#[derive(Debug)]
pub enum JsonRow {
    /// `{"key": value, …}`, keys in the file's order.
    Object(Vec<(String, Value)>),
    /// `[value, …]`.
    Array(Vec<Value>),
    /// A string, number, boolean or null where a row was expected.
    Scalar,
}

impl<'de> serde::Deserialize<'de> for JsonRow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = JsonRow;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or an array")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<JsonRow, M::Error> {
                let mut fields = Vec::new();
                // A repeated key is kept twice here; the first one is read (as by `find`).
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(JsonRow::Object(fields))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<JsonRow, S::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    values.push(v);
                }
                Ok(JsonRow::Array(values))
            }
            fn visit_bool<E>(self, _: bool) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
            fn visit_unit<E>(self) -> Result<JsonRow, E> {
                Ok(JsonRow::Scalar)
            }
        }
        deserializer.deserialize_any(RowVisitor)
    }
}

/// Rows of a JSON file with where each stands (its number in an array, its line in NDJSON).
pub struct JsonRows {
    /// The rows, with their place.
    pub rows: Vec<(u64, JsonRow)>,
    /// Whether the file is one object per line.
    pub lines: bool,
}

fn syntax(name: &str, e: &serde_json::Error) -> Error {
    let reason = format!("not valid JSON: {e}");
    Error::Csv { file: name.to_owned(), line: e.line() as u64, reason }
}

/// Reads `bytes` (without a byte-order mark): an array when it starts with `[`, else one value
/// per line.
///
/// # Errors
/// Not JSON (with the line), or a row that is neither an object nor an array.
pub fn read(name: &str, bytes: &[u8]) -> Result<JsonRows, Error> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let (rows, lines) = if first == Some(&b'[') {
        let rows: Vec<JsonRow> = serde_json::from_slice(bytes).map_err(|e| syntax(name, &e))?;
        (rows.into_iter().zip(1..).map(|(r, i)| (i, r)).collect::<Vec<_>>(), false)
    } else {
        let mut rows = Vec::new();
        let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<JsonRow>();
        let mut line = 1u64;
        let mut counted = 0usize;
        loop {
            let start = stream.byte_offset();
            let Some(row) = stream.next() else { break };
            let row = row.map_err(|e| syntax(name, &e))?;
            let here = start + bytes[start..].iter().take_while(|b| b.is_ascii_whitespace()).count();
            line += bytes[counted..here].iter().filter(|&&b| b == b'\n').count() as u64;
            counted = here;
            rows.push((line, row));
        }
        (rows, true)
    };
    if let Some((n, _)) = rows.iter().find(|(_, r)| matches!(r, JsonRow::Scalar)) {
        let place = if lines { format!("line {n}") } else { format!("row {n}") };
        return Err(Error::Invalid {
            file: name.to_owned(),
            reason: format!(
                "{place} is not an object or an array; a JSON data file is an array of objects (one per row), \
                 an array of arrays, or one object per line"
            ),
        });
    }
    Ok(JsonRows { rows, lines })
}

/// A JSON value as a cell: objects and arrays as their JSON text, booleans as 1 and 0.
pub fn cell(value: &Value) -> Cell<'_> {
    match value {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Int(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => Cell::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Cell::Text(Cow::Borrowed(s)),
        Value::Array(_) | Value::Object(_) => Cell::Text(Cow::Owned(value.to_string())),
    }
}

/// Whether `value` is written as JSON text (an object or an array).
pub fn is_nested(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}
