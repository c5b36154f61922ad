//! Renders a step's Markdown to HTML that is safe to put into the page: CommonMark plus tables,
//! strikethrough and task lists, then sanitised by an allow-list ([`sanitise`]).
//!
//! Every workshop is untrusted input. What survives [`render`]: formatting elements, tables,
//! GitHub's admonitions (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`) as
//! `<aside class="admonition admonition-note">` with a title, `<details>`/`<summary>`,
//! code blocks (`class="language-…"` only), links with `http`, `https`, `mailto` or a relative
//! address (external ones open in a new tab with `rel="noopener noreferrer"`), and images that
//! point into the workshop's own assets, which become `data:` URLs of the stored bytes. No
//! scripts, no event attributes, no `style` (table alignment becomes an `align-*` class), no forms, frames, objects or `base`; any other image
//! becomes its alt text; heading ids are prefixed with [`ID_PREFIX`] so they cannot clobber the
//! page's own ids.
//!
//! ```
//! let html = stepwise_artifact::markdown::render("# Hi\n<script>alert(1)</script>", &[]);
//! assert_eq!(html, "<h1 id=\"md-hi\">Hi</h1>\n");
//! ```

use std::collections::HashSet;

use base64::Engine as _;
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::Asset;

mod sanitise;

/// The only classes an `<aside>` may keep: the admonitions this renderer writes.
const ADMONITION_CLASSES: [&str; 5] = [
    "admonition admonition-note",
    "admonition admonition-tip",
    "admonition admonition-important",
    "admonition admonition-warning",
    "admonition admonition-caution",
];

/// Prefix of every `id` in rendered HTML.
pub const ID_PREFIX: &str = "md-";

/// Media types an asset may have to be shown as an image (as a `data:` URL; an SVG shown with
/// `<img>` runs no script).
const IMAGE_TYPES: [&str; 7] =
    ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/svg+xml", "image/bmp"];

/// Renders `markdown` (the content of `steps/<NN>-<slug>/content.md`) to sanitised HTML.
/// Images are looked up in `assets` by their path relative to the step's folder
/// (`../../assets/images/x.svg`).
pub fn render(markdown: &str, assets: &[Asset]) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_GFM;
    let mut images = HashSet::new();
    let events = transform(Parser::new_ext(markdown, options), assets, &mut images);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    sanitise::sanitise(&raw, &images)
}

/// Renders one line of Markdown (a choice's option) to sanitised inline HTML: as [`render`],
/// without the paragraph around it.
///
/// ```
/// assert_eq!(stepwise_artifact::markdown::render_inline("`LEFT JOIN` *keeps*", &[]), "<code>LEFT JOIN</code> <em>keeps</em>");
/// ```
pub fn render_inline(markdown: &str, assets: &[Asset]) -> String {
    let html = render(markdown, assets);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|rest| rest.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("</p>") => inner.to_owned(),
        _ => html,
    }
}

/// The title of a GitHub admonition (`> [!NOTE]`), and its class suffix.
fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("Note", "note"),
        BlockQuoteKind::Tip => ("Tip", "tip"),
        BlockQuoteKind::Important => ("Important", "important"),
        BlockQuoteKind::Warning => ("Warning", "warning"),
        BlockQuoteKind::Caution => ("Caution", "caution"),
    }
}

/// Rewrites links, images and headings of the parsed Markdown.
fn transform<'a>(parser: Parser<'a>, assets: &[Asset], images: &mut HashSet<String>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'a>>)> = None;
    let mut used_ids = HashSet::new();
    // Inside an image that is dropped: its alt text is kept as plain text.
    let mut dropped_image = 0usize;
    for event in parser {
        let event = match event {
            Event::Start(Tag::Image { dest_url, title, .. }) => match resolve_asset(&dest_url, assets) {
                Some(url) if dropped_image == 0 => {
                    images.insert(url.clone());
                    Event::Start(Tag::Image {
                        link_type: LinkType::Inline,
                        dest_url: url.into(),
                        title,
                        id: CowStr::Borrowed(""),
                    })
                }
                _ => {
                    dropped_image += 1;
                    continue;
                }
            },
            Event::End(TagEnd::Image) if dropped_image > 0 => {
                dropped_image -= 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                let mut tag = String::from("<a href=\"");
                let _ = escape_href(&mut tag, &dest_url);
                tag.push('"');
                if !title.is_empty() {
                    tag.push_str(" title=\"");
                    let _ = escape_html(&mut tag, &title);
                    tag.push('"');
                }
                if is_external(&dest_url) {
                    tag.push_str(" target=\"_blank\"");
                }
                tag.push('>');
                Event::InlineHtml(tag.into())
            }
            Event::End(TagEnd::Link) => Event::InlineHtml("</a>".into()),
            // `> [!NOTE]` and its kin, as GitHub renders them: a titled box, not a quotation.
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (title, class) = admonition(kind);
                Event::Html(
                    format!(
                        "<aside class=\"admonition admonition-{class}\"><p class=\"admonition-title\">{title}</p>\n"
                    )
                    .into(),
                )
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</aside>\n".into()),
            other => other,
        };
        match (&mut heading, event) {
            (None, Event::Start(Tag::Heading { level, .. })) => heading = Some((level, Vec::new())),
            (Some((level, inner)), Event::End(TagEnd::Heading(_))) => {
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let mut id = slug(&text);
                let base = id.clone();
                let mut n = 1;
                while !used_ids.insert(id.clone()) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(format!("{ID_PREFIX}{id}").into()),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                out.append(inner);
                out.push(Event::End(TagEnd::Heading(*level)));
                heading = None;
            }
            (Some((_, inner)), event) => inner.push(event),
            (None, event) => out.push(event),
        }
    }
    if let Some((_, inner)) = heading {
        out.extend(inner);
    }
    out
}

