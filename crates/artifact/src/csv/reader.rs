//! Reads RFC 4180 CSV strictly, record by record, keeping a quoted `""` apart from an empty
//! field (NULL) and naming the file and line of every problem.

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
                // Bytes, not chars: the four are ASCII, which UTF-8 never uses inside a
                // multi-byte character, so the position found is a character boundary.
                let end = rest.bytes().position(|b| matches!(b, b',' | b'\n' | b'\r' | b'"')).unwrap_or(rest.len());
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
