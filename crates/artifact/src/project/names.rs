//! Names in a project: quoted identifiers, the leading words of a statement, and the file names
//! a table's CSV may have.

/// `"name"` with inner quotes doubled.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The first `n` words of `sql` in upper case, skipping spaces and comments.
pub(crate) fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = sql;
    while words.len() < n {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            words.push(rest[..end].to_ascii_uppercase());
            rest = &rest[end..];
        }
    }
    words
}

/// Whether `name` can be a file name on every common system as it is.
pub(crate) fn is_safe_file_name(name: &str) -> bool {
    const RESERVED: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
        "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    !name.is_empty()
        && name.len() <= 120
        && !name.starts_with('.')
        && !name.ends_with(['.', ' '])
        && !name.chars().any(|c| c.is_control() || "/\\:*?\"<>|".contains(c))
        && !RESERVED.contains(&name.split('.').next().unwrap_or("").to_ascii_uppercase().as_str())
}

/// A safe file name made from `name` (unsafe characters become `_`).
pub(crate) fn safe_file_stem(name: &str) -> String {
    let mut s: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).take(100).collect();
    s = s.trim_matches(|c| c == '.' || c == ' ').to_owned();
    if !is_safe_file_name(&s) {
        s = format!("table_{s}");
    }
    if !is_safe_file_name(&s) {
        s = "table".to_owned();
    }
    s
}
