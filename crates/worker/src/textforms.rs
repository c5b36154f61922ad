//! Text forms of stored databases: YAML/CSV, decompiled and project zips out; a
//! workshop text form or a project zip in (built into a fresh storage file, checked, stored);
//! a stored database rebuilt from a project zip.
//!
//! **Invariant:** a failed import or rebuild leaves the library as it was: the new database is
//! built under a fresh name, checked, and only then named by the catalog (one transaction).

use stepwise_artifact::archive::{FileTree, Limits, Spool};
use stepwise_artifact::{decompile, harden, import, project, text};

use stepwise_protocol::{Added, ErrorKind, Imported, TextForm, WorkerError, ZipContents};

use crate::catalog::{self, file_of};
use crate::errors::{About, Doing, Fault, InZip};
use crate::faults;
use crate::library::{Library, OnProgress, SPARE, now};

const WORKSHOP_YAML: &str = "workshop.yaml";
const PROJECT_YAML: &str = "project.yaml";

/// `sql-joins.zip` → `sql-joins`.
fn stem(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for ext in [".zip", ".db", ".sqlite", ".sqlite3", ".md"] {
        if lower.ends_with(ext) {
            return &name[..name.len() - ext.len()];
        }
    }
    name
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A file the library builds a database from instead of storing it as it is: a zip (of a
/// text form, a project or another player's workshop) or a Codelab's Markdown.
pub fn is_markdown(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".md")
}

/// A zip read and recognised: which form, the tree rooted at its marker file, and for another
/// player's workshop what it was and what did not carry over.
pub struct ReadZip {
    form: TextForm,
    tree: FileTree,
    imported: Option<(import::SourceKind, Vec<String>)>,
}

/// Reads a zip's entries (path checks, limits), or a Markdown file alone, and finds
/// `workshop.yaml`, `project.yaml`, or a Killercoda scenario or Codelab to import (then `tree`
/// is the imported workshop's text form).
///
/// # Errors
/// [`ErrorKind::Invalid`] naming the zip and the refused entry, a mistake of the source to
/// import, or saying none of them is there.
pub fn read_zip(name: &str, bytes: &[u8]) -> Result<ReadZip, Fault> {
    let limits = Limits::default();
    let tree = if is_markdown(name) {
        let mut tree = FileTree::new();
        if bytes.len() as u64 > limits.max_file_size {
            return Err(Fault::Answer(WorkerError::new(
                ErrorKind::Invalid,
                format!("{name} is too large for a Markdown file. Nothing was stored."),
            )));
        }
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        tree.insert(file, bytes.to_vec()).in_zip(name)?;
        tree
    } else {
        FileTree::from_zip(name, bytes, &limits).in_zip(name)?
    };
    // The text form is parsed from the whole tree (`text::parse` finds the root itself).
    if text::find_root(&tree, name, WORKSHOP_YAML).is_ok() {
        return Ok(ReadZip { form: TextForm::Workshop, tree, imported: None });
    }
    if let Ok(root) = text::find_root(&tree, name, PROJECT_YAML) {
        return Ok(ReadZip { form: TextForm::Project, tree: root, imported: None });
    }
    if import::detect(&tree).is_some() {
        let imported = import::import(&tree, name).in_zip(name)?;
        let mut text_form = FileTree::new();
        text::write_workshop(&imported.workshop, &mut text_form).in_zip(name)?;
        return Ok(ReadZip {
            form: TextForm::Workshop,
            tree: text_form,
            imported: Some((imported.kind, imported.report)),
        });
    }
    Err(Fault::Answer(WorkerError::new(
        ErrorKind::Invalid,
        format!(
            "{name} holds no workshop ({WORKSHOP_YAML}), project ({PROJECT_YAML}), Killercoda scenario \
             (index.json) or Codelab (Markdown with claat's id: header). Nothing was stored."
        ),
    )))
}

/// What a zip holds, without building anything.
///
/// # Errors
/// As [`read_zip`]; a mistake in its YAML or CSV, naming the file and line.
pub fn preview(name: &str, bytes: &[u8]) -> Result<ZipContents, WorkerError> {
    Ok(contents(name, bytes)?)
}

fn contents(name: &str, bytes: &[u8]) -> Result<ZipContents, Fault> {
    let zip = read_zip(name, bytes)?;
    match zip.form {
        TextForm::Project => project_contents(name, &zip.tree),
        _ => {
            let parsed = text::parse(&zip.tree, name).in_zip(name)?;
            let w = parsed.workshop;
            let items: Vec<(String, u64)> =
                w.steps.iter().map(|s| (s.title.clone(), s.artifacts.len() as u64)).collect();
            let artifacts: u64 = items.iter().map(|(_, n)| n).sum();
            let counts = format!(
                "{}, {}",
                plural(items.len() as u64, "step", "steps"),
                plural(artifacts, "artifact", "artifacts")
            );
            let (source, not_carried) = match zip.imported {
                Some((kind, report)) => (Some(kind.name().to_owned()), report),
                None => (None, Vec::new()),
            };
            Ok(ZipContents {
                name: name.to_owned(),
                form: TextForm::Workshop,
                title: w.meta.title,
                items,
                counts,
                source,
                not_carried,
            })
        }
    }
}

fn project_contents(name: &str, tree: &FileTree) -> Result<ZipContents, Fault> {
    let summary = project::summary(tree).in_zip(name)?;
    let title = tree
        .get(PROJECT_YAML)
        .and_then(|b| project::ProjectFile::parse(b).ok())
        .map_or_else(|| stem(name).to_owned(), |p| p.project.name);
    Ok(ZipContents {
        name: name.to_owned(),
        form: TextForm::Project,
        title,
        items: summary.tables.iter().map(|t| (t.name.clone(), t.rows)).collect(),
        counts: summary.counts(),
        source: None,
        not_carried: Vec::new(),
    })
}

impl Library {
    /// A text form of a stored database as a zip (in memory, in chunks), and the name to save it as.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the database does not pass its checks; a workshop form asked of
    /// a plain database.
    pub fn export_text(
        &self,
        id: &str,
        form: TextForm,
        progress: OnProgress<'_>,
    ) -> Result<(Spool, String), WorkerError> {
        let entry = self.entry(id)?;
        let file_name = entry.file_name.as_str();
        let total = Some(entry.bytes);
        progress("Reading the database", 0, total);
        let conn = self.store().connect_existing(&file_of(id)).doing(file_name, "opening")?;
        harden(&conn).about(file_name)?;
        let base = match (&entry.slug, &entry.version) {
            (Some(slug), Some(version)) => format!("{slug}-{version}"),
            _ => stem(file_name).to_owned(),
        };
        let zip_of = |tree: stepwise_artifact::Result<FileTree>| tree.and_then(|t| t.to_zip()).map(Spool::from);
        let (zip, out_name) = match form {
            TextForm::Workshop | TextForm::Decompiled if entry.slug.is_none() => {
                return Err(WorkerError::new(
                    ErrorKind::BadRequest,
                    format!("{file_name} is not a workshop: export it as a project instead."),
                ));
            }
            TextForm::Workshop => (zip_of(text::export(&conn, file_name)), format!("{base}.zip")),
            TextForm::Decompiled => (zip_of(decompile::decompile(&conn, file_name)), format!("{base}-decompiled.zip")),
            // Streamed: each table's CSV goes through deflate as its rows are read, so the
            // worker's memory holds the zip, never the CSV (docs/performance.md).
            TextForm::Project => {
                (project::export_zip(&conn, &base, Spool::new()).map(|(zip, _)| zip), format!("{base}-project.zip"))
            }
        };
        let _ = conn.close();
        let zip = zip.about(file_name)?;
        progress("Writing the zip", entry.bytes, total);
        Ok((zip, out_name))
    }

    /// Builds a database from a zip (workshop text form or project) into a fresh storage file,
    /// checks it and stores it; a workshop already stored (same slug) is asked about as on import.
    ///
    /// # Errors
    /// A mistake in the zip (naming the file inside it and the line); storage errors. Nothing
    /// stored changes on any error.
    pub async fn import_zip(
        &mut self,
        name: &str,
        bytes: &[u8],
        progress: OnProgress<'_>,
    ) -> Result<Added, WorkerError> {
        progress("Reading the zip", 0, Some(bytes.len() as u64));
        let zip = read_zip(name, bytes)?;
        let db_name = format!("{}.db", stem(name));
        progress("Building the database", bytes.len() as u64 / 2, Some(bytes.len() as u64));
        let (id, file) = self.build_fresh(name, &zip).await?;
        progress("Checking", bytes.len() as u64, Some(bytes.len() as u64));
        let mut incoming = match self.examine(&id, &db_name).await {
            Ok(incoming) => incoming,
            Err(e) => {
                self.discard(&file);
                return Err(e.into());
            }
        };
        if zip.form == TextForm::Project {
            incoming.title = stem(name).to_owned();
        }
        Ok(self.file_away(incoming, &file, name)?)
    }

    /// Replaces a stored database with the project in a zip: the new file is built and checked
    /// beside the old one, the catalog entry is swapped in one transaction, then the old file
    /// is removed.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the zip is not a project or has a mistake; storage errors.
    pub async fn rebuild_project(
        &mut self,
        old_id: &str,
        name: &str,
        bytes: &[u8],
        progress: OnProgress<'_>,
    ) -> Result<Imported, WorkerError> {
        let old = self.entry(old_id)?;
        let zip = read_zip(name, bytes)?;
        if zip.form != TextForm::Project {
            return Err(WorkerError::new(
                ErrorKind::Invalid,
                format!("{name} is a workshop, not a project (project.yaml); import it instead. Nothing was changed."),
            ));
        }
        progress("Building the database", 0, Some(bytes.len() as u64));
        let (id, file) = self.build_fresh(name, &zip).await?;
        let mut entry = match self.examine(&id, &old.file_name).await {
            Ok(entry) => entry,
            Err(e) => {
                self.discard(&file);
                return Err(e.into());
            }
        };
        entry.title = old.title.clone();
        entry.added_at = old.added_at.clone();
        entry.last_opened = Some(now());
        let swapped = (|| -> Result<(), Fault> {
            let conn = self.catalog()?;
            let tx = conn.unchecked_transaction().doing(&old.file_name, "replacing")?;
            catalog::delete(&tx, old_id).doing(&old.file_name, "replacing")?;
            catalog::insert(&tx, &entry).doing(&old.file_name, "replacing")?;
            faults::point("rebuild:catalog-before-commit");
            tx.commit().doing(&old.file_name, "replacing")
        })();
        if let Err(e) = swapped {
            self.discard(&file);
            return Err(e.into());
        }
        faults::point("rebuild:before-removing-old");
        // The catalog no longer names it; if this fails, the next start sweeps it.
        self.discard(&file_of(old_id));
        progress("Checking", bytes.len() as u64, Some(bytes.len() as u64));
        Ok(Imported { entry, carried: None })
    }

    /// Builds `zip` into a new storage file under a fresh id; on failure the file is gone.
    async fn build_fresh(&mut self, name: &str, zip: &ReadZip) -> Result<(String, String), Fault> {
        self.store().reserve(SPARE + 1).await.about(name)?;
        let id = self.fresh_id()?;
        let file = file_of(&id);
        let built = (|| {
            let mut conn = self.store().connect(&file).doing(name, "creating")?;
            harden(&conn).about(name)?;
            match zip.form {
                TextForm::Project => project::rebuild(&zip.tree, &mut conn).map(drop),
                _ => text::build(&zip.tree, name, &mut conn).map(drop),
            }
            .inspect(|()| faults::point("zip:built"))
            .in_zip(name)?;
            conn.close().map_err(|(_, e)| e).doing(name, "closing")
        })();
        match built {
            Ok(()) => Ok((id, file)),
            Err(e) => {
                self.discard(&file);
                Err(e)
            }
        }
    }
}
