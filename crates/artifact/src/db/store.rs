//! Moves the typed model in and out of a workshop database's tables.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::db::blob::put_blob;
use crate::db::deferred::{key_shown, parse_key};
use crate::db::runtime::write_runtime;
use crate::db::schema::{APPLICATION_ID, SCHEMA_V2, SCHEMA_VERSION};
use crate::digest::content_digest;
use crate::error::{Error, Result, Shown, SqlContext, clipped};
use crate::model::*;

/// The generator string recorded in `meta`.
pub fn generator() -> String {
    format!("stepwise {}", env!("CARGO_PKG_VERSION"))
}

/// Creates the current schema in an empty database and sets `application_id`/`user_version`.
pub fn create_schema(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(SCHEMA_V2).ctx("creating the workshop schema")?;
    tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"))
        .ctx("setting application_id")?;
    Ok(())
}

/// Writes a whole workshop (definition, artifacts, meta and digest) and its runtime state into
/// an empty database, in one transaction.
///
/// # Errors
/// [`Error::Invalid`] for a workshop that breaks the format's rules (duplicate slugs, an unknown
/// step in the runtime state…), [`Error::Sqlite`] for anything SQLite refuses.
pub fn write_new(conn: &mut Connection, w: &Workshop, rt: &Runtime) -> Result<String> {
    let tx = conn.transaction().ctx("starting the build")?;
    create_schema(&tx)?;
    let digest = write_contents(&tx, w, rt)?;
    tx.commit().ctx("committing the build")?;
    Ok(digest)
}

/// Writes definition, artifacts, runtime state, digest and generator into a database whose
/// current tables exist and are empty (inside the caller's transaction). Returns the digest.
///
/// # Errors
/// As [`write_new`].
pub fn write_contents(tx: &Connection, w: &Workshop, rt: &Runtime) -> Result<String> {
    write_definition(tx, w)?;
    write_runtime(tx, rt)?;
    let digest = content_digest(w);
    set_meta(tx, "content_digest", &digest)?;
    set_meta(tx, "generator", &generator())?;
    Ok(digest)
}

/// Sets one `meta` value.
pub fn set_meta(tx: &Connection, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .ctx("writing meta")?;
    Ok(())
}

/// Reads one `meta` value.
pub fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().ctx("reading meta")
}

