//! Writing a workshop text form, and building a database from one.

use rusqlite::Connection;

use crate::archive::{FileTree, Limits};
use crate::db::schema::RUNTIME_TABLES;
use crate::error::{Error, Result, SqlContext};
use crate::model::*;
use crate::text::doc::{GITIGNORE, StepDoc, TEXT_FORM_VERSION, ValidationDoc, WORKSHOP_YAML, WorkshopDoc};
use crate::text::read::parse;

/// The folder name of the step at 1-based `position` among `count` steps: `03-inner-join`.
pub fn step_dir(position: usize, count: usize, slug: &str) -> String {
    let width = count.to_string().len().max(2);
    format!("{position:0width$}-{slug}")
}

/// Writes the text form of a workshop: `workshop.yaml`, step folders, assets, `.gitignore`.
///
/// # Errors
/// [`Error::Invalid`] if a stored file-state archive cannot be read back.
pub fn write_workshop(w: &Workshop, out: &mut FileTree) -> Result<()> {
    let doc = WorkshopDoc {
        version: TEXT_FORM_VERSION,
        workshop: w.meta.clone(),
        steps: w
            .steps
            .iter()
            .map(|s| {
                Ok(StepDoc {
                    slug: s.slug.clone(),
                    title: s.title.clone(),
                    minutes: s.minutes,
                    unlock: s.unlock,
                    setup: s.setup.clone(),
                    validations: s.validations.iter().map(ValidationDoc::from_model).collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let yaml = serde_norway::to_string(&doc).map_err(|e| Error::invalid(WORKSHOP_YAML, e.to_string()))?;
    out.insert(WORKSHOP_YAML, yaml)?;
    out.insert(".gitignore", GITIGNORE)?;
    let n = w.steps.len();
    for (i, s) in w.steps.iter().enumerate() {
        let dir = format!("steps/{}", step_dir(i + 1, n, &s.slug));
        out.insert(&format!("{dir}/content.md"), s.content.as_bytes())?;
        for a in &s.artifacts {
            match a.kind {
                ArtifactKind::Manifests => out.insert(&format!("{dir}/manifests.yaml"), a.data.clone())?,
                ArtifactKind::State => out.insert(&format!("{dir}/state.yaml"), a.data.clone())?,
                ArtifactKind::Files => {
                    // Plain files when re-packing them gives the same bytes; the tar otherwise.
                    let canonical = FileTree::from_tar(&format!("{dir}/files.tar"), &a.data, &Limits::default())
                        .ok()
                        .filter(|t| !t.is_empty() && t.to_tar().ok().as_deref() == Some(&a.data[..]));
                    match canonical {
                        Some(t) => {
                            for (p, d) in t.iter() {
                                out.insert(&format!("{dir}/files/{p}"), d)?;
                            }
                        }
                        None => out.insert(&format!("{dir}/files.tar"), a.data.clone())?,
                    }
                }
            }
        }
    }
    for a in &w.assets {
        out.insert(&format!("assets/{}", a.path), a.data.clone())?;
    }
    Ok(())
}

/// Exports a workshop database to its text form, runtime tables included.
///
/// # Errors
/// As [`crate::db::open::load_checked`] (a damaged workshop is not exported) and [`write_workshop`].
pub fn export(conn: &Connection, file: &str) -> Result<FileTree> {
    let (w, _) = crate::db::open::load_checked(conn, file)?;
    let mut out = FileTree::new();
    write_workshop(&w, &mut out)?;
    for table in RUNTIME_TABLES {
        if let Some(csv) = crate::project::table_csv(conn, table)? {
            out.insert(&format!("data/{table}.csv"), csv)?;
        }
    }
    Ok(out)
}

/// Builds a workshop database from its text form into the empty connection `conn`, in one
/// transaction. Returns the content digest.
///
/// # Errors
/// Every error of [`parse`]; [`Error::Csv`] naming the file and line of a runtime row that does
/// not load. On error nothing is written.
pub fn build(tree: &FileTree, name: &str, conn: &mut Connection) -> Result<String> {
    let parsed = parse(tree, name)?;
    let tx = conn.transaction().ctx("starting the build")?;
    crate::db::store::create_schema(&tx)?;
    let digest = crate::db::store::write_contents(&tx, &parsed.workshop, &Runtime::default())?;
    for table in RUNTIME_TABLES {
        if let Some(csv) = parsed.runtime.get(&format!("{table}.csv")) {
            crate::project::load_table_csv(&tx, table, &format!("data/{table}.csv"), csv)
                .map_err(|e| e.within(name))?;
        }
    }
    let broken: i64 =
        tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).ctx("checking references")?;
    if broken > 0 {
        return Err(Error::invalid(
            "data/",
            format!("{broken} runtime row(s) refer to steps, checks or blobs that do not exist"),
        ));
    }
    tx.commit().ctx("committing the build")?;
    Ok(digest)
}
