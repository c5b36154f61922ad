//! Writes a learner's runtime state into a workshop database's runtime tables: all of it
//! ([`write_runtime`]), or only the rows that differ from what the file already holds
//! ([`write_runtime_changes`], what the player does on every save, so recording one check
//! writes one check's row instead of the whole history).

use std::collections::HashMap;
use std::hash::Hash;

use rusqlite::{Connection, params};

use crate::db::blob::put_blob;
use crate::error::{Error, Result, Shown, SqlContext};
use crate::model::*;

/// Replaces the runtime section with `rt` (inside the caller's transaction).
///
/// # Errors
/// [`Error::Sqlite`] when a row refers to a step or validation the workshop does not have.
pub fn write_runtime(tx: &Connection, rt: &Runtime) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM learner; DELETE FROM step_setup; DELETE FROM snapshot; DELETE FROM check_result;
         DELETE FROM progress; DELETE FROM cursor;",
    )
    .ctx("clearing runtime state")?;
    let mut empty = Runtime::default();
    write_rows(tx, &mut empty, rt)?;
    // The blobs (workspace images, of the cursor and of each snapshot) stay while the rows are
    // written again, so an image already stored is not written twice; those no row names any
    // more go now.
    drop_unnamed_images(tx)
}

/// Writes the rows of `now` that differ from `saved`, which must be what the file's runtime
/// tables hold, and makes `saved` equal to `now` (inside the caller's transaction).
///
/// Rows are matched by their keys (a step, a check, a snapshot's id); a workspace image is
/// compared byte for byte and hashed only when it is new. When this fails, or the caller's
/// transaction is not committed, `saved` no longer says what the file holds: write the whole
/// state with [`write_runtime`] instead next time.
///
/// # Errors
/// As [`write_runtime`].
pub fn write_runtime_changes(tx: &Connection, saved: &mut Runtime, now: &Runtime) -> Result<()> {
    if write_rows(tx, saved, now)? {
        drop_unnamed_images(tx)?;
    }
    Ok(())
}

/// Writes what differs between `saved` and `now` and updates `saved`. Returns whether a row
/// stopped naming a workspace image it named before.
fn write_rows(tx: &Connection, saved: &mut Runtime, now: &Runtime) -> Result<bool> {
    let mut unnamed = write_cursor(tx, saved, now)?;
    sync_rows(
        tx,
        &mut saved.progress,
        &now.progress,
        |p| p.step.clone(),
        |tx, p| {
            exec(
                tx,
                "INSERT OR REPLACE INTO progress (step, status, verified, started_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.step, status_str(p.status), p.verified, p.started_at, p.completed_at],
                || format!("writing progress of step {}", Shown(&p.step)),
            )
        },
        |tx, p| exec(tx, "DELETE FROM progress WHERE step = ?1", [&p.step], || "clearing progress".into()),
    )?;
    sync_rows(
        tx,
        &mut saved.checks,
        &now.checks,
        |c| (c.step.clone(), c.validation.clone()),
        |tx, c| {
            exec(
                tx,
                "INSERT OR REPLACE INTO check_result (step, validation, passed, input, message, checked_at,
                 failures, hints_opened, solution_shown) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    c.step,
                    c.validation,
                    c.passed,
                    c.input,
                    c.message,
                    c.checked_at,
                    c.failures,
                    c.hints_opened,
                    c.solution_shown
                ],
                || format!("writing the result of check {} of step {}", Shown(&c.validation), Shown(&c.step)),
            )
        },
        |tx, c| {
            exec(tx, "DELETE FROM check_result WHERE step = ?1 AND validation = ?2", [&c.step, &c.validation], || {
                "clearing a check result".into()
            })
        },
    )?;
    // A snapshot deleted, or written again over one of the same id, may leave its image unnamed.
    unnamed |= sync_rows(
        tx,
        &mut saved.snapshots,
        &now.snapshots,
        |s| s.id,
        |tx, s| {
            let ws = s.workspace.as_deref().map(|d| put_blob(tx, "runtime_blob", d)).transpose()?;
            exec(
                tx,
                "INSERT OR REPLACE INTO snapshot (id, taken_at, label, state, workspace) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.id, s.taken_at, s.label, s.state, ws],
                || format!("writing snapshot {}", s.id),
            )
        },
        |tx, s| exec(tx, "DELETE FROM snapshot WHERE id = ?1", [s.id], || "clearing a snapshot".into()),
    )?;
    sync_rows(
        tx,
        &mut saved.setups,
        &now.setups,
        |r| r.step.clone(),
        |tx, r| {
            exec(
                tx,
                "INSERT OR REPLACE INTO step_setup (step, ran_at) VALUES (?1, ?2)",
                params![r.step, r.ran_at],
                || format!("writing the setup record of step {}", Shown(&r.step)),
            )
        },
        |tx, r| exec(tx, "DELETE FROM step_setup WHERE step = ?1", [&r.step], || "clearing a setup record".into()),
    )?;
    if saved.learner != now.learner {
        match &now.learner {
            Some(learner) => exec(
                tx,
                "INSERT OR REPLACE INTO learner (id, name, named_at) VALUES (1, ?1, ?2)",
                params![learner.name, learner.named_at],
                || "writing the learner's name".into(),
            )?,
            None => exec(tx, "DELETE FROM learner", [], || "clearing the learner's name".into())?,
        }
        saved.learner.clone_from(&now.learner);
    }
    Ok(unnamed)
}

