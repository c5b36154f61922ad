//! A value in a CSV cell: how each column's values are written (`text`, `base64`, `tagged`),
//! and the type affinity that picks the encoding.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::csv::reader::Field;
use crate::error::{Error, Result, Shown};

/// How a column's values are written in CSV (`encoding:` in `project.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// The value's natural text; SQLite's column affinity restores its type on import.
    #[default]
    Text,
    /// Every non-NULL value is a blob, in standard base64 with padding.
    Base64,
    /// Every non-NULL value carries a type tag: `i:42`, `r:1.5`, `t:hello`, `b:aGVsbG8=`.
    Tagged,
}

impl Encoding {
    /// The name used in `project.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Text => "text",
            Encoding::Base64 => "base64",
            Encoding::Tagged => "tagged",
        }
    }
}

/// The text of one cell: `None` is NULL (written as an empty unquoted field).
pub type CellText = Option<String>;

/// The shortest text of `x` that reads back to the same number, in a form SQLite reads as a
/// real: `1.0`, `0.1`, `1e300`, `-0.0`; infinities as `1e999` and `-1e999`. `None` for NaN,
/// which SQLite cannot store.
pub fn real_to_text(x: f64) -> Option<String> {
    if x.is_nan() {
        None
    } else if x.is_infinite() {
        Some(if x > 0.0 { "1e999" } else { "-1e999" }.to_owned())
    } else {
        // `{:?}` is the shortest text that round-trips and always has a `.` or an exponent.
        Some(format!("{x:?}"))
    }
}

/// Encodes one value for a column written in `encoding`.
///
/// Returns `None` when that encoding cannot represent the value (a blob or NaN in `text`, a
/// non-blob in `base64`), `Some(None)` for NULL and `Some(Some(text))` otherwise. Whether a
/// `text` cell reads back with the same type also depends on the column's affinity: see
/// [`pick_encoding`].
pub fn encode_cell(value: &Value, encoding: Encoding) -> Option<CellText> {
    match (encoding, value) {
        (_, Value::Null) => Some(None),
        (Encoding::Text, Value::Integer(i)) => Some(Some(i.to_string())),
        (Encoding::Text, Value::Real(x)) => real_to_text(*x).map(Some),
        (Encoding::Text, Value::Text(s)) => Some(Some(s.clone())),
        (Encoding::Text, Value::Blob(_)) => None,
        (Encoding::Base64, Value::Blob(b)) => Some(Some(BASE64.encode(b))),
        (Encoding::Base64, _) => None,
        (Encoding::Tagged, Value::Integer(i)) => Some(Some(format!("i:{i}"))),
        (Encoding::Tagged, Value::Real(x)) => real_to_text(*x).map(|t| Some(format!("r:{t}"))),
        (Encoding::Tagged, Value::Text(s)) => Some(Some(format!("t:{s}"))),
        (Encoding::Tagged, Value::Blob(b)) => Some(Some(format!("b:{}", BASE64.encode(b)))),
    }
}

/// Decodes one CSV field of column `column` in `encoding`; `file` and `line` go into errors.
///
/// An empty unquoted field is NULL in every encoding. In `text` the field stays text (the
/// column's affinity converts it when it is inserted); `base64` gives a blob; `tagged` gives
/// the value its tag says.
///
/// # Errors
///
/// [`Error::Csv`] for bad base64, a missing or unknown tag, or a tagged number that does not
/// parse.
pub fn decode_cell(field: &Field, encoding: Encoding, file: &str, line: u64, column: &str) -> Result<Value> {
    if field.is_null() {
        return Ok(Value::Null);
    }
    let err = |reason: String| Error::Csv {
        file: file.to_owned(),
        line,
        reason: format!("column {}: {reason}", Shown(column)),
    };
    let text = field.text.as_str();
    match encoding {
        Encoding::Text => Ok(Value::Text(text.to_owned())),
        Encoding::Base64 => BASE64.decode(text).map(Value::Blob).map_err(|e| err(format!("not valid base64 ({e})"))),
        Encoding::Tagged => {
            let Some((tag, body)) = text.split_once(':') else {
                return Err(err(format!("{} has no type tag; tagged values start with i:, r:, t: or b:", Shown(text))));
            };
            match tag {
                "i" => body
                    .parse::<i64>()
                    .map(Value::Integer)
                    .map_err(|_| err(format!("{} is not an integer", Shown(body)))),
                "r" => match body.parse::<f64>() {
                    Ok(x) if !x.is_nan() => Ok(Value::Real(x)),
                    _ => Err(err(format!("{} is not a real number", Shown(body)))),
                },
                "t" => Ok(Value::Text(body.to_owned())),
                "b" => BASE64.decode(body).map(Value::Blob).map_err(|e| err(format!("not valid base64 ({e})"))),
                other => Err(err(format!("unknown type tag {}; use i:, r:, t: or b:", Shown(other)))),
            }
        }
    }
}

/// The type affinity of a column, after section 3.1 of SQLite's "Datatypes" page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    /// `INT` in the declared type.
    Integer,
    /// `CHAR`, `CLOB` or `TEXT`.
    Text,
    /// `BLOB`, no declared type, or `ANY` in a STRICT table: values are stored as given.
    Blob,
    /// `REAL`, `FLOA` or `DOUB`.
    Real,
    /// Anything else.
    Numeric,
}

impl Affinity {
    /// The affinity of a column declared as `declared` in a table that is `strict` or not.
    pub fn of(declared: &str, strict: bool) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if strict && t.trim() == "ANY" {
            Affinity::Blob
        } else if t.contains("INT") {
            Affinity::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Affinity::Text
        } else if t.contains("BLOB") || t.trim().is_empty() {
            Affinity::Blob
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }
}

/// How many values of each storage class a column holds, as `typeof()` counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeCounts {
    /// Values of type `integer`.
    pub integer: u64,
    /// Values of type `real`.
    pub real: u64,
    /// Of the reals, those with an integral value that fits an `i64` (SQLite would turn their
    /// text into an integer in an INTEGER or NUMERIC column).
    pub integral_real: u64,
    /// Values of type `text`.
    pub text: u64,
    /// Values of type `blob`.
    pub blob: u64,
}

/// The first of `text`, `base64`, `tagged` that reproduces every value of a column with
/// `affinity` holding values counted by `counts`.
///
/// `text` works when SQLite's affinity turns each value's text back into the same storage
/// class: text in any column, integers in INTEGER or NUMERIC columns, reals in REAL columns and
/// non-integral reals in INTEGER or NUMERIC columns (values already stored in a column have been
/// through its affinity once, so a second pass leaves them alone). `base64` works for a column
/// of blobs only, `tagged` always.
pub fn pick_encoding(affinity: Affinity, counts: &TypeCounts) -> Encoding {
    let text_ok = counts.blob == 0
        && match affinity {
            Affinity::Text | Affinity::Blob => counts.integer == 0 && counts.real == 0,
            Affinity::Integer | Affinity::Numeric => counts.integral_real == 0,
            Affinity::Real => counts.integer == 0,
        };
    if text_ok {
        Encoding::Text
    } else if counts.integer == 0 && counts.real == 0 && counts.text == 0 {
        Encoding::Base64
    } else {
        Encoding::Tagged
    }
}
