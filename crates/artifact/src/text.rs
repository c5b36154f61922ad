//! The workshop text form: `workshop.yaml`, step folders, assets and runtime CSV, both ways.
//!
//! [`export`] turns a workshop database into a [`FileTree`] (lossless, deterministic);
//! [`parse`] reads such a tree (an author's folder or an exported zip) into the model, reporting
//! the file and line of every mistake; [`build`] writes it into an empty database. The layout is
//! documented in `docs/format.md`.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::archive::{FileTree, Limits};
use crate::db::schema::{RUNTIME_TABLES, is_slug};
use crate::error::{Error, Result, SqlContext};
use crate::model::*;

/// The version of the text form this build writes and reads (`version:` in `workshop.yaml`).
pub const TEXT_FORM_VERSION: u32 = 1;

const WORKSHOP_YAML: &str = "workshop.yaml";
const GITIGNORE: &[u8] = b"# The built workshop is derived from these files: keep it out of Git.\n*.db\n";
const STEP_FILES: &[&str] = &["content.md", "manifests.yaml", "state.yaml", "files.tar", "files/"];

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkshopDoc {
    version: u32,
    workshop: WorkshopMeta,
    #[serde(default)]
    steps: Vec<StepDoc>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDoc {
    slug: String,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unlock: Option<Unlock>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    validations: Vec<ValidationDoc>,
}

/// A validation as authors write it: the rule's fields side by side with `kind`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidationDoc {
    id: String,
    kind: String,
    prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect: Option<serde_norway::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    runner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    spec: Option<String>,
}

impl ValidationDoc {
    fn from_model(v: &Validation) -> Result<Self> {
        let mut d = ValidationDoc {
            id: v.id.clone(),
            kind: v.rule.kind().to_owned(),
            prompt: v.prompt.clone(),
            hint: v.hint.clone(),
            query: None,
            expect: None,
            runner: None,
            spec: None,
        };
        match &v.rule {
            Rule::Sql { query, expect } => {
                d.query = Some(query.clone());
                d.expect = Some(to_yaml(expect)?);
            }
            Rule::Answer { expect } => d.expect = Some(to_yaml(expect)?),
            Rule::Manual {} => {}
            Rule::External { runner, spec } => {
                d.runner = Some(runner.clone());
                d.spec = Some(spec.clone());
            }
        }
        Ok(d)
    }

    fn into_model(self, step: &str, source: &str, block: &Lines) -> Result<Validation> {
        let here = format!("validation {:?} of step {step:?}", self.id);
        let line = line_of(source, block, "id", &self.id);
        let err = |reason: String| Error::Yaml { file: WORKSHOP_YAML.into(), line, reason };
        if !is_slug(&self.id) {
            return Err(err(format!("{here}: the id must be {}", crate::db::schema::SLUG_RULE)));
        }
        let stray = |fields: &[(&str, bool)]| -> Result<()> {
            match fields.iter().find(|(_, present)| *present) {
                Some((name, _)) => Err(err(format!("{here}: `{name}` does not belong to kind {}", self.kind))),
                None => Ok(()),
            }
        };
        fn need<T>(v: Option<T>, name: &str, kind: &str, err: &dyn Fn(String) -> Error) -> Result<T> {
            v.ok_or_else(|| err(format!("kind {kind} needs `{name}`")))
        }
        fn expect_as<T: serde::de::DeserializeOwned>(
            v: serde_norway::Value,
            form: &str,
            err: &dyn Fn(String) -> Error,
        ) -> Result<T> {
            serde_norway::from_value(v).map_err(|e| err(format!("`expect` is not {form}: {e}")))
        }
        let here_err = |reason: String| err(format!("{here}: {reason}"));
        let kind = self.kind.clone();
        let rule = match self.kind.as_str() {
            "sql" => {
                stray(&[("runner", self.runner.is_some()), ("spec", self.spec.is_some())])?;
                let query = need(self.query, "query", &kind, &here_err)?;
                let expect = expect_as(
                    need(self.expect, "expect", &kind, &here_err)?,
                    "scalar, rows, non_empty or empty",
                    &here_err,
                )?;
                Rule::Sql { query, expect }
            }
            "answer" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                ])?;
                Rule::Answer {
                    expect: expect_as(need(self.expect, "expect", &kind, &here_err)?, "any_of or pattern", &here_err)?,
                }
            }
            "manual" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("expect", self.expect.is_some()),
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                ])?;
                Rule::Manual {}
            }
            "external" => {
                stray(&[("query", self.query.is_some()), ("expect", self.expect.is_some())])?;
                Rule::External {
                    runner: need(self.runner, "runner", &kind, &here_err)?,
                    spec: need(self.spec, "spec", &kind, &here_err)?,
                }
            }
            other => {
                return Err(err(format!("{here}: unknown kind {other:?} (expected sql, answer, manual or external)")));
            }
        };
        crate::rules::validate_rule(&rule).map_err(|why| err(format!("{here}: {why}")))?;
        Ok(Validation { id: self.id, prompt: self.prompt, hint: self.hint, rule })
    }
}

