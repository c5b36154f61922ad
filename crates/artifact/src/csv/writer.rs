//! Writes CSV fields and records, quoting exactly when a field needs it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

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
