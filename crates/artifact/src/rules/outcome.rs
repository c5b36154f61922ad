//! What a check says to the learner ([`Outcome`]), the rows it shows ([`QueryResult`]), and the
//! limits every query runs under.

use serde::{Deserialize, Serialize};

use crate::model::Value;

/// Rows kept in a [`QueryResult`] that a check returns to show the learner.
pub const MAX_ROWS: usize = 200;

/// SQLite virtual-machine instructions one query may run before it is stopped: far more than any
/// check on a workshop-sized database needs, few enough that a runaway query stops within
/// seconds (about 1.7 s in an unoptimised debug build).
pub const QUERY_BUDGET: u64 = 50_000_000;

/// What the UI sends as `input` when the learner confirms a `manual` or `external` check.
///
/// Only this word (ignoring surrounding space and ASCII case) confirms: text typed for another
/// kind of check never marks a step done by accident.
pub const CONFIRMED: &str = "yes";

/// How often (in instructions) the budget is looked at.
pub(crate) const BUDGET_STRIDE: u64 = 1_000;

/// Two reals closer than this (relative to the larger) are equal: `avg()` of `0.1, 0.2, 0.3`
/// is `0.20000000000000004`, and an author rightly writes `0.2`.
pub(crate) const REAL_TOLERANCE: f64 = 1e-9;

/// The result of one check, for the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Whether the check passed.
    pub passed: bool,
    /// Whether Stepwise reached the verdict itself: true for `sql` and `answer` checks that ran;
    /// false for `manual` and `external` checks (the learner's word) and for checks that could
    /// not run (a broken check, a query stopped by the budget).
    pub verified: bool,
    /// One sentence for the learner. Never reveals the expected answer of an `answer` check.
    pub message: String,
    /// What the check's query returned (first [`MAX_ROWS`] rows), for `sql` checks that ran.
    pub rows: Option<QueryResult>,
}

impl Outcome {
    pub(crate) fn verdict(passed: bool, message: impl Into<String>) -> Self {
        Outcome { passed, verified: true, message: message.into(), rows: None }
    }

    pub(crate) fn unverified(passed: bool, message: impl Into<String>) -> Self {
        Outcome { passed, verified: false, message: message.into(), rows: None }
    }

    pub(crate) fn broken(what: &str) -> Self {
        Outcome::unverified(false, format!("{BROKEN_PREFIX}({what}); please tell the workshop author"))
    }
}

/// Rows a query returned, to show in a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    /// Column names, as SQLite reports them.
    pub columns: Vec<String>,
    /// The rows kept; a blob is shown as the text `<blob N bytes>`.
    pub rows: Vec<Vec<Value>>,
    /// Whether the query returned more rows than were kept.
    pub truncated: bool,
}

pub(crate) fn confirmed(input: Option<&str>) -> bool {
    input.is_some_and(|s| s.trim().eq_ignore_ascii_case(CONFIRMED))
}

/// How the message of a broken check starts (the author's mistake, not the learner's).
pub(crate) const BROKEN_PREFIX: &str = "this check is broken ";
/// How the message of an `sql` check whose query SQLite refused starts (a missing table or
/// column: Stepwise's own words say what to do).
pub(crate) const QUERY_FAILED_PREFIX: &str = "the query failed: ";
/// How the message of a check stopped by the budget starts.
pub(crate) const STOPPED_PREFIX: &str = "the check was stopped";

pub(crate) fn budget_message(what: &str) -> String {
    let verb = if what.ends_with('s') { "were" } else { "was" };
    format!(
        "{what} {verb} stopped: it ran for more than {} million steps (an endless recursive query, \
         or a join without a condition?)",
        QUERY_BUDGET / 1_000_000
    )
}