fn to_yaml<T: Serialize>(x: &T) -> Result<serde_norway::Value> {
    serde_norway::to_value(x).map_err(|e| Error::invalid(WORKSHOP_YAML, e.to_string()))
}

/// A range of 0-based line numbers of `workshop.yaml`: the whole file, or one step's block.
type Lines = std::ops::Range<usize>;

/// The line ranges of the items of the top-level `steps:` list, in order, so that a message
/// about step k points into step k (slugs and validation ids repeat across steps).
fn step_blocks(source: &str) -> Vec<Lines> {
    let lines: Vec<&str> = source.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == "steps:") else { return Vec::new() };
    let mut starts = Vec::new();
    let mut indent = None;
    let mut end = lines.len();
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = l.len() - trimmed.len();
        if depth == 0 && !trimmed.starts_with('-') {
            end = i;
            break;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            let item = *indent.get_or_insert(depth);
            if depth == item {
                starts.push(i);
            }
        }
    }
    starts.iter().enumerate().map(|(k, &b)| b..starts.get(k + 1).copied().unwrap_or(end)).collect()
}

/// The 1-based line, within `lines`, of the first `key: value` (the key possibly after `- `).
fn line_of(source: &str, lines: &Lines, key: &str, value: &str) -> Option<u64> {
    source
        .lines()
        .enumerate()
        .skip(lines.start)
        .take(lines.len())
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix(key)
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|r| r.trim().trim_matches(|c| c == '"' || c == '\'') == value)
        })
        .map(|(i, _)| i as u64 + 1)
}

/// The folder name of the step at 1-based `position` among `count` steps: `03-inner-join`.
pub fn step_dir(position: usize, count: usize, slug: &str) -> String {
    let width = count.to_string().len().max(2);
    format!("{position:0width$}-{slug}")
}

/// Media type of an asset, from its extension.
pub fn media_type_of(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        _ => "application/octet-stream",
    }
}

/// Parses YAML artifact bytes: a manifest bundle (documents that are Kubernetes objects) or an
/// educational state (one mapping). Returns the documents.
///
/// # Errors
/// [`Error::Yaml`] naming `name` and the line, or saying which document is not an object.
pub fn parse_yaml_documents(name: &str, bytes: &[u8], kind: ArtifactKind) -> Result<Vec<serde_norway::Value>> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::invalid(name, format!("not UTF-8 text: {e}")))?;
    let mut docs = Vec::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        let v = serde_norway::Value::deserialize(doc).map_err(|e| Error::yaml(name, &e))?;
        if !v.is_null() {
            docs.push(v);
        }
    }
    let yaml_err = |reason: String| Error::Yaml { file: name.to_owned(), line: None, reason };
    match kind {
        ArtifactKind::State => {
            if docs.len() != 1 || !docs[0].is_mapping() {
                return Err(yaml_err("the educational state must be one YAML mapping".into()));
            }
        }
        ArtifactKind::Manifests => {
            for (i, d) in docs.iter().enumerate() {
                let ok =
                    d.get("apiVersion").is_some_and(|v| v.is_string()) && d.get("kind").is_some_and(|v| v.is_string());
                if !ok {
                    return Err(yaml_err(format!(
                        "document {} is not a Kubernetes object (it needs apiVersion and kind)",
                        i + 1
                    )));
                }
            }
        }
        ArtifactKind::Files => return Err(yaml_err("a file-state archive is a tar, not YAML".into())),
    }
    Ok(docs)
}

fn utf8(file: &str, bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| Error::invalid(file, format!("not UTF-8 text: {}", e.utf8_error())))
}

