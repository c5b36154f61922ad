//! The allow-list that makes rendered Markdown safe to put into the page.
//!
//! The input is pulldown-cmark's HTML: the renderer's own markup around whatever raw HTML the
//! author wrote. It is read with the HTML standard's tokenizer rules (tags, attributes in any
//! quoting, comments, `<script>`-like elements whose content is text) and written out again
//! from scratch: only the elements of [`ELEMENTS`], each with only the attributes
//! [`attribute`] lets through, every value double-quoted and escaped, every text escaped, and
//! every element closed. So the page's parser sees exactly the markup checked here, whatever
//! tricks the input plays on a parser (a tag inside a quoted value, `<scr<script>ipt>`, a
//! comment that never ends): no element or attribute can appear that this module did not write.
//!
//! What it keeps: formatting, lists, tables, quotes, `<details>`, code, links (`http`, `https`,
//! `mailto` or relative), the images the renderer resolved to the workshop's own assets, task
//! lists' disabled checkboxes, and ids behind [`super::ID_PREFIX`]. Everything else is dropped:
//! a disallowed element's tags go and its content stays, except `<script>` and `<style>`, whose
//! content goes too.

use std::collections::HashSet;

use super::{ADMONITION_CLASSES, ID_PREFIX};

/// Elements that may appear in a step's HTML.
const ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite",
    "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img", "input", "ins", "kbd", "li",
    "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s", "samp", "section", "small", "span",
    "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt",
    "u", "ul", "wbr",
];

/// Elements without content or end tag.
const VOID: &[&str] = &["br", "col", "hr", "img", "input", "wbr"];

/// Elements whose content a browser reads as text up to their end tag (RCDATA, RAWTEXT and
/// script data in the HTML standard), and whether that text may hold character references.
const TEXT_ONLY: &[(&str, bool)] = &[
    ("script", false),
    ("style", false),
    ("textarea", true),
    ("title", true),
    ("xmp", false),
    ("iframe", false),
    ("noembed", false),
    ("noframes", false),
    ("noscript", false),
];

/// Of those, the elements whose content is dropped along with them.
const DROP_CONTENT: &[&str] = &["script", "style"];

/// Block elements whose start closes an open `<p>`, as a browser's parser does: output that is
/// nested as the page will see it.
const CLOSES_P: &[&str] = &[
    "article", "aside", "blockquote", "center", "details", "div", "dl", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "nav", "ol", "p", "pre", "section", "summary", "table",
    "ul",
];

/// Sanitises `raw` (see the module's documentation). `images` holds the only `src` values an
/// `<img>` may keep: the `data:` URLs of the workshop's assets the renderer resolved.
pub(super) fn sanitise(raw: &str, images: &HashSet<String>) -> String {
    let mut writer = Writer { out: String::with_capacity(raw.len()), open: Vec::new(), images };
    let mut tokens = Tokenizer { s: raw, i: 0 };
    while let Some(token) = tokens.next_token() {
        match token {
            Token::Text(text) => writer.text(text, true),
            Token::Start(tag) => {
                if let Some(&(name, references)) = TEXT_ONLY.iter().find(|(n, _)| *n == tag.name) {
                    let content = tokens.text_until_end_tag(name);
                    if !DROP_CONTENT.contains(&name) {
                        writer.text(content, references);
                    }
                } else if tag.name == "plaintext" {
                    writer.text(tokens.rest(), false);
                } else {
                    writer.start(&tag);
                }
            }
            Token::End(name) => writer.end(&name),
        }
    }
    writer.finish()
}

/// A start tag as read: its lowercased name and attributes (the first of duplicates wins, as in
/// a browser), values as written (character references not yet decoded).
struct Tag<'a> {
    name: String,
    attrs: Vec<(String, &'a str)>,
}

