//! What both importers do to Markdown: slugs from titles, paths resolved against the file that
//! names them, images carried into the workshop's assets, and changes only outside code.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::archive::FileTree;
use crate::error::Shown;
use crate::model::Asset;
use crate::text::media_type_of;

/// A slug (`[a-z0-9-]`, at most 64 characters) from a title or name: `Load the customers` →
/// `load-the-customers`; `""` when nothing of it is a letter or digit.
///
/// ```
/// assert_eq!(stepwise_artifact::import::slugify("getting_started_with_SQL!"), "getting-started-with-sql");
/// ```
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 64 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `base` (or `fallback` when empty), made unique among `used` with `-2`, `-3`…
pub(crate) fn unique_slug(base: &str, fallback: &str, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { fallback.to_owned() } else { base.to_owned() };
    let mut slug = base.clone();
    let mut n = 2;
    while !used.insert(slug.clone()) {
        let suffix = format!("-{n}");
        slug = format!("{}{suffix}", &base[..base.len().min(64 - suffix.len())]);
        n += 1;
    }
    slug
}

/// `link` resolved against the folder of `from` (both `/`-separated, relative to the source's
/// root); `None` when it leaves the root or is not a relative path.
pub fn resolve(from: &str, link: &str) -> Option<String> {
    let link = link.split(['?', '#']).next()?;
    if link.is_empty() || link.contains(':') || link.starts_with('/') || link.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Applies `change` to every line of `markdown` outside fenced code blocks; lines inside them
/// stay as they are. A fence's opening line is given to `fence` (to rewrite its info string).
pub(crate) fn outside_code(
    markdown: &str,
    mut change: impl FnMut(&str) -> String,
    mut fence: impl FnMut(&str) -> String,
) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut open: Option<String> = None;
    for line in markdown.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let trimmed = body.trim_start();
        let marker: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
        match &open {
            Some(opening) => {
                if marker.len() >= opening.len()
                    && marker.starts_with(&opening[..1])
                    && trimmed[marker.len()..].trim().is_empty()
                {
                    open = None;
                }
                out.push_str(body);
            }
            None if marker.len() >= 3 && (marker.chars().all(|c| c == '`') || marker.chars().all(|c| c == '~')) => {
                open = Some(marker.clone());
                out.push_str(&fence(body));
            }
            None => out.push_str(&change(body)),
        }
        out.push_str(end);
    }
    out
}

static MD_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#).expect("valid"));
static HTML_IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<img\b[^>]*>").expect("valid"));
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("valid"));

/// The local image paths `markdown` names (`![…](path)` and `<img src>`), as written.
pub fn local_images(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = MD_IMAGE.captures_iter(markdown).map(|c| c[2].to_owned()).collect();
    for tag in HTML_IMAGE.find_iter(markdown) {
        for a in ATTRIBUTE.captures_iter(tag.as_str()) {
            if a[1].eq_ignore_ascii_case("src") {
                out.push(a.get(2).or(a.get(3)).or(a.get(4)).map_or("", |m| m.as_str()).to_owned());
            }
        }
    }
    out.retain(|p| !p.contains("://"));
    out
}

/// Carries the images of one Markdown file into the workshop: a local image becomes an asset
/// (`assets/<its path in the source>`) written as `![alt](../../assets/…)`, the only form the
/// player shows; a remote one becomes a link, a missing one its alt text (both reported).
pub(crate) struct Images<'a> {
    /// The source.
    pub tree: &'a FileTree,
    /// Where the source's root is in `tree` (`""` or `name/`).
    pub root: &'a str,
    /// The workshop's assets so far (by path).
    pub assets: &'a mut Vec<Asset>,
    /// What could not be carried.
    pub report: &'a mut Vec<String>,
}

