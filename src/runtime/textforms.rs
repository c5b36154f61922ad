//! Text forms of stored databases (issue #5): YAML/CSV, decompiled and project zips out; a
//! workshop text form or a project zip in (built into a fresh storage file, checked, stored);
//! a stored database rebuilt from a project zip.
//!
//! **Invariant:** a failed import or rebuild leaves the library as it was: the new database is
//! built under a fresh name, checked, and only then named by the catalog (one transaction).

use stepwise_artifact::tree::{FileTree, Limits, Spool};
use stepwise_artifact::{Error as FormatError, decompile, harden, project, text};

use super::catalog::{self, file_of};
use super::errors::{from_artifact, from_sqlite, from_store};
use super::{Library, OnProgress, now};
use crate::protocol::{Entry, ErrorKind, ResponseBody, TextForm, WorkerError, ZipContents};

const WORKSHOP_YAML: &str = "workshop.yaml";
const PROJECT_YAML: &str = "project.yaml";

/// A mistake inside a zip: the artifact error already names the file inside it and the line.
fn invalid(zip: &str, e: &FormatError) -> WorkerError {
    let text = e.to_string();
    let text = if text.starts_with(zip) { text } else { format!("{zip}: {text}") };
    WorkerError::new(ErrorKind::Invalid, format!("{text}. Nothing was stored."))
}

