//! A Google Codelab in claat's Markdown: a metadata header (`id:`, `summary:`, `authors:`…),
//! `# Title`, one step per `## ` heading with its `Duration:`, info boxes (`Positive` /
//! `Negative`, `<aside class="…">`, `> aside …`), download buttons, surveys and images.
//!
//! Info boxes become admonitions (`> [!TIP]`, `> [!WARNING]`), buttons plain links, surveys a
//! question and its answers, embedded videos links; every local image an asset.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::archive::FileTree;
use crate::error::{Error, Result, Shown};
use crate::import::markdown::{Images, slugify, unique_slug};
use crate::import::{Imported, Report, SourceKind};
use crate::model::{Asset, Step, Unlock, Workshop, WorkshopMeta};

/// Header keys Stepwise has no place for (reported when present).
const UNUSED_KEYS: [&str; 7] =
    ["categories", "environments", "status", "feedback link", "analytics account", "tags", "badge path"];

static DURATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\s*duration:\s*([0-9:]+)\s*$").expect("valid"));
static ENVIRONMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\s*environments?:\s*(.*)$").expect("valid"));
static BUTTON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<button>\s*(\[[^\]]*\]\([^)]*\))\s*</button>").expect("valid"));
static ASIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<aside(?:\s+class\s*=\s*"(positive|negative)")?\s*>(.*?)</aside>"#).expect("valid")
});
static VIDEO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<video\s+id\s*=\s*"([^"]+)"\s*>\s*</video>"#).expect("valid"));
static SURVEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<form>(.*?)</form>").expect("valid"));
static SURVEY_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<name>(.*?)</name>").expect("valid"));
static SURVEY_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<input[^>]*\bvalue\s*=\s*"([^"]*)""#).expect("valid"));
static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("valid"));

/// Whether `text` starts with claat's metadata header: its first paragraph holds `id: …`.
pub(crate) fn looks_like_codelab(text: &str) -> bool {
    header_lines(text).iter().any(|(k, v)| k == "id" && !v.is_empty())
}

/// The `key: value` lines of the first paragraph (inside `---` fences or not), keys lower-cased.
fn header_lines(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty() || *l == "---");
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.is_empty() || line == "---" {
            break;
        }
        match line.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains('#') => {
                out.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
            _ => return Vec::new(),
        }
    }
    out
}

/// Minutes of a claat `Duration:` (`5`, `5:30`, `1:02:00`), rounded up; `None` for 0 or nonsense.
fn minutes(value: &str) -> Option<u32> {
    let parts: Vec<u64> = value.split(':').map(|p| p.parse::<u64>().ok()).collect::<Option<_>>()?;
    let seconds = match parts.as_slice() {
        [m] => m * 60,
        [m, s] => m * 60 + s,
        [h, m, s] => h * 3600 + m * 60 + s,
        _ => return None,
    };
    u32::try_from(seconds.div_ceil(60)).ok().filter(|m| *m > 0)
}

