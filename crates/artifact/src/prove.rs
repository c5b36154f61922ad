//! Proves a workshop's checks the way a learner meets them: step by step from an empty
//! workspace, each `sql` check failing before its solution and passing after it, each `answer`
//! and `choice` check accepting its solution. What `stepwise test` runs, natively.
//!
//! The workspace is the player's: empty until the first step whose file-state archive holds a
//! project builds it, a step's `setup` run when the step is reached. Within a step the checks
//! are proven in order, each from where the previous check's solution left the workspace; the
//! next step starts from where the last one ended.

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::model::{Rule, Step, Validation, Workshop};
use crate::play::{build_workspace, open_workspace, step_project};
use crate::rules::{check, run_script};

pub use crate::text::Lines;

/// What went wrong with one check (or a step's workspace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A `sql`, `answer` check without a `solution`: nothing to prove it with.
    NoSolution,
    /// The check passes before its solution ran: it proves nothing.
    ProvesNothing,
    /// Its solution's statements fail.
    SolutionDoesNotRun,
    /// It still fails after its solution.
    SolutionFails,
    /// The step's workspace could not be made (its project or its `setup` fails).
    Workspace,
}

/// One thing `stepwise test` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The step's slug.
    pub step: String,
    /// The check's id (`None` for the step itself).
    pub check: Option<String>,
    /// The line in `workshop.yaml`, when known.
    pub line: Option<u64>,
    /// What kind of problem.
    pub problem: Problem,
    /// One sentence for the author.
    pub message: String,
}

/// The outcome of proving a workshop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Proof {
    /// Steps played.
    pub steps: usize,
    /// Checks proven: they fail before their solution (for `sql`) and pass after it.
    pub proven: usize,
    /// `manual` and `external` checks: the learner's word, nothing to prove.
    pub on_the_learners_word: usize,
    /// Every problem found, in the workshop's order.
    pub findings: Vec<Finding>,
}

impl Proof {
    /// Whether every check that can be proven was.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Plays `workshop` step by step and proves every check; `lines` places findings in
/// `workshop.yaml`.
pub fn prove(workshop: &Workshop, lines: &Lines) -> Proof {
    let mut proof = Proof { steps: workshop.steps.len(), ..Proof::default() };
    let mut workspace: Option<Connection> = None;
    for step in &workshop.steps {
        let line_of = |check: &str| lines.get(&(step.slug.clone(), check.to_owned())).copied();
        let mut report = |check: Option<&Validation>, problem: Problem, message: String| {
            let id = check.map(|v| v.id.clone());
            let line = line_of(id.as_deref().unwrap_or(""));
            proof.findings.push(Finding { step: step.slug.clone(), check: id, line, problem, message });
        };
        let conn = match reach(step, &mut workspace) {
            Ok(conn) => conn,
            Err(message) => {
                report(None, Problem::Workspace, message);
                workspace = None;
                continue;
            }
        };
        for v in &step.validations {
            match prove_check(v, conn) {
                Verdict::Proven => proof.proven += 1,
                Verdict::OnWord => proof.on_the_learners_word += 1,
                Verdict::Problem(problem, message) => report(Some(v), problem, message),
            }
        }
    }
    proof
}

/// The workspace when the learner reaches `step`: built from the step's project if there is
/// none yet, with the step's `setup` run.
fn reach<'w>(step: &Step, workspace: &'w mut Option<Connection>) -> std::result::Result<&'w mut Connection, String> {
    if workspace.is_none()
        && let Some(project) = step_project(step).map_err(|e| format!("its files do not read: {e}"))?
    {
        *workspace = Some(build_workspace(&project).map_err(|e| format!("its project does not build: {e}"))?);
    }
    if workspace.is_none() {
        *workspace = Some(open_workspace(None).map_err(|e| e.to_string())?);
    }
    let conn = workspace.as_mut().expect("just made");
    if let Some(setup) = &step.setup {
        run_script(conn, setup).map_err(|e| format!("its setup does not run: {e}"))?;
    }
    Ok(conn)
}

enum Verdict {
    Proven,
    OnWord,
    Problem(Problem, String),
}

fn prove_check(v: &Validation, conn: &mut Connection) -> Verdict {
    match &v.rule {
        Rule::Manual {} | Rule::External { .. } => Verdict::OnWord,
        Rule::Choice { options, .. } => {
            let right: Vec<&str> = options.iter().filter(|o| o.correct).map(|o| o.id.as_str()).collect();
            let outcome = check(&v.rule, conn, Some(&right.join(",")));
            if outcome.passed {
                Verdict::Proven
            } else {
                Verdict::Problem(
                    Problem::SolutionFails,
                    format!("its correct options do not pass: {}", outcome.message),
                )
            }
        }
        Rule::Answer { .. } => {
            let Some(solution) = &v.solution else {
                return Verdict::Problem(Problem::NoSolution, "has no `solution` (an accepted answer)".into());
            };
            let outcome = check(&v.rule, conn, Some(solution));
            if outcome.passed {
                Verdict::Proven
            } else {
                Verdict::Problem(Problem::SolutionFails, format!("does not accept its solution: {}", outcome.message))
            }
        }
        Rule::Sql { .. } => {
            let before = check(&v.rule, conn, None);
            let Some(solution) = &v.solution else {
                return Verdict::Problem(Problem::NoSolution, "has no `solution` (the statements that pass it)".into());
            };
            if before.passed {
                return Verdict::Problem(
                    Problem::ProvesNothing,
                    "passes before its solution ran, so it proves nothing: make it fail on the workspace the learner \
                     starts from"
                        .into(),
                );
            }
            if let Err(e) = run_script(conn, solution) {
                return Verdict::Problem(Problem::SolutionDoesNotRun, format!("its solution does not run: {e}"));
            }
            let after = check(&v.rule, conn, None);
            if after.passed {
                Verdict::Proven
            } else {
                Verdict::Problem(Problem::SolutionFails, format!("fails after its solution: {}", after.message))
            }
        }
    }
}

/// The checks that have nothing to show a stuck learner: `sql` and `answer` checks without a
/// `solution`, as `(step, check)`. `verify` warns about them.
pub fn without_solution(workshop: &Workshop) -> Vec<(String, String)> {
    workshop
        .steps
        .iter()
        .flat_map(|s| {
            s.validations
                .iter()
                .filter(|v| matches!(v.rule, Rule::Sql { .. } | Rule::Answer { .. }) && v.solution.is_none())
                .map(|v| (s.slug.clone(), v.id.clone()))
        })
        .collect()
}

/// Proves the workshop in the text form at `tree`, with lines, or reports why it does not read.
///
/// # Errors
/// As [`crate::text::parse`].
pub fn prove_text(tree: &crate::archive::FileTree, name: &str) -> Result<Proof> {
    let parsed = crate::text::parse(tree, name)?;
    Ok(prove(&parsed.workshop, &parsed.lines))
}
