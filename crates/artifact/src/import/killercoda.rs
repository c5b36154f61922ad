//! A Killercoda scenario: `index.json` (title, description, intro, steps, finish, their
//! Markdown, `verify`, `background` and `foreground` scripts, host assets) into a workshop.
//!
//! Intro and finish become the first and last steps; each `verify` script an `external` check
//! (runner `bash`, the script as its spec: shown, not run); the scripts are kept in the step's
//! files (`killercoda/`), host assets in the first step's (`host01/<target>/…`). `{{exec}}` and
//! `{{copy}}` markers become plain code (the player gives it Copy, and Run when it is SQL).

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex_lite::Regex;
use serde::Deserialize;

use crate::archive::FileTree;
use crate::error::{Error, Result, Shown};
use crate::import::markdown::{Images, outside_code, slugify, unique_slug};
use crate::import::{Imported, Report, SourceKind};
use crate::model::{Artifact, ArtifactKind, Asset, Rule, Step, Unlock, Validation, Workshop, WorkshopMeta};

#[derive(Debug, Default, Deserialize)]
struct Index {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    details: Details,
    #[serde(default)]
    backend: Option<serde_json::Value>,
    #[serde(default)]
    interface: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Details {
    #[serde(default)]
    intro: Option<Page>,
    #[serde(default)]
    steps: Vec<Page>,
    #[serde(default)]
    finish: Option<Page>,
    #[serde(default)]
    assets: BTreeMap<String, Vec<HostAsset>>,
}

#[derive(Debug, Default, Deserialize)]
struct Page {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    verify: Option<String>,
    #[serde(default)]
    background: Option<String>,
    #[serde(default)]
    foreground: Option<String>,
}

#[derive(Debug, Deserialize)]
struct HostAsset {
    file: String,
    #[serde(default)]
    target: Option<String>,
}

/// What a check from a `verify` script asks.
const VERIFY_PROMPT: &str = "The check of this step passes: its script exits 0 on your lab machine. Stepwise \
                             shows it and does not run it: run it there, then mark the step done.";

static CLOSING_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)(`{3,}|~{3,})\s*\{\{[^}]*\}\}\s*$").expect("valid"));
static INLINE_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`\n]+)`\{\{([^}]*)\}\}").expect("valid"));
static TRAFFIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{TRAFFIC_HOST\d+_(\d+)\}\}|\{\{TRAFFIC_SELECTOR\}\}").expect("valid"));

/// Imports the scenario whose `index.json` is at `root` (`""` or `name/`) of `tree`.
pub(crate) fn import(tree: &FileTree, root: &str, name: &str) -> Result<Imported> {
    let index_path = format!("{root}index.json");
    let bytes = tree.get(&index_path).ok_or_else(|| Error::invalid(name, "has no index.json"))?;
    let index: Index = serde_json::from_slice(bytes)
        .map_err(|e| Error::invalid(&index_path, format!("is not a Killercoda index.json: {e}")))?;
    let mut report = Report::new();
    if let Some(image) = index.backend.as_ref().and_then(|b| b.get("imageid")).and_then(|v| v.as_str()) {
        report.push(format!(
            "index.json: the lab machine ({}) is not part of a Stepwise workshop: learners bring their own",
            Shown(image)
        ));
    }
    if index.interface.is_some() {
        report.push("index.json: `interface` (the page layout of Killercoda) has no meaning in Stepwise".to_owned());
    }
    let folder = root.trim_end_matches('/');
    let title = index.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        report.push("index.json: no title: the folder's name is used".to_owned());
        if folder.is_empty() { name.to_owned() } else { folder.to_owned() }
    });
    let mut slug = slugify(if folder.is_empty() { &title } else { folder });
    if slug.is_empty() {
        slug = "scenario".to_owned();
    }

    let mut pages: Vec<(&Page, &str, String)> = Vec::new();
    if let Some(intro) = &index.details.intro {
        pages.push((intro, "intro", "Introduction".to_owned()));
    }
    for (i, step) in index.details.steps.iter().enumerate() {
        pages.push((step, "", format!("Step {}", i + 1)));
    }
    if let Some(finish) = &index.details.finish {
        pages.push((finish, "finish", "Finish".to_owned()));
    }
    if pages.is_empty() {
        return Err(Error::invalid(&index_path, "names no intro, step or finish: there is nothing to import"));
    }

    let mut assets: Vec<Asset> = Vec::new();
    let mut used = HashSet::new();
    let mut steps = Vec::new();
    for (i, (page, fixed_slug, fallback_title)) in pages.iter().enumerate() {
        let text_path = page.text.as_deref();
        let raw = match text_path {
            Some(p) => {
                let full = format!("{root}{p}");
                let bytes = tree
                    .get(&full)
                    .ok_or_else(|| Error::invalid(&index_path, format!("names {}, which is not there", Shown(p))))?;
                String::from_utf8_lossy(bytes).into_owned()
            }
            None => String::new(),
        };
        let (heading, body) = first_heading(&raw);
        let title = page
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or(heading.clone())
            .unwrap_or_else(|| fallback_title.clone());
        let body =
            if page.title.as_deref().is_none_or(|t| t.trim().is_empty()) && heading.is_some() { body } else { raw };
        let file = text_path.unwrap_or("index.json");
        let content = {
            let mut images = Images { tree, root, assets: &mut assets, report: &mut report };
            rewrite(&body, file, &mut images)
        };
        let base = if fixed_slug.is_empty() { slugify(&title) } else { (*fixed_slug).to_owned() };
        let step_slug = unique_slug(&base, &format!("step-{}", i + 1), &mut used);

        let mut files = FileTree::new();
        for (what, script) in
            [("verify", &page.verify), ("background", &page.background), ("foreground", &page.foreground)]
        {
            let Some(script) = script else { continue };
            let bytes = tree
                .get(&format!("{root}{script}"))
                .ok_or_else(|| Error::invalid(&index_path, format!("names {}, which is not there", Shown(script))))?;
            files.insert(&format!("killercoda/{what}.sh"), bytes)?;
            if what != "verify" {
                report.push(format!(
                    "{script}: the {what} script of step {} is not run by Stepwise: it is kept in the step's files",
                    Shown(&step_slug)
                ));
            }
        }
        if i == 0 {
            host_assets(tree, root, &index.details.assets, &mut files, &mut report)?;
        }
        let validations = match &page.verify {
            Some(script) => vec![Validation {
                id: "verify".to_owned(),
                prompt: VERIFY_PROMPT.to_owned(),
                hints: Vec::new(),
                rule: Rule::External {
                    runner: "bash".to_owned(),
                    spec: String::from_utf8_lossy(tree.get(&format!("{root}{script}")).unwrap_or_default())
                        .into_owned(),
                },
                solution: None,
                feedback: None,
            }],
            None => Vec::new(),
        };
        let artifacts = if files.is_empty() {
            Vec::new()
        } else {
            vec![Artifact { kind: ArtifactKind::Files, data: files.to_tar()? }]
        };
        steps.push(Step {
            slug: step_slug,
            title,
            minutes: None,
            unlock: None,
            content,
            setup: None,
            validations,
            artifacts,
        });
    }
    let workshop = Workshop {
        meta: WorkshopMeta {
            slug,
            title,
            version: "1.0.0".to_owned(),
            summary: index.description.clone().unwrap_or_default(),
            authors: Vec::new(),
            language: "en".to_owned(),
            license: None,
            unlock: Unlock::AfterPrevious,
            solution_after: crate::model::DEFAULT_SOLUTION_AFTER,
        },
        steps,
        assets,
    };
    Ok(Imported { kind: SourceKind::Killercoda, workshop, report })
}

/// The text of the first `# ` heading of `markdown` when it is the first thing in it, and the
/// rest without it.
fn first_heading(markdown: &str) -> (Option<String>, String) {
    let trimmed = markdown.trim_start();
    match trimmed.strip_prefix("# ") {
        Some(rest) => {
            let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
            (Some(line.trim().to_owned()), after.trim_start_matches('\n').to_owned())
        }
        None => (None, markdown.to_owned()),
    }
}

