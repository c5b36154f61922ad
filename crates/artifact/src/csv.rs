//! The CSV of the text forms: an RFC 4180 reader and writer that keep NULL apart from `""`, and
//! the `text`, `base64` and `tagged` cell encodings of `docs/format.md`.
//!
//! The `csv` crate is not used on purpose: it cannot tell an empty unquoted field from `""`,
//! and that difference is how the format tells NULL from the empty string. The reader here is
//! small, strict and reports every problem with the file name and the line.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One field of a CSV record, with whether it was quoted.
///
/// An empty unquoted field is NULL; an empty quoted field (`""`) is the empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    /// The field's text with the quoting removed.
    pub text: String,
    /// Whether the field was written between double quotes.
    pub quoted: bool,
}

impl Field {
    /// Whether the field stands for NULL (empty and unquoted).
    pub fn is_null(&self) -> bool {
        !self.quoted && self.text.is_empty()
    }

    /// The field as an optional string: `None` for NULL.
    pub fn as_opt(&self) -> Option<&str> {
        if self.is_null() { None } else { Some(&self.text) }
    }
}

/// A strict RFC 4180 reader over a whole file held in memory.
///
/// Accepts `\n` and `\r\n` line ends, quoted fields with doubled quotes and embedded line ends,
/// and skips a UTF-8 byte-order mark. Refuses invalid UTF-8, a quote inside an unquoted field,
/// text after a closing quote, a bare `\r` outside quotes and an unterminated quote.
#[derive(Debug)]
pub struct Reader<'a> {
    file: String,
    text: &'a str,
    pos: usize,
    line: u64,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, the contents of `file` (named in errors).
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] naming the line of the first byte that is not UTF-8.
    pub fn new(file: &str, bytes: &'a [u8]) -> Result<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let valid = &bytes[..e.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count() as u64;
            Error::Csv { file: file.to_owned(), line, reason: "the file is not valid UTF-8".to_owned() }
        })?;
        Ok(Reader { file: file.to_owned(), text, pos: 0, line: 1 })
    }

    /// The file this reader reads, as named in errors.
    pub fn file(&self) -> &str {
        &self.file
    }

    fn error(&self, line: u64, reason: impl Into<String>) -> Error {
        Error::Csv { file: self.file.clone(), line, reason: reason.into() }
    }

    /// Reads the next record into `fields`, reusing its allocations, and returns the 1-based
    /// line the record starts on; `None` at the end of the file.
    ///
    /// An empty line is a record of one NULL field.
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] naming the file and the line for malformed quoting.
    pub fn read_record(&mut self, fields: &mut Vec<Field>) -> Result<Option<u64>> {
        if self.pos >= self.text.len() {
            return Ok(None);
        }
        let start_line = self.line;
        let bytes = self.text.as_bytes();
        let mut used = 0;
        loop {
            if used == fields.len() {
                fields.push(Field::default());
            }
            let field = &mut fields[used];
            used += 1;
            field.text.clear();
            field.quoted = false;
            if bytes.get(self.pos) == Some(&b'"') {
                field.quoted = true;
                let open_line = self.line;
                self.pos += 1;
                loop {
                    let rest = &self.text[self.pos..];
                    let Some(q) = rest.find('"') else {
                        return Err(self.error(open_line, format!("quote opened on line {open_line} is never closed")));
                    };
                    let chunk = &rest[..q];
                    self.line += chunk.bytes().filter(|&b| b == b'\n').count() as u64;
                    field.text.push_str(chunk);
                    self.pos += q + 1;
                    if bytes.get(self.pos) == Some(&b'"') {
                        field.text.push('"');
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                match bytes.get(self.pos) {
                    None | Some(b',' | b'\n') => {}
                    Some(b'\r') if bytes.get(self.pos + 1) == Some(&b'\n') => {}
                    Some(_) => {
                        return Err(self.error(
                            self.line,
                            "unexpected text after a closing quote; a quote inside a quoted field is written twice (\"\")",
                        ));
                    }
                }
            } else {
                let rest = &self.text[self.pos..];
                let end = rest.find([',', '\n', '\r', '"']).unwrap_or(rest.len());
                field.text.push_str(&rest[..end]);
                self.pos += end;
                match bytes.get(self.pos) {
                    Some(b'"') => {
                        return Err(self.error(
                            self.line,
                            "a quote inside an unquoted field; quote the whole field and write the quote twice (\"\")",
                        ));
                    }
                    Some(b'\r') if bytes.get(self.pos + 1) != Some(&b'\n') => {
                        return Err(
                            self.error(self.line, "a carriage return outside quotes that does not end the line")
                        );
                    }
                    _ => {}
                }
            }
            match bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 2;
                    self.line += 1;
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                _ => break,
            }
        }
        fields.truncate(used);
        Ok(Some(start_line))
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<(u64, Vec<Field>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut fields = Vec::new();
        match self.read_record(&mut fields) {
            Ok(Some(line)) => Some(Ok((line, fields))),
            Ok(None) => None,
            Err(e) => {
                // Stop after an error.
                self.pos = self.text.len();
                Some(Err(e))
            }
        }
    }
}

/// Whether `text` must be quoted: it contains `,`, `"`, `\r` or `\n`, starts or ends with a
/// space, or is empty (an empty unquoted field would be NULL). A field starting with U+FEFF is
/// quoted too, so that it is never taken for a byte-order mark.
pub fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || text.starts_with([' ', '\u{feff}'])
        || text.ends_with(' ')
        // Bytes, not chars: the four are ASCII, and a byte scan is several times faster.
        || text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Appends one field to `out`: `None` (NULL) as nothing, text quoted when [`needs_quotes`].
pub fn write_field(out: &mut String, field: Option<&str>) {
    let Some(text) = field else { return };
    if needs_quotes(text) {
        out.push('"');
        for (i, part) in text.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// Appends `bytes` as one `base64` field, as [`write_field`] would write their
/// [`encode_cell`] text (an empty blob is `""`, not NULL), without an intermediate string.
pub fn write_base64_field(out: &mut String, bytes: &[u8]) {
    if bytes.is_empty() {
        out.push_str("\"\"");
    } else {
        // Base64 text has no character that needs quoting.
        BASE64.encode_string(bytes, out);
    }
}

/// Appends a whole record to `out`, fields separated by `,` and ended by `\n`.
pub fn write_record<'s>(out: &mut String, fields: impl IntoIterator<Item = Option<&'s str>>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field(out, field);
    }
    out.push('\n');
}

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
    let err =
        |reason: String| Error::Csv { file: file.to_owned(), line, reason: format!("column {column:?}: {reason}") };
    let text = field.text.as_str();
    match encoding {
        Encoding::Text => Ok(Value::Text(text.to_owned())),
        Encoding::Base64 => BASE64.decode(text).map(Value::Blob).map_err(|e| err(format!("not valid base64 ({e})"))),
        Encoding::Tagged => {
            let Some((tag, body)) = text.split_once(':') else {
                return Err(err(format!("{text:?} has no type tag; tagged values start with i:, r:, t: or b:")));
            };
            match tag {
                "i" => body.parse::<i64>().map(Value::Integer).map_err(|_| err(format!("{body:?} is not an integer"))),
                "r" => match body.parse::<f64>() {
                    Ok(x) if !x.is_nan() => Ok(Value::Real(x)),
                    _ => Err(err(format!("{body:?} is not a real number"))),
                },
                "t" => Ok(Value::Text(body.to_owned())),
                "b" => BASE64.decode(body).map(Value::Blob).map_err(|e| err(format!("not valid base64 ({e})"))),
                other => Err(err(format!("unknown type tag {other:?}; use i:, r:, t: or b:"))),
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_all(input: &str) -> Result<Vec<(u64, Vec<Option<String>>)>> {
        Reader::new("t.csv", input.as_bytes())?
            .map(|r| r.map(|(line, f)| (line, f.iter().map(|f| f.as_opt().map(str::to_owned)).collect())))
            .collect()
    }

    fn check(input: &str, expected: &[&[Option<&str>]]) {
        let got = read_all(input).unwrap();
        let got: Vec<Vec<Option<&str>>> = got.iter().map(|(_, r)| r.iter().map(|f| f.as_deref()).collect()).collect();
        assert_eq!(got, expected, "input {input:?}");
    }

    fn check_err(input: &[u8], line: u64, reason: &str) {
        let err = Reader::new("t.csv", input).and_then(|r| r.collect::<Result<Vec<_>>>()).unwrap_err();
        match &err {
            Error::Csv { file, line: l, reason: r } => {
                assert_eq!(file, "t.csv");
                assert_eq!(*l, line, "{err}");
                assert!(r.contains(reason), "{err}");
            }
            other => panic!("{other}"),
        }
    }

    // The csv-spectrum cases, plus NULL against "".
    #[test]
    fn spectrum() {
        check("a,b,c\n1,2,3\n", &[&[Some("a"), Some("b"), Some("c")], &[Some("1"), Some("2"), Some("3")]]);
        check("a,b\r\n1,2\r\n", &[&[Some("a"), Some("b")], &[Some("1"), Some("2")]]);
        check("a,b\n1,2", &[&[Some("a"), Some("b")], &[Some("1"), Some("2")]]);
        check("a,b\n\"x, y\",2\n", &[&[Some("a"), Some("b")], &[Some("x, y"), Some("2")]]);
        check("a\n\"he said \"\"hi\"\"\"\n", &[&[Some("a")], &[Some("he said \"hi\"")]]);
        check("a,b\n\"line 1\nline 2\",x\n", &[&[Some("a"), Some("b")], &[Some("line 1\nline 2"), Some("x")]]);
        check("a,b\n\"crlf\r\ninside\",x\r\n", &[&[Some("a"), Some("b")], &[Some("crlf\r\ninside"), Some("x")]]);
        check("a,b\nJoël,日本\n", &[&[Some("a"), Some("b")], &[Some("Joël"), Some("日本")]]);
        check("a,b,c\n,\"\",\n", &[&[Some("a"), Some("b"), Some("c")], &[None, Some(""), None]]);
        check("a\n\n\"\"\n", &[&[Some("a")], &[None], &[Some("")]]);
        check("\u{feff}a\n1\n", &[&[Some("a")], &[Some("1")]]);
        check("", &[]);
    }

    #[test]
    fn lines_are_counted_across_embedded_newlines() {
        let got = read_all("h\n\"a\nb\nc\"\nnext\n").unwrap();
        assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 5]);
    }

    #[test]
    fn refusals() {
        check_err(b"a,b\n1,\"open\n2,3\n", 2, "quote opened on line 2 is never closed");
        check_err(b"a\nab\"c\n", 2, "quote inside an unquoted field");
        check_err(b"a\n\"ab\"c\n", 2, "after a closing quote");
        check_err(b"a\nx\ry\n", 2, "carriage return");
        check_err(b"a\nok\n\xff\xfe\n", 3, "not valid UTF-8");
    }

    #[test]
    fn writer_quotes_when_needed() {
        let mut out = String::new();
        write_record(
            &mut out,
            [
                Some("plain"),
                None,
                Some(""),
                Some("a,b"),
                Some("q\"q"),
                Some(" lead"),
                Some("trail "),
                Some("n\nl"),
                Some("c\rr"),
            ],
        );
        assert_eq!(out, "plain,,\"\",\"a,b\",\"q\"\"q\",\" lead\",\"trail \",\"n\nl\",\"c\rr\"\n");
    }

    #[test]
    fn cells() {
        let enc = |v: Value, e| encode_cell(&v, e);
        assert_eq!(enc(Value::Null, Encoding::Text), Some(None));
        assert_eq!(enc(Value::Integer(i64::MIN), Encoding::Text), Some(Some("-9223372036854775808".into())));
        assert_eq!(enc(Value::Real(1.0), Encoding::Text), Some(Some("1.0".into())));
        assert_eq!(enc(Value::Real(1e300), Encoding::Text), Some(Some("1e300".into())));
        assert_eq!(enc(Value::Real(f64::INFINITY), Encoding::Text), Some(Some("1e999".into())));
        assert_eq!(enc(Value::Real(f64::NEG_INFINITY), Encoding::Tagged), Some(Some("r:-1e999".into())));
        assert_eq!(enc(Value::Blob(b"hello".to_vec()), Encoding::Text), None);
        assert_eq!(enc(Value::Blob(b"hello".to_vec()), Encoding::Base64), Some(Some("aGVsbG8=".into())));
        assert_eq!(enc(Value::Text("x".into()), Encoding::Base64), None);
        assert_eq!(enc(Value::Text("a:b".into()), Encoding::Tagged), Some(Some("t:a:b".into())));

        let f = |text: &str, quoted| Field { text: text.into(), quoted };
        let dec = |field: &Field, e| decode_cell(field, e, "d.csv", 7, "c");
        assert_eq!(dec(&f("", false), Encoding::Tagged).unwrap(), Value::Null);
        assert_eq!(dec(&f("", true), Encoding::Text).unwrap(), Value::Text(String::new()));
        assert_eq!(dec(&f("", true), Encoding::Base64).unwrap(), Value::Blob(Vec::new()));
        assert_eq!(dec(&f("i:-5", false), Encoding::Tagged).unwrap(), Value::Integer(-5));
        assert_eq!(dec(&f("r:1e999", false), Encoding::Tagged).unwrap(), Value::Real(f64::INFINITY));
        assert_eq!(dec(&f("t:", true), Encoding::Tagged).unwrap(), Value::Text(String::new()));
        assert_eq!(dec(&f("b:aGVsbG8=", false), Encoding::Tagged).unwrap(), Value::Blob(b"hello".to_vec()));
        for bad in ["x", "q:1", "i:1.5", "r:abc", "b:!!"] {
            let err = dec(&f(bad, false), Encoding::Tagged).unwrap_err();
            assert!(matches!(&err, Error::Csv { file, line: 7, .. } if file == "d.csv"), "{err}");
        }
        assert!(dec(&f("@@", false), Encoding::Base64).is_err());
    }

    #[test]
    fn affinity_and_picking() {
        assert_eq!(Affinity::of("INTEGER", false), Affinity::Integer);
        assert_eq!(Affinity::of("VARCHAR(10)", false), Affinity::Text);
        assert_eq!(Affinity::of("", false), Affinity::Blob);
        assert_eq!(Affinity::of("DOUBLE PRECISION", false), Affinity::Real);
        assert_eq!(Affinity::of("DECIMAL(10,2)", false), Affinity::Numeric);
        assert_eq!(Affinity::of("ANY", false), Affinity::Numeric);
        assert_eq!(Affinity::of("ANY", true), Affinity::Blob);
        assert_eq!(Affinity::of("FLOATING POINT", false), Affinity::Integer, "'INT' wins, as SQLite says");
        let c = |integer, real, integral_real, text, blob| TypeCounts { integer, real, integral_real, text, blob };
        assert_eq!(pick_encoding(Affinity::Text, &c(0, 0, 0, 5, 0)), Encoding::Text);
        assert_eq!(pick_encoding(Affinity::Integer, &c(3, 1, 0, 2, 0)), Encoding::Text);
        assert_eq!(pick_encoding(Affinity::Numeric, &c(3, 1, 1, 0, 0)), Encoding::Tagged);
        assert_eq!(pick_encoding(Affinity::Blob, &c(0, 0, 0, 0, 4)), Encoding::Base64);
        assert_eq!(pick_encoding(Affinity::Blob, &c(1, 0, 0, 1, 0)), Encoding::Tagged);
        assert_eq!(pick_encoding(Affinity::Text, &c(0, 0, 0, 1, 1)), Encoding::Tagged);
        assert_eq!(pick_encoding(Affinity::Real, &c(0, 4, 4, 0, 0)), Encoding::Text);
    }

    /// SQLite reads the text of a real back to the very same number, in a REAL column.
    #[test]
    fn real_text_roundtrips_through_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x REAL)").unwrap();
        let mut values = vec![
            0.1,
            1.0,
            1e300,
            -1e-300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            2.5,
            1.0 / 3.0,
            123456789.123,
            1e16,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let x = f64::from_bits(seed);
            if x.is_finite() {
                values.push(x);
            }
        }
        let mut insert = conn.prepare("INSERT INTO t VALUES (?1) RETURNING x").unwrap();
        for x in values {
            let text = real_to_text(x).unwrap();
            let back: f64 = insert.query_row([&text], |r| r.get(0)).unwrap();
            assert_eq!(back.to_bits(), if x == 0.0 { back.to_bits() } else { x.to_bits() }, "{text}");
        }
    }

    fn arb_field() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            Just(Some(String::new())),
            "[a-z ,\"\r\n]{0,8}".prop_map(Some),
            any::<String>().prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn prop_write_then_read(records in proptest::collection::vec(proptest::collection::vec(arb_field(), 1..6), 0..8)) {
            let mut out = String::new();
            for r in &records {
                write_record(&mut out, r.iter().map(|f| f.as_deref()));
            }
            let back: Vec<Vec<Option<String>>> = read_all(&out).unwrap().into_iter().map(|(_, r)| r).collect();
            prop_assert_eq!(back, records);
        }
    }
}