/// A workshop read from its text form, with the runtime tables it carried (as CSV files).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Definition and artifacts.
    pub workshop: Workshop,
    /// `data/<table>.csv` files, by table name.
    pub runtime: FileTree,
}

/// Finds the root of a text form inside a tree: the tree itself, or its single top-level folder
/// when a zip was made of the folder rather than of its contents.
pub fn find_root(tree: &FileTree, name: &str, marker: &str) -> Result<FileTree> {
    if tree.contains(marker) {
        return Ok(tree.clone());
    }
    let dirs = tree.child_dirs("");
    if let [only] = dirs.as_slice() {
        let sub = tree.subtree(only);
        if sub.contains(marker) {
            return Ok(sub);
        }
    }
    Err(Error::invalid(name, format!("no {marker} at the top (or in a single top-level folder)")))
}

/// Reads a workshop text form.
///
/// # Errors
/// [`Error::Yaml`], [`Error::UnsupportedVersion`] and [`Error::Invalid`] naming the file (and
/// line, where there is one) of the first mistake.
pub fn parse(tree: &FileTree, name: &str) -> Result<Parsed> {
    let tree = find_root(tree, name, WORKSHOP_YAML)?;
    parse_root(&tree).map_err(|e| e.within(name))
}

fn parse_root(tree: &FileTree) -> Result<Parsed> {
    let source = utf8(WORKSHOP_YAML, tree.get(WORKSHOP_YAML).unwrap_or_default())?;
    check_version(WORKSHOP_YAML, &source)?;
    let doc: WorkshopDoc = serde_norway::from_str(&source).map_err(|e| Error::yaml(WORKSHOP_YAML, &e))?;
    let meta_err = |reason: String| Error::Yaml { file: WORKSHOP_YAML.into(), line: None, reason };
    if !is_slug(&doc.workshop.slug) {
        return Err(meta_err(format!(
            "workshop.slug {:?} must be {}",
            doc.workshop.slug,
            crate::db::schema::SLUG_RULE
        )));
    }
    if doc.workshop.title.trim().is_empty() {
        return Err(meta_err("workshop.title is empty".into()));
    }

    // Match step folders to listed steps by slug.
    let mut folders = std::collections::BTreeMap::new();
    for dir in tree.child_dirs("steps") {
        let slug =
            dir.split_once('-').filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).map(|(_, s)| s);
        let Some(slug) = slug else {
            return Err(Error::invalid(format!("steps/{dir}"), "a step folder is named NN-<slug>, e.g. 01-welcome"));
        };
        if let Some(prev) = folders.insert(slug.to_owned(), dir.clone()) {
            return Err(Error::invalid(
                format!("steps/{dir}"),
                format!("step {slug:?} has two folders: steps/{prev} and steps/{dir}"),
            ));
        }
    }
    for (path, _) in tree.iter() {
        if let Some(rest) = path.strip_prefix("steps/")
            && !rest.contains('/')
        {
            return Err(Error::invalid(path, "only step folders belong in steps/"));
        }
    }
    let mut steps = Vec::with_capacity(doc.steps.len());
    let mut seen = std::collections::HashSet::new();
    let blocks = step_blocks(&source);
    let whole = 0..source.lines().count();
    for (k, s) in doc.steps.into_iter().enumerate() {
        let block = blocks.get(k).unwrap_or(&whole);
        let line = line_of(&source, block, "slug", &s.slug).or_else(|| blocks.get(k).map(|b| b.start as u64 + 1));
        let yerr = |reason: String| Error::Yaml { file: WORKSHOP_YAML.into(), line, reason };
        if !is_slug(&s.slug) {
            return Err(yerr(format!("step slug {:?} must be {}", s.slug, crate::db::schema::SLUG_RULE)));
        }
        if !seen.insert(s.slug.clone()) {
            return Err(yerr(format!("step {:?} is listed twice", s.slug)));
        }
        if s.title.trim().is_empty() {
            return Err(yerr(format!("step {:?} has an empty title", s.slug)));
        }
        if s.minutes == Some(0) {
            return Err(yerr(format!("step {:?}: minutes must be at least 1", s.slug)));
        }
        let mut ids = std::collections::HashSet::new();
        for v in &s.validations {
            if !ids.insert(v.id.clone()) {
                return Err(Error::Yaml {
                    file: WORKSHOP_YAML.into(),
                    line: line_of(&source, block, "id", &v.id),
                    reason: format!("step {:?} has two validations with id {:?}", s.slug, v.id),
                });
            }
        }
        let Some(dir) = folders.remove(&s.slug) else {
            return Err(yerr(format!("step {:?} has no folder steps/NN-{}/ with its content.md", s.slug, s.slug)));
        };
        let validations =
            s.validations.into_iter().map(|v| v.into_model(&s.slug, &source, block)).collect::<Result<Vec<_>>>()?;
        let prefix = format!("steps/{dir}");
        let files = tree.subtree(&prefix);
        let (content, artifacts) = read_step_folder(&prefix, &files)?;
        steps.push(Step {
            slug: s.slug,
            title: s.title,
            minutes: s.minutes,
            unlock: s.unlock,
            content,
            validations,
            artifacts,
        });
    }
    if let Some((slug, dir)) = folders.into_iter().next() {
        return Err(Error::invalid(format!("steps/{dir}"), format!("no step {slug:?} is listed in {WORKSHOP_YAML}")));
    }

    let assets = tree
        .subtree("assets")
        .iter()
        .map(|(path, data)| Asset {
            path: path.to_owned(),
            media_type: media_type_of(path).to_owned(),
            data: data.to_vec(),
        })
        .collect();
    let runtime = tree.subtree("data");
    for (path, _) in runtime.iter() {
        let table = path.strip_suffix(".csv").unwrap_or("");
        if !RUNTIME_TABLES.contains(&table) {
            return Err(Error::invalid(
                format!("data/{path}"),
                format!(
                    "not a runtime table; data/ holds {}",
                    RUNTIME_TABLES.iter().map(|t| format!("{t}.csv")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(Parsed { workshop: Workshop { meta: doc.workshop, steps, assets }, runtime })
}

/// Refuses a `version:` other than [`TEXT_FORM_VERSION`] before the rest is read, so that a
/// file from a newer Stepwise says so instead of listing unknown fields.
fn check_version(file: &str, source: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: Option<serde_norway::Value>,
    }
    let v: VersionOnly = serde_norway::from_str(source).map_err(|e| Error::yaml(file, &e))?;
    match v.version {
        None => Err(Error::Yaml {
            file: file.into(),
            line: Some(1),
            reason: format!("missing `version: {TEXT_FORM_VERSION}` at the top"),
        }),
        Some(serde_norway::Value::Number(n)) if n.as_u64() == Some(u64::from(TEXT_FORM_VERSION)) => Ok(()),
        Some(other) => {
            let found = serde_norway::to_string(&other).unwrap_or_default().trim().to_owned();
            Err(Error::UnsupportedVersion { file: file.into(), found, supported: TEXT_FORM_VERSION })
        }
    }
}

fn read_step_folder(prefix: &str, files: &FileTree) -> Result<(String, Vec<Artifact>)> {
    for (path, _) in files.iter() {
        let known = STEP_FILES.iter().any(|f| if f.ends_with('/') { path.starts_with(f) } else { path == *f });
        if !known {
            return Err(Error::invalid(
                format!("{prefix}/{path}"),
                "unexpected file: a step folder holds content.md, manifests.yaml, state.yaml and files/ (or files.tar)",
            ));
        }
    }
    let content = match files.get("content.md") {
        Some(bytes) => utf8(&format!("{prefix}/content.md"), bytes)?,
        None => return Err(Error::invalid(prefix, "the step folder has no content.md")),
    };
    let mut artifacts = Vec::new();
    if let Some(bytes) = files.get("manifests.yaml") {
        parse_yaml_documents(&format!("{prefix}/manifests.yaml"), bytes, ArtifactKind::Manifests)?;
        artifacts.push(Artifact { kind: ArtifactKind::Manifests, data: bytes.to_vec() });
    }
    let dir = files.subtree("files");
    match (files.get("files.tar"), dir.is_empty()) {
        (Some(_), false) => return Err(Error::invalid(prefix, "has both files/ and files.tar: keep one")),
        (Some(tar), true) => {
            let name = format!("{prefix}/files.tar");
            FileTree::from_tar(&name, tar, &Limits::default())?;
            artifacts.push(Artifact { kind: ArtifactKind::Files, data: tar.to_vec() });
        }
        (None, false) => artifacts.push(Artifact { kind: ArtifactKind::Files, data: dir.to_tar()? }),
        (None, true) => {}
    }
    if let Some(bytes) = files.get("state.yaml") {
        parse_yaml_documents(&format!("{prefix}/state.yaml"), bytes, ArtifactKind::State)?;
        artifacts.push(Artifact { kind: ArtifactKind::State, data: bytes.to_vec() });
    }
    Ok((content, artifacts))
}

/// Writes the text form of a workshop: `workshop.yaml`, step folders, assets, `.gitignore`.
///
/// # Errors
/// [`Error::Invalid`] if a stored file-state archive cannot be read back.
pub fn write_workshop(w: &Workshop, out: &mut FileTree) -> Result<()> {
    let doc = WorkshopDoc {
        version: TEXT_FORM_VERSION,
        workshop: w.meta.clone(),
        steps: w
            .steps
            .iter()
            .map(|s| {
                Ok(StepDoc {
                    slug: s.slug.clone(),
                    title: s.title.clone(),
                    minutes: s.minutes,
                    unlock: s.unlock,
                    validations: s.validations.iter().map(ValidationDoc::from_model).collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let yaml = serde_norway::to_string(&doc).map_err(|e| Error::invalid(WORKSHOP_YAML, e.to_string()))?;
    out.insert(WORKSHOP_YAML, yaml)?;
    out.insert(".gitignore", GITIGNORE)?;
    let n = w.steps.len();
    for (i, s) in w.steps.iter().enumerate() {
        let dir = format!("steps/{}", step_dir(i + 1, n, &s.slug));
        out.insert(&format!("{dir}/content.md"), s.content.as_bytes())?;
        for a in &s.artifacts {
            match a.kind {
                ArtifactKind::Manifests => out.insert(&format!("{dir}/manifests.yaml"), a.data.clone())?,
                ArtifactKind::State => out.insert(&format!("{dir}/state.yaml"), a.data.clone())?,
                ArtifactKind::Files => {
                    // Plain files when re-packing them gives the same bytes; the tar otherwise.
                    let canonical = FileTree::from_tar(&format!("{dir}/files.tar"), &a.data, &Limits::default())
                        .ok()
                        .filter(|t| !t.is_empty() && t.to_tar().ok().as_deref() == Some(&a.data[..]));
                    match canonical {
                        Some(t) => {
                            for (p, d) in t.iter() {
                                out.insert(&format!("{dir}/files/{p}"), d)?;
                            }
                        }
                        None => out.insert(&format!("{dir}/files.tar"), a.data.clone())?,
                    }
                }
            }
        }
    }
    for a in &w.assets {
        out.insert(&format!("assets/{}", a.path), a.data.clone())?;
    }
    Ok(())
}

/// Exports a workshop database to its text form, runtime tables included.
///
/// # Errors
/// As [`crate::db::open::load_checked`] (a damaged workshop is not exported) and [`write_workshop`].
pub fn export(conn: &Connection, file: &str) -> Result<FileTree> {
    let (w, _) = crate::db::open::load_checked(conn, file)?;
    let mut out = FileTree::new();
    write_workshop(&w, &mut out)?;
    for table in RUNTIME_TABLES {
        if let Some(csv) = crate::project::table_csv(conn, table)? {
            out.insert(&format!("data/{table}.csv"), csv)?;
        }
    }
    Ok(out)
}

/// Builds a workshop database from its text form into the empty connection `conn`, in one
/// transaction. Returns the content digest.
///
/// # Errors
/// Every error of [`parse`]; [`Error::Csv`] naming the file and line of a runtime row that does
/// not load. On error nothing is written.
pub fn build(tree: &FileTree, name: &str, conn: &mut Connection) -> Result<String> {
    let parsed = parse(tree, name)?;
    let tx = conn.transaction().ctx("starting the build")?;
    crate::db::store::create_schema(&tx)?;
    let digest = crate::db::store::write_contents(&tx, &parsed.workshop, &Runtime::default())?;
    for table in RUNTIME_TABLES {
        if let Some(csv) = parsed.runtime.get(&format!("{table}.csv")) {
            crate::project::load_table_csv(&tx, table, &format!("data/{table}.csv"), csv)
                .map_err(|e| e.within(name))?;
        }
    }
    let broken: i64 =
        tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).ctx("checking references")?;
    if broken > 0 {
        return Err(Error::invalid(
            "data/",
            format!("{broken} runtime row(s) refer to steps, checks or blobs that do not exist"),
        ));
    }
    tx.commit().ctx("committing the build")?;
    Ok(digest)
}