/// The cursor row: the current step, the workspace image and when they changed. Returns
/// whether the row stopped naming an image.
fn write_cursor(tx: &Connection, saved: &mut Runtime, now: &Runtime) -> Result<bool> {
    let image_changed = saved.workspace != now.workspace;
    if !image_changed && saved.current_step == now.current_step && saved.updated_at == now.updated_at {
        return Ok(false);
    }
    if now.current_step.is_none() && now.workspace.is_none() {
        tx.execute("DELETE FROM cursor", []).ctx("clearing the current step")?;
    } else if image_changed {
        let workspace = now.workspace.as_deref().map(|d| put_blob(tx, "runtime_blob", d)).transpose()?;
        exec(
            tx,
            "INSERT OR REPLACE INTO cursor (id, current_step, workspace, updated_at) VALUES (1, ?1, ?2, ?3)",
            params![now.current_step, workspace, now.updated_at],
            || "writing the current step".into(),
        )?;
    } else {
        // The image is the one the row already names (or none, and there was no row).
        exec(
            tx,
            "INSERT INTO cursor (id, current_step, workspace, updated_at) VALUES (1, ?1, NULL, ?2)
             ON CONFLICT (id) DO UPDATE SET current_step = excluded.current_step, updated_at = excluded.updated_at",
            params![now.current_step, now.updated_at],
            || "writing the current step".into(),
        )?;
    }
    let unnamed = image_changed && saved.workspace.is_some();
    saved.current_step.clone_from(&now.current_step);
    saved.updated_at.clone_from(&now.updated_at);
    if image_changed {
        saved.workspace.clone_from(&now.workspace);
    }
    Ok(unnamed)
}

/// Makes the rows of one table, `saved`, equal to `now`: rows of `saved` whose key `now` lacks
/// are deleted, rows of `now` that are new or differ are written; then `saved` is `now`,
/// cloning only what was written. Returns whether a row of `saved` was deleted or replaced.
fn sync_rows<T: Clone + PartialEq, K: Eq + Hash>(
    tx: &Connection,
    saved: &mut Vec<T>,
    now: &[T],
    key: impl Fn(&T) -> K,
    mut write: impl FnMut(&Connection, &T) -> Result<()>,
    delete: impl Fn(&Connection, &T) -> Result<()>,
) -> Result<bool> {
    if saved.as_slice() == now {
        return Ok(false);
    }
    let mut kept: HashMap<K, T> = saved.drain(..).map(|row| (key(&row), row)).collect();
    let mut dropped = false;
    for row in now {
        match kept.remove(&key(row)) {
            Some(old) if old == *row => saved.push(old),
            old => {
                dropped |= old.is_some();
                write(tx, row)?;
                saved.push(row.clone());
            }
        }
    }
    // What is left in `kept` has no row in `now`.
    for row in kept.values() {
        delete(tx, row)?;
        dropped = true;
    }
    Ok(dropped)
}

/// Runs one cached statement; a failure names `what` was being written.
fn exec(tx: &Connection, sql: &str, params: impl rusqlite::Params, what: impl FnOnce() -> String) -> Result<()> {
    tx.prepare_cached(sql).and_then(|mut st| st.execute(params)).map(drop).map_err(|e| Error::sqlite(what(), e))
}

/// Deletes the workspace images that neither the cursor nor a snapshot names.
fn drop_unnamed_images(tx: &Connection) -> Result<()> {
    tx.execute(
        "DELETE FROM runtime_blob WHERE sha256 NOT IN (SELECT workspace FROM cursor WHERE workspace IS NOT NULL
         UNION SELECT workspace FROM snapshot WHERE workspace IS NOT NULL)",
        [],
    )
    .ctx("dropping workspace images no longer named")?;
    Ok(())
}

fn status_str(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Started => "started",
        StepStatus::Done => "done",
    }
}