fn write_definition(tx: &Connection, w: &Workshop) -> Result<()> {
    let m = &w.meta;
    let authors = serde_json::to_string(&m.authors).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO workshop (id, slug, title, version, summary, authors, language, license, unlock, solution_after)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            m.slug,
            m.title,
            m.version,
            m.summary,
            authors,
            m.language,
            m.license,
            m.unlock.as_str(),
            m.solution_after
        ],
    )
    .ctx("writing the workshop metadata")?;
    let mut step_stmt = tx
        .prepare(
            "INSERT INTO step (slug, position, title, minutes, unlock, content, setup) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .ctx("preparing steps")?;
    let mut val_stmt = tx
        .prepare(
            "INSERT INTO validation (step, id, position, kind, prompt, hints, spec, solution, feedback)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .ctx("preparing validations")?;
    let mut art_stmt = tx
        .prepare("INSERT INTO artifact (step, kind, media_type, sha256) VALUES (?1, ?2, ?3, ?4)")
        .ctx("preparing artifacts")?;
    for (i, s) in w.steps.iter().enumerate() {
        let here = format!("step {:?}", s.slug);
        step_stmt
            .execute(params![
                s.slug,
                i as i64 + 1,
                s.title,
                s.minutes,
                s.unlock.map(Unlock::as_str),
                s.content,
                s.setup
            ])
            .map_err(|e| Error::sqlite(format!("writing {here}"), e))?;
        for (j, v) in s.validations.iter().enumerate() {
            let spec = serde_json::to_string(&v.rule).map_err(|e| Error::invalid(&here, e.to_string()))?;
            let hints = serde_json::to_string(&v.hints).map_err(|e| Error::invalid(&here, e.to_string()))?;
            val_stmt
                .execute(params![
                    s.slug,
                    v.id,
                    j as i64 + 1,
                    v.rule.kind(),
                    v.prompt,
                    hints,
                    spec,
                    v.solution,
                    v.feedback
                ])
                .map_err(|e| Error::sqlite(format!("writing validation {:?} of {here}", v.id), e))?;
        }
        for a in &s.artifacts {
            let sha = put_blob(tx, "blob", &a.data)?;
            art_stmt
                .execute(params![s.slug, a.kind.as_str(), a.kind.media_type(), sha])
                .map_err(|e| Error::sqlite(format!("writing the {} artifact of {here}", a.kind.as_str()), e))?;
        }
    }
    for a in &w.assets {
        let sha = put_blob(tx, "blob", &a.data)?;
        tx.execute(
            "INSERT INTO asset (path, media_type, sha256) VALUES (?1, ?2, ?3)",
            params![a.path, a.media_type, sha],
        )
        .map_err(|e| Error::sqlite(format!("writing asset {}", Shown(&a.path)), e))?;
    }
    Ok(())
}

fn bad(file: &str, what: String) -> Error {
    Error::Corrupt { file: file.to_owned(), detail: what }
}

/// The SQL that reads the current layout's columns out of the tables of format `version`: the
/// columns a version lacks are read as their defaults, so the migration reads an older file
/// with the same code.
struct Layout {
    workshop: &'static str,
    steps: &'static str,
    validations: &'static str,
    checks: &'static str,
    /// Format version 2 added the `step_setup` and `learner` tables.
    has_learner: bool,
}

fn layout(version: i64) -> Layout {
    if version == 1 {
        Layout {
            workshop: "SELECT slug, title, version, summary, authors, language, license, unlock, 3 FROM workshop WHERE id = 1",
            steps: "SELECT slug, title, minutes, unlock, content, NULL FROM step ORDER BY position",
            validations:
                "SELECT id, kind, prompt, CASE WHEN hint IS NULL THEN '[]' ELSE json_array(hint) END, spec, NULL, NULL
                          FROM validation WHERE step = ?1 ORDER BY position",
            checks: "SELECT step, validation, passed, input, message, checked_at, 0, 0, 0 FROM check_result
                     ORDER BY step, validation",
            has_learner: false,
        }
    } else {
        Layout {
            workshop: "SELECT slug, title, version, summary, authors, language, license, unlock, solution_after
                       FROM workshop WHERE id = 1",
            steps: "SELECT slug, title, minutes, unlock, content, setup FROM step ORDER BY position",
            validations: "SELECT id, kind, prompt, hints, spec, solution, feedback FROM validation WHERE step = ?1
                          ORDER BY position",
            checks:
                "SELECT step, validation, passed, input, message, checked_at, failures, hints_opened, solution_shown
                     FROM check_result ORDER BY step, validation",
            has_learner: true,
        }
    }
}

/// Reads the definition and artifacts of a workshop.
///
/// # Errors
/// [`Error::Corrupt`] for rows the schema allows but the format does not (an unparsable rule),
/// [`Error::Sqlite`] for read failures.
pub fn read_workshop(conn: &Connection, file: &str) -> Result<Workshop> {
    read_workshop_of(conn, file, SCHEMA_VERSION)
}

/// [`read_workshop`] of a file in the layout of format `version` (1 or the current one).
///
/// # Errors
/// As [`read_workshop`].
pub fn read_workshop_of(conn: &Connection, file: &str, version: i64) -> Result<Workshop> {
    Ok(read_definition(conn, file, version, false)?.0)
}

/// [`read_workshop`] with every step's artifacts left in the file: the workshop's steps come
/// back without artifacts, and the index says which blob holds each and how long it is
/// ([`crate::db::deferred`]). Reading a workshop of 100 MB of archives so takes the definition
/// alone; each artifact is read, and checked against its SHA-256, when it is used.
///
/// # Errors
/// As [`read_workshop`]; a blob key that is not 64 lower-case hex digits.
pub fn read_workshop_deferred(conn: &Connection, file: &str) -> Result<(Workshop, ArtifactIndex)> {
    read_definition(conn, file, SCHEMA_VERSION, true)
}

/// The definition in the layout of `version`, each step's artifacts read (`defer` false) or
/// indexed.
fn read_definition(conn: &Connection, file: &str, version: i64, defer: bool) -> Result<(Workshop, ArtifactIndex)> {
    let layout = layout(version);
    let meta = conn
        .query_row(layout.workshop, [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, u32>(8)?,
            ))
        })
        .optional()
        .ctx("reading the workshop metadata")?
        .ok_or_else(|| bad(file, "the workshop table has no row".into()))?;
    let authors: Vec<String> = serde_json::from_str(&meta.4).map_err(|e| {
        bad(file, format!("workshop.authors is not a JSON list of strings: {}", clipped(&e.to_string())))
    })?;
    let unlock = Unlock::parse(&meta.7).ok_or_else(|| bad(file, format!("unknown unlock rule {}", Shown(&meta.7))))?;
    let meta = WorkshopMeta {
        slug: meta.0,
        title: meta.1,
        version: meta.2,
        summary: meta.3,
        authors,
        language: meta.5,
        license: meta.6,
        unlock,
        solution_after: meta.8,
    };

    let mut steps = Vec::new();
    let mut stmt = conn.prepare(layout.steps).ctx("reading steps")?;
    let mut rows = stmt.query([]).ctx("reading steps")?;
    while let Some(r) = rows.next().ctx("reading steps")? {
        let unlock: Option<String> = r.get(3).ctx("reading steps")?;
        let unlock = match unlock {
            None => None,
            Some(u) => Some(Unlock::parse(&u).ok_or_else(|| bad(file, format!("unknown unlock rule {}", Shown(&u))))?),
        };
        steps.push(Step {
            slug: r.get(0).ctx("reading steps")?,
            title: r.get(1).ctx("reading steps")?,
            minutes: r.get(2).ctx("reading steps")?,
            unlock,
            content: r.get(4).ctx("reading steps")?,
            setup: r.get(5).ctx("reading steps")?,
            validations: Vec::new(),
            artifacts: Vec::new(),
        });
    }
    let mut vstmt = conn.prepare(layout.validations).ctx("reading validations")?;
    // `length()` of a blob column reads its size from the record, not the bytes.
    let mut astmt = conn
        .prepare(if defer {
            "SELECT a.kind, a.sha256, length(b.data), b.sha256 FROM artifact a LEFT JOIN blob b ON b.sha256 = a.sha256
             WHERE a.step = ?1 ORDER BY a.kind"
        } else {
            "SELECT a.kind, a.sha256, b.data, b.sha256 FROM artifact a LEFT JOIN blob b ON b.sha256 = a.sha256
             WHERE a.step = ?1"
        })
        .ctx("reading artifacts")?;
    let mut index: ArtifactIndex = Vec::new();
    for s in &mut steps {
        if defer {
            index.push(Vec::new());
        }
        let mut rows = vstmt.query([&s.slug]).ctx("reading validations")?;
        while let Some(r) = rows.next().ctx("reading validations")? {
            let id: String = r.get(0).ctx("reading validations")?;
            let kind: String = r.get(1).ctx("reading validations")?;
            let spec: String = r.get(4).ctx("reading validations")?;
            let rule: Rule = serde_json::from_str(&spec).map_err(|e| {
                bad(
                    file,
                    format!(
                        "validation {} of step {} has an unreadable rule: {}",
                        Shown(&id),
                        Shown(&s.slug),
                        clipped(&e.to_string())
                    ),
                )
            })?;
            if rule.kind() != kind {
                return Err(bad(
                    file,
                    format!(
                        "validation {} of step {} says kind {kind} but its rule is {}",
                        Shown(&id),
                        Shown(&s.slug),
                        rule.kind()
                    ),
                ));
            }
            let hints: String = r.get(3).ctx("reading validations")?;
            let hints: Vec<String> = serde_json::from_str(&hints).map_err(|e| {
                bad(
                    file,
                    format!(
                        "validation {} of step {} has unreadable hints: {}",
                        Shown(&id),
                        Shown(&s.slug),
                        clipped(&e.to_string())
                    ),
                )
            })?;
            s.validations.push(Validation {
                id,
                prompt: r.get(2).ctx("reading validations")?,
                hints,
                rule,
                solution: r.get(5).ctx("reading validations")?,
                feedback: r.get(6).ctx("reading validations")?,
            });
        }
        let mut rows = astmt.query([&s.slug]).ctx("reading artifacts")?;
        while let Some(r) = rows.next().ctx("reading artifacts")? {
            let kind: String = r.get(0).ctx("reading artifacts")?;
            let sha: String = r.get(1).ctx("reading artifacts")?;
            let kind = ArtifactKind::parse(&kind)
                .ok_or_else(|| bad(file, format!("unknown artifact kind {}", Shown(&kind))))?;
            let missing = || {
                bad(
                    file,
                    format!(
                        "the {} artifact of step {} refers to missing blob {}",
                        kind.as_str(),
                        Shown(&s.slug),
                        key_shown(&sha)
                    ),
                )
            };
            // The row the key's index led to is stored under that key: a damaged index cannot
            // hand one blob's bytes (or length) to another's key.
            let under: Option<String> = r.get(3).ctx("reading artifacts")?;
            if under.is_some_and(|under| under != sha) {
                return Err(bad(
                    file,
                    format!(
                        "the {} artifact of step {} leads to a blob stored under another key",
                        kind.as_str(),
                        Shown(&s.slug)
                    ),
                ));
            }
            if defer {
                let size: Option<i64> = r.get(2).ctx("reading artifacts")?;
                let size = u64::try_from(size.ok_or_else(missing)?).map_err(|_| missing())?;
                let sha256 = parse_key(&sha).ok_or_else(|| {
                    bad(
                        file,
                        format!("the {} artifact of step {} names a malformed blob key", kind.as_str(), Shown(&s.slug)),
                    )
                })?;
                index.last_mut().expect("pushed for this step").push(StoredArtifact { kind, sha256, size });
            } else {
                let data: Option<Vec<u8>> = r.get(2).ctx("reading artifacts")?;
                s.artifacts.push(Artifact { kind, data: data.ok_or_else(missing)? });
            }
        }
        if defer {
            index.last_mut().expect("pushed for this step").sort_by_key(|a| a.kind);
        }
        s.artifacts.sort_by_key(|a| a.kind);
    }

    let mut assets = Vec::new();
    let mut stmt = conn
        .prepare("SELECT a.path, a.media_type, a.sha256, b.data FROM asset a LEFT JOIN blob b ON b.sha256 = a.sha256 ORDER BY a.path")
        .ctx("reading assets")?;
    let mut rows = stmt.query([]).ctx("reading assets")?;
    while let Some(r) = rows.next().ctx("reading assets")? {
        let path: String = r.get(0).ctx("reading assets")?;
        let sha: String = r.get(2).ctx("reading assets")?;
        let data: Option<Vec<u8>> = r.get(3).ctx("reading assets")?;
        let data = data
            .ok_or_else(|| bad(file, format!("asset {} refers to missing blob {}", Shown(&path), key_shown(&sha))))?;
        assets.push(Asset { path, media_type: r.get(1).ctx("reading assets")?, data });
    }
    Ok((Workshop { meta, steps, assets }, index))
}

