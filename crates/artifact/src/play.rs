//! Playing a workshop: which steps are open, recording check results and progress in a
//! [`Runtime`], snapshots, and the learner's workspace database as bytes.
//!
//! Pure functions over the model: the worker calls them and then writes the runtime with
//! [`crate::write_runtime`] in one transaction. Nothing here touches definition tables.

use rusqlite::{Connection, MAIN_DB};
use serde::{Deserialize, Serialize};

pub use stepwise_protocol::StepState;

use crate::archive::{FileTree, Limits};
use crate::error::{Error, Result, clipped};
use crate::model::{
    ArtifactKind, CheckResult, Progress, Rule, Runtime, SetupRun, Snapshot, Step, StepStatus, Unlock, Validation,
    Workshop,
};

/// The unlock rule that applies to step `index`.
pub fn unlock_rule(workshop: &Workshop, index: usize) -> Unlock {
    workshop.steps[index].unlock.unwrap_or(workshop.meta.unlock)
}

/// Whether step `index` may be opened.
pub fn is_locked(workshop: &Workshop, runtime: &Runtime, index: usize) -> bool {
    index > 0
        && unlock_rule(workshop, index) == Unlock::AfterPrevious
        && !runtime.is_done(&workshop.steps[index - 1].slug)
}

/// The state of every step, in order.
pub fn states(workshop: &Workshop, runtime: &Runtime) -> Vec<StepState> {
    (0..workshop.steps.len())
        .map(|i| {
            if runtime.is_done(&workshop.steps[i].slug) {
                StepState::Done
            } else if is_locked(workshop, runtime, i) {
                StepState::Locked
            } else {
                StepState::Open
            }
        })
        .collect()
}

/// The step to show when the learner comes back: the cursor's, else the first.
pub fn resume_index(workshop: &Workshop, runtime: &Runtime) -> usize {
    runtime.current_step.as_deref().and_then(|s| workshop.steps.iter().position(|x| x.slug == s)).unwrap_or(0)
}

/// Moves the cursor to `step` and marks it started (if it was not). A step without checks is
/// done as soon as it is opened. Returns whether anything changed.
pub fn visit(workshop: &Workshop, runtime: &mut Runtime, step: &str, now: &str) -> bool {
    let mut changed = false;
    if runtime.current_step.as_deref() != Some(step) {
        runtime.current_step = Some(step.to_owned());
        runtime.updated_at = now.to_owned();
        changed = true;
    }
    if !runtime.progress.iter().any(|p| p.step == step) {
        let no_checks = workshop.steps.iter().any(|s| s.slug == step && s.validations.is_empty());
        runtime.progress.push(Progress {
            step: step.to_owned(),
            status: if no_checks { StepStatus::Done } else { StepStatus::Started },
            verified: no_checks,
            started_at: now.to_owned(),
            completed_at: no_checks.then(|| now.to_owned()),
        });
        runtime.progress.sort_by(|a, b| a.step.cmp(&b.step));
        changed = true;
    }
    changed
}

/// Records the outcome of check `validation` of `step` and updates the step's progress.
/// Returns `true` when this result completed the step (it was not done before).
pub fn record(
    step: &Step,
    runtime: &mut Runtime,
    validation: &str,
    passed: bool,
    input: Option<&str>,
    message: &str,
    now: &str,
) -> bool {
    let before = runtime.checks.iter().position(|c| c.step == step.slug && c.validation == validation);
    let before = before.map(|i| runtime.checks.remove(i));
    let (failures, hints_opened, solution_shown) =
        before.map_or((0, 0, false), |b| (b.failures, b.hints_opened, b.solution_shown));
    runtime.checks.push(CheckResult {
        step: step.slug.clone(),
        validation: validation.to_owned(),
        passed,
        input: input.map(str::to_owned),
        message: message.to_owned(),
        checked_at: now.to_owned(),
        failures: if passed { failures } else { failures.saturating_add(1) },
        hints_opened,
        solution_shown,
    });
    runtime.checks.sort_by(|a, b| (&a.step, &a.validation).cmp(&(&b.step, &b.validation)));
    let all_passed = step
        .validations
        .iter()
        .all(|v| runtime.checks.iter().any(|c| c.step == step.slug && c.validation == v.id && c.passed));
    // `manual` and `external` checks are the learner's word; the others Stepwise verifies.
    let verified = step.validations.iter().all(|v| !matches!(v.rule, Rule::Manual {} | Rule::External { .. }));
    let position = runtime.progress.iter().position(|p| p.step == step.slug);
    let entry = match position {
        Some(i) => &mut runtime.progress[i],
        None => {
            runtime.progress.push(Progress {
                step: step.slug.clone(),
                status: StepStatus::Started,
                verified: false,
                started_at: now.to_owned(),
                completed_at: None,
            });
            runtime.progress.sort_by(|a, b| a.step.cmp(&b.step));
            let i = runtime.progress.iter().position(|p| p.step == step.slug).expect("just added");
            &mut runtime.progress[i]
        }
    };
    let was_done = entry.status == StepStatus::Done;
    if all_passed && !was_done {
        entry.status = StepStatus::Done;
        entry.verified = verified;
        entry.completed_at = Some(now.to_owned());
    }
    runtime.updated_at = now.to_owned();
    all_passed && !was_done
}

