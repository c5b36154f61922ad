//! Reading a workshop text form: `workshop.yaml`, step folders, assets and runtime CSV, every
//! mistake named with its file and line.

use serde::Deserialize;

use crate::archive::{FileTree, Limits};
use crate::db::schema::{RUNTIME_TABLES, is_slug};
use crate::error::{Error, Result, Shown};
use crate::model::*;
use crate::text::doc::{READ_VERSIONS, STEP_FILES, TEXT_FORM_VERSION, WORKSHOP_YAML, WorkshopDoc};
use crate::text::lines::{line_of, step_blocks};

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

/// The line in `workshop.yaml` of each check, by `(step slug, check id)`, and of each step, by
/// `(step slug, "")`.
pub type Lines = std::collections::BTreeMap<(String, String), u64>;

/// A workshop read from its text form, with the runtime tables it carried (as CSV files).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Definition and artifacts.
    pub workshop: Workshop,
    /// `data/<table>.csv` files, by table name.
    pub runtime: FileTree,
    /// Where each step and check is written in `workshop.yaml`.
    pub lines: Lines,
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
            "workshop.slug {} must be {}",
            Shown(&doc.workshop.slug),
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
    let mut lines = Lines::new();
    let mut seen = std::collections::HashSet::new();
    let blocks = step_blocks(&source);
    let whole = 0..source.lines().count();
    for (k, s) in doc.steps.into_iter().enumerate() {
        let block = blocks.get(k).unwrap_or(&whole);
        let line = line_of(&source, block, "slug", &s.slug).or_else(|| blocks.get(k).map(|b| b.start as u64 + 1));
        let yerr = |reason: String| Error::Yaml { file: WORKSHOP_YAML.into(), line, reason };
        if !is_slug(&s.slug) {
            return Err(yerr(format!("step slug {} must be {}", Shown(&s.slug), crate::db::schema::SLUG_RULE)));
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
        if let Some(line) = line {
            lines.insert((s.slug.clone(), String::new()), line);
        }
        for v in &s.validations {
            if let Some(line) = line_of(&source, block, "id", &v.id) {
                lines.insert((s.slug.clone(), v.id.clone()), line);
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
            setup: s.setup.filter(|sql| !sql.trim().is_empty()),
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
    Ok(Parsed { workshop: Workshop { meta: doc.workshop, steps, assets }, runtime, lines })
}

/// Refuses a `version:` this build does not read before the rest is read, so that a file from a
/// newer Stepwise says so instead of listing unknown fields.
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
        Some(serde_norway::Value::Number(n)) if READ_VERSIONS.iter().any(|v| n.as_u64() == Some(u64::from(*v))) => {
            Ok(())
        }
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
