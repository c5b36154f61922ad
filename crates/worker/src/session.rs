//! The workshop being played: what the player keeps between requests, and the step setups it
//! runs on the learner's workspace.

use std::cell::OnceCell;

use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{ArtifactIndex, ArtifactKind, Runtime, Workshop, play, rules};

use crate::errors::{About, Fault};

/// The workshop being played, loaded and checked once, its runtime state, and the learner's
/// workspace database kept live in memory.
pub struct Session {
    /// The library entry's id.
    pub(crate) entry: String,
    /// The file name the learner knows it by, for messages.
    pub(crate) file_name: String,
    /// The definition; the steps' artifacts too, unless they were left in the file.
    pub(crate) workshop: Workshop,
    /// Where each step's artifacts are in the stored file, when the session was opened without
    /// reading them ([`stepwise_artifact::open_pending_deferred`]): they are read, and checked,
    /// when a step needs them ([`crate::library::Library::step_with_artifacts`]).
    pub(crate) deferred: Option<ArtifactIndex>,
    /// The learner's progress, as last saved.
    pub(crate) runtime: Runtime,
    /// The learner's workspace, live (`None` until there is one).
    pub(crate) workspace: Option<Connection>,
    /// The step whose `setup` SQL SQLite refused, and its message (not recorded: it is tried
    /// again the next time the step is opened).
    pub(crate) setup_failed: Option<(String, String)>,
    /// The runtime as the stored file holds it, known since this session's last save that wrote
    /// everything, while the library kept that save's connection (no other connection can have
    /// written the file since): each save then writes only the rows that changed. `None`: the
    /// next save writes everything.
    pub(crate) saved: Option<Runtime>,
    /// What the player shows of each step that depends only on the definition, made the
    /// first time the step is shown (the definition does not change while the session lives).
    pub(crate) shown: Vec<Shown>,
}

/// A step's sanitised HTML and whether it has a project, computed once per session: rendering
/// Markdown through the sanitiser and reading a step's file archive cost more than the rest
/// of a player view.
#[derive(Default)]
pub(crate) struct Shown {
    pub(crate) html: OnceCell<String>,
    /// Whether the step's file archive holds a project, or why the archive did not read (the
    /// file is damaged: that does not change while the session lives).
    pub(crate) project: OnceCell<Result<bool, String>>,
}

impl Session {
    /// The kinds of step `index`'s artifacts, wherever their bytes are.
    pub(crate) fn artifact_kinds(&self, index: usize) -> Vec<ArtifactKind> {
        match &self.deferred {
            Some(deferred) => deferred.get(index).map(|s| s.iter().map(|a| a.kind).collect()).unwrap_or_default(),
            None => self.workshop.steps[index].artifacts.iter().map(|a| a.kind).collect(),
        }
    }

    /// Runs step `index`'s `setup` SQL on the workspace (made empty when there is none) if it has
    /// not run yet: all of it or, when SQLite refuses a statement, none of it; recorded as run at
    /// `now`. Returns whether the runtime changed.
    ///
    /// # Errors
    /// The workspace cannot be opened or saved.
    pub(crate) fn run_setup(&mut self, index: usize, now: &str) -> Result<bool, Fault> {
        let step = &self.workshop.steps[index];
        if !play::setup_pending(step, &self.runtime) {
            return Ok(false);
        }
        let sql = step.setup.clone().unwrap_or_default();
        let slug = step.slug.clone();
        if self.workspace.is_none() {
            self.workspace = Some(play::open_workspace(None).about(&self.file_name)?);
        }
        let conn = self.workspace.as_mut().expect("just made");
        let result = in_savepoint(conn, |conn| rules::run_script(conn, &sql));
        match result {
            Ok(()) => {
                self.setup_failed = None;
                self.runtime.workspace = Some(play::workspace_image(conn).about(&self.file_name)?);
                play::record_setup(&mut self.runtime, &slug, now);
                Ok(true)
            }
            Err(message) => {
                let shown: String = message.chars().take(200).collect();
                self.setup_failed = Some((slug, format!("{shown} (tell the workshop's author)")));
                Ok(false)
            }
        }
    }
}

/// Runs `f` inside a savepoint, kept when it succeeds and rolled back when it fails.
fn in_savepoint(conn: &mut Connection, f: impl FnOnce(&mut Connection) -> Result<(), String>) -> Result<(), String> {
    conn.execute_batch("SAVEPOINT step_setup").map_err(|e| e.to_string())?;
    match f(conn) {
        Ok(()) => conn.execute_batch("RELEASE step_setup").map_err(|e| e.to_string()),
        Err(message) => {
            let _ = conn.execute_batch("ROLLBACK TO step_setup; RELEASE step_setup");
            Err(message)
        }
    }
}
