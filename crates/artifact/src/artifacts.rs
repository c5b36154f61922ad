//! A step's compiled artifacts made readable for the player: the manifest bundle split into one
//! document per resource (the author's text kept), the file-state archive as a list of files
//! with their text when they are text, and the educational state as YAML text.

pub use stepwise_protocol::{ArtifactsView, FileItem, ManifestDoc};

use crate::archive::{FileTree, Limits};
use crate::decompile::split_documents;
use crate::error::Result;
use crate::model::{ArtifactKind, Step};

/// Largest file whose text is shown; a larger one is described by its size.
pub const MAX_TEXT: u64 = 256 * 1024;

/// The text of `bytes` when they are text: valid UTF-8 without NUL, at most [`MAX_TEXT`] bytes.
pub fn text_of(bytes: &[u8]) -> Option<String> {
    if bytes.len() as u64 > MAX_TEXT || bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

/// Splits a manifest bundle into its resources, each with its kind and `metadata.name`.
///
/// # Errors
/// [`crate::Error::Invalid`] when the bundle is not UTF-8; [`crate::Error::Yaml`] when a
/// document does not parse.
pub fn manifest_docs(name: &str, bytes: &[u8]) -> Result<Vec<ManifestDoc>> {
    let text = std::str::from_utf8(bytes).map_err(|e| crate::Error::invalid(name, format!("not UTF-8 text: {e}")))?;
    let mut docs = Vec::new();
    for doc in split_documents(text) {
        let value: serde_norway::Value = serde_norway::from_str(doc).map_err(|e| crate::Error::yaml(name, &e))?;
        let field = |v: Option<&serde_norway::Value>| v.and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        docs.push(ManifestDoc {
            kind: field(value.get("kind")),
            name: field(value.get("metadata").and_then(|m| m.get("name"))),
            text: doc.trim_start_matches(['\n', '\r']).to_owned(),
        });
    }
    Ok(docs)
}

/// Lists the files of a file-state archive (a tar), with their text when they are text.
///
/// # Errors
/// Those of [`FileTree::from_tar`].
pub fn file_items(name: &str, tar: &[u8]) -> Result<Vec<FileItem>> {
    let tree = FileTree::from_tar(name, tar, &Limits::default())?;
    Ok(tree
        .iter()
        .map(|(path, data)| FileItem { path: path.to_owned(), bytes: data.len() as u64, text: text_of(data) })
        .collect())
}

/// The readable artifacts of `step`; `file` names the workshop in error messages.
///
/// # Errors
/// Those of [`manifest_docs`] and [`file_items`].
pub fn view(file: &str, step: &Step) -> Result<ArtifactsView> {
    let mut view = ArtifactsView::default();
    for a in &step.artifacts {
        let name = format!("{file}: {} of step {}", a.kind.as_str(), step.slug);
        match a.kind {
            ArtifactKind::Manifests => view.manifests = manifest_docs(&name, &a.data)?,
            ArtifactKind::Files => view.files = file_items(&name, &a.data)?,
            ArtifactKind::State => {
                view.state = Some(
                    String::from_utf8(a.data.clone())
                        .map_err(|e| crate::Error::invalid(&name, format!("not UTF-8 text: {}", e.utf8_error())))?,
                );
            }
        }
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Artifact;

    const BUNDLE: &str = "# the page\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello-page\ndata:\n  a: b\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\n---\n";

    #[test]
    fn artifacts_manifests_split_into_documents_with_kind_and_name() {
        let docs = manifest_docs("m.yaml", BUNDLE.as_bytes()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].kind.as_str(), docs[0].name.as_str()), ("ConfigMap", "hello-page"));
        assert!(docs[0].text.starts_with("# the page\n"), "the comment is kept");
        assert_eq!((docs[1].kind.as_str(), docs[1].name.as_str()), ("Deployment", "hello"));
        assert!(manifest_docs("m.yaml", b"kind: [").is_err());
    }

    #[test]
    fn artifacts_text_is_utf8_without_nul_and_not_too_large() {
        assert_eq!(text_of(b"hello\n").as_deref(), Some("hello\n"));
        assert_eq!(text_of(b"a\0b"), None);
        assert_eq!(text_of(&[0xff, 0xfe]), None);
        assert_eq!(text_of(&vec![b'a'; MAX_TEXT as usize + 1]), None);
        assert!(text_of(&vec![b'a'; MAX_TEXT as usize]).is_some());
    }

    #[test]
    fn artifacts_files_list_the_archive_with_text_or_none() {
        let mut tree = FileTree::new();
        tree.insert("k8s/pod.yaml", "kind: Pod\n").unwrap();
        tree.insert("logo.png", vec![0x89, b'P', b'N', b'G', 0, 1]).unwrap();
        let items = file_items("f.tar", &tree.to_tar().unwrap()).unwrap();
        assert_eq!(
            items,
            vec![
                FileItem { path: "k8s/pod.yaml".into(), bytes: 10, text: Some("kind: Pod\n".into()) },
                FileItem { path: "logo.png".into(), bytes: 6, text: None },
            ]
        );
    }

    #[test]
    fn artifacts_view_of_a_step() {
        let mut tree = FileTree::new();
        tree.insert("README.md", "# hi\n").unwrap();
        let step = Step {
            setup: None,
            slug: "s".into(),
            title: "S".into(),
            minutes: None,
            unlock: None,
            content: String::new(),
            validations: vec![],
            artifacts: vec![
                Artifact { kind: ArtifactKind::Manifests, data: BUNDLE.as_bytes().to_vec() },
                Artifact { kind: ArtifactKind::Files, data: tree.to_tar().unwrap() },
                Artifact { kind: ArtifactKind::State, data: b"concepts: [Pod]\n".to_vec() },
            ],
        };
        let v = view("w.db", &step).unwrap();
        assert_eq!(v.manifests.len(), 2);
        assert_eq!(v.files.len(), 1);
        assert_eq!(v.state.as_deref(), Some("concepts: [Pod]\n"));
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<ArtifactsView>(&json).unwrap(), v);
        assert_eq!(view("w.db", &Step { artifacts: vec![], ..step }).unwrap(), ArtifactsView::default());
    }
}
