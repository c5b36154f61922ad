//! The CSV of the text forms: an RFC 4180 reader and writer that keep NULL apart from `""`, and
//! the `text`, `base64` and `tagged` cell encodings of `docs/format.md`.
//!
//! The `csv` crate is not used on purpose: it cannot tell an empty unquoted field from `""`,
//! and that difference is how the format tells NULL from the empty string. The reader here is
//! small, strict and reports every problem with the file name and the line.

mod cells;
mod reader;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
mod writer;

pub use self::cells::{
    Affinity, CellText, Encoding, TypeCounts, decode_cell, encode_cell, pick_encoding, real_to_text,
};
pub use self::reader::{Field, Reader};
pub use self::writer::{needs_quotes, write_base64_field, write_field, write_record};
