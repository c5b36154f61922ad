//! The Markdown renderer's output read as a browser reads it: html5ever's tokenizer (the HTML
//! standard's, as Servo uses it) over what `markdown::render` gives for the XSS corpus and for
//! generated hostile mixes of Markdown and HTML. Every element and attribute it sees must be on
//! this file's own allow-list (written apart from the sanitiser's), every link `http`, `https`,
//! `mailto` or relative as the browser decodes it, every image one of the workshop's assets, no
//! comment, and every element closed.
#![cfg(not(target_arch = "wasm32"))]

mod corpus;

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CommentToken, DoctypeToken, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use proptest::prelude::*;
use stepwise_artifact::{Asset, markdown};

/// Elements a step may show, and the attributes each may carry beyond `id`, `title`, `lang`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("a", &["href", "target", "rel"]),
    ("img", &["src", "alt", "width", "height"]),
    ("input", &["type", "disabled", "checked"]),
    ("code", &["class"]),
    ("aside", &["class"]),
    ("p", &["class"]),
    ("td", &["class", "colspan", "rowspan"]),
    ("th", &["class", "colspan", "rowspan"]),
    ("details", &["open"]),
    ("ol", &["start"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("time", &["datetime"]),
    ("data", &["value"]),
    ("bdo", &["dir"]),
];

const PLAIN: &[&str] = &[
    "abbr", "acronym", "article", "b", "bdi", "blockquote", "br", "caption", "center", "cite", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "i", "ins", "kbd", "li", "mark", "nav", "pre", "q", "rp", "rt", "rtc", "ruby", "s", "samp", "section",
    "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "tfoot", "thead", "tr", "tt", "u",
    "ul", "wbr",
];

const VOID: &[&str] = &["br", "col", "hr", "img", "input", "wbr"];

#[derive(Default)]
struct Tokens(RefCell<Vec<Token>>);

impl TokenSink for Tokens {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.0.borrow_mut().push(token);
        TokenSinkResult::Continue
    }
}