enum Token<'a> {
    Text(&'a str),
    Start(Tag<'a>),
    End(String),
}

/// The HTML standard's tokenizer states that matter for reading tags, comments and text, over
/// a string. Comments, doctypes and processing instructions are skipped; a tag cut off by the
/// end of the input is dropped, as a browser drops it.
struct Tokenizer<'a> {
    s: &'a str,
    i: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

impl<'a> Tokenizer<'a> {
    fn peek(&self, at: usize) -> Option<u8> {
        self.s.as_bytes().get(at).copied()
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            let b = self.s.as_bytes();
            if self.i >= b.len() {
                return None;
            }
            if b[self.i] != b'<' {
                let end = self.s[self.i..].find('<').map_or(b.len(), |n| self.i + n);
                let text = &self.s[self.i..end];
                self.i = end;
                return Some(Token::Text(text));
            }
            let at = self.i;
            match self.peek(at + 1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    self.i = at + 1;
                    match self.tag() {
                        Some(tag) => return Some(Token::Start(tag)),
                        None => self.i = b.len(),
                    }
                }
                Some(b'/') => match self.peek(at + 2) {
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.i = at + 2;
                        match self.tag() {
                            Some(tag) => return Some(Token::End(tag.name)),
                            None => self.i = b.len(),
                        }
                    }
                    Some(b'>') => self.i = at + 3,
                    None => {
                        self.i = b.len();
                        return Some(Token::Text(&self.s[at..]));
                    }
                    Some(_) => self.skip_past(at + 2, ">"),
                },
                Some(b'!') if self.s[at..].starts_with("<!--") => self.comment(at + 4),
                Some(b'!' | b'?') => self.skip_past(at + 2, ">"),
                _ => {
                    self.i = at + 1;
                    return Some(Token::Text("<"));
                }
            }
        }
    }

    /// Moves past the next `end` at or after `from`, or to the end of the input.
    fn skip_past(&mut self, from: usize, end: &str) {
        self.i = self.s[from..].find(end).map_or(self.s.len(), |n| from + n + end.len());
    }

    /// A comment's body from `from`: `<!-->` and `<!--->` end at once; else up to `-->` or
    /// `--!>`.
    fn comment(&mut self, from: usize) {
        let rest = &self.s[from..];
        if rest.starts_with('>') {
            self.i = from + 1;
        } else if rest.starts_with("->") {
            self.i = from + 2;
        } else {
            let close = [rest.find("-->").map(|n| n + 3), rest.find("--!>").map(|n| n + 4)];
            self.i = close.into_iter().flatten().min().map_or(self.s.len(), |n| from + n);
        }
    }

    /// A tag's name and attributes, from its first letter up to and past its `>`; `None` when the
    /// input ends inside it.
    /// The tag is dropped then, as a browser drops it; the caller moves to the end.
    fn tag(&mut self) -> Option<Tag<'a>> {
        let b = self.s.as_bytes();
        let start = self.i;
        while self.i < b.len() && !is_space(b[self.i]) && !matches!(b[self.i], b'/' | b'>') {
            self.i += 1;
        }
        let mut tag = Tag { name: self.s[start..self.i].to_ascii_lowercase(), attrs: Vec::new() };
        loop {
            while self.i < b.len() && (is_space(b[self.i]) || b[self.i] == b'/') {
                self.i += 1;
            }
            match self.peek(self.i) {
                None => return None,
                Some(b'>') => {
                    self.i += 1;
                    return Some(tag);
                }
                Some(_) => {}
            }
            // An attribute's name: its first character may be `=`; then up to a space, `/`,
            // `>` or `=`.
            let name_start = self.i;
            self.i += 1;
            while self.i < b.len() && !is_space(b[self.i]) && !matches!(b[self.i], b'/' | b'>' | b'=') {
                self.i += 1;
            }
            let name = self.s[name_start..self.i].to_ascii_lowercase();
            while self.i < b.len() && is_space(b[self.i]) {
                self.i += 1;
            }
            let mut value = "";
            if self.peek(self.i) == Some(b'=') {
                self.i += 1;
                while self.i < b.len() && is_space(b[self.i]) {
                    self.i += 1;
                }
                match self.peek(self.i) {
                    None => return None,
                    Some(q @ (b'"' | b'\'')) => {
                        let from = self.i + 1;
                        let len = self.s[from..].find(q as char)?;
                        value = &self.s[from..from + len];
                        self.i = from + len + 1;
                    }
                    Some(b'>') => {}
                    Some(_) => {
                        let from = self.i;
                        while self.i < b.len() && !is_space(b[self.i]) && b[self.i] != b'>' {
                            self.i += 1;
                        }
                        value = &self.s[from..self.i];
                    }
                }
            }
            if !tag.attrs.iter().any(|(n, _)| *n == name) {
                tag.attrs.push((name, value));
            }
        }
    }

    /// The text of a text-only element, up to (and past) its end tag, or the rest of the input.
    fn text_until_end_tag(&mut self, name: &str) -> &'a str {
        let from = self.i;
        let b = self.s.as_bytes();
        let mut at = from;
        while let Some(n) = self.s[at..].find("</") {
            let tag = at + n + 2;
            let after = tag + name.len();
            let named = self.s.get(tag..after).is_some_and(|t| t.eq_ignore_ascii_case(name));
            if named && (after == b.len() || is_space(b[after]) || matches!(b[after], b'/' | b'>')) {
                self.i = tag;
                let text = &self.s[from..at + n];
                // The end tag itself (its attributes, if any, ignored).
                if self.tag().is_none() {
                    self.i = b.len();
                }
                return text;
            }
            at = tag;
        }
        self.rest()
    }

    fn rest(&mut self) -> &'a str {
        let from = self.i;
        self.i = self.s.len();
        &self.s[from..]
    }
}

