//! Brings workshop files of older format versions up to the current one.
//!
//! Each [`Migration`] names a step `v → v + 1` and knows how to read the layout of version `v`
//! into the typed model. [`migrate`] reads the file's own layout, drops its format tables, and
//! writes the model in the current layout, inside ONE transaction, recording every step in
//! `schema_history`: either the file ends at the current version or it is left exactly as it
//! was. A file whose version carries a content digest is refused if the digest does not match
//! before it is migrated, so a migration never launders a changed workshop (the digest of a
//! workshop that uses no newer feature is the same in every version). [`pending`] only reads.
//!
//! Version 0 is the layout of the Stepwise prototype: a key/value `workshop_info` table, a
//! `steps` table of Markdown with an optional exact answer, and a `progress` table of done
//! flags. Version 1 had one `hint` per check and no solutions, `choice` checks, step setup or
//! learner records. Each is kept as a fixture (`tests/fixtures/v<N>-*.db`).

use rusqlite::{Connection, Transaction};

use crate::db::harden::{classify_sqlite, unreadable};
use crate::db::schema::{SCHEMA_VERSION, V0_TABLES, V1_TABLES, is_slug};
use crate::db::store::{create_schema, get_meta, read_runtime_of, read_workshop_of, write_contents};
use crate::digest::content_digest;
use crate::error::{Error, Result, SqlContext};
use crate::model::*;

/// One registered step from version `from` to `from + 1`.
pub struct Migration {
    /// The version it starts from.
    pub from: i64,
    /// What it changes, recorded in `schema_history`.
    pub name: &'static str,
    /// Reads a file of version `from` into the model, inside the caller's transaction.
    pub read: fn(&Transaction<'_>, &str) -> Result<(Workshop, Runtime)>,
    /// The format's own tables in version `from`: what the migration replaces.
    pub tables: &'static [&'static str],
    /// Whether version `from` stores a content digest to check before migrating.
    pub digest: bool,
}

/// Every migration, in order. `MIGRATIONS[i].from == i`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 0,
        name: "v0 prototype layout -> v1: typed STRICT schema, artifacts, digest",
        read: read_v0,
        tables: V0_TABLES,
        digest: false,
    },
    Migration {
        from: 1,
        name: "v1 -> v2: hints, solutions, choice checks, step setup, solution_after, learner records",
        read: read_v1,
        tables: V1_TABLES,
        digest: true,
    },
];

/// The migrations a file at `version` needs, without changing anything.
pub fn pending(version: i64) -> &'static [Migration] {
    let start = usize::try_from(version).unwrap_or(usize::MAX).min(MIGRATIONS.len());
    &MIGRATIONS[start..]
}

/// Migrates `conn` to the current version in one transaction; `now` (RFC 3339) is recorded.
/// Returns the names of the migrations that ran (none when already current).
///
/// # Errors
/// [`Error::TooNew`] for a newer file; whatever a migration reports (the transaction is rolled
/// back and the file is unchanged).
pub fn migrate(conn: &mut Connection, file: &str, now: &str) -> Result<Vec<&'static str>> {
    // Every error names the file: a failure of SQLite itself with the file's name in front, a row
    // of the old layout that cannot be read (a v0 value stored as a blob) as damage in that file,
    // like `open_path` says.
    let sql = |context: &'static str| move |e: rusqlite::Error| classify_sqlite(file, context, e);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql("reading user_version"))?;
    if version > SCHEMA_VERSION {
        return Err(Error::TooNew { file: file.to_owned(), found: version, supported: SCHEMA_VERSION });
    }
    let todo = pending(version);
    if todo.is_empty() {
        return Ok(Vec::new());
    }
    // Foreign keys are checked at the end, not while tables are being rebuilt.
    conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(sql("preparing the migration"))?;
    let result = (|| {
        let tx = conn.transaction().map_err(sql("starting the migration"))?;
        let first = &todo[0];
        let (workshop, runtime) = (first.read)(&tx, file).map_err(|e| unreadable(file, e))?;
        if first.digest {
            let stored = get_meta(&tx, "content_digest").map_err(|e| unreadable(file, e))?.unwrap_or_default();
            let computed = content_digest(&workshop);
            if stored != computed {
                return Err(Error::DigestMismatch { file: file.to_owned(), stored, computed });
            }
        }
        rewrite(&tx, first.tables, &workshop, &runtime).map_err(|e| unreadable(file, e))?;
        for m in todo {
            tx.execute(
                "INSERT OR REPLACE INTO schema_history (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.from + 1, m.name, now],
            )
            .map_err(sql("recording the migration"))?;
        }
        let broken: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .map_err(sql("checking keys"))?;
        if broken > 0 {
            return Err(Error::Corrupt {
                file: file.to_owned(),
                detail: format!("{broken} broken reference(s) after migration"),
            });
        }
        tx.commit().map_err(sql("committing the migration"))
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON").map_err(sql("finishing the migration"))?;
    result.map(|()| todo.iter().map(|m| m.name).collect())
}

/// Makes a slug out of a prototype step title: lower case, runs of other characters become `-`.
fn slugify(title: &str, taken: &mut Vec<String>) -> String {
    let mut s = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let mut s: String = s.trim_end_matches('-').chars().take(56).collect();
    if !is_slug(&s) {
        s = "step".into();
    }
    let base = s.clone();
    let mut n = 2;
    while taken.contains(&s) {
        s = format!("{base}-{n}");
        n += 1;
    }
    taken.push(s.clone());
    s
}

/// Replaces the format tables `old` with the current layout holding `workshop` and `runtime`,
/// keeping the bookkeeping rows that are not derived (`meta` keys other than the digest and
/// generator, `schema_history`) and any table of the file's own.
fn rewrite(tx: &Transaction<'_>, old: &[&str], workshop: &Workshop, runtime: &Runtime) -> Result<()> {
    let keep_meta: Vec<(String, String)> = if old.contains(&"meta") {
        let mut stmt = tx
            .prepare("SELECT key, value FROM meta WHERE key NOT IN ('content_digest', 'generator') ORDER BY key")
            .ctx("reading meta")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).and_then(|r| r.collect()).ctx("reading meta")?
    } else {
        Vec::new()
    };
    let history: Vec<(i64, String, String)> = if old.contains(&"schema_history") {
        let mut stmt =
            tx.prepare("SELECT version, name, applied_at FROM schema_history").ctx("reading schema_history")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|r| r.collect())
            .ctx("reading schema_history")?
    } else {
        Vec::new()
    };
    for table in old {
        tx.execute_batch(&format!("DROP TABLE IF EXISTS \"{table}\""))
            .map_err(|e| Error::sqlite(format!("dropping the old table {table}"), e))?;
    }
    create_schema(tx)?;
    write_contents(tx, workshop, runtime)?;
    for (key, value) in keep_meta {
        crate::db::store::set_meta(tx, &key, &value)?;
    }
    for (version, name, at) in history {
        tx.execute(
            "INSERT INTO schema_history (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, at],
        )
        .ctx("keeping schema_history")?;
    }
    Ok(())
}