/// The learner's help on one check: how many hints are open, whether the solution may be shown
/// (after the workshop's number of failed attempts), and whether it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    /// Hints opened so far.
    pub hints_opened: u32,
    /// Hints the learner may open now: one more after each failed attempt, never more than the
    /// check has.
    pub hints_available: u32,
    /// Whether the solution may be shown now.
    pub solution_available: bool,
    /// Whether the learner showed it.
    pub solution_shown: bool,
}

/// Where the learner's help on check `validation` of `step` stands.
pub fn help(workshop: &Workshop, step: &Step, runtime: &Runtime, validation: &Validation) -> Help {
    let result = runtime.checks.iter().find(|c| c.step == step.slug && c.validation == validation.id);
    let failures = result.map_or(0, |c| c.failures);
    let hints = u32::try_from(validation.hints.len()).unwrap_or(u32::MAX);
    let after = workshop.meta.solution_after;
    Help {
        hints_opened: result.map_or(0, |c| c.hints_opened).min(hints),
        hints_available: failures.min(hints),
        solution_available: validation.shown_solution().is_some() && after > 0 && failures >= after,
        solution_shown: result.is_some_and(|c| c.solution_shown),
    }
}

/// Opens the next hint of check `validation` of `step`, if one is available. Returns whether
/// anything changed.
pub fn open_hint(workshop: &Workshop, step: &Step, runtime: &mut Runtime, validation: &Validation, now: &str) -> bool {
    let h = help(workshop, step, runtime, validation);
    if h.hints_opened >= h.hints_available {
        return false;
    }
    match runtime.checks.iter_mut().find(|c| c.step == step.slug && c.validation == validation.id) {
        Some(c) => {
            c.hints_opened = h.hints_opened + 1;
            runtime.updated_at = now.to_owned();
            true
        }
        None => false,
    }
}

/// Records that the learner showed the solution of check `validation` of `step`, if it may be
/// shown. Returns whether it may.
pub fn show_solution(
    workshop: &Workshop,
    step: &Step,
    runtime: &mut Runtime,
    validation: &Validation,
    now: &str,
) -> bool {
    if !help(workshop, step, runtime, validation).solution_available {
        return false;
    }
    if let Some(c) = runtime.checks.iter_mut().find(|c| c.step == step.slug && c.validation == validation.id) {
        if !c.solution_shown {
            c.solution_shown = true;
            runtime.updated_at = now.to_owned();
        }
    }
    true
}

/// Whether step `step`'s `setup` SQL still has to run on the learner's workspace.
pub fn setup_pending(step: &Step, runtime: &Runtime) -> bool {
    step.setup.is_some() && !runtime.setups.iter().any(|s| s.step == step.slug)
}

/// Records that step `step`'s `setup` SQL ran on the workspace.
pub fn record_setup(runtime: &mut Runtime, step: &str, now: &str) {
    if !runtime.setups.iter().any(|s| s.step == step) {
        runtime.setups.push(SetupRun { step: step.to_owned(), ran_at: now.to_owned() });
        runtime.setups.sort_by(|a, b| a.step.cmp(&b.step));
        runtime.updated_at = now.to_owned();
    }
}

/// Forgets that the setups of step `index` and of every later step ran: the workspace was just
/// replaced by step `index`'s project, so they run again when their steps are opened.
pub fn forget_setups_from(workshop: &Workshop, runtime: &mut Runtime, index: usize) {
    let later: Vec<&str> = workshop.steps.iter().skip(index).map(|s| s.slug.as_str()).collect();
    runtime.setups.retain(|s| !later.contains(&s.step.as_str()));
}

