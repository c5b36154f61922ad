//! Text forms and downloads: what a zip holds, and files the page saves.

use serde::{Deserialize, Serialize};

/// A text form of a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextForm {
    /// The workshop's lossless YAML/CSV form (`stepwise export`).
    Workshop,
    /// The workshop's readable form (`stepwise decompile`).
    Decompiled,
    /// `project.yaml` + `data/<table>.csv` of any database (`stepwise project export`).
    Project,
}

/// What a zip holds, before anything is built from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZipContents {
    /// The zip's file name.
    pub name: String,
    /// [`TextForm::Workshop`] or [`TextForm::Project`].
    pub form: TextForm,
    /// The workshop's title, or the project's name.
    pub title: String,
    /// A workshop's steps (slug, number of artifacts), or a project's tables (name, rows).
    pub items: Vec<(String, u64)>,
    /// One sentence: `8 steps, 12 artifacts` or `3 tables, 47 rows`.
    pub counts: String,
    /// A workshop of another player brought in (`Killercoda scenario`, `Codelab`): what it was.
    #[serde(default)]
    pub source: Option<String>,
    /// What of that source Stepwise cannot show, one line each (`file: what`).
    #[serde(default)]
    pub not_carried: Vec<String>,
}

/// A file made in the worker for the page to save: a `blob:` URL the worker revokes on the next
/// download or removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadReady {
    /// The `blob:` URL.
    pub url: String,
    /// The name to save it as.
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
}
