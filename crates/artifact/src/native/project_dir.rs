//! A project folder on disk: `project.yaml`, `data/`, the derived `playground.db` and
//! `history.log`, with the semantics of the RDBMS Playground's project format (`docs/format.md`
//! § Project form): an existing database opens as it is, a missing one is rebuilt silently, and
//! an explicit rebuild replaces it after the user confirmed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::archive::{FileTree, Limits};
use crate::error::{Error, Result, SqlContext as _};
use crate::project::{PROJECT_YAML, Summary, rebuild, summary};

/// A project folder: `project.yaml`, `data/`, the derived `playground.db` and `history.log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDir {
    root: PathBuf,
}

/// A project's database, opened by [`ProjectDir::open`].
#[derive(Debug)]
pub struct OpenedProject {
    /// The connection to `playground.db`.
    pub conn: Connection,
    /// What was rebuilt, when the database was missing and rebuilt from the text files.
    pub rebuilt: Option<Summary>,
}

impl ProjectDir {
    /// The project in folder `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ProjectDir { root: root.into() }
    }

    /// The project folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/playground.db`.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("playground.db")
    }

    /// Reads `project.yaml` and `data/` (nothing else of the folder).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `project.yaml` or `data/` cannot be read, and the errors of
    /// [`FileTree::from_dir`].
    pub fn read_sources(&self, limits: &Limits) -> Result<FileTree> {
        let mut tree = FileTree::new();
        let yaml_path = self.root.join(PROJECT_YAML);
        let yaml = std::fs::read(&yaml_path).map_err(|e| Error::io(&yaml_path, e))?;
        tree.insert(PROJECT_YAML, yaml)?;
        let data = self.root.join("data");
        if data.exists() {
            tree.insert_tree("data", &FileTree::from_dir(&data, limits)?)?;
        }
        Ok(tree)
    }

    /// Opens `playground.db` as it is, or rebuilds it silently from the text files when it
    /// is missing.
    ///
    /// # Errors
    ///
    /// [`Error::Sqlite`] when the database cannot be opened, and the errors of
    /// [`ProjectDir::rebuild`] when it has to be rebuilt.
    pub fn open(&self) -> Result<OpenedProject> {
        let db = self.db_path();
        let rebuilt = if db.exists() { None } else { Some(self.rebuild()?) };
        let conn = Connection::open(&db).ctx(&db.display().to_string())?;
        crate::db::harden::harden(&conn)?;
        Ok(OpenedProject { conn, rebuilt })
    }

    /// What [`ProjectDir::rebuild`] would recreate, for the confirmation.
    ///
    /// # Errors
    ///
    /// The errors of [`ProjectDir::read_sources`] and [`summary`].
    pub fn plan_rebuild(&self) -> Result<Summary> {
        summary(&self.read_sources(&Limits::default())?)
    }

    /// Rebuilds `playground.db` from the text files, replacing an existing one atomically,
    /// and appends the outcome to `history.log`.
    ///
    /// The new database is written to a temporary file in the same folder and renamed over
    /// `playground.db` only when complete, so no partial database is ever left behind.
    ///
    /// # Errors
    ///
    /// The errors of [`ProjectDir::read_sources`] and [`super::rebuild`], and [`Error::Io`]
    /// when the file cannot be written or renamed.
    pub fn rebuild(&self) -> Result<Summary> {
        let result = self.rebuild_inner();
        let entry = match &result {
            Ok(_) => "ok|rebuild".to_owned(),
            Err(e) => format!("error|rebuild: {}", e.to_string().replace(['\n', '\r'], " ")),
        };
        let logged = self.log(&entry);
        let summary = result?;
        logged?;
        Ok(summary)
    }

    fn rebuild_inner(&self) -> Result<Summary> {
        let tree = self.read_sources(&Limits::default())?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let tmp = self.root.join(format!(".playground.db.{}.{nanos}.tmp", std::process::id()));
        let cleanup = |tmp: &Path| {
            let _ = std::fs::remove_file(tmp);
            let _ = std::fs::remove_file(tmp.with_extension("tmp-journal"));
        };
        let built = (|| {
            let mut conn = Connection::open(&tmp).ctx(&tmp.display().to_string())?;
            crate::db::harden::harden(&conn)?;
            let summary = rebuild(&tree, &mut conn)?;
            conn.close().map_err(|(_, e)| Error::sqlite(tmp.display().to_string(), e))?;
            Ok(summary)
        })();
        match built {
            Ok(summary) => {
                let db = self.db_path();
                if let Err(e) = std::fs::rename(&tmp, &db) {
                    cleanup(&tmp);
                    return Err(Error::io(&db, e));
                }
                Ok(summary)
            }
            Err(e) => {
                cleanup(&tmp);
                Err(e)
            }
        }
    }

    /// Appends `<timestamp>|<entry>` to `history.log`.
    fn log(&self, entry: &str) -> Result<()> {
        let path = self.root.join("history.log");
        let line = format!("{}|{entry}\n", crate::native::fs::now_rfc3339());
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| Error::io(&path, e))
    }
}
