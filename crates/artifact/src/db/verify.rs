//! Checks everything about a workshop file and reports every problem, not just the first.

use rusqlite::Connection;

use crate::archive::{FileTree, Limits};
use crate::db::harden::{harden, quick_check};
use crate::db::inspect::{Kind, inspect};
use crate::db::store::{get_meta, read_runtime, read_workshop};
use crate::digest::{content_digest, sha256_hex};
use crate::error::{Error, Result, Shown, SqlContext};
use crate::model::{ArtifactKind, Workshop};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The file's name.
    pub file: String,
    /// The content digest as recomputed (when the definition could be read).
    pub digest: Option<String>,
    /// Every problem, one sentence each; empty when the file is sound.
    pub problems: Vec<String>,
    /// What is sound but worth the author's attention (a check without a solution).
    pub warnings: Vec<String>,
}

impl Report {
    /// `Ok(self)` when there is no problem, else [`Error::Problems`] listing them all.
    ///
    /// # Errors
    /// [`Error::Problems`].
    pub fn into_result(self) -> Result<Self> {
        if self.problems.is_empty() {
            Ok(self)
        } else {
            Err(Error::Problems { file: self.file, problems: self.problems })
        }
    }
}

/// Verifies an open connection to a current-version workshop, collecting every problem:
/// SQLite's integrity check, broken references, blobs whose bytes do not match their size or
/// SHA-256, unreferenced blobs, step positions with gaps, rules that cannot run, artifacts that
/// do not parse, runtime rows that do not load, and the content digest.
///
/// # Errors
/// Only when the file is not a current-version workshop at all (see [`inspect`]); everything
/// else is a problem in the [`Report`].
pub fn verify_connection(conn: &Connection, file: &str) -> Result<Report> {
    harden(conn)?;
    let mut r = Report { file: file.to_owned(), ..Report::default() };
    match inspect(conn, file) {
        Ok(Kind::Workshop) => {}
        Ok(Kind::Playground) => {
            return Err(Error::invalid(
                file,
                "a plain SQLite database, not a Stepwise workshop (open it as a playground)",
            ));
        }
        Ok(Kind::OlderWorkshop(v)) => {
            r.problems.push(format!(
                "format version {v} is older than this Stepwise's {}: run `stepwise migrate {file}`",
                crate::db::schema::SCHEMA_VERSION
            ));
            return Ok(r);
        }
        Err(Error::Corrupt { detail, .. }) => {
            // Keep every line quick_check printed when it could run; otherwise SQLite's message.
            match quick_check(conn, file) {
                Ok(lines) if !lines.is_empty() => r.problems.extend(lines),
                _ => r.problems.push(format!("damaged database: {detail}")),
            }
            return Ok(r);
        }
        Err(e) => return Err(e),
    }
    // A row that passed `quick_check` but cannot be read (text that is not UTF-8) is one more
    // problem of this file, not a failure of `verify`.
    if let Err(e) = check_tables(conn, file, &mut r) {
        match crate::db::harden::unreadable(file, e) {
            Error::Corrupt { detail, .. } => r.problems.push(format!("damaged database: {detail}")),
            Error::Sqlite { context, message } => {
                return Err(Error::Sqlite { context: format!("{file}: {context}"), message });
            }
            e => return Err(e),
        }
    }
    Ok(r)
}

