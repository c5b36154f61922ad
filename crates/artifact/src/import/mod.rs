//! Workshops made for other players, brought in: a Killercoda scenario (a folder with
//! `index.json`) or a Google Codelab (one Markdown file in claat's format). Each importer reads
//! a [`FileTree`] (a folder or a zip, hostile like any input) into a [`Workshop`], lists what
//! Stepwise cannot show in a [`Report`] instead of dropping it silently, and gives the same
//! workshop for the same source (no clock, no randomness).
//!
//! The workshop goes on as an author's would: [`crate::text::write_workshop`] gives its text
//! form, and building that checks it as `stepwise build` does.

mod codelab;
mod killercoda;
mod markdown;

use crate::archive::FileTree;
use crate::error::{Error, Result};
use crate::model::Workshop;

pub use self::markdown::{local_images, resolve, slugify};

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A Killercoda scenario: `index.json` and the Markdown and scripts it names.
    Killercoda,
    /// A Google Codelab: a Markdown file with claat's metadata header.
    Codelab,
}

impl SourceKind {
    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Killercoda => "Killercoda scenario",
            SourceKind::Codelab => "Codelab",
        }
    }
}

/// A workshop brought in, and what of the source it could not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// What the source was.
    pub kind: SourceKind,
    /// The workshop.
    pub workshop: Workshop,
    /// One line per thing of the source Stepwise cannot show (`file: what`), in source order.
    pub report: Vec<String>,
}

/// What was left out or changed, one line each.
pub(crate) type Report = Vec<String>;

/// Which importer reads `tree`: `index.json` at the root (or in its only folder) is a Killercoda
/// scenario; a `.md` file whose first paragraph holds `id:` is a Codelab.
pub fn detect(tree: &FileTree) -> Option<(SourceKind, String)> {
    let root = single_folder(tree);
    if tree.contains(&format!("{root}index.json")) {
        return Some((SourceKind::Killercoda, root));
    }
    let mut markdown = tree.iter().map(|(p, _)| p).filter(|p| p.to_ascii_lowercase().ends_with(".md"));
    markdown
        .find(|p| tree.get(p).is_some_and(|bytes| codelab::looks_like_codelab(&String::from_utf8_lossy(bytes))))
        .map(|p| (SourceKind::Codelab, p.to_owned()))
}

/// The folder everything of `tree` is in (`name/`), when there is one; else `""`.
fn single_folder(tree: &FileTree) -> String {
    let dirs = tree.child_dirs("");
    let top_files = tree.iter().any(|(p, _)| !p.contains('/'));
    match dirs.as_slice() {
        [only] if !top_files => format!("{only}/"),
        _ => String::new(),
    }
}

/// Imports the workshop in `tree` (named `name` in messages: the folder or zip it came from).
///
/// # Errors
/// [`Error::Invalid`] when `tree` is neither a Killercoda scenario nor a Codelab, or names a
/// file it does not hold; the importer's own errors (an `index.json` that does not parse).
pub fn import(tree: &FileTree, name: &str) -> Result<Imported> {
    match detect(tree) {
        Some((SourceKind::Killercoda, root)) => killercoda::import(tree, &root, name),
        Some((SourceKind::Codelab, file)) => codelab::import(tree, &file, name),
        None => Err(Error::invalid(
            name,
            "is neither a Killercoda scenario (no index.json) nor a Codelab (no Markdown file with claat's `id:` header)",
        )),
    }
}