/// Writes the sanitised HTML, keeping every element it opened closed in order.
struct Writer<'a> {
    out: String,
    open: Vec<&'static str>,
    images: &'a HashSet<String>,
}

impl Writer<'_> {
    /// Text, escaped. Character references are kept as written when `references` (the page's
    /// parser decodes them to text, which is harmless); any other `&` is escaped.
    fn text(&mut self, text: &str, references: bool) {
        escape(&mut self.out, text, references);
    }

    fn start(&mut self, tag: &Tag) {
        let Some(&name) = ELEMENTS.iter().find(|e| **e == tag.name) else { return };
        if CLOSES_P.contains(&name) && self.open.last() == Some(&"p") {
            self.end("p");
        }
        if name == "li" && self.open.last() == Some(&"li") {
            self.end("li");
        }
        self.out.push('<');
        self.out.push_str(name);
        let mut forced: Vec<(&str, &str)> = match name {
            "input" => vec![("disabled", ""), ("type", "checkbox")],
            _ => Vec::new(),
        };
        let mut written: Vec<&str> = Vec::new();
        for (attr, value) in &tag.attrs {
            let Some((value, references)) = attribute(name, attr, value, self.images) else { continue };
            let attr = match attr.as_str() {
                "style" => "class",
                other => other,
            };
            // A `style` and a `class` both become a class: the first one written wins.
            if written.contains(&attr) {
                continue;
            }
            written.push(attr);
            if let Some(at) = forced.iter().position(|(f, _)| *f == attr) {
                let (f, v) = forced.remove(at);
                push_attribute(&mut self.out, f, v, false);
                continue;
            }
            push_attribute(&mut self.out, attr, &value, references);
        }
        for (attr, value) in forced {
            push_attribute(&mut self.out, attr, value, false);
        }
        if name == "a" {
            push_attribute(&mut self.out, "rel", "noopener noreferrer", false);
        }
        self.out.push('>');
        if !VOID.contains(&name) {
            self.open.push(name);
        }
    }

    /// Closes `name` and whatever is open inside it; an end tag of nothing open is dropped.
    fn end(&mut self, name: &str) {
        if let Some(at) = self.open.iter().rposition(|e| *e == name) {
            self.close_from(at);
        }
    }

    /// Closes the open elements from the `at`-th outward, innermost first.
    fn close_from(&mut self, at: usize) {
        for element in self.open.drain(at..).rev() {
            self.out.push_str("</");
            self.out.push_str(element);
            self.out.push('>');
        }
    }

    /// The output with every element still open closed (the same element open twice, as
    /// `<a>x<a>y`, is closed twice).
    fn finish(mut self) -> String {
        self.close_from(0);
        self.out
    }
}

fn push_attribute(out: &mut String, name: &str, value: &str, references: bool) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value, references);
    out.push('"');
}