/// Imports the Codelab in `file` of `tree`; its images are looked up next to it.
pub(crate) fn import(tree: &FileTree, file: &str, name: &str) -> Result<Imported> {
    let bytes = tree.get(file).ok_or_else(|| Error::invalid(name, format!("has no {}", Shown(file))))?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| Error::invalid(file, "is not UTF-8 text"))?;
    let header = header_lines(&text);
    let get = |key: &str| header.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let id = get("id").unwrap_or_default();
    let mut report = Report::new();
    for (k, _) in &header {
        if UNUSED_KEYS.contains(&k.as_str()) {
            report.push(format!("{file}: the header's {k} has no place in a Stepwise workshop"));
        } else if !["id", "summary", "authors", "author"].contains(&k.as_str()) {
            report.push(format!("{file}: the header key {} is not one Stepwise knows", Shown(k)));
        }
    }
    if get("status").is_some_and(|s| !s.eq_ignore_ascii_case("published")) {
        report.push(format!(
            "{file}: the codelab's status is {}, not Published",
            Shown(&get("status").unwrap_or_default())
        ));
    }
    let authors: Vec<String> = get("authors")
        .or_else(|| get("author"))
        .map(|a| a.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();

    // The body: after the header, without HTML comments (claat's step separators).
    let body: String = {
        let mut lines = text.lines().skip_while(|l| l.trim().is_empty() || l.trim() == "---");
        for line in lines.by_ref() {
            if line.trim().is_empty() || line.trim() == "---" {
                break;
            }
        }
        lines.collect::<Vec<_>>().join("\n")
    };
    let body = COMMENT.replace_all(&body, "").into_owned();

    let mut title: Option<String> = None;
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    let mut before_steps = false;
    let mut in_code = false;
    for line in body.lines() {
        let fence = line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~");
        if !in_code && let Some(h) = line.strip_prefix("## ") {
            sections.push((h.trim().to_owned(), Vec::new()));
            continue;
        }
        if !in_code
            && title.is_none()
            && sections.is_empty()
            && let Some(h) = line.strip_prefix("# ")
        {
            title = Some(h.trim().to_owned());
            continue;
        }
        if fence {
            in_code = !in_code;
        }
        match sections.last_mut() {
            Some((_, lines)) => lines.push(line),
            None if !line.trim().is_empty() => before_steps = true,
            None => {}
        }
    }
    if before_steps {
        report.push(format!("{file}: text before the first step (`## `) is left out, as claat leaves it out"));
    }
    let title = title.unwrap_or_else(|| {
        report.push(format!("{file}: no `# ` title: the id is used"));
        id.clone()
    });
    sections.retain(|(heading, _)| !heading.is_empty());
    if sections.is_empty() {
        return Err(Error::invalid(file, "has no step: a codelab's steps are its `## ` headings"));
    }

    let root = match file.rfind('/') {
        Some(i) => &file[..=i],
        None => "",
    };
    let md_name = &file[root.len()..];
    let mut assets: Vec<Asset> = Vec::new();
    let mut used = HashSet::new();
    let mut steps = Vec::new();
    for (i, (heading, lines)) in sections.iter().enumerate() {
        let mut step_minutes = None;
        let mut kept: Vec<&str> = Vec::new();
        for line in lines {
            if let Some(c) = DURATION.captures(line) {
                step_minutes = minutes(&c[1]);
                continue;
            }
            if let Some(c) = ENVIRONMENT.captures(line) {
                report.push(format!(
                    "{file}: step {} is for the environments {}: Stepwise shows every step",
                    Shown(heading),
                    Shown(c[1].trim())
                ));
                continue;
            }
            kept.push(line);
        }
        let raw = kept.join("\n").trim().to_owned() + "\n";
        let content = {
            let mut images = Images { tree, root, assets: &mut assets, report: &mut report };
            rewrite(&raw, md_name, heading, &mut images)
        };
        steps.push(Step {
            slug: unique_slug(&slugify(heading), &format!("step-{}", i + 1), &mut used),
            title: heading.clone(),
            minutes: step_minutes,
            unlock: None,
            content,
            setup: None,
            validations: Vec::new(),
            artifacts: Vec::new(),
        });
    }
    let mut slug = slugify(&id);
    if slug.is_empty() {
        slug = slugify(md_name.trim_end_matches(".md"));
    }
    if slug.is_empty() {
        slug = "codelab".to_owned();
    }
    let workshop = Workshop {
        meta: WorkshopMeta {
            slug,
            title,
            version: "1.0.0".to_owned(),
            summary: get("summary").unwrap_or_default(),
            authors,
            language: "en".to_owned(),
            license: None,
            unlock: Unlock::Free,
            solution_after: crate::model::DEFAULT_SOLUTION_AFTER,
        },
        steps,
        assets,
    };
    Ok(Imported { kind: SourceKind::Codelab, workshop, report })
}