fn is_external(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// A heading's id: lowercase letters and digits, words joined by `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "section".to_owned() } else { out }
}

/// The `data:` URL of the asset an image address names, relative to `steps/<step>/`; `None`
/// for anything else (other sites, absolute paths, paths leaving the workshop, non-images).
fn resolve_asset(dest: &str, assets: &[Asset]) -> Option<String> {
    if dest.contains(':') || dest.starts_with('/') || dest.contains('\\') {
        return None;
    }
    let path = dest.split(['?', '#']).next()?;
    let mut parts: Vec<&str> = vec!["steps", "step"];
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if parts.first() != Some(&"assets") || parts.len() < 2 {
        return None;
    }
    let path = parts[1..].join("/");
    let asset = assets.iter().find(|a| a.path == path)?;
    let media = asset.media_type.to_ascii_lowercase();
    if !IMAGE_TYPES.contains(&media.as_str()) {
        return None;
    }
    Some(format!("data:{media};base64,{}", base64::engine::general_purpose::STANDARD.encode(&asset.data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg() -> Asset {
        Asset {
            path: "images/join.svg".into(),
            media_type: "image/svg+xml".into(),
            data: b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        }
    }

    fn check(markdown: &str) -> String {
        render(markdown, &[svg()])
    }

    /// Things no rendered step may contain, whatever the author wrote.
    fn assert_inert(markdown: &str) {
        let html = check(markdown);
        // Only markup can act: escaped text (`&lt;script&gt;`, a link's visible text) cannot.
        let tags = regex_lite::Regex::new(r"<[^>]*>").unwrap();
        let lower: String = tags.find_iter(&html).map(|m| m.as_str().to_ascii_lowercase()).collect();
        for bad in [
            "<script",
            "javascript:",
            "vbscript:",
            "<iframe",
            "<object",
            "<embed",
            "<style",
            "<form",
            "<base",
            "<meta",
            "<link",
            "<svg",
            "<math",
            "<textarea",
            "<button",
            "<select",
            "srcdoc",
            "formaction",
            "style=\"b",
            "xlink:href",
            "data:text",
        ] {
            assert!(!lower.contains(bad), "{bad:?} survived in {html:?} (from {markdown:?})");
        }
        // `on…=` as an attribute of any element (as escaped text it is harmless).
        assert!(!regex_lite::Regex::new(r"(?i)<[^>]*\son[a-z]+\s*=").unwrap().is_match(&html), "{html}");
    }

    #[test]
    fn xss_corpus_is_inert() {
        let corpus = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=//evil/x.js></SCRIPT>",
            "<scr<script>ipt>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<img src=\"x\" ONERROR=\"alert(1)\">",
            "<img src=`x`onerror=alert(1)>",
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=alert(1)>",
            "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
            "<object data=\"javascript:alert(1)\"></object>",
            "<embed src=\"javascript:alert(1)\">",
            "<style>body{display:none}</style>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<form action=\"https://evil\"><button formaction=javascript:alert(1)>go</button></form>",
            "<base href=\"https://evil/\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<link rel=stylesheet href=https://evil/x.css>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"java\tscript:alert(1)\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
            "<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>",
            "<a href=\" d&#x61;ta:text/html,x\">x</a>",
            "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
            "<div onclick=\"alert(1)\">click</div>",
            "<details open ontoggle=alert(1)>",
            "<body onload=alert(1)>",
            "<input onfocus=alert(1) autofocus>",
            "<textarea>x</textarea><select><option>1</option></select>",
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](java%0ascript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x]: javascript:alert(1)\n\n[y][x]",
            "<javascript:alert(1)>",
            "<data:text/html,alert(1)>",
            "![x](javascript:alert(1))",
            "![x](x\" onerror=\"alert(1))",
            "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "*<img src=x onerror=alert(1)>*",
            "> <script>alert(1)</script>",
            "- [ ] <span onmouseover=alert(1)>x</span>",
            "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
            "<div>\n\n**bold** <script>alert(1)</script>\n\n</div>",
            "<!-- <script>alert(1)</script> -->",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "```html\n<script>alert(1)</script>\n```",
            "`<script>alert(1)</script>`",
            "```\" onmouseover=\"alert(1)\nx\n```",
        ];
        for markdown in corpus {
            assert_inert(markdown);
        }
    }

    #[test]
    fn code_keeps_its_text_escaped() {
        let html = check("```html\n<script>alert(1)</script>\n```");
        assert_eq!(html, "<pre><code class=\"language-html\">&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n");
        let html = check("```\" onmouseover=\"alert(1)\nx\n```");
        assert!(html.starts_with("<pre><code>x"), "{html}");
    }

    #[test]
    fn markdown_features_render() {
        let html = check("| a | b |\n|:-:|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th class=\"align-center\">a</th>"), "{html}");
        assert!(!html.contains("style="), "the page allows no style attribute: {html}");
        let raw = check(
            "<table><tr><td style=\"text-align: justify; color: red\">x</td><td style=\"text-align:right\">y</td></tr></table>",
        );
        assert!(raw.contains("<td>x</td><td class=\"align-right\">y</td>"), "{raw}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\">"), "{html}");
        assert!(html.contains("<input disabled=\"\" type=\"checkbox\">"), "{html}");
    }

    #[test]
    fn admonitions_and_details_render() {
        let html = check("> [!WARNING]\n> This **drops** the table.\n\n> A plain quote.\n");
        assert_eq!(
            html,
            "<aside class=\"admonition admonition-warning\"><p class=\"admonition-title\">Warning</p>\n\
             <p>This <strong>drops</strong> the table.</p>\n</aside>\n<blockquote>\n<p>A plain quote.</p>\n</blockquote>\n"
        );
        for (marker, title) in [("NOTE", "Note"), ("TIP", "Tip"), ("IMPORTANT", "Important"), ("CAUTION", "Caution")] {
            let html = check(&format!("> [!{marker}]\n> x\n"));
            assert!(
                html.contains(&format!(
                    "admonition-{}\"><p class=\"admonition-title\">{title}</p>",
                    marker.to_lowercase()
                )),
                "{html}"
            );
        }
        let html = check("<details open><summary>Why?</summary>\n\nBecause.\n\n</details>\n");
        assert_eq!(html, "<details open=\"\"><summary>Why?</summary>\n<p>Because.</p>\n</details>\n");
        // Classes an author writes by hand survive only as the renderer's own.
        assert_eq!(check("<aside class=\"x admonition\">a</aside>"), "<aside>a</aside>");
        assert_eq!(check("<p class=\"evil\">a</p>"), "<p>a</p>");
    }

    #[test]
    fn links_are_safe_and_external_ones_open_apart() {
        let html = check("[docs](https://sqlite.org/lang.html \"SQLite\") and [next](../02-x/content.md)");
        assert!(html.contains(
            "<a href=\"https://sqlite.org/lang.html\" title=\"SQLite\" target=\"_blank\" rel=\"noopener noreferrer\">docs</a>"
        ), "{html}");
        assert!(html.contains("<a href=\"../02-x/content.md\" rel=\"noopener noreferrer\">next</a>"), "{html}");
        let html = check("<https://example.org>");
        assert!(html.contains("target=\"_blank\""), "{html}");
        let html = check("[x](javascript:alert(1))");
        assert_eq!(html, "<p><a rel=\"noopener noreferrer\">x</a></p>\n");
    }

    #[test]
    fn images_of_the_workshop_become_data_urls_and_others_their_alt_text() {
        let html = check("![Venn](../../assets/images/join.svg)");
        assert!(html.starts_with("<p><img src=\"data:image/svg+xml;base64,"), "{html}");
        assert!(html.contains("alt=\"Venn\""), "{html}");
        assert_eq!(check("![A cat](https://evil.example/cat.png)"), "<p>A cat</p>\n");
        assert_eq!(check("![Gone](../../assets/images/missing.png)"), "<p>Gone</p>\n");
        assert_eq!(check("![Up](../../../etc/passwd)"), "<p>Up</p>\n");
        assert_eq!(check("<img src=\"../../assets/images/join.svg\" alt=\"raw\">"), "<img alt=\"raw\">");
    }

    #[test]
    fn non_image_assets_are_not_shown() {
        let asset = Asset { path: "x.html".into(), media_type: "text/html".into(), data: b"<script>".to_vec() };
        assert_eq!(render("![x](../../assets/x.html)", &[asset]), "<p>x</p>\n");
    }

    #[test]
    fn headings_get_prefixed_unique_ids() {
        let html = check("# How a join works\n## `ON` clause\n# How a join works\n<h2 id=\"app\">raw</h2>");
        assert!(html.contains("<h1 id=\"md-how-a-join-works\">"), "{html}");
        assert!(html.contains("<h2 id=\"md-on-clause\"><code>ON</code> clause</h2>"), "{html}");
        assert!(html.contains("<h1 id=\"md-how-a-join-works-2\">"), "{html}");
        assert!(html.contains("<h2 id=\"md-app\">raw</h2>"), "{html}");
    }
}
