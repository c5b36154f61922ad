//! Native file-system helpers: read a text form from a folder or zip, write one, and create a
//! database file atomically so that a failed build never leaves a partial `.db` behind.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::archive::{FileTree, Limits};
use crate::db::harden::{classify_sqlite, harden, quick_check};
use crate::db::open::{Opened, open_checked};
use crate::error::{Error, Result};
use crate::native::open::open_readonly;

/// Whether `path` names a zip file (by extension).
pub fn is_zip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Reads a text form from a folder or a `.zip`, with the default [`Limits`].
///
/// # Errors
/// [`Error::Io`] when it cannot be read; the archive errors of [`FileTree`].
pub fn read_tree(path: &Path) -> Result<FileTree> {
    if is_zip(path) {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        FileTree::from_zip(&path.display().to_string(), &bytes, &Limits::default())
    } else if path.is_dir() {
        FileTree::from_dir(path, &Limits::default())
    } else if path.exists() {
        Err(Error::invalid(path.display().to_string(), "expected a folder or a .zip file"))
    } else {
        Err(Error::Io { path: path.display().to_string(), message: "no such file or folder".into() })
    }
}

/// Writes a tree to a new folder or a `.zip` (by extension). An existing zip is replaced
/// atomically; an existing folder must be empty unless `replace` is set, and then only a folder
/// that holds a text form (`workshop.yaml` or `project.yaml`) is cleared first.
///
/// # Errors
/// [`Error::Invalid`] for a non-empty folder; [`Error::Io`] for write failures.
pub fn write_tree(tree: &FileTree, path: &Path, replace: bool) -> Result<()> {
    if is_zip(path) {
        let bytes = tree.to_zip()?;
        return write_atomically(path, &bytes);
    }
    if path.exists() {
        let mut entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        if entries.next().is_some() {
            let ours = path.join("workshop.yaml").exists() || path.join("project.yaml").exists();
            if !replace {
                return Err(Error::invalid(
                    path.display().to_string(),
                    "the folder is not empty; choose a new one, or pass --force to replace a previous export",
                ));
            }
            if !ours {
                return Err(Error::invalid(
                    path.display().to_string(),
                    "the folder is not empty and holds no workshop.yaml or project.yaml: not replacing it",
                ));
            }
            std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e))?;
        }
    }
    tree.write_dir(path)
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` through a temporary file and a rename.
///
/// # Errors
/// [`Error::Io`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_beside(path);
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Writes `path` through a temporary file and a rename, the bytes streamed by `fill` into it
/// (buffered). On error the temporary file is removed and `path` is untouched.
///
/// # Errors
/// Whatever `fill` returns; [`Error::Io`].
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let tmp = temp_beside(path);
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)?;
        out.into_inner().map_err(|e| Error::io(&tmp, e.into_error()))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates the database `out` through a temporary file: `fill` writes into a fresh connection,
/// and only when it succeeds is the file renamed into place (replacing any old one). On error
/// the temporary file is removed and `out` is untouched.
///
/// # Errors
/// Whatever `fill` returns; [`Error::Io`] and [`Error::Sqlite`] for the file itself.
pub fn create_db_atomically<T>(out: &Path, fill: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
    let tmp = temp_beside(out);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut conn = Connection::open(&tmp).map_err(|e| Error::sqlite(format!("creating {}", tmp.display()), e))?;
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096;")
            .map_err(|e| Error::sqlite(format!("creating {}", tmp.display()), e))?;
        let value = fill(&mut conn)?;
        conn.execute_batch("VACUUM").map_err(|e| Error::sqlite(format!("compacting {}", out.display()), e))?;
        conn.close().map_err(|(_, e)| Error::sqlite(format!("closing {}", out.display()), e))?;
        Ok(value)
    })();
    match result {
        Ok(v) => {
            std::fs::rename(&tmp, out).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Error::io(out, e)
            })?;
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Builds a workshop `.db` from a text form in a folder or zip. Returns the content digest.
///
/// # Errors
/// Every error of [`crate::text::build`]; `out` is left untouched on error.
pub fn build_file(src: &Path, out: &Path) -> Result<String> {
    let tree = read_tree(src)?;
    let name = src.display().to_string();
    create_db_atomically(out, |conn| crate::text::build(&tree, &name, conn))
}

/// What [`import_file`] made.
#[derive(Debug)]
pub struct ImportedFile {
    /// What the source was.
    pub kind: crate::import::SourceKind,
    /// The content digest of the workshop written.
    pub digest: String,
    /// Its steps.
    pub steps: usize,
    /// What of the source it could not carry, one line each.
    pub report: Vec<String>,
    /// The workshop's text form (to keep in Git).
    pub text_form: FileTree,
}

/// Imports a Killercoda scenario (a folder or zip) or a Codelab (`.md`, its local images read
/// from beside it) into the workshop `.db` `out`, built and checked as `stepwise build` does.
///
/// # Errors
/// What reading the source, [`crate::import::import`] and [`crate::text::build`] report; `out`
/// is left untouched on error.
pub fn import_file(src: &Path, out: &Path) -> Result<ImportedFile> {
    let name = src.display().to_string();
    let is_markdown = src.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let tree = if is_markdown { markdown_with_images(src)? } else { read_tree(src)? };
    let imported = crate::import::import(&tree, &name)?;
    let mut text_form = FileTree::new();
    crate::text::write_workshop(&imported.workshop, &mut text_form)?;
    let digest = create_db_atomically(out, |conn| crate::text::build(&text_form, &name, conn))?;
    Ok(ImportedFile {
        kind: imported.kind,
        digest,
        steps: imported.workshop.steps.len(),
        report: imported.report,
        text_form,
    })
}

/// A Markdown file and the local images it names (below its own folder), as a tree.
fn markdown_with_images(path: &Path) -> Result<FileTree> {
    let limits = Limits::default();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limits.max_file_size {
        return Err(Error::invalid(path.display().to_string(), "is too large for a Markdown file"));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "codelab.md".to_owned());
    let mut tree = FileTree::new();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    tree.insert(&name, bytes)?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut total = 0u64;
    for image in crate::import::local_images(&text) {
        let Some(rel) = crate::import::resolve(&name, &image) else { continue };
        let full = folder.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&full) else { continue };
        if !meta.is_file() || meta.len() > limits.max_file_size || tree.contains(&rel) {
            continue;
        }
        total += meta.len();
        if total > limits.max_total_size {
            return Err(Error::invalid(path.display().to_string(), "names more image bytes than a workshop may hold"));
        }
        tree.insert(&rel, std::fs::read(&full).map_err(|e| Error::io(&full, e))?)?;
    }
    Ok(tree)
}

/// Opens a workshop file for export through the one open pipeline: sniffed, hardened, and
/// checked to be a current-version workshop whose content matches its digest. The file is
/// never written; the connection is to a checked copy in memory.
///
/// # Errors
/// As [`crate::native::open_path`]; [`Error::Invalid`] for a plain database or an older version
/// (naming the command that fixes it).
pub fn open_workshop(path: &Path) -> Result<(String, Connection)> {
    let (file, conn) = open_readonly(path)?;
    match open_checked(conn, &file, "1970-01-01T00:00:00Z")? {
        (conn, Opened::Workshop(w)) if w.migrated_from.is_none() => Ok((file, conn)),
        (_, Opened::Workshop(w)) => {
            let v = w.migrated_from.unwrap_or_default();
            let reason =
                format!("format version {v} is older than this Stepwise's; run `stepwise migrate {file}` first");
            Err(Error::invalid(file, reason))
        }
        (_, Opened::Playground(_)) => Err(Error::invalid(
            file,
            "a plain SQLite database, not a Stepwise workshop; use `stepwise project export` for it",
        )),
    }
}

/// Opens a database file for writing after sniffing its header, hardened.
///
/// # Errors
/// As [`crate::sniff()`]; [`Error::Sqlite`] when it cannot be opened.
pub fn open_writable(path: &Path) -> Result<(String, Connection)> {
    let (file, conn) = open_readonly(path)?;
    drop(conn);
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| classify_sqlite(&file, "opening", e))?;
    harden(&conn)?;
    Ok((file, conn))
}

/// Opens any SQLite database read-only after sniffing its header, hardened and checked with
/// `PRAGMA quick_check`: what `stepwise project export` reads.
///
/// # Errors
/// As [`crate::sniff()`]; [`Error::Corrupt`] when SQLite's check fails.
pub fn open_database(path: &Path) -> Result<(String, Connection)> {
    let (file, conn) = open_readonly(path)?;
    harden(&conn)?;
    let problems = quick_check(&conn, &file)?;
    if !problems.is_empty() {
        return Err(Error::Corrupt { file, detail: problems.join("; ") });
    }
    Ok((file, conn))
}

/// The current UTC time as RFC 3339, `2026-05-07T14:30:12Z`.
pub fn now_rfc3339() -> String {
    rfc3339(std::time::SystemTime::now())
}

/// `t` in UTC as RFC 3339 (`2026-05-07T14:30:12Z`), without a date crate.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
