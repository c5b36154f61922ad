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

/// One token of an SQL statement, as far as the project form needs to read one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A bare word (keyword or name), upper-cased.
    Word(String),
    /// A quoted name (`"…"`, `[…]` or `` `…` ``), as written between its quotes.
    Name(String),
    /// A string literal, as written between its quotes.
    Text(String),
    /// Any other character.
    Punct(char),
}

/// The tokens of `sql`, comments left out. Quotes are read as SQLite reads them (a doubled
/// quote stands for one); an unclosed quote runs to the end.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '-' if sql[i..].starts_with("--") => while chars.next_if(|(_, c)| *c != '\n').is_some() {},
            '/' if sql[i..].starts_with("/*") => {
                chars.next();
                let mut last = ' ';
                for (_, c) in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' | '`' | '\'' | '[' => {
                let close = match c {
                    '[' => ']',
                    other => other,
                };
                let mut text = String::new();
                while let Some((_, d)) = chars.next() {
                    if d == close {
                        if close != ']' && chars.next_if(|(_, e)| *e == close).is_some() {
                            text.push(close);
                            continue;
                        }
                        break;
                    }
                    text.push(d);
                }
                out.push(if c == '\'' { Token::Text(text) } else { Token::Name(text) });
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = String::from(c);
                while let Some((_, d)) = chars.next_if(|(_, d)| d.is_alphanumeric() || *d == '_' || *d == '$') {
                    word.push(d);
                }
                out.push(Token::Word(word.to_ascii_uppercase()));
            }
            other => out.push(Token::Punct(other)),
        }
    }
    out
}

/// Whether `sql` holds the keyword `word` (upper case) outside quotes and comments.
pub(crate) fn has_word(sql: &str, word: &str) -> bool {
    tokens(sql).iter().any(|t| matches!(t, Token::Word(w) if w == word))
}

/// The module of a `CREATE VIRTUAL TABLE … USING <module>(…)`, lower-cased.
pub(crate) fn virtual_module(sql: &str) -> Option<String> {
    let t = tokens(sql);
    let at = t.iter().position(|k| matches!(k, Token::Word(w) if w == "USING"))?;
    match t.get(at + 1)? {
        Token::Word(m) | Token::Name(m) => Some(m.to_ascii_lowercase()),
        _ => None,
    }
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
