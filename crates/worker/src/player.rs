//! The player's side of the [`Library`]: one workshop being played, its runtime state and the
//! learner's workspace database kept live in memory, every change written to the stored file's
//! runtime tables in one transaction as it happens.
//!
//! **Invariant:** playing never writes definition or artifact tables: only
//! [`stepwise_artifact::write_runtime`] and [`stepwise_artifact::write_runtime_changes`] write,
//! so the content digest never changes.

use stepwise_artifact::archive::FileTree;
use stepwise_artifact::rules::{self, QueryStop};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{
    ArtifactIndex, ArtifactKind, Opened, Opening, Runtime, Step, StoredArtifact, Workshop, open_pending_deferred, play,
    with_artifacts,
};
use stepwise_protocol::{ArtifactsView, ErrorKind, PlayerView, SqlOutcome, SqlTable, WorkerError};

use crate::backend::Backend;
use crate::catalog::{self, file_of};
use crate::errors::{About, Doing, Fault, not_found};
use crate::faults;
use crate::library::{Kept, Library, Purpose, SPARE, count, now, stored_bytes};
use crate::player_view::view;
use crate::session::{Session, Shown};

/// Rows the SQL box shows.
const SQL_BOX_ROWS: usize = 500;

impl Library {
    /// The session of `id`, loading it (checked, digest included) when another or none is open.
    pub(crate) fn session(&mut self, id: &str) -> Result<&mut Session, Fault> {
        if self.player.as_ref().is_some_and(|s| s.entry == id) {
            return Ok(self.player.as_mut().expect("just checked"));
        }
        self.player = None;
        let entry = self.entry(id)?;
        let file_name = entry.file_name.clone();
        let conn = self.store().connect_existing(&file_of(id)).doing(&file_name, "opening")?;
        // The artifacts stay in the file, read and checked when a step needs them.
        let (conn, opened) = match open_pending_deferred(conn, &file_name, &now()).about(&file_name)? {
            Opening::Workshop(pending) => pending.check().about(&file_name)?,
            Opening::Playground(conn, playground) => (conn, Opened::Playground(playground)),
        };
        conn.close().map_err(|(_, e)| e).doing(&file_name, "closing")?;
        let Opened::Workshop(w) = opened else {
            return Err(WorkerError::new(
                ErrorKind::BadRequest,
                format!("{file_name} is not a workshop: open it as a playground."),
            )
            .into());
        };
        self.seed_session(id, &file_name, w.workshop, w.deferred, w.runtime)?;
        Ok(self.player.as_mut().expect("just set"))
    }

    /// Makes `workshop` (its artifacts where `deferred` says, when they were left in the file)
    /// and `runtime`, just loaded and checked by [`Library::open_entry`], the session of `id`
    /// (unless it already is), so the player's first `Play` after an `Open` does not load and
    /// check the same file again.
    ///
    /// # Errors
    /// The learner's workspace image cannot be opened.
    pub(crate) fn seed_session(
        &mut self,
        id: &str,
        file_name: &str,
        workshop: Workshop,
        deferred: Option<ArtifactIndex>,
        runtime: Runtime,
    ) -> Result<(), Fault> {
        if self.player.as_ref().is_some_and(|s| s.entry == id) {
            return Ok(());
        }
        let workspace = match &runtime.workspace {
            Some(image) => Some(play::open_workspace(Some(image)).about(file_name)?),
            None => None,
        };
        let shown = workshop.steps.iter().map(|_| Shown::default()).collect();
        self.player = Some(Box::new(Session {
            entry: id.to_owned(),
            file_name: file_name.to_owned(),
            workshop,
            deferred,
            runtime,
            workspace,
            setup_failed: None,
            saved: None,
            shown,
        }));
        Ok(())
    }