/// The checks of [`verify_connection`] after `inspect`: each problem into `r`.
fn check_tables(conn: &Connection, file: &str, r: &mut Report) -> Result<()> {
    let p = &mut r.problems;
    let mut fk =
        conn.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check").ctx("checking references")?;
    let broken: Vec<(String, Option<i64>, String)> = fk
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|r| r.collect())
        .ctx("checking references")?;
    for (table, rowid, parent) in broken {
        let at = rowid.map(|id| format!(" (rowid {id})")).unwrap_or_default();
        p.push(format!("a row of {}{at} refers to a missing row of {}", Shown(&table), Shown(&parent)));
    }
    for table in ["blob", "runtime_blob"] {
        let mut stmt = conn
            .prepare(&format!("SELECT sha256, size, length(data), data FROM {table} ORDER BY sha256"))
            .ctx("reading blobs")?;
        let mut rows = stmt.query([]).ctx("reading blobs")?;
        while let Some(row) = rows.next().ctx("reading blobs")? {
            let sha: String = row.get(0).ctx("reading blobs")?;
            let size: i64 = row.get(1).ctx("reading blobs")?;
            let len: i64 = row.get(2).ctx("reading blobs")?;
            let data: Vec<u8> = row.get(3).ctx("reading blobs")?;
            if size != len {
                p.push(format!("{table} {sha}: size says {size} bytes, data has {len}"));
            }
            let actual = sha256_hex(&data);
            if actual != sha {
                p.push(format!("{table} {sha}: SHA-256 of the data is {actual}; the bytes were changed or damaged"));
            }
        }
    }
    let orphans: Vec<String> = conn
        .prepare(
            "SELECT sha256 FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM artifact UNION SELECT sha256 FROM asset) ORDER BY sha256",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0)).and_then(|r| r.collect()))
        .ctx("finding unreferenced blobs")?;
    for sha in orphans {
        p.push(format!("blob {sha} is not used by any artifact or asset (it is not covered by the content digest)"));
    }
    let orphans: Vec<String> = conn
        .prepare(
            "SELECT sha256 FROM runtime_blob WHERE sha256 NOT IN \
             (SELECT workspace FROM cursor WHERE workspace IS NOT NULL UNION SELECT workspace FROM snapshot WHERE workspace IS NOT NULL) \
             ORDER BY sha256",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0)).and_then(|r| r.collect()))
        .ctx("finding unreferenced runtime blobs")?;
    for sha in orphans {
        p.push(format!("runtime_blob {sha} is not used by the cursor or any snapshot"));
    }
    let positions: Vec<i64> = conn
        .prepare("SELECT position FROM step ORDER BY position")
        .and_then(|mut s| s.query_map([], |r| r.get(0)).and_then(|r| r.collect()))
        .ctx("reading steps")?;
    for (i, pos) in positions.iter().enumerate() {
        if *pos != i as i64 + 1 {
            p.push(format!("step positions must run 1, 2, 3…; position {pos} is in place {}", i + 1));
            break;
        }
    }
    match read_workshop(conn, file) {
        Ok(w) => {
            check_content(&w, p);
            for (step, check) in crate::prove::without_solution(&w) {
                r.warnings.push(format!(
                    "check {check:?} of step {step:?} has no `solution`: a stuck learner cannot be shown one, and \
                     `stepwise test` cannot prove it"
                ));
            }
            let computed = content_digest(&w);
            match get_meta(conn, "content_digest")? {
                None => p.push("meta has no content_digest".into()),
                Some(stored) if stored != computed => p.push(format!(
                    "content digest mismatch: stored {}, computed {computed}; the workshop was changed or damaged",
                    crate::error::digest_shown(&stored)
                )),
                Some(_) => {}
            }
            r.digest = Some(computed);
        }
        Err(e) => p.push(e.to_string()),
    }
    if let Err(e) = read_runtime(conn, file) {
        p.push(e.to_string());
    }
    Ok(())
}

/// Checks what SQLite cannot: rules that would not run, artifacts that do not parse.
fn check_content(w: &Workshop, p: &mut Vec<String>) {
    for s in &w.steps {
        for v in &s.validations {
            if let Err(why) = crate::rules::validate_rule(&v.rule) {
                p.push(format!("validation {:?} of step {:?}: {why}", v.id, s.slug));
            }
        }
        for a in &s.artifacts {
            let name = format!("the {} artifact of step {:?}", a.kind.as_str(), s.slug);
            match a.kind {
                ArtifactKind::Files => {
                    if let Err(e) = FileTree::from_tar(&name, &a.data, &Limits::default()) {
                        p.push(e.to_string());
                    }
                }
                ArtifactKind::Manifests | ArtifactKind::State => {
                    if let Err(e) = crate::text::parse_yaml_documents(&name, &a.data, a.kind) {
                        p.push(e.to_string());
                    }
                }
            }
        }
    }
}