/// The value `attr` keeps on `element`, or `None` to drop it, and whether it is as written
/// (character references kept for the page to decode) or decoded and checked (every `&` then
/// escaped, so the page reads the very string that was checked). A `style` comes back as the
/// value of the `class` that replaces it.
fn attribute(element: &str, attr: &str, value: &str, images: &HashSet<String>) -> Option<(String, bool)> {
    let checked = |ok: bool| ok.then(|| (value.to_owned(), false));
    let as_written = || Some((value.to_owned(), true));
    match (element, attr) {
        (_, "id") if value.starts_with(ID_PREFIX) => as_written(),
        (_, "id") => Some((format!("{ID_PREFIX}{value}"), true)),
        (_, "title" | "lang") | ("img", "alt") | ("time", "datetime") | ("data", "value") => as_written(),
        ("a", "href") => {
            let url = decode(value);
            safe_link(&url).then_some((url, false))
        }
        ("a", "target") => checked(value == "_blank"),
        ("img", "src") => {
            let url = decode(value);
            images.contains(&url).then_some((url, false))
        }
        ("img", "width" | "height") | ("td" | "th", "colspan" | "rowspan") | ("col" | "colgroup", "span") => {
            checked(!value.is_empty() && value.len() <= 6 && value.bytes().all(|b| b.is_ascii_digit()))
        }
        ("ol", "start") => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            checked(!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        }
        ("code", "class") => checked(value.strip_prefix("language-").is_some_and(|lang| {
            !lang.is_empty()
                && lang.len() <= 32
                && lang.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'_' | b'.'))
        })),
        ("aside", "class") => checked(ADMONITION_CLASSES.contains(&value)),
        ("p", "class") => checked(value == "admonition-title"),
        ("details", "open") | ("input", "checked" | "disabled" | "type") => Some((String::new(), false)),
        ("td" | "th", "style") => alignment(&decode(value)).map(|a| (format!("align-{a}"), false)),
        // What the line above writes, so that sanitising is idempotent.
        ("td" | "th", "class") => checked(matches!(value, "align-left" | "align-center" | "align-right")),
        ("bdo", "dir") => checked(matches!(value, "ltr" | "rtl")),
        _ => None,
    }
}

/// A table cell's alignment from its `style` (`text-align: center`), the one property the
/// renderer writes; the page's Content-Security-Policy allows no `style` attribute, so it
/// becomes a class.
fn alignment(style: &str) -> Option<&'static str> {
    let value = style.split(';').find_map(|declaration| {
        let (property, value) = declaration.split_once(':')?;
        property.trim().eq_ignore_ascii_case("text-align").then(|| value.trim().to_ascii_lowercase())
    })?;
    ["left", "center", "right"].into_iter().find(|a| *a == value)
}

/// Whether a link's address (its character references decoded) is `http`, `https`, `mailto`
/// or relative, read as a browser's URL parser reads it: leading and trailing spaces and
/// control characters, and every tab and newline, do not count.
fn safe_link(url: &str) -> bool {
    let squeezed: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = squeezed.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')));
    match scheme_end {
        // A scheme starts with a letter; without one, the address is relative.
        Some(end) if squeezed[end..].starts_with(':') && squeezed.starts_with(|c: char| c.is_ascii_alphabetic()) => {
            ["http", "https", "mailto"].iter().any(|s| s.eq_ignore_ascii_case(&squeezed[..end]))
        }
        _ => true,
    }
}

/// Escapes `text` for HTML: `<`, `>` and `"` always; `&` unless `keep_references` and it starts
/// a character reference (`&name;`, `&#123;`, `&#x7b;`). NUL becomes U+FFFD.
fn escape(out: &mut String, text: &str, keep_references: bool) {
    let mut rest = text;
    while let Some(at) = rest.find(['<', '>', '"', '&', '\0']) {
        out.push_str(&rest[..at]);
        let c = rest.as_bytes()[at];
        rest = &rest[at + 1..];
        match c {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' => out.push_str("&quot;"),
            b'&' if keep_references && reference_len(rest).is_some() => out.push('&'),
            b'&' => out.push_str("&amp;"),
            _ => out.push('\u{fffd}'),
        }
    }
    out.push_str(rest);
}

