//! The answer to "this workshop is already in your library": replace it (keeping or discarding
//! the learner's progress), keep both, or cancel. Until an answer succeeds, the stored workshop
//! is untouched.

use stepwise_artifact::{harden, progress};
use stepwise_protocol::{DuplicateChoice, ErrorKind, Imported, Resolved, WorkerError};

use crate::catalog::{self, file_of};
use crate::errors::{About, Doing, Fault};
use crate::faults;
use crate::library::{Library, PendingImport, SPARE, count, stored_bytes};

impl Library {
    /// Answers a [`stepwise_protocol::Duplicate`]. A failed answer keeps the import pending so
    /// the user can choose again.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown token; storage errors.
    pub async fn resolve(&mut self, token: &str, choice: DuplicateChoice) -> Result<Resolved, WorkerError> {
        let Some(pending) = self.pending.remove(token) else {
            return Err(WorkerError::new(
                ErrorKind::NotFound,
                "This import is no longer waiting for an answer (the worker restarted?); load the file again.",
            ));
        };
        let result = self.resolve_pending(token, &pending, choice).await;
        if result.is_err() {
            self.pending.insert(token.to_owned(), pending);
        }
        Ok(result?)
    }

    async fn resolve_pending(
        &mut self,
        token: &str,
        pending: &PendingImport,
        choice: DuplicateChoice,
    ) -> Result<Resolved, Fault> {
        let file_name = pending.incoming.file_name.as_str();
        let mut incoming = pending.incoming.clone();
        let (replace, keep_progress) = match choice {
            DuplicateChoice::Cancel => {
                self.store().remove(&file_of(token)).about(file_name)?;
                return Ok(Resolved::Cancelled);
            }
            DuplicateChoice::KeepBoth => (false, false),
            DuplicateChoice::ReplaceDiscardProgress => (true, false),
            DuplicateChoice::ReplaceKeepProgress => (true, true),
        };
        self.store().reserve(SPARE + 1).await.about(file_name)?;
        let existing = catalog::get(self.catalog()?, &pending.existing).doing("the library", "reading")?;
        // The stored one may have been removed meanwhile: then there is nothing to replace.
        let replaced = existing.filter(|_| replace);
        let mut carried = None;
        if let (true, Some(old)) = (keep_progress, &replaced) {
            let (kept, dropped, done, bytes) = self.carry_progress(&old.id, token, &old.file_name, file_name)?;
            carried = Some((kept, dropped));
            incoming.done = done;
            incoming.bytes = bytes;
        }
        let conn = self.catalog()?;
        let tx = conn.unchecked_transaction().doing(file_name, "adding to the library")?;
        if let Some(old) = &replaced {
            catalog::delete(&tx, &old.id).doing(file_name, "adding to the library")?;
        }
        catalog::insert(&tx, &incoming).doing(file_name, "adding to the library")?;
        faults::point("replace:catalog-before-commit");
        tx.commit().doing(file_name, "adding to the library")?;
        faults::point("replace:before-removing-old");
        if let Some(old) = &replaced {
            self.forget_player(&old.id);
            // The catalog no longer names it; if this fails, the next start sweeps it.
            self.discard(&file_of(&old.id));
        }
        Ok(Resolved::Imported(Imported { entry: incoming, carried }))
    }

    /// Writes the old entry's progress, as far as it still applies, into the new file (one
    /// transaction). Returns `(kept, dropped, done steps, bytes)`.
    fn carry_progress(
        &self,
        old: &str,
        new: &str,
        old_name: &str,
        new_name: &str,
    ) -> Result<(u32, u32, u32, u64), Fault> {
        let old_conn = self.store().connect_existing(&file_of(old)).doing(old_name, "opening")?;
        harden(&old_conn).about(old_name)?;
        let old_runtime = stepwise_artifact::read_runtime(&old_conn, old_name).about(old_name)?;
        old_conn.close().map_err(|(_, e)| e).doing(old_name, "closing")?;

        let mut conn = self.store().connect_existing(&file_of(new)).doing(new_name, "opening")?;
        harden(&conn).about(new_name)?;
        // The steps and their checks; the artifacts, which carrying progress over never reads,
        // stay in the file.
        let (workshop, _) = stepwise_artifact::read_workshop_deferred(&conn, new_name).about(new_name)?;
        let (runtime, carried) = progress::carry_over(&old_runtime, &workshop);
        let tx = conn.transaction().doing(new_name, "keeping progress in")?;
        stepwise_artifact::write_runtime(&tx, &runtime).about(new_name)?;
        faults::point("replace:progress-before-commit");
        tx.commit().doing(new_name, "keeping progress in")?;
        let bytes = stored_bytes(&conn);
        conn.close().map_err(|(_, e)| e).doing(new_name, "closing")?;
        Ok((carried.kept, carried.dropped, count(runtime.done_steps()), bytes))
    }
}