/// What a snapshot's `state` JSON holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotState {
    /// The current step.
    pub current_step: Option<String>,
    /// Progress per step.
    pub progress: Vec<Progress>,
    /// Check results.
    pub checks: Vec<CheckResult>,
    /// The steps whose setup had run on the snapshot's workspace.
    #[serde(default)]
    pub setups: Vec<SetupRun>,
}

/// Appends a snapshot of the runtime (cursor, progress, checks, workspace) labelled `label`.
pub fn take_snapshot(runtime: &mut Runtime, label: &str, now: &str) {
    let state = SnapshotState {
        current_step: runtime.current_step.clone(),
        progress: runtime.progress.clone(),
        checks: runtime.checks.clone(),
        setups: runtime.setups.clone(),
    };
    let id = runtime.snapshots.iter().map(|s| s.id).max().unwrap_or(0) + 1;
    runtime.snapshots.push(Snapshot {
        id,
        taken_at: now.to_owned(),
        label: label.to_owned(),
        state: serde_json::to_string(&state).expect("snapshot state encodes"),
        workspace: runtime.workspace.clone(),
    });
}

/// Goes back to snapshot `id`: cursor, progress, checks and workspace as they were (the snapshot
/// history is kept).
///
/// # Errors
/// [`Error::Invalid`] when there is no such snapshot or its state does not parse.
pub fn restore_snapshot(runtime: &mut Runtime, id: i64, now: &str) -> Result<()> {
    let snapshot = runtime
        .snapshots
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::invalid("snapshot", format!("there is no snapshot {id}")))?;
    let state: SnapshotState = serde_json::from_str(&snapshot.state).map_err(|e| {
        Error::invalid("snapshot", format!("snapshot {id} cannot be read: {}", clipped(&e.to_string())))
    })?;
    runtime.workspace = snapshot.workspace.clone();
    runtime.current_step = state.current_step;
    runtime.progress = state.progress;
    runtime.checks = state.checks;
    runtime.setups = state.setups;
    runtime.updated_at = now.to_owned();
    Ok(())
}

/// Forgets all progress and check results (snapshots and the workspace are kept).
pub fn reset_progress(runtime: &mut Runtime, now: &str) {
    runtime.progress.clear();
    runtime.checks.clear();
    runtime.updated_at = now.to_owned();
}

/// The project (`project.yaml` + `data/`) in a step's file-state archive, if it holds one.
///
/// # Errors
/// The archive's own errors ([`FileTree::from_tar`]).
pub fn step_project(step: &Step) -> Result<Option<FileTree>> {
    let Some(files) = step.artifacts.iter().find(|a| a.kind == ArtifactKind::Files) else { return Ok(None) };
    let tree = FileTree::from_tar(&format!("the files of step {}", step.slug), &files.data, &Limits::default())?;
    Ok(tree.contains(crate::project::PROJECT_YAML).then_some(tree))
}

/// Opens a workspace database in memory: from its image, or empty.
///
/// # Errors
/// [`Error::Sqlite`] when the image is not a database SQLite accepts.
pub fn open_workspace(image: Option<&[u8]>) -> Result<Connection> {
    let mut conn = Connection::open_in_memory().map_err(|e| Error::sqlite("opening the workspace", e))?;
    crate::db::harden::harden(&conn)?;
    if let Some(image) = image {
        conn.deserialize_read_exact(MAIN_DB, image, image.len(), false)
            .map_err(|e| Error::sqlite("loading the workspace", e))?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
            .map_err(|e| Error::sqlite("reading the workspace", e))?;
    }
    Ok(conn)
}

/// Builds a fresh workspace from a step's project.
///
/// # Errors
/// The errors of [`crate::project::rebuild`].
pub fn build_workspace(project: &FileTree) -> Result<Connection> {
    let mut conn = open_workspace(None)?;
    crate::project::rebuild(project, &mut conn)?;
    Ok(conn)
}

/// The workspace database as an SQLite image.
///
/// # Errors
/// [`Error::Sqlite`] when SQLite cannot serialise it.
pub fn workspace_image(conn: &mut Connection) -> Result<Vec<u8>> {
    let data = conn.serialize(MAIN_DB).map_err(|e| Error::sqlite("saving the workspace", e))?;
    Ok(data.to_vec())
}

