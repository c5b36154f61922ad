//! The human-readable form of a workshop: archives unpacked, one Kubernetes resource per file.
//!
//! Decompiling is for reading and reviewing, not for rebuilding (use [`crate::text`] for that):
//! each step folder gets `content.md`, `manifests/NN-<kind>-<name>.yaml` (the author's text of
//! each document, comments kept), `files/` (the file-state archive unpacked, whatever its
//! form), and `state.yaml`; the workshop keeps `workshop.yaml`, `assets/` and `data/`.

use rusqlite::Connection;

use crate::archive::{FileTree, Limits};
use crate::error::Result;
use crate::model::{ArtifactKind, Workshop};
use crate::text::{parse_yaml_documents, step_dir, write_workshop};

/// Splits a multi-document YAML text at its `---` separator lines, keeping each document's
/// text as written. Empty documents are dropped.
pub fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare.starts_with("--- ") || bare == "..." {
            docs.push(&text[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    docs.push(&text[start..]);
    docs.into_iter().filter(|d| d.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))).collect()
}

/// A safe file-name part from a Kubernetes kind or name: lower case, `[a-z0-9.-]`.
fn name_part(s: &str) -> String {
    let s: String = s
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
        .collect();
    let s = s.trim_matches(['-', '.']).chars().take(60).collect::<String>();
    if s.is_empty() { "unnamed".into() } else { s }
}

/// Decompiles a loaded workshop into `out`.
///
/// # Errors
/// [`crate::Error::Yaml`] / [`crate::Error::Archive`] when a stored artifact does not parse.
pub fn decompile_workshop(w: &Workshop, out: &mut FileTree) -> Result<()> {
    // Start from the text form, then replace the compact artifacts by readable ones.
    let mut text = FileTree::new();
    write_workshop(w, &mut text)?;
    let n = w.steps.len();
    for (i, s) in w.steps.iter().enumerate() {
        let dir = format!("steps/{}", step_dir(i + 1, n, &s.slug));
        for a in &s.artifacts {
            match a.kind {
                ArtifactKind::Manifests => {
                    let name = format!("{dir}/manifests.yaml");
                    let values = parse_yaml_documents(&name, &a.data, ArtifactKind::Manifests)?;
                    let raw = String::from_utf8_lossy(&a.data);
                    let texts = split_documents(&raw);
                    let width = values.len().to_string().len().max(2);
                    for (j, v) in values.iter().enumerate() {
                        let kind = v.get("kind").and_then(|k| k.as_str()).unwrap_or("object");
                        let res =
                            v.get("metadata").and_then(|m| m.get("name")).and_then(|n| n.as_str()).unwrap_or("unnamed");
                        let body = match texts.get(j) {
                            Some(t) if texts.len() == values.len() => t.trim_start_matches('\n').to_owned(),
                            _ => serde_norway::to_string(v).unwrap_or_default(),
                        };
                        let file =
                            format!("{dir}/manifests/{:0width$}-{}-{}.yaml", j + 1, name_part(kind), name_part(res));
                        out.insert(&file, body)?;
                    }
                    text.remove(&name);
                }
                ArtifactKind::Files => {
                    text.remove(&format!("{dir}/files.tar"));
                    let files = FileTree::from_tar(&format!("{dir}/files.tar"), &a.data, &Limits::default())?;
                    for (p, d) in files.iter() {
                        out.insert(&format!("{dir}/files/{p}"), d)?;
                    }
                }
                ArtifactKind::State => {}
            }
        }
    }
    for (p, d) in text.iter() {
        if !out.contains(p) {
            out.insert(p, d)?;
        }
    }
    Ok(())
}

/// Decompiles a workshop database, runtime tables included.
///
/// # Errors
/// As [`crate::text::export`] and [`decompile_workshop`].
pub fn decompile(conn: &Connection, file: &str) -> Result<FileTree> {
    let (w, _) = crate::db::open::load_checked(conn, file)?;
    let mut out = FileTree::new();
    decompile_workshop(&w, &mut out)?;
    let exported = crate::text::export(conn, file)?;
    for (p, d) in exported.iter().filter(|(p, _)| p.starts_with("data/")) {
        out.insert(p, d)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_keeping_text() {
        let docs = split_documents("# a pod\napiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n---\n");
        assert_eq!(docs, vec!["# a pod\napiVersion: v1\nkind: Pod\n", "apiVersion: v1\nkind: Service\n"]);
        assert_eq!(split_documents("---\nkind: A\n...\n"), vec!["kind: A\n"]);
    }

    #[test]
    fn file_name_parts_are_safe() {
        assert_eq!(name_part("Deployment"), "deployment");
        assert_eq!(name_part("../../etc/passwd"), "etc-passwd");
        assert_eq!(name_part(""), "unnamed");
    }
}