/// The length of a character reference's body after its `&` (`amp;`, `#106;`, `#x6a;`),
/// including the `;`, if `s` starts with one.
fn reference_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (digits, from): (fn(u8) -> bool, usize) = match (b.first(), b.get(1)) {
        (Some(b'#'), Some(b'x' | b'X')) => (|c: u8| c.is_ascii_hexdigit(), 2),
        (Some(b'#'), _) => (|c: u8| c.is_ascii_digit(), 1),
        (Some(c), _) if c.is_ascii_alphabetic() => (|c: u8| c.is_ascii_alphanumeric(), 0),
        _ => return None,
    };
    let n = b[from..].iter().take(33).take_while(|c| digits(**c)).count();
    (n > 0 && b.get(from + n) == Some(&b';')).then_some(from + n + 1)
}

/// Decodes the character references a value holds: numeric ones, and the named ones that can
/// spell a URL's scheme or separators (`&colon;`, `&Tab;`, `&NewLine;`, `&amp;` …). Any other
/// named reference stays as written, and is escaped on output, so the page reads the very
/// string that was checked.
fn decode(value: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("colon", ':'),
        ("Tab", '\t'),
        ("NewLine", '\n'),
        ("nbsp", '\u{a0}'),
        ("sol", '/'),
        ("period", '.'),
        ("num", '#'),
        ("quest", '?'),
        ("equals", '='),
        ("percnt", '%'),
        ("lpar", '('),
        ("rpar", ')'),
        ("commat", '@'),
    ];
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let Some(len) = reference_len(rest) else {
            out.push('&');
            continue;
        };
        let body = &rest[..len - 1];
        let decoded = if let Some(hex) = body.strip_prefix(['#']).and_then(|b| b.strip_prefix(['x', 'X'])) {
            u32::from_str_radix(hex, 16).ok().map(char_of)
        } else if let Some(dec) = body.strip_prefix('#') {
            dec.parse::<u32>().ok().map(char_of)
        } else {
            NAMED.iter().find(|(n, _)| *n == body).map(|(_, c)| *c)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// The character a numeric reference names; NUL, surrogates and out-of-range values are
/// U+FFFD, as a browser reads them.
fn char_of(code: u32) -> char {
    if code == 0 { '\u{fffd}' } else { char::from_u32(code).unwrap_or('\u{fffd}') }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const PIECES: &[&str] = &[
        "<", ">", "</", "/>", "\"", "'", "=", " ", "\n", "&", ";", "#", "&#106;", "&amp;", "&bogus;", "<!--", "-->",
        "a", "p", "div", "td", "li", "img", "script", "textarea", " href=", " style=", " class=", " id=", " title=",
        "text-align:left", "javascript:", "x", "é", "\u{0}",
    ];

    #[test]
    fn output_is_canonical() {
        let images = HashSet::new();
        assert_eq!(sanitise("<P Title='a\"b'>x &amp; y &z <", &images), "<p title=\"a&quot;b\">x &amp; y &amp;z &lt;</p>");
        assert_eq!(sanitise("<a href=&#106;s>x", &images), "<a href=\"js\" rel=\"noopener noreferrer\">x</a>");
        assert_eq!(sanitise("<ul><li>a<li>b</ul><p>c<div>d", &images), "<ul><li>a</li><li>b</li></ul><p>c</p><div>d</div>");
    }

    #[test]
    fn what_is_left_open_is_closed_each_time_it_was_opened() {
        let images = HashSet::new();
        let rel = "rel=\"noopener noreferrer\"";
        assert_eq!(sanitise("<a>x<a href=&>y</p>", &images), format!("<a {rel}>x<a href=\"&amp;\" {rel}>y</a></a>"));
        assert_eq!(sanitise("<em><a><em>z", &images), format!("<em><a {rel}><em>z</em></a></em>"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Sanitised HTML is its own sanitised form: nothing in it is read differently twice.
        #[test]
        fn sanitising_twice_changes_nothing(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)) {
            let images = HashSet::new();
            let once = sanitise(&pieces.concat(), &images);
            prop_assert_eq!(sanitise(&once, &images), once.clone());
        }
    }
}