/// A step's Markdown with Killercoda's markers made plain Markdown and its images carried.
fn rewrite(markdown: &str, file: &str, images: &mut Images<'_>) -> String {
    // A marker after a closing fence would keep a Markdown parser's code block open: first.
    let mut execs = 0usize;
    let closed: String = markdown
        .split_inclusive('\n')
        .map(|line| {
            let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
            if CLOSING_MARKER.is_match(body) {
                execs += 1;
                format!("{}{end}", CLOSING_MARKER.replace(body, "$1$2"))
            } else {
                line.to_owned()
            }
        })
        .collect();
    let mut traffic = false;
    let out = outside_code(
        &closed,
        |line| {
            let trimmed = line.trim();
            let line = match INLINE_MARKER.captures(trimmed) {
                // A command alone on its line: a code block, with the Copy (and Run) it had.
                Some(c) if c.get(0).is_some_and(|m| m.as_str() == trimmed) && !c[2].trim().is_empty() => {
                    execs += 1;
                    format!("```\n{}\n```", &c[1])
                }
                _ => INLINE_MARKER
                    .replace_all(line, |c: &regex_lite::Captures<'_>| {
                        if !c[2].trim().is_empty() {
                            execs += 1;
                        }
                        format!("`{}`", &c[1])
                    })
                    .into_owned(),
            };
            let line = TRAFFIC
                .replace_all(&line, |c: &regex_lite::Captures<'_>| {
                    traffic = true;
                    c.get(1).map_or_else(String::new, |port| format!("http://localhost:{}", port.as_str()))
                })
                .into_owned();
            images.rewrite(file, &line)
        },
        |fence| {
            // `yaml{2,5,6}` (highlighted lines) → `yaml`; the common typo `plan` → `plain`.
            let marker_len = fence.trim_start().chars().take_while(|c| *c == '`' || *c == '~').count();
            let indent = fence.len() - fence.trim_start().len();
            let (head, info) = fence.split_at(indent + marker_len);
            let lang = info.trim().split('{').next().unwrap_or("").trim();
            let lang = if lang == "plan" { "plain" } else { lang };
            format!("{head}{lang}")
        },
    );
    if execs > 0 {
        images
            .report
            .push(format!("{file}: {execs} command(s) marked to run in Killercoda's terminal: shown as code to copy"));
    }
    if traffic {
        images.report.push(format!(
            "{file}: links to the lab machine's ports point at http://localhost: the learner's own machine"
        ));
    }
    out
}