/// Reads the runtime section.
///
/// # Errors
/// [`Error::Corrupt`] for a row that refers to a missing workspace blob or has an unknown status.
pub fn read_runtime(conn: &Connection, file: &str) -> Result<Runtime> {
    read_runtime_of(conn, file, SCHEMA_VERSION)
}

/// [`read_runtime`] of a file in the layout of format `version` (1 or the current one).
///
/// # Errors
/// As [`read_runtime`].
pub fn read_runtime_of(conn: &Connection, file: &str, version: i64) -> Result<Runtime> {
    let layout = layout(version);
    let blob = |sha: Option<String>| -> Result<Option<Vec<u8>>> {
        let Some(sha) = sha else { return Ok(None) };
        conn.query_row("SELECT data FROM runtime_blob WHERE sha256 = ?1", [&sha], |r| r.get(0))
            .optional()
            .ctx("reading runtime blobs")?
            .map(Some)
            .ok_or_else(|| bad(file, format!("runtime state refers to missing workspace blob {}", key_shown(&sha))))
    };
    let mut rt = Runtime::default();
    if let Some((step, ws, at)) = conn
        .query_row("SELECT current_step, workspace, updated_at FROM cursor WHERE id = 1", [], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
        })
        .optional()
        .ctx("reading the current step")?
    {
        rt.current_step = step;
        rt.workspace = blob(ws)?;
        rt.updated_at = at;
    }
    let mut stmt = conn
        .prepare("SELECT step, status, verified, started_at, completed_at FROM progress ORDER BY step")
        .ctx("reading progress")?;
    let mut rows = stmt.query([]).ctx("reading progress")?;
    while let Some(r) = rows.next().ctx("reading progress")? {
        let status: String = r.get(1).ctx("reading progress")?;
        let status = match status.as_str() {
            "started" => StepStatus::Started,
            "done" => StepStatus::Done,
            other => return Err(bad(file, format!("unknown progress status {}", Shown(other)))),
        };
        rt.progress.push(Progress {
            step: r.get(0).ctx("reading progress")?,
            status,
            verified: r.get(2).ctx("reading progress")?,
            started_at: r.get(3).ctx("reading progress")?,
            completed_at: r.get(4).ctx("reading progress")?,
        });
    }
    let mut stmt = conn.prepare(layout.checks).ctx("reading check results")?;
    rt.checks = stmt
        .query_map([], |r| {
            Ok(CheckResult {
                step: r.get(0)?,
                validation: r.get(1)?,
                passed: r.get(2)?,
                input: r.get(3)?,
                message: r.get(4)?,
                checked_at: r.get(5)?,
                failures: r.get(6)?,
                hints_opened: r.get(7)?,
                solution_shown: r.get(8)?,
            })
        })
        .ctx("reading check results")?
        .collect::<Result<_, _>>()
        .ctx("reading check results")?;
    let mut stmt = conn
        .prepare("SELECT id, taken_at, label, state, workspace FROM snapshot ORDER BY id")
        .ctx("reading snapshots")?;
    let snaps: Vec<(i64, String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .ctx("reading snapshots")?
        .collect::<Result<_, _>>()
        .ctx("reading snapshots")?;
    for (id, taken_at, label, state, ws) in snaps {
        rt.snapshots.push(Snapshot { id, taken_at, label, state, workspace: blob(ws)? });
    }
    if layout.has_learner {
        let mut stmt = conn.prepare("SELECT step, ran_at FROM step_setup ORDER BY step").ctx("reading setups")?;
        rt.setups = stmt
            .query_map([], |r| Ok(SetupRun { step: r.get(0)?, ran_at: r.get(1)? }))
            .ctx("reading setups")?
            .collect::<Result<_, _>>()
            .ctx("reading setups")?;
        rt.learner = conn
            .query_row("SELECT name, named_at FROM learner WHERE id = 1", [], |r| {
                Ok(Learner { name: r.get(0)?, named_at: r.get(1)? })
            })
            .optional()
            .ctx("reading the learner's name")?;
    }
    Ok(rt)
}
