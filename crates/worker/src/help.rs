//! The player's help and ending: the next hint of a check, its solution, the completion page
//! and the learner's name for the hand-in. Each change is saved at once with the check results.

use stepwise_artifact::{Validation, completion, play};
use stepwise_protocol::{CompletionView, ErrorKind, PlayerView, WorkerError};

use crate::library::{Library, now};
use crate::player::step_index;

impl Library {
    /// Reveals the next hint of check `validation` of `step`, when a failed attempt made one
    /// ready, and saves that it was opened.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown step or check; no hint is ready; storage.
    pub fn open_hint(&mut self, id: &str, step: &str, validation: &str) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let index = step_index(&session.workshop, step)?;
        let the_step = &session.workshop.steps[index];
        let v = find_check(&the_step.validations, validation)?;
        if !play::open_hint(&session.workshop, the_step, &mut session.runtime, v, &now()) {
            return Err(WorkerError::new(
                ErrorKind::BadRequest,
                "No hint is ready: a hint opens after each try that does not pass.",
            ));
        }
        self.save()?;
        Ok(self.view(index))
    }

    /// Shows the solution of check `validation` of `step`, once the workshop's number of failed
    /// attempts made it available, and saves that it was shown.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown step or check; the solution is not available yet;
    /// storage.
    pub fn show_solution(&mut self, id: &str, step: &str, validation: &str) -> Result<PlayerView, WorkerError> {
        let session = self.session(id)?;
        let index = step_index(&session.workshop, step)?;
        let the_step = &session.workshop.steps[index];
        let v = find_check(&the_step.validations, validation)?;
        let after = session.workshop.meta.solution_after;
        if !play::show_solution(&session.workshop, the_step, &mut session.runtime, v, &now()) {
            let why = if v.shown_solution().is_none() || after == 0 {
                "This check has no solution to show.".to_owned()
            } else {
                format!("The solution can be shown after {after} tries that do not pass.")
            };
            return Err(WorkerError::new(ErrorKind::BadRequest, why));
        }
        self.save()?;
        Ok(self.view(index))
    }

    /// The completion page of workshop `id`.
    ///
    /// # Errors
    /// The workshop does not load.
    pub fn completion(&mut self, id: &str) -> Result<CompletionView, WorkerError> {
        let session = self.session(id)?;
        Ok(completion::completion(&session.workshop, &session.runtime, &session.entry, &session.file_name))
    }

    /// Stores the learner's name in the runtime tables, for the hand-in.
    ///
    /// # Errors
    /// [`ErrorKind::BadRequest`] with a sentence for an empty, overlong or multi-line name;
    /// storage.
    pub fn set_learner(&mut self, id: &str, name: &str) -> Result<CompletionView, WorkerError> {
        let session = self.session(id)?;
        let changed = completion::set_learner(&mut session.runtime, name, &now())
            .map_err(|message| WorkerError::new(ErrorKind::BadRequest, message))?;
        if changed {
            self.save()?;
        }
        self.completion(id)
    }
}

/// Check `validation` of a step, or a [`ErrorKind::NotFound`] sentence.
fn find_check<'a>(validations: &'a [Validation], validation: &str) -> Result<&'a Validation, WorkerError> {
    validations
        .iter()
        .find(|v| v.id == validation)
        .ok_or_else(|| WorkerError::new(ErrorKind::NotFound, format!("This step has no check “{validation}”.")))
}