/// Whether the database changed since [`Connection::total_changes`] read `before` — also for
/// schema changes (`CREATE VIEW`), which `total_changes` does not count.
pub fn schema_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA schema_version", [], |r| r.get(0)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Validation, WorkshopMeta};

    fn workshop() -> Workshop {
        let step = |slug: &str, rules: Vec<Rule>| Step {
            setup: None,
            slug: slug.into(),
            title: slug.into(),
            minutes: Some(5),
            unlock: None,
            content: String::new(),
            validations: rules
                .into_iter()
                .enumerate()
                .map(|(i, rule)| Validation {
                    id: format!("v{i}"),
                    prompt: String::new(),
                    hints: Vec::new(),
                    solution: None,
                    feedback: None,
                    rule,
                })
                .collect(),
            artifacts: Vec::new(),
        };
        Workshop {
            meta: WorkshopMeta {
                solution_after: 3,
                slug: "w".into(),
                title: "W".into(),
                version: "1".into(),
                summary: String::new(),
                authors: vec![],
                language: "en".into(),
                license: None,
                unlock: Unlock::AfterPrevious,
            },
            steps: vec![
                step(
                    "a",
                    vec![Rule::Manual {}, Rule::Sql { query: "SELECT 1".into(), expect: crate::SqlExpect::NonEmpty }],
                ),
                step("b", vec![Rule::Sql { query: "SELECT 1".into(), expect: crate::SqlExpect::NonEmpty }]),
                step("c", vec![]),
            ],
            assets: vec![],
        }
    }

    #[test]
    fn steps_unlock_when_the_previous_one_is_done() {
        let w = workshop();
        let mut rt = Runtime::default();
        assert_eq!(states(&w, &rt), [StepState::Open, StepState::Locked, StepState::Locked]);
        assert!(visit(&w, &mut rt, "a", "t1"));
        assert!(!record(&w.steps[0], &mut rt, "v0", true, Some("yes"), "confirmed", "t2"));
        assert!(!record(&w.steps[0], &mut rt, "v1", false, None, "no", "t3"));
        assert_eq!(states(&w, &rt)[1], StepState::Locked);
        assert!(record(&w.steps[0], &mut rt, "v1", true, None, "ok", "t4"));
        let p = &rt.progress[0];
        assert_eq!((p.status, p.verified, p.completed_at.as_deref()), (StepStatus::Done, false, Some("t4")));
        assert_eq!(states(&w, &rt), [StepState::Done, StepState::Open, StepState::Locked]);
        assert_eq!(rt.checks.len(), 2);
        // Failing again later does not undo a finished step.
        assert!(!record(&w.steps[0], &mut rt, "v1", false, None, "no", "t5"));
        assert!(rt.is_done("a"));
        assert!(record(&w.steps[1], &mut rt, "v0", true, None, "ok", "t6"));
        assert!(rt.progress.iter().any(|p| p.step == "b" && p.verified));
        // A step without checks is done when opened.
        visit(&w, &mut rt, "c", "t7");
        assert!(rt.is_done("c"));
        assert_eq!(resume_index(&w, &rt), 2);
    }

    #[test]
    fn snapshots_restore_progress_and_workspace() {
        let w = workshop();
        let mut rt = Runtime::default();
        visit(&w, &mut rt, "a", "t1");
        rt.workspace = Some(vec![1, 2, 3]);
        take_snapshot(&mut rt, "Finished a", "t2");
        record(&w.steps[0], &mut rt, "v0", true, Some("yes"), "confirmed", "t3");
        rt.workspace = Some(vec![4]);
        visit(&w, &mut rt, "b", "t4");
        restore_snapshot(&mut rt, 1, "t5").unwrap();
        assert_eq!(rt.current_step.as_deref(), Some("a"));
        assert!(rt.checks.is_empty());
        assert_eq!(rt.workspace, Some(vec![1, 2, 3]));
        assert_eq!(rt.snapshots.len(), 1);
        assert!(restore_snapshot(&mut rt, 9, "t6").is_err());
    }

    #[test]
    fn a_workspace_survives_its_image() {
        let mut conn = open_workspace(None).unwrap();
        let before = schema_version(&conn);
        crate::rules::run_query(&mut conn, "CREATE TABLE t (x)", 10).unwrap();
        crate::rules::run_query(&mut conn, "CREATE VIEW v AS SELECT x FROM t", 10).unwrap();
        assert_ne!(schema_version(&conn), before);
        crate::rules::run_query(&mut conn, "INSERT INTO t VALUES (42)", 10).unwrap();
        let image = workspace_image(&mut conn).unwrap();
        let mut again = open_workspace(Some(&image)).unwrap();
        let r = crate::rules::run_query(&mut again, "SELECT x FROM v", 10).unwrap();
        assert_eq!(r.rows, vec![vec![crate::Value::Integer(42)]]);
        assert!(open_workspace(Some(b"not a database at all, not at all")).is_err());
    }
}