/// The tokens a browser's tokenizer reads from `html` (in the data state, where a fragment put
/// into a `<div>` starts).
fn browser_tokens(html: &str) -> Vec<Token> {
    let tokenizer = Tokenizer::new(Tokens::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Whether a link, as the browser decoded it, is `http(s)`, `mailto` or relative.
fn safe_href(href: &str) -> bool {
    let url: String =
        href.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let lower = url.to_ascii_lowercase();
    let scheme: String = lower.chars().take_while(|c| c.is_ascii_alphanumeric() || "+-.".contains(*c)).collect();
    let has_scheme = lower[scheme.len()..].starts_with(':') && scheme.starts_with(|c: char| c.is_ascii_alphabetic());
    !has_scheme || matches!(scheme.as_str(), "http" | "https" | "mailto")
}

/// Why `html` is not what a step may put into the page, if it is not.
fn problem(html: &str) -> Option<String> {
    let mut open: Vec<String> = Vec::new();
    for token in browser_tokens(html) {
        match token {
            TagToken(tag) => {
                let name = tag.name.to_string();
                let attrs = ALLOWED.iter().find(|(e, _)| *e == name).map(|(_, a)| *a);
                if attrs.is_none() && !PLAIN.contains(&name.as_str()) {
                    return Some(format!("element <{name}>"));
                }
                if tag.kind == EndTag {
                    if open.pop().as_deref() != Some(name.as_str()) {
                        return Some(format!("</{name}> closes what is not open last"));
                    }
                    continue;
                }
                for attr in &tag.attrs {
                    let (attr, value) = (attr.name.local.to_string(), attr.value.to_string());
                    if !matches!(attr.as_str(), "id" | "title" | "lang") && !attrs.unwrap_or(&[]).contains(&attr.as_str())
                    {
                        return Some(format!("attribute {attr} on <{name}>"));
                    }
                    let bad = match attr.as_str() {
                        "href" => !safe_href(&value),
                        "src" => !value.starts_with("data:image/"),
                        "id" => !value.starts_with(markdown::ID_PREFIX),
                        "target" => value != "_blank",
                        "type" => value != "checkbox",
                        _ => false,
                    };
                    if bad {
                        return Some(format!("{attr}={value:?} on <{name}>"));
                    }
                }
                if name == "input" && tag.attrs.iter().all(|a| &*a.name.local != "disabled") {
                    return Some("an <input> that is not disabled".into());
                }
                if tag.kind == StartTag && !VOID.contains(&name.as_str()) {
                    open.push(name);
                }
            }
            CommentToken(c) => return Some(format!("a comment {c:?}")),
            DoctypeToken(_) => return Some("a doctype".into()),
            _ => {}
        }
    }
    open.last().map(|e| format!("<{e}> never closed"))
}

fn assets() -> Vec<Asset> {
    vec![Asset { path: "images/a.png".into(), media_type: "image/png".into(), data: b"\x89PNG".to_vec() }]
}

fn assert_safe(markdown: &str) {
    let html = markdown::render(markdown, &assets());
    if let Some(problem) = problem(&html) {
        panic!("{problem}\nfrom {markdown:?}\nin {html:?}");
    }
    let inline = markdown::render_inline(markdown, &assets());
    if let Some(problem) = problem(&inline) {
        panic!("{problem} (inline)\nfrom {markdown:?}\nin {inline:?}");
    }
}

#[test]
fn the_xss_corpus_reads_as_allowed_markup_only() {
    for markdown in corpus::XSS_MARKDOWN {
        assert_safe(markdown);
    }
    assert_safe(&corpus::XSS_MARKDOWN.join("\n\n"));
}

#[test]
fn tricks_on_the_tokenizer_read_as_allowed_markup_only() {
    for markdown in [
        "<a href='javascript:alert(1)'>x</a>",
        "<a href=javascript:alert(1)>x</a>",
        "<a href=\"&#x6A;&#x61;vascript&colon;alert(1)\">x</a>",
        "<a href=\"&#0000106avascript:alert(1)\">x</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
        "<a href=\"&Tab;javascript:alert(1)\">x</a>",
        "<a href=\"javascript&#58alert(1)\">x</a>",
        "<a href=\"\u{1}javascript:alert(1)\">x</a>",
        "<a href=\"https://ok\" href=\"javascript:alert(1)\">x</a>",
        "<a/href=\"javascript:alert(1)\">x</a>",
        "<a href = \"javascript:alert(1)\" >x</a>",
        "<img/src=x/onerror=alert(1)>",
        "<img src=\"x\"onerror=\"alert(1)\">",
        "<p title=\"a\" title=\"b\" id=x id=y>t</p>",
        "<p title='a\" onclick=\"alert(1)'>x</p>",
        "<p title=a\"onclick=\"alert(1)>x</p>",
        "<span lang='\"><img src=x onerror=alert(1)>'>x</span>",
        "![a\" onerror=\"alert(1)](../../assets/images/a.png \"t\\\" onload=\\\"x\")",
        "<div <script>alert(1)</script>>x</div>",
        "<div title=\"<script>\">x</div>",
        "<!--><img src=x onerror=alert(1)>-->",
        "<!---><img src=x onerror=alert(1)>-->",
        "<!-- --!><img src=x onerror=alert(1)>",
        "<!DOCTYPE html><p>x</p>",
        "<?xml x?><p>x</p>",
        "<![CDATA[<img src=x onerror=alert(1)>]]>",
        "</ div><p>x</p>",
        "</>x",
        "<plaintext><img src=x onerror=alert(1)>",
        "<xmp></xmp ><img src=x></xmp>",
        "<title><img src=x onerror=alert(1)></title>",
        "<script>x</script foo>after",
        "<script><!--<script></script>--></script>after",
        "<style></STYLE><b>bold</b>",
        "<td style=\"text-align:right\" class=\"x\">y</td>",
        "<table><tr><td style=\"text-align:left\" class=\"align-right\">y</td></tr></table>",
        "<input type=text value=x>",
        "<details><summary>a<div>b</summary></details></div>",
        "<p>a<div>b</div>c</p>",
        "<ul><li>a<li>b</ul>",
        "<b><i>x</b></i>",
        "<a href=\"x\0y\">n</a>\0",
        "<a href=\"http://a\"\"b\">x</a>",
        "<a href=\"x\" target=_top>y</a>",
        "<code class=\"language-x onmouseover=alert(1)\">x</code>",
        "<ol start=\"1 onclick=x\"><li>a</li></ol>",
        "<a href=\"../x\" rel=\"opener\">x</a>",
        "<h1 id=\"md-x\">a</h1><h2 id=\"\">b</h2>",
        "<unknown-element onclick=x>text</unknown-element>",
        "<svg><foreignObject><p>x</p></foreignObject></svg>",
        "<a href=\"x",
        "<div title='x",
        "<div",
        "< div>x",
        "a < b > c & d &amp; e &#x3c; f &bogus; g",
    ] {
        assert_safe(markdown);
    }
}

/// Pieces that, strung together at random, make tokenizer and sanitiser edge cases.
const PIECES: &[&str] = &[
    "<", ">", "</", "/>", "\"", "'", "=", " ", "\n", "\n\n", "\t", "&", ";", "#", "x6A", "&#106;", "&colon;",
    "&Tab;", "&amp;", "<!--", "-->", "--!>", "<!", "<?", "a", "p", "div", "img", "script", "style", "textarea",
    "noscript", "title", "xmp", "svg", "math", "iframe", "plaintext", "details", "td", "table", "input", "li", " href=",
    " src=", " style=", " onerror=", " id=", " class=", " title=", " target=", "javascript:", "data:text/html,",
    "data:image/png,", "http://x", "text-align:right", "alert(1)", "[x](", "](", ")", "![", "`", "```", "|", "---",
    "> [!NOTE]", "- [ ] ", "*", "_", "\u{0}", "é", "<a", "<img", "<p", "</p>", "</a>", "</div>", "md-",
    "../../assets/images/a.png",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_hostile_markdown_reads_as_allowed_markup_only(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
    ) {
        let markdown: String = pieces.concat();
        let html = markdown::render(&markdown, &assets());
        prop_assert!(problem(&html).is_none(), "{:?}\nfrom {markdown:?}\nin {html:?}", problem(&html));
        let inline = markdown::render_inline(&markdown, &assets());
        prop_assert!(problem(&inline).is_none(), "{:?} (inline)\nfrom {markdown:?}\nin {inline:?}", problem(&inline));
    }
}