/// The files `details.assets` copies onto the lab machines, under `<host>/<target>/` in `files`.
fn host_assets(
    tree: &FileTree,
    root: &str,
    hosts: &BTreeMap<String, Vec<HostAsset>>,
    files: &mut FileTree,
    report: &mut Report,
) -> Result<()> {
    let source = tree.subtree(&format!("{root}assets"));
    for (host, list) in hosts {
        let host_dir = slugify(host);
        for asset in list {
            let target = asset.target.as_deref().unwrap_or("/root").trim_matches('/');
            let target = if target == "~" { "root" } else { target.trim_start_matches("~/") };
            let matched: Vec<(String, Vec<u8>)> =
                source.iter().filter(|(p, _)| glob(&asset.file, p)).map(|(p, d)| (p.to_owned(), d.to_vec())).collect();
            if matched.is_empty() {
                report.push(format!("index.json: the asset {} matches no file of assets/", Shown(&asset.file)));
            }
            for (path, data) in matched {
                let at = [host_dir.as_str(), target, path.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(&at, data)?;
            }
        }
    }
    Ok(())
}

/// Whether `path` matches Killercoda's asset pattern (`*` within a name, `**` across folders).
fn glob(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) if p.get(1) == Some(&b'*') => {
                let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
                (0..=s.len()).any(|i| go(rest, &s[i..]))
            }
            (Some(b'*'), _) => (0..=s.len()).take_while(|i| *i == 0 || s[i - 1] != b'/').any(|i| go(&p[1..], &s[i..])),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_killercoda_means_them() {
        assert!(glob("demo.yaml", "demo.yaml"));
        assert!(glob("*", "demo.yaml"));
        assert!(!glob("*", "dir/demo.yaml"));
        assert!(glob("**", "dir/demo.yaml"));
        assert!(glob("**/*.json", "a/b/c.json"));
        assert!(glob("app*/**/*.*", "app1/x/y.txt"));
        assert!(!glob("*.json", "a.yaml"));
    }

    #[test]
    fn markers_become_plain_markdown() {
        let tree = FileTree::new();
        let (mut assets, mut report) = (Vec::new(), Vec::new());
        let mut images = Images { tree: &tree, root: "", assets: &mut assets, report: &mut report };
        let md = "Run\n\n`ls -lh`{{exec}}\n\nthen `whoami`{{exec interrupt}} and `x`{{}}.\n\n```yaml{2}\na: 1\n```{{copy}}\n\nSee [it]({{TRAFFIC_HOST1_8080}}/p).\n";
        let out = rewrite(md, "step1.md", &mut images);
        assert_eq!(
            out,
            "Run\n\n```\nls -lh\n```\n\nthen `whoami` and `x`.\n\n```yaml\na: 1\n```\n\nSee [it](http://localhost:8080/p).\n"
        );
        assert_eq!(report.len(), 2, "{report:?}");
        assert!(report[0].contains("3 command(s)"), "{report:?}");
    }
}
