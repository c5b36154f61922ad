//! Runs a step's checks (`sql`, `answer`, `choice`, `manual`, `external`) against a learner's
//! workspace and input.
//!
//! [`check`] gives an [`Outcome`] a learner can read; it never panics and never changes the
//! workspace. [`validate_rule`] finds an author's mistakes before a learner meets them, and
//! [`run_query`] runs the learner's own SQL (the playground's SQL box) under the same limits.
//!
//! Every query is a single statement and runs under an instruction budget
//! ([`QUERY_BUDGET`]), so an endless recursive CTE stops with a message instead of hanging the
//! worker. The budget is counted in SQLite virtual-machine instructions, not time, so it behaves
//! the same natively and in the browser.
//!
//! ```
//! use stepwise_artifact::{rules, Rule, SqlExpect, Value};
//! let mut ws = rusqlite::Connection::open_in_memory().unwrap();
//! ws.execute_batch("CREATE TABLE customers (id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'Ada');").unwrap();
//! let rule = Rule::Sql { query: "SELECT count(*) FROM customers".into(), expect: SqlExpect::Scalar(Value::Integer(5)) };
//! let outcome = rules::check(&rule, &mut ws, None);
//! assert!(!outcome.passed);
//! assert_eq!(outcome.message, "expected 5, got 1");
//! ```

mod answer;
mod authoring;
mod choice;
mod compare;
mod outcome;
mod sandbox;
#[cfg(test)]
mod tests;

use rusqlite::Connection;

use self::answer::*;
use self::authoring::*;
use self::compare::*;
use self::outcome::*;
use self::sandbox::*;
use crate::model::{AnswerExpect, Rule, Validation};

pub use self::outcome::{CONFIRMED, MAX_ROWS, Outcome, QUERY_BUDGET, QueryResult};

/// Runs one check and says whether it passed.
///
/// - `sql`: runs the rule's query on `workspace`, read-only, and compares its result with
///   `expect` (integers and reals compare numerically, text exactly, NULL equals NULL; unordered
///   rows compare as a multiset). `input` is ignored.
/// - `answer`: compares `input` with `expect` after trimming and collapsing inner whitespace.
/// - `choice`: passes when `input` names exactly the correct options (ids separated by commas).
/// - `manual`, `external`: pass when `input` is [`CONFIRMED`]; never [`Outcome::verified`].
///
/// `workspace` is `&mut` only to install, for the duration of the query, the instruction budget
/// (a progress handler) and an authorizer that lets through reading only; both are removed
/// afterwards, and replace any the caller had set.
pub fn check(rule: &Rule, workspace: &mut Connection, input: Option<&str>) -> Outcome {
    match rule {
        Rule::Sql { query, expect } => check_sql(query, expect, workspace),
        Rule::Answer { expect } => check_answer(expect, input),
        Rule::Manual {} => {
            if confirmed(input) {
                Outcome::unverified(true, "confirmed")
            } else {
                Outcome::unverified(false, "confirm when you have done it")
            }
        }
        Rule::External { .. } => {
            if confirmed(input) {
                Outcome::unverified(true, "marked as done (checked outside Stepwise, so not verified)")
            } else {
                Outcome::unverified(false, "checked outside Stepwise: run the spec yourself")
            }
        }
        Rule::Choice { options, multiple } => self::choice::check_choice(options, *multiple, input),
    }
}

/// Whether the author's `feedback` of `validation` goes with a result that says `message`: an
/// `sql` check whose rows do not match (not one whose query failed, was stopped or is broken),
/// or a wrong `answer` (not an empty one). The player shows the feedback, as Markdown, with the
/// reason.
///
/// ```
/// use stepwise_artifact::{rules, AnswerExpect, Rule, Validation};
/// let v = Validation {
///     id: "n".into(),
///     prompt: "How many?".into(),
///     hints: vec![],
///     rule: Rule::Answer { expect: AnswerExpect::Exact { any_of: vec!["5".into()], case_sensitive: false } },
///     solution: None,
///     feedback: Some("Count the rows of `customers`.".into()),
/// };
/// let mut ws = rusqlite::Connection::open_in_memory().unwrap();
/// let wrong = rules::check(&v.rule, &mut ws, Some("4"));
/// assert!(rules::shows_feedback(&v, wrong.passed, &wrong.message, Some("4")));
/// let empty = rules::check(&v.rule, &mut ws, Some(" "));
/// assert!(!rules::shows_feedback(&v, empty.passed, &empty.message, Some(" ")), "an empty answer is not a wrong one");
/// ```
pub fn shows_feedback(validation: &Validation, passed: bool, message: &str, input: Option<&str>) -> bool {
    let explained = match validation.rule {
        Rule::Sql { .. } => {
            ![BROKEN_PREFIX, STOPPED_PREFIX, QUERY_FAILED_PREFIX].iter().any(|p| message.starts_with(p))
        }
        Rule::Answer { .. } => input.is_some_and(|i| !i.trim().is_empty()),
        _ => false,
    };
    explained && !passed && validation.feedback.as_deref().is_some_and(|f| !f.trim().is_empty())
}