/// Reads a version-1 file: the current reader with the columns version 1 lacks as defaults.
fn read_v1(tx: &Transaction<'_>, file: &str) -> Result<(Workshop, Runtime)> {
    Ok((read_workshop_of(tx, file, 1)?, read_runtime_of(tx, file, 1)?))
}

/// Reads the prototype layout.
fn read_v0(tx: &Transaction<'_>, file: &str) -> Result<(Workshop, Runtime)> {
    let info = |key: &str| -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        tx.query_row("SELECT value FROM workshop_info WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .ctx("reading workshop_info")
    };
    let title = info("title")?.unwrap_or_else(|| "Untitled workshop".into());
    let mut taken = Vec::new();
    let slug = info("slug")?.filter(|s| is_slug(s)).unwrap_or_else(|| slugify(&title, &mut taken));
    taken.clear();
    let meta = WorkshopMeta {
        slug,
        title,
        version: info("version")?.unwrap_or_else(|| "0".into()),
        summary: info("summary")?.unwrap_or_default(),
        authors: info("author")?.into_iter().collect(),
        language: "en".into(),
        license: None,
        unlock: Unlock::AfterPrevious,
        solution_after: DEFAULT_SOLUTION_AFTER,
    };
    let mut stmt =
        tx.prepare("SELECT position, title, markdown, answer FROM steps ORDER BY position").ctx("reading v0 steps")?;
    let rows: Vec<(i64, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|r| r.collect())
        .ctx("reading v0 steps")?;
    drop(stmt);
    let mut steps = Vec::new();
    let mut slug_of = std::collections::HashMap::new();
    for (pos, title, markdown, answer) in rows {
        let slug = slugify(&title, &mut taken);
        slug_of.insert(pos, slug.clone());
        let validations = answer
            .filter(|a| !a.trim().is_empty())
            .map(|a| Validation {
                id: "answer".into(),
                prompt: "Your answer".into(),
                hints: Vec::new(),
                rule: Rule::Answer { expect: AnswerExpect::Exact { any_of: vec![a.clone()], case_sensitive: false } },
                solution: Some(a),
                feedback: None,
            })
            .into_iter()
            .collect();
        steps.push(Step {
            slug,
            title,
            minutes: None,
            unlock: None,
            content: markdown,
            setup: None,
            validations,
            artifacts: Vec::new(),
        });
    }
    let mut stmt =
        tx.prepare("SELECT position, done, done_at FROM progress ORDER BY position").ctx("reading v0 progress")?;
    let rows: Vec<(i64, i64, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|r| r.collect())
        .ctx("reading v0 progress")?;
    drop(stmt);
    let mut runtime = Runtime::default();
    for (pos, done, done_at) in rows {
        let Some(step) = slug_of.get(&pos) else {
            return Err(Error::Corrupt {
                file: file.to_owned(),
                detail: format!("v0 progress refers to missing step {pos}"),
            });
        };
        let at = done_at.unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        runtime.progress.push(Progress {
            step: step.clone(),
            status: if done != 0 { StepStatus::Done } else { StepStatus::Started },
            verified: false,
            started_at: at.clone(),
            completed_at: (done != 0).then_some(at),
        });
    }
    Ok((Workshop { meta, steps, assets: Vec::new() }, runtime))
}

/// The version-0 layout, for building fixtures and tests.
pub const V0_SCHEMA: &str = "
CREATE TABLE workshop_info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE steps (position INTEGER PRIMARY KEY, title TEXT NOT NULL, markdown TEXT NOT NULL, answer TEXT);
CREATE TABLE progress (position INTEGER PRIMARY KEY REFERENCES steps (position), done INTEGER NOT NULL DEFAULT 0, done_at TEXT);
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_contiguous_and_reaches_the_current_version() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.from, i as i64);
        }
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION);
        assert!(pending(SCHEMA_VERSION).is_empty());
    }

    #[test]
    fn slugs_are_unique_and_valid() {
        let mut taken = Vec::new();
        assert_eq!(slugify("Hello, World!", &mut taken), "hello-world");
        assert_eq!(slugify("Hello world", &mut taken), "hello-world-2");
        assert_eq!(slugify("¿¿??", &mut taken), "step");
    }
}