impl Images<'_> {
    /// `line` of the Markdown file `file` (relative to the root), its images rewritten.
    pub(crate) fn rewrite(&mut self, file: &str, line: &str) -> String {
        let line =
            MD_IMAGE.replace_all(line, |c: &regex_lite::Captures<'_>| self.image(file, &c[1], &c[2])).into_owned();
        HTML_IMAGE
            .replace_all(&line, |c: &regex_lite::Captures<'_>| {
                let (mut src, mut alt) = (String::new(), String::new());
                for a in ATTRIBUTE.captures_iter(&c[0]) {
                    let value = a.get(2).or(a.get(3)).or(a.get(4)).map_or("", |m| m.as_str()).to_owned();
                    if a[1].eq_ignore_ascii_case("src") {
                        src = value;
                    } else {
                        alt = value;
                    }
                }
                if src.is_empty() {
                    return alt;
                }
                self.image(file, &alt, &src)
            })
            .into_owned()
    }

    fn image(&mut self, file: &str, alt: &str, src: &str) -> String {
        let lower = src.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            self.report.push(format!("{file}: the image {} is on another site: kept as a link", Shown(src)));
            let text = if alt.is_empty() { "image" } else { alt };
            return format!("[{text}]({src})");
        }
        let Some(path) = resolve(file, src) else {
            self.report.push(format!("{file}: the image {} is outside the source: shown as its text", Shown(src)));
            return alt.to_owned();
        };
        let Some(bytes) = self.tree.get(&format!("{}{path}", self.root)) else {
            self.report.push(format!("{file}: the image {} is missing: shown as its text", Shown(src)));
            return alt.to_owned();
        };
        if !self.assets.iter().any(|a| a.path == path) {
            self.assets.push(Asset {
                path: path.clone(),
                media_type: media_type_of(&path).to_owned(),
                data: bytes.to_vec(),
            });
            self.assets.sort_by(|a, b| a.path.cmp(&b.path));
        }
        format!("![{alt}](../../assets/{path})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_paths() {
        assert_eq!(slugify("Load the customers"), "load-the-customers");
        assert_eq!(slugify("  ¿Qué?  "), "qu");
        assert_eq!(slugify("日本"), "");
        assert_eq!(slugify(&"x".repeat(100)).len(), 64);
        let mut used = HashSet::new();
        assert_eq!(unique_slug("a", "step", &mut used), "a");
        assert_eq!(unique_slug("a", "step", &mut used), "a-2");
        assert_eq!(unique_slug("", "step", &mut used), "step");
        assert_eq!(resolve("step1/text.md", "./img/a.png").as_deref(), Some("step1/img/a.png"));
        assert_eq!(resolve("step1/text.md", "../assets/a.png").as_deref(), Some("assets/a.png"));
        assert_eq!(resolve("text.md", "../../etc/passwd"), None);
        assert_eq!(resolve("text.md", "https://x/y.png"), None);
    }

    #[test]
    fn only_lines_outside_code_change() {
        let md = "a\n```sh\na\n```\n~~~~\n```\na\n~~~~\na";
        let out = outside_code(md, |l| l.replace('a', "b"), |f| f.replace("sh", "shell"));
        assert_eq!(out, "b\n```shell\na\n```\n~~~~\n```\na\n~~~~\nb");
    }

    #[test]
    fn images_become_assets_links_or_text() {
        let mut tree = FileTree::new();
        tree.insert("s/step1/a.png", b"png".to_vec()).unwrap();
        let (mut assets, mut report) = (Vec::new(), Vec::new());
        let mut images = Images { tree: &tree, root: "s/", assets: &mut assets, report: &mut report };
        assert_eq!(images.rewrite("step1/text.md", "See ![A](./a.png \"t\")."), "See ![A](../../assets/step1/a.png).");
        assert_eq!(
            images.rewrite("step1/text.md", r#"<img src="a.png" width="100px" alt='B'> and <img src=https://x/y.png>"#),
            "![B](../../assets/step1/a.png) and [image](https://x/y.png)"
        );
        assert_eq!(images.rewrite("step1/text.md", "![gone](missing.png)"), "gone");
        assert_eq!(assets.len(), 1);
        assert_eq!(report.len(), 2);
    }
}
