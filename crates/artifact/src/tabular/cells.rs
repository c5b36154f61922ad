//! One cell of a data file, the column type its values fit, and the SQLite value it is written
//! as.
//!
//! A delimited file's fields are text whose type is guessed; a JSON value's type is its own.
//! The rules follow sqlite-utils' `--detect-types`: a column is INTEGER when every non-empty
//! field is a whole number, REAL when every one is a number, TEXT otherwise; an empty field is
//! NULL in a number column and `''` in a text column. A number written with a leading zero
//! (`007`, a postcode) is text, so it keeps its zero.

use std::borrow::Cow;

use rusqlite::types::Value;
use stepwise_protocol::ColumnType;

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Missing (a short row, an absent key) or JSON `null`.
    Null,
    /// A field of a delimited file: text whose type is guessed.
    Raw(&'a str),
    /// A JSON whole number, or a boolean (1 or 0).
    Int(i64),
    /// A JSON number with a fraction or out of INTEGER's range.
    Real(f64),
    /// A JSON string, or an object or array as JSON text.
    Text(Cow<'a, str>),
}

/// What the cells of a column seen so far fit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeGuess {
    integers: bool,
    reals: bool,
    texts: bool,
    /// Cells that are empty or missing.
    pub empty: u64,
}

impl TypeGuess {
    /// Counts one more cell.
    pub fn see(&mut self, cell: &Cell<'_>) {
        match cell {
            Cell::Null => self.empty += 1,
            Cell::Raw(s) => match raw_number(s) {
                _ if s.trim().is_empty() => self.empty += 1,
                Some(Number::Int(_)) => self.integers = true,
                Some(Number::Real(_)) => self.reals = true,
                None => self.texts = true,
            },
            Cell::Int(_) => self.integers = true,
            Cell::Real(_) => self.reals = true,
            Cell::Text(_) => self.texts = true,
        }
    }

    /// The type every cell seen fits (TEXT when none had a value).
    pub fn column_type(&self) -> ColumnType {
        if self.texts || !(self.integers || self.reals) {
            ColumnType::Text
        } else if self.reals {
            ColumnType::Real
        } else {
            ColumnType::Integer
        }
    }
}

enum Number {
    Int(i64),
    Real(f64),
}

/// `s` as a number, when it is written as one: digits with an optional `-` or `+`, a fraction
/// and an exponent; no leading zero before another digit; finite.
fn raw_number(s: &str) -> Option<Number> {
    let t = s.trim();
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let first = unsigned.bytes().next()?;
    if !(first.is_ascii_digit() || first == b'.') {
        return None;
    }
    if !unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')) {
        return None;
    }
    let leading = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    if leading > 1 && unsigned.starts_with('0') {
        return None;
    }
    if leading == unsigned.len() {
        return t.parse::<i64>().ok().map(Number::Int).or_else(|| t.parse::<f64>().ok().map(Number::Real));
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite()).map(Number::Real)
}

/// The value `cell` is written as in a column of type `column_type`.
pub fn value(cell: &Cell<'_>, column_type: ColumnType) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Raw(s) => match column_type {
            ColumnType::Text => Value::Text((*s).to_owned()),
            _ if s.trim().is_empty() => Value::Null,
            ColumnType::Integer | ColumnType::Real => match raw_number(s) {
                Some(Number::Int(i)) if column_type == ColumnType::Integer => Value::Integer(i),
                #[allow(clippy::cast_precision_loss)]
                Some(Number::Int(i)) => Value::Real(i as f64),
                Some(Number::Real(x)) => Value::Real(x),
                None => Value::Text((*s).to_owned()),
            },
        },
        Cell::Int(i) => Value::Integer(*i),
        Cell::Real(x) => Value::Real(*x),
        Cell::Text(t) => Value::Text(t.to_string()),
    }
}

/// A written value as the preview shows it (`None`: NULL).
pub fn shown(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(x) => Some(x.to_string()),
        Value::Text(t) => Some(t.clone()),
        Value::Blob(b) => Some(format!("<blob {} bytes>", b.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(cells: &[&str]) -> ColumnType {
        let mut g = TypeGuess::default();
        for c in cells {
            g.see(&Cell::Raw(c));
        }
        g.column_type()
    }

    #[test]
    fn guesses_follow_every_value() {
        assert_eq!(guess(&["1", "-2", "", "30"]), ColumnType::Integer);
        assert_eq!(guess(&["1", "2.5", "3e2"]), ColumnType::Real);
        assert_eq!(guess(&["1", "two"]), ColumnType::Text);
        assert_eq!(guess(&["007", "12"]), ColumnType::Text, "a leading zero keeps it text");
        assert_eq!(guess(&["0", "0.5", "-0.25"]), ColumnType::Real);
        assert_eq!(guess(&["", " "]), ColumnType::Text, "nothing but empty cells");
        assert_eq!(guess(&["inf", "nan"]), ColumnType::Text);
        assert_eq!(guess(&["1-2", "3"]), ColumnType::Text);
        assert_eq!(guess(&["99999999999999999999"]), ColumnType::Real, "beyond INTEGER's range");
    }

    #[test]
    fn values_follow_the_column_type() {
        assert_eq!(value(&Cell::Raw(""), ColumnType::Integer), Value::Null);
        assert_eq!(value(&Cell::Raw(""), ColumnType::Text), Value::Text(String::new()));
        assert_eq!(value(&Cell::Raw(" 42 "), ColumnType::Integer), Value::Integer(42));
        assert_eq!(value(&Cell::Raw("42"), ColumnType::Real), Value::Real(42.0));
        assert_eq!(value(&Cell::Raw("n/a"), ColumnType::Integer), Value::Text("n/a".into()));
        assert_eq!(value(&Cell::Raw("007"), ColumnType::Text), Value::Text("007".into()));
        assert_eq!(value(&Cell::Null, ColumnType::Text), Value::Null);
    }
}