/// A step's Markdown with claat's constructs made Stepwise's, and its images carried.
fn rewrite(markdown: &str, file: &str, step: &str, images: &mut Images<'_>) -> String {
    // Whole-block constructs first (they span lines).
    let mut text = BUTTON.replace_all(markdown, "$1").into_owned();
    text = ASIDE
        .replace_all(&text, |c: &regex_lite::Captures<'_>| {
            let kind =
                if c.get(1).is_some_and(|m| m.as_str().eq_ignore_ascii_case("negative")) { "WARNING" } else { "TIP" };
            admonition(kind, c[2].trim())
        })
        .into_owned();
    let mut embeds = 0usize;
    text = VIDEO
        .replace_all(&text, |c: &regex_lite::Captures<'_>| {
            embeds += 1;
            format!("[Video on YouTube](https://www.youtube.com/watch?v={})", &c[1])
        })
        .into_owned();
    let mut surveys = 0usize;
    text = SURVEY
        .replace_all(&text, |c: &regex_lite::Captures<'_>| {
            surveys += 1;
            let question = SURVEY_NAME.captures(&c[1]).map(|n| n[1].trim().to_owned()).unwrap_or_default();
            let answers: Vec<String> = SURVEY_VALUE.captures_iter(&c[1]).map(|v| format!("- {}", &v[1])).collect();
            format!("**{question}**\n\n{}\n", answers.join("\n"))
        })
        .into_owned();
    // Line by line, outside code: `Positive`/`Negative` boxes, `> aside …` quotes, images.
    let mut out: Vec<String> = Vec::new();
    let mut boxed = false;
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            boxed = false;
            out.push(line.to_owned());
            continue;
        }
        if in_code {
            out.push(line.to_owned());
            continue;
        }
        if boxed {
            if let Some(item) = trimmed.strip_prefix(": ").or_else(|| trimmed.strip_prefix(':')) {
                out.push("> ".to_owned());
                out.push(format!("> {}", images.rewrite(file, item.trim())));
                continue;
            }
            if !trimmed.is_empty() {
                out.push(format!("> {}", images.rewrite(file, trimmed)));
                continue;
            }
            boxed = false;
            out.push(String::new());
            continue;
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower == "positive" || lower == "negative" {
            boxed = true;
            out.push(format!("> [!{}]", if lower == "positive" { "TIP" } else { "WARNING" }));
            continue;
        }
        if let Some(kind) = lower.strip_prefix("> aside ") {
            let kind = if kind.trim() == "negative" { "WARNING" } else { "TIP" };
            out.push(format!("> [!{kind}]"));
            continue;
        }
        out.push(images.rewrite(file, line));
    }
    // The first item of a box came right after its `> [!…]` line: drop the empty quote line
    // between them.
    let mut cleaned: Vec<String> = Vec::with_capacity(out.len());
    for line in out {
        if line == "> " && cleaned.last().is_some_and(|l| l.starts_with("> [!")) {
            continue;
        }
        if line.trim() == ">" && cleaned.last().is_some_and(|l| l.starts_with("> [!")) {
            continue;
        }
        cleaned.push(line);
    }
    if embeds > 0 {
        images.report.push(format!("{file}: step {}: {embeds} embedded video(s) become links", Shown(step)));
    }
    if surveys > 0 {
        images
            .report
            .push(format!("{file}: step {}: {surveys} survey(s) become a question and its answers", Shown(step)));
    }
    cleaned.join("\n").trim_end().to_owned() + "\n"
}

/// `inner` (Markdown or simple HTML) as a GitHub admonition.
fn admonition(kind: &str, inner: &str) -> String {
    let mut out = format!("> [!{kind}]\n");
    for line in inner.lines() {
        out.push_str("> ");
        out.push_str(line.trim());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_up_like_claat() {
        assert_eq!(minutes("1:00"), Some(1));
        assert_eq!(minutes("13:37"), Some(14));
        assert_eq!(minutes("00:90"), Some(2));
        assert_eq!(minutes("00:90:00"), Some(90));
        assert_eq!(minutes("3"), Some(3));
        assert_eq!(minutes("0"), None);
        assert_eq!(minutes("soon"), None);
    }

    #[test]
    fn headers_are_the_first_paragraph() {
        assert!(looks_like_codelab("id: x\nsummary: y\n\n# T"));
        assert!(looks_like_codelab("---\nid: x\nauthor: a\n---\n# T"));
        assert!(!looks_like_codelab("# Title\n\nid: x"));
        assert!(!looks_like_codelab("summary: y\n\n# T"));
    }
}
