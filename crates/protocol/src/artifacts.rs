//! A step's compiled artifacts made readable: what the player's artifacts panel shows.

use serde::{Deserialize, Serialize};

/// One Kubernetes resource of a step's manifest bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDoc {
    /// Its `kind` (`Deployment`), or empty when the document has none.
    pub kind: String,
    /// Its `metadata.name`, or empty.
    pub name: String,
    /// The document's text as the author wrote it.
    pub text: String,
}

/// One file of a step's file-state archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileItem {
    /// Relative, `/`-separated path.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Its text; `None` when it is binary (not UTF-8, or holds NUL) or too large to show.
    pub text: Option<String>,
}

/// A step's artifacts, readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactsView {
    /// Resources of the manifest bundle, in order (empty without one).
    pub manifests: Vec<ManifestDoc>,
    /// Files of the file-state archive, sorted by path (empty without one).
    pub files: Vec<FileItem>,
    /// The educational state's YAML text, if the step has one.
    pub state: Option<String>,
}