    /// Writes the session's runtime into its file (one transaction) and the done count into the
    /// catalog.
    pub(crate) fn save(&mut self) -> Result<(), Fault> {
        let session = self.player.as_ref().ok_or_else(|| not_found("the workshop"))?;
        let (id, file_name) = (session.entry.clone(), session.file_name.clone());
        let (mut conn, known) = match self.take_kept(&id, Purpose::Progress) {
            Some(conn) => (conn, true),
            None => (self.open_for_saves(&id, &file_name)?, false),
        };
        let session = self.player.as_mut().expect("just used");
        if !known {
            // Another connection may have written the file since this session's last save.
            session.saved = None;
        }
        let written = write_session(session, &mut conn);
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(e) => {
                // What the file holds is unknown after a failed save: the next one opens the
                // file anew and writes the whole state. Closed as kept, it leaves WAL mode.
                session.saved = None;
                drop(Kept { id, purpose: Purpose::Progress, conn: Some(conn) });
                return Err(e);
            }
        };
        self.keep(&id, Purpose::Progress, conn);
        let session = self.player.as_ref().expect("just used");
        let done = count(session.runtime.done_steps());
        let entry = session.entry.clone();
        // The catalog's row changes only when the library's card would: a second commit (and
        // flush) on every check is most of what recording one costs otherwise.
        let listed = catalog::get(self.catalog()?, &entry).doing("the library", "reading")?;
        if listed.is_none_or(|e| e.done != done || e.bytes != bytes) {
            catalog::touch(self.catalog()?, &entry, &now(), done, bytes).doing("the library", "updating")?;
        }
        Ok(())
    }

    /// A hardened connection to `id`'s file for the session's saves, which the library keeps
    /// between them.
    ///
    /// While it is kept the file is in WAL mode: a commit appends its pages to the `-wal` and
    /// flushes it once, where a rollback journal flushes the journal twice and the file once
    /// more (DELETE mode also names and frees the journal in the pool's header: two more). With
    /// `synchronous = FULL` that flush comes before the reply, so a recorded check survives a
    /// power loss. The pool has no shared memory, so WAL needs exclusive locking, which the
    /// single kept connection allows. Closing it (`Kept`'s drop) checkpoints and goes back to
    /// DELETE mode; a worker that ends first leaves the WAL to the next start's sweep. The WAL
    /// takes a file of the pool beside the journals the catalog and this file need: with fewer
    /// than [`SPARE`] spare files (the pool grows only in asynchronous requests such as an
    /// import), and in memory (nothing to flush), the saves stay in DELETE mode.
    fn open_for_saves(&self, id: &str, file_name: &str) -> Result<Connection, Fault> {
        let conn = self.store().connect_existing(&file_of(id)).doing(file_name, "opening")?;
        stepwise_artifact::harden(&conn).about(file_name)?;
        if matches!(self.backend, Backend::Opfs { .. }) && self.store().spare() >= SPARE {
            conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; PRAGMA synchronous = FULL")
                .doing(file_name, "opening")?;
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).doing(file_name, "opening")?;
        }
        Ok(conn)
    }

    /// Drops the session of `id` (removed or replaced).
    pub fn forget_player(&mut self, id: &str) {
        if self.player.as_ref().is_some_and(|s| s.entry == id) {
            // Dropping what is kept (not just its connection) takes the file out of WAL mode.
            drop(self.kept.borrow_mut().take());
            self.player = None;
        }
    }

    /// Opens step `step` (or the learner's current one), moving the cursor there unless it is
    /// locked; builds the workspace from the step's project the first time one is needed, and
    /// runs the step's `setup` SQL on it the first time the step is opened.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown entry or step; the file fails its checks; storage.
    pub fn play(&mut self, id: &str, step: Option<&str>) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let index =
            match step {
                Some(slug) => session.workshop.steps.iter().position(|s| s.slug == slug).ok_or_else(|| {
                    WorkerError::new(ErrorKind::NotFound, format!("This workshop has no step “{slug}”."))
                })?,
                None => play::resume_index(&session.workshop, &session.runtime),
            };
        if session.workshop.steps.is_empty() {
            return Err(WorkerError::new(ErrorKind::NotFound, "This workshop has no steps."));
        }
        let mut changed = false;
        let unlocked = !play::is_locked(&session.workshop, &session.runtime, index);
        // The step's project when a workspace is to be made from it: a damaged archive does not
        // keep the step from showing (it says so), anything else fails the request.
        let project = match unlocked && session.workspace.is_none() {
            true => match self.step_project(index) {
                Ok(project) => Some(Ok(project)),
                Err(fault) => Some(Err(damaged(fault)?)),
            },
            false => None,
        };
        let session = self.player.as_mut().expect("a session is open");
        if unlocked {
            let slug = session.workshop.steps[index].slug.clone();
            changed |= play::visit(&session.workshop, &mut session.runtime, &slug, &now());
            let file_name = session.file_name.clone();
            match project {
                Some(Ok(project)) => {
                    let _ = session.shown[index].project.set(Ok(project.is_some()));
                    if let Some(project) = project {
                        let mut conn = play::build_workspace(&project).about(&file_name)?;
                        session.runtime.workspace = Some(play::workspace_image(&mut conn).about(&file_name)?);
                        session.workspace = Some(conn);
                        changed = true;
                    }
                    changed |= session.run_setup(index, &now())?;
                }
                // The step's file archive did not read (damaged, checked now that it is needed):
                // the step shows and says so; its setup waits for a workspace it can run on.
                Some(Err(message)) => {
                    let _ = session.shown[index].project.set(Err(message));
                }
                None => changed |= session.run_setup(index, &now())?,
            }
        }
        if changed {
            self.save()?;
        }
        Ok(self.view(index))
    }

    /// Runs the learner's statements on the workspace (an empty one is made if there is none)
    /// and saves the workspace when they changed it.
    ///
    /// # Errors
    /// Storage errors; SQLite's refusal of the statement is the `Err` of the inner result.
    pub fn run_sql(&mut self, id: &str, sql: &str, seconds: Option<u32>) -> Result<SqlOutcome, WorkerError> {
        let session = self.session(id)?;
        let file_name = session.file_name.clone();
        if session.workspace.is_none() {
            session.workspace = Some(play::open_workspace(None).about(&file_name)?);
        }
        let conn = session.workspace.as_mut().expect("just made");
        let (changes, schema) = (conn.total_changes(), play::schema_version(conn));
        let result = match seconds {
            None => rules::run_statements(conn, sql, SQL_BOX_ROWS),
            Some(seconds) => {
                let deadline = js_sys::Date::now() + f64::from(seconds) * 1000.0;
                rules::run_statements_until(conn, sql, SQL_BOX_ROWS, move || js_sys::Date::now() > deadline).map_err(
                    |stop| match stop {
                        QueryStop::Stopped => format!(
                            "Stopped after {seconds} seconds: the statements ran too long. A join without a \
                             condition multiplies the rows of its tables; add a WHERE or a LIMIT."
                        ),
                        QueryStop::Failed(message) => message,
                    },
                )
            }
        };
        let changed = conn.total_changes() != changes || play::schema_version(conn) != schema;
        if changed {
            session.runtime.workspace = Some(play::workspace_image(conn).about(&file_name)?);
            session.runtime.updated_at = now();
            self.save()?;
        }
        Ok(result.map(|(r, statements)| SqlTable {
            columns: r.columns,
            rows: r
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|v| match v {
                            stepwise_artifact::Value::Null => None,
                            stepwise_artifact::Value::Text(t) => Some(t),
                            other => Some(other.to_string()),
                        })
                        .collect()
                })
                .collect(),
            truncated: r.truncated,
            changed,
            statements: u32::try_from(statements).unwrap_or(u32::MAX),
        }))
    }

    /// Runs one check, records its result and the step's progress (a snapshot when this
    /// completed the step), and saves.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown step or check; a locked step; storage.
    pub fn check(
        &mut self,
        id: &str,
        step: &str,
        validation: &str,
        input: Option<&str>,
    ) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let index = step_index(&session.workshop, step)?;
        if play::is_locked(&session.workshop, &session.runtime, index) {
            return Err(WorkerError::new(ErrorKind::BadRequest, "This step is locked: finish the previous one first."));
        }
        let the_step = &session.workshop.steps[index];
        let the_validation =
            the_step.validations.iter().find(|v| v.id == validation).ok_or_else(|| {
                WorkerError::new(ErrorKind::NotFound, format!("This step has no check “{validation}”."))
            })?;
        let outcome = match session.workspace.as_mut() {
            Some(conn) => rules::check(&the_validation.rule, conn, input),
            None => {
                let mut empty = play::open_workspace(None).about(&session.file_name)?;
                rules::check(&the_validation.rule, &mut empty, input)
            }
        };
        let at = now();
        let completed =
            play::record(the_step, &mut session.runtime, validation, outcome.passed, input, &outcome.message, &at);
        if completed {
            let label = format!("Finished {}", the_step.title);
            play::take_snapshot(&mut session.runtime, &label, &at);
        }
        self.save()?;
        Ok(self.view(index))
    }

    /// Replaces the workspace with the project of `step`; the setups of that step and the later
    /// ones run again when their steps are opened (this one at once).
    ///
    /// # Errors
    /// The step has no project; its archive or project is broken; storage.
    pub fn reset_workspace(&mut self, id: &str, step: &str) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let index = step_index(&session.workshop, step)?;
        let file_name = session.file_name.clone();
        let project = self
            .step_project(index)?
            .ok_or_else(|| WorkerError::new(ErrorKind::BadRequest, "This step has no project to load."))?;
        let session = self.player.as_mut().expect("a session is open");
        let mut conn = play::build_workspace(&project).about(&file_name)?;
        session.runtime.workspace = Some(play::workspace_image(&mut conn).about(&file_name)?);
        session.runtime.updated_at = now();
        session.workspace = Some(conn);
        play::forget_setups_from(&session.workshop, &mut session.runtime, index);
        session.run_setup(index, &now())?;
        self.save()?;
        Ok(self.view(index))
    }

    /// Forgets progress and check results.
    ///
    /// # Errors
    /// Storage.
    pub fn reset_progress(&mut self, id: &str) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        play::reset_progress(&mut session.runtime, &now());
        let index = play::resume_index(&session.workshop, &session.runtime);
        self.save()?;
        Ok(self.view(index))
    }

    /// Goes back to snapshot `snapshot`.
    ///
    /// # Errors
    /// No such snapshot; its workspace does not open; storage.
    pub fn restore_snapshot(&mut self, id: &str, snapshot: i64) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let file_name = session.file_name.clone();
        play::restore_snapshot(&mut session.runtime, snapshot, &now())
            .map_err(|e| WorkerError::new(ErrorKind::Internal, format!("{file_name}: {e}")))?;
        session.workspace = match &session.runtime.workspace {
            Some(image) => Some(play::open_workspace(Some(image)).about(&file_name)?),
            None => None,
        };
        let index = play::resume_index(&session.workshop, &session.runtime);
        self.save()?;
        Ok(self.view(index))
    }

    /// Step `step`'s compiled artifacts, readable; withheld (an error) while the step is locked.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown step; a locked step; an artifact that does not read.
    pub fn artifacts(&mut self, id: &str, step: &str) -> Result<ArtifactsView, WorkerError> {
        let session = self.session(id)?;
        let index = step_index(&session.workshop, step)?;
        if play::is_locked(&session.workshop, &session.runtime, index) {
            return Err(WorkerError::new(ErrorKind::BadRequest, "This step is locked: finish the previous one first."));
        }
        let file_name = session.file_name.clone();
        let step = self.step_with_artifacts(index, None)?;
        Ok(stepwise_artifact::artifacts::view(&file_name, &step).about(&file_name)?)
    }

    /// Step `index` of the open session with its artifacts' bytes (those of kind `only`, or
    /// all): as the session holds it, or with them read from the stored file and checked
    /// against the SHA-256 the workshop names, when the session left them there (a workshop's
    /// archives can be most of its bytes).
    ///
    /// # Errors
    /// An artifact changed or gone ([`stepwise_artifact::Error::BlobMismatch`]); storage.
    pub(crate) fn step_with_artifacts(&self, index: usize, only: Option<ArtifactKind>) -> Result<Step, Fault> {
        let session = self.player.as_ref().ok_or_else(|| not_found("the workshop"))?;
        let step = &session.workshop.steps[index];
        let stored: Vec<StoredArtifact> = match session.deferred.as_ref().and_then(|d| d.get(index)) {
            Some(stored) => stored.iter().filter(|a| only.is_none_or(|k| a.kind == k)).copied().collect(),
            None => return Ok(step.clone()),
        };
        if stored.is_empty() {
            return Ok(step.clone());
        }
        let stored = stored.as_slice();
        let file_name = session.file_name.as_str();
        // The saves' connection when it is kept (it may hold the file exclusively), else a
        // connection of its own.
        let kept = self.kept.borrow();
        if let Some(conn) = kept
            .as_ref()
            .filter(|k| k.id == session.entry && k.purpose == Purpose::Progress)
            .and_then(|k| k.conn.as_ref())
        {
            return with_artifacts(conn, file_name, step, stored).about(file_name);
        }
        drop(kept);
        let conn = self.store().connect_existing(&file_of(&session.entry)).doing(file_name, "opening")?;
        stepwise_artifact::harden(&conn).about(file_name)?;
        let loaded = with_artifacts(&conn, file_name, step, stored).about(file_name);
        conn.close().map_err(|(_, e)| e).doing(file_name, "closing")?;
        loaded
    }

    /// The project in step `index`'s file archive, if it has one.
    ///
    /// # Errors
    /// As [`Library::step_with_artifacts`]; the archive is not one.
    fn step_project(&self, index: usize) -> Result<Option<FileTree>, Fault> {
        let session = self.player.as_ref().ok_or_else(|| not_found("the workshop"))?;
        if !session.artifact_kinds(index).contains(&ArtifactKind::Files) {
            return Ok(None);
        }
        // Only the file archive: a damaged manifest bundle does not keep the project from
        // loading.
        let step = self.step_with_artifacts(index, Some(ArtifactKind::Files))?;
        play::step_project(&step).about(&session.file_name)
    }
}