/// `sql-joins.zip` → `sql-joins`.
fn stem(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for ext in [".zip", ".db", ".sqlite", ".sqlite3"] {
        if lower.ends_with(ext) {
            return &name[..name.len() - ext.len()];
        }
    }
    name
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A zip read and recognised: which form, and the tree rooted at its marker file.
pub struct ReadZip {
    form: TextForm,
    tree: FileTree,
}

/// Reads a zip's entries (path checks, limits) and finds `workshop.yaml` or `project.yaml`.
///
/// # Errors
/// [`ErrorKind::Invalid`] naming the zip and the refused entry, or saying neither file is there.
pub fn read_zip(name: &str, bytes: &[u8]) -> Result<ReadZip, WorkerError> {
    let tree = FileTree::from_zip(name, bytes, &Limits::default()).map_err(|e| invalid(name, &e))?;
    // The text form is parsed from the whole tree (`text::parse` finds the root itself).
    if text::find_root(&tree, name, WORKSHOP_YAML).is_ok() {
        return Ok(ReadZip { form: TextForm::Workshop, tree });
    }
    match text::find_root(&tree, name, PROJECT_YAML) {
        Ok(root) => Ok(ReadZip { form: TextForm::Project, tree: root }),
        Err(_) => Err(WorkerError::new(
            ErrorKind::Invalid,
            format!(
                "{name} holds neither a workshop ({WORKSHOP_YAML}) nor a project ({PROJECT_YAML}) at its top or in \
                 a single top-level folder. Nothing was stored."
            ),
        )),
    }
}

/// What a zip holds, without building anything.
///
/// # Errors
/// As [`read_zip`]; a mistake in its YAML or CSV, naming the file and line.
pub fn preview(name: &str, bytes: &[u8]) -> Result<ZipContents, WorkerError> {
    let zip = read_zip(name, bytes)?;
    match zip.form {
        TextForm::Project => project_contents(name, &zip.tree),
        _ => {
            let parsed = text::parse(&zip.tree, name).map_err(|e| invalid(name, &e))?;
            let w = parsed.workshop;
            let items: Vec<(String, u64)> =
                w.steps.iter().map(|s| (s.title.clone(), s.artifacts.len() as u64)).collect();
            let artifacts: u64 = items.iter().map(|(_, n)| n).sum();
            let counts = format!(
                "{}, {}",
                plural(items.len() as u64, "step", "steps"),
                plural(artifacts, "artifact", "artifacts")
            );
            Ok(ZipContents { name: name.to_owned(), form: TextForm::Workshop, title: w.meta.title, items, counts })
        }
    }
}

fn project_contents(name: &str, tree: &FileTree) -> Result<ZipContents, WorkerError> {
    let summary = project::summary(tree).map_err(|e| invalid(name, &e))?;
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
        let conn = self.store().connect_existing(&file_of(id)).map_err(|e| from_sqlite(file_name, "opening", &e))?;
        harden(&conn).map_err(|e| from_artifact(file_name, &e))?;
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
        let zip = zip.map_err(|e| from_artifact(file_name, &e))?;
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
    ) -> Result<ResponseBody, WorkerError> {
        progress("Reading the zip", 0, Some(bytes.len() as u64));
        let zip = read_zip(name, bytes)?;
        let db_name = format!("{}.db", stem(name));
        progress("Building the database", bytes.len() as u64 / 2, Some(bytes.len() as u64));
        let (id, file) = self.build_fresh(name, &zip).await?;
        progress("Checking", bytes.len() as u64, Some(bytes.len() as u64));
        let examined = match self.examine(&file, &db_name) {
            Ok(examined) => examined,
            Err(e) => {
                self.discard(&file);
                return Err(e);
            }
        };
        let incoming = Entry {
            id: id.clone(),
            kind: examined.kind,
            title: if zip.form == TextForm::Project { stem(name).to_owned() } else { examined.title },
            slug: examined.slug,
            version: examined.version,
            steps: examined.steps,
            done: examined.done,
            bytes: examined.bytes,
            file_name: db_name,
            added_at: now(),
            last_opened: None,
        };
        self.file_away(id, incoming, &file, name)
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
    ) -> Result<ResponseBody, WorkerError> {
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
        let examined = match self.examine(&file, &old.file_name) {
            Ok(examined) => examined,
            Err(e) => {
                self.discard(&file);
                return Err(e);
            }
        };
        let entry = Entry {
            id: id.clone(),
            kind: examined.kind,
            title: old.title.clone(),
            slug: examined.slug,
            version: examined.version,
            steps: examined.steps,
            done: examined.done,
            bytes: examined.bytes,
            file_name: old.file_name.clone(),
            added_at: old.added_at.clone(),
            last_opened: Some(now()),
        };
        let swapped = (|| {
            let conn = self.catalog()?;
            let fail = |e: &stepwise_artifact::rusqlite::Error| from_sqlite(&old.file_name, "replacing", e);
            let tx = conn.unchecked_transaction().map_err(|e| fail(&e))?;
            catalog::delete(&tx, old_id).map_err(|e| fail(&e))?;
            catalog::insert(&tx, &entry).map_err(|e| fail(&e))?;
            super::faults::point("rebuild:catalog-before-commit");
            tx.commit().map_err(|e| fail(&e))
        })();
        if let Err(e) = swapped {
            self.discard(&file);
            return Err(e);
        }
        super::faults::point("rebuild:before-removing-old");
        // The catalog no longer names it; if this fails, the next start sweeps it.
        self.discard(&file_of(old_id));
        progress("Checking", bytes.len() as u64, Some(bytes.len() as u64));
        Ok(ResponseBody::Imported { entry, carried: None })
    }

    /// Builds `zip` into a new storage file under a fresh id; on failure the file is gone.
    async fn build_fresh(&mut self, name: &str, zip: &ReadZip) -> Result<(String, String), WorkerError> {
        self.store().reserve(3).await.map_err(|e| from_store(name, &e))?;
        let id = self.fresh_id()?;
        let file = file_of(&id);
        let built = (|| {
            let mut conn = self.store().connect(&file).map_err(|e| from_sqlite(name, "creating", &e))?;
            harden(&conn).map_err(|e| from_artifact(name, &e))?;
            match zip.form {
                TextForm::Project => project::rebuild(&zip.tree, &mut conn).map(drop),
                _ => text::build(&zip.tree, name, &mut conn).map(drop),
            }
            .inspect(|()| super::faults::point("zip:built"))
            .map_err(|e| match e {
                FormatError::Sqlite { ref message, .. } if message.contains("database or disk is full") => {
                    super::errors::storage_full(name)
                }
                e => invalid(name, &e),
            })?;
            conn.close().map_err(|(_, e)| from_sqlite(name, "closing", &e))
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

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn stems_drop_the_extension() {
        assert_eq!(stem("sql-joins.zip"), "sql-joins");
        assert_eq!(stem("a.DB"), "a");
        assert_eq!(stem("plain"), "plain");
    }
}