/// Checks a rule as an author wrote it, before any learner runs it.
///
/// # Errors
///
/// Every problem found, one sentence each, joined with `"; "`: an empty or unparsable query, a
/// query with several statements or that writes, ragged expected rows, an empty `any_of`, a
/// pattern that does not compile, an `external` rule without runner or spec.
///
/// ```
/// use stepwise_artifact::{rules, AnswerExpect, Rule};
/// let rule = Rule::Answer { expect: AnswerExpect::Pattern { regex: "(left".into() } };
/// assert!(rules::validate_rule(&rule).unwrap_err().starts_with("the pattern does not compile"));
/// ```
pub fn validate_rule(rule: &Rule) -> Result<(), String> {
    let mut problems = Vec::new();
    match rule {
        Rule::Sql { query, expect } => {
            validate_query(query, &mut problems);
            validate_sql_expect(expect, &mut problems);
        }
        Rule::Answer { expect: AnswerExpect::Exact { any_of, .. } } => {
            if any_of.is_empty() {
                problems.push("`any_of` lists no answer".to_owned());
            }
            for (i, a) in any_of.iter().enumerate() {
                if normalise(a).is_empty() {
                    problems.push(format!("answer {} of `any_of` is blank", i + 1));
                }
            }
        }
        Rule::Answer { expect: AnswerExpect::Pattern { regex } } => {
            if regex.trim().is_empty() {
                problems.push("the pattern is empty".to_owned());
            } else if let Err(e) = compile_pattern(regex) {
                problems.push(format!("the pattern does not compile: {e}"));
            }
        }
        Rule::Manual {} => {}
        Rule::Choice { options, multiple } => self::choice::validate_choice(options, *multiple, &mut problems),
        Rule::External { runner, spec } => {
            if runner.trim().is_empty() {
                problems.push("`runner` is empty (say what runs the spec: goss, shell, kubectl…)".to_owned());
            }
            if spec.trim().is_empty() {
                problems.push("`spec` is empty".to_owned());
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// Runs one statement of the learner's own SQL on their workspace (writes allowed) and returns
/// its first `max_rows` rows; a statement that returns no rows gives an empty result.
///
/// The statement runs under the same [`QUERY_BUDGET`] as checks. `workspace` is `&mut` only to
/// install it (a progress handler, removed afterwards).
///
/// # Errors
///
/// A sentence for the learner: SQLite's own message verbatim when SQLite refuses or fails the
/// statement; otherwise that the text is empty, holds several statements, or ran too long.
///
/// ```
/// let mut ws = rusqlite::Connection::open_in_memory().unwrap();
/// stepwise_artifact::rules::run_query(&mut ws, "CREATE TABLE t (x)", 10).unwrap();
/// let r = stepwise_artifact::rules::run_query(&mut ws, "SELECT * FROM nope", 10);
/// assert_eq!(r.unwrap_err(), "no such table: nope");
/// ```
pub fn run_query(workspace: &mut Connection, sql: &str, max_rows: usize) -> Result<QueryResult, String> {
    let fetched = execute(workspace, sql, Access::ReadWrite, max_rows, QUERY_BUDGET).map_err(query_message)?;
    Ok(fetched.into_result(max_rows))
}

/// A sentence for the user about a statement that did not run.
fn query_message(e: QueryError) -> String {
    match e {
        QueryError::Empty => "there is no statement to run".to_owned(),
        QueryError::Several => "run one statement at a time: remove everything after the first `;`".to_owned(),
        // Only read-only runs refuse these; say what happened all the same.
        QueryError::Writes => "the statement would change the database".to_owned(),
        QueryError::NoColumns => "the statement returns no columns".to_owned(),
        QueryError::NotAllowed(what) => format!("{what} is not allowed here"),
        QueryError::Budget => budget_message("the statement"),
        QueryError::Sqlite(m) => m,
    }
}

/// Why a playground statement did not give rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryStop {
    /// `stop` said so (the caller's time limit).
    Stopped,
    /// A sentence for the user, as [`run_query`] gives it.
    Failed(String),
}

/// Runs one statement as [`run_query`] does, without the instruction budget: `stop` is asked
/// every thousand SQLite instructions whether to stop, so the caller keeps a time limit the user
/// can see (the playground's) instead of a count of instructions.
///
/// # Errors
/// [`QueryStop::Stopped`] when `stop` stopped it; [`QueryStop::Failed`] as [`run_query`].
pub fn run_query_until(
    workspace: &mut Connection,
    sql: &str,
    max_rows: usize,
    stop: impl FnMut() -> bool + Send + 'static,
) -> Result<QueryResult, QueryStop> {
    let fetched =
        self::sandbox::execute_until(workspace, sql, Access::ReadWrite, max_rows, u64::MAX, Some(Box::new(stop)));
    match fetched {
        Ok(fetched) => Ok(fetched.into_result(max_rows)),
        Err(QueryError::Budget) => Err(QueryStop::Stopped),
        Err(e) => Err(QueryStop::Failed(query_message(e))),
    }
}

/// Runs the learner's SQL in the player: every statement in order, writes allowed, under one
/// [`QUERY_BUDGET`]. Returns the first `max_rows` rows of the last statement that returns
/// columns (a `SELECT` after an `INSERT` shows its rows) and how many statements ran.
///
/// # Errors
///
/// A sentence for the learner: SQLite's own message verbatim (prefixed with the statement's
/// number when it is not the first), that the text holds no statement, or that it ran too long.
/// The statements before a failing one stay applied, as in any SQL console.
///
/// ```
/// let mut ws = rusqlite::Connection::open_in_memory().unwrap();
/// let (r, n) = stepwise_artifact::rules::run_statements(&mut ws, "CREATE TABLE t (x); INSERT INTO t VALUES (1), (2); SELECT count(*) AS n FROM t;", 10).unwrap();
/// assert_eq!((r.columns, n), (vec!["n".to_owned()], 3));
/// let e = stepwise_artifact::rules::run_statements(&mut ws, "INSERT INTO t VALUES (3); SELECT * FROM nope", 10);
/// assert_eq!(e.unwrap_err(), "statement 2: no such table: nope");
/// ```
pub fn run_statements(workspace: &mut Connection, sql: &str, max_rows: usize) -> Result<(QueryResult, usize), String> {
    statements(workspace, sql, max_rows, QUERY_BUDGET, None).map_err(|stop| match stop {
        QueryStop::Stopped => unreachable!("no stop condition was given"),
        QueryStop::Failed(message) => message,
    })
}

/// [`run_statements`] without the instruction budget: `stop` is asked every thousand SQLite
/// instructions whether to stop, so the caller keeps a time limit the user can see (the
/// playground on a learner's workspace).
///
/// # Errors
/// [`QueryStop::Stopped`] when `stop` stopped it; [`QueryStop::Failed`] as [`run_statements`].
pub fn run_statements_until(
    workspace: &mut Connection,
    sql: &str,
    max_rows: usize,
    stop: impl FnMut() -> bool + Send + 'static,
) -> Result<(QueryResult, usize), QueryStop> {
    statements(workspace, sql, max_rows, u64::MAX, Some(Box::new(stop)))
}

fn statements(
    workspace: &mut Connection,
    sql: &str,
    max_rows: usize,
    budget: u64,
    until: Option<self::sandbox::StopWhen>,
) -> Result<(QueryResult, usize), QueryStop> {
    let timed = until.is_some();
    match self::sandbox::execute_all(workspace, sql, max_rows, budget, until) {
        Ok((fetched, ran)) => Ok((fetched.into_result(max_rows), ran)),
        Err((QueryError::Empty, _)) => Err(QueryStop::Failed("there is no statement to run".to_owned())),
        Err((QueryError::Budget, _)) if timed => Err(QueryStop::Stopped),
        Err((QueryError::Budget, n)) => {
            Err(QueryStop::Failed(budget_message(if n > 1 { "the statements" } else { "the statement" })))
        }
        Err((e, n)) => {
            let message = match e {
                QueryError::NotAllowed(what) => format!("{what} is not allowed here"),
                QueryError::Sqlite(m) => m,
                other => format!("{other:?}"),
            };
            Err(QueryStop::Failed(if n > 1 { format!("statement {n}: {message}") } else { message }))
        }
    }
}

/// Runs every statement of `sql` (an author's `setup` or `solution`) on `workspace`, writes
/// allowed, under one [`QUERY_BUDGET`] for the whole script.
///
/// # Errors
/// SQLite's message verbatim for the first statement that fails, or that the script ran too
/// long; the statements before it stay applied.
pub fn run_script(workspace: &mut Connection, sql: &str) -> Result<(), String> {
    let guard = self::sandbox::Guard::install(workspace, QUERY_BUDGET, Access::ReadWrite, None);
    let result = guard.conn.execute_batch(sql);
    let stopped = guard.stopped.load(std::sync::atomic::Ordering::Relaxed);
    drop(guard);
    match result {
        Ok(()) => Ok(()),
        Err(_) if stopped => Err(budget_message("the script")),
        Err(e) => Err(self::sandbox::sqlite_message(&e)),
    }
}