/// Writes `session`'s runtime into its stored file in one transaction on `conn`: only what
/// changed since the session's last save, or all of it the first time (and after a failed
/// save); returns the file's size after the commit.
fn write_session(session: &mut Session, conn: &mut Connection) -> Result<u64, Fault> {
    let file_name = session.file_name.as_str();
    let tx = conn.transaction().doing(file_name, "saving progress in")?;
    match session.saved.as_mut() {
        Some(saved) => stepwise_artifact::write_runtime_changes(&tx, saved, &session.runtime),
        None => stepwise_artifact::write_runtime(&tx, &session.runtime),
    }
    .about(file_name)?;
    faults::point("progress:before-commit");
    tx.commit().doing(file_name, "saving progress in")?;
    faults::point("progress:after-commit");
    if session.saved.is_none() {
        session.saved = Some(session.runtime.clone());
    }
    Ok(stored_bytes(conn))
}

/// The index of step `step` of `workshop`, or a [`ErrorKind::NotFound`] sentence.
pub(crate) fn step_index(workshop: &Workshop, step: &str) -> Result<usize, WorkerError> {
    workshop
        .steps
        .iter()
        .position(|s| s.slug == step)
        .ok_or_else(|| WorkerError::new(ErrorKind::NotFound, format!("This workshop has no step “{step}”.")))
}

impl Library {
    /// The view of step `index` of the open session.
    pub(crate) fn view(&self, index: usize) -> PlayerView {
        let session = self.player.as_ref().expect("a session is open");
        // Whether an unlocked step has a project, found out once per session; a damaged archive
        // is said, any other failure (storage) offers no project this time and is tried again.
        let shown = &session.shown[index];
        if shown.project.get().is_none() && !play::is_locked(&session.workshop, &session.runtime, index) {
            match self.step_project(index) {
                Ok(project) => {
                    let _ = shown.project.set(Ok(project.is_some()));
                }
                Err(fault) => {
                    if let Ok(message) = damaged(fault) {
                        let _ = shown.project.set(Err(message));
                    }
                }
            }
        }
        view(session, index)
    }
}

/// The learner's sentence for `fault` when it says the file is damaged (an artifact that is not
/// what the workshop names, an archive that does not read), or the error to fail the request
/// with.
fn damaged(fault: Fault) -> Result<String, WorkerError> {
    let e = WorkerError::from(fault);
    match e.kind {
        ErrorKind::Damaged | ErrorKind::Invalid => Ok(e.message),
        _ => Err(e),
    }
}
