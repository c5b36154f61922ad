//! Brings workshop files of older format versions up to the current one, step by step.
//!
//! Each [`Migration`] turns version `v` into `v + 1`. [`migrate`] runs every pending one, in
//! order, inside ONE transaction, and records each in `schema_history`: either the file ends at
//! the current version or it is left exactly as it was. [`pending`] only reads.
//!
//! Version 0 is the layout of the Stepwise prototype: a key/value `workshop_info` table, a
//! `steps` table of Markdown with an optional exact answer, and a `progress` table of done
//! flags. It is kept as a fixture (`tests/fixtures/v0-*.db`) so the path stays tested.

use rusqlite::{Connection, Transaction};

use crate::db::harden::{classify_sqlite, unreadable};
use crate::db::schema::{SCHEMA_VERSION, is_slug};
use crate::error::{Error, Result, SqlContext};
use crate::model::*;

/// One registered step from version `from` to `from + 1`.
pub struct Migration {
    /// The version it starts from.
    pub from: i64,
    /// What it changes, recorded in `schema_history`.
    pub name: &'static str,
    /// The change, run inside the caller's transaction.
    pub run: fn(&Transaction<'_>, &str) -> Result<()>,
}

/// Every migration, in order. `MIGRATIONS[i].from == i`.
pub const MIGRATIONS: &[Migration] =
    &[Migration { from: 0, name: "v0 prototype layout -> v1: typed STRICT schema, artifacts, digest", run: v0_to_v1 }];

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
        for m in todo {
            (m.run)(&tx, file).map_err(|e| unreadable(file, e))?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", m.from + 1)).map_err(sql("setting user_version"))?;
            tx.execute(
                "INSERT INTO schema_history (version, name, applied_at) VALUES (?1, ?2, ?3)",
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

fn v0_to_v1(tx: &Transaction<'_>, file: &str) -> Result<()> {
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
                hint: None,
                rule: Rule::Answer { expect: AnswerExpect::Exact { any_of: vec![a], case_sensitive: false } },
            })
            .into_iter()
            .collect();
        steps.push(Step {
            slug,
            title,
            minutes: None,
            unlock: None,
            content: markdown,
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
    let workshop = Workshop { meta, steps, assets: Vec::new() };
    tx.execute_batch("DROP TABLE progress; DROP TABLE steps; DROP TABLE workshop_info;").ctx("dropping v0 tables")?;
    crate::db::store::create_schema(tx)?;
    crate::db::store::write_contents(tx, &workshop, &runtime)?;
    Ok(())
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
