//! Runs a step's checks (`sql`, `answer`, `manual`, `external`) against a learner's workspace and input.
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

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;
use rusqlite::{Batch, Connection, Statement};
use serde::{Deserialize, Serialize};

use crate::{AnswerExpect, Rule, SqlExpect, Value};

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
const BUDGET_STRIDE: u64 = 1_000;

/// Two reals closer than this (relative to the larger) are equal: `avg()` of `0.1, 0.2, 0.3`
/// is `0.20000000000000004`, and an author rightly writes `0.2`.
const REAL_TOLERANCE: f64 = 1e-9;

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
    fn verdict(passed: bool, message: impl Into<String>) -> Self {
        Outcome { passed, verified: true, message: message.into(), rows: None }
    }

    fn unverified(passed: bool, message: impl Into<String>) -> Self {
        Outcome { passed, verified: false, message: message.into(), rows: None }
    }

    fn broken(what: &str) -> Self {
        Outcome::unverified(false, format!("this check is broken ({what}); please tell the workshop author"))
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

/// Runs one check and says whether it passed.
///
/// - `sql`: runs the rule's query on `workspace`, read-only, and compares its result with
///   `expect` (integers and reals compare numerically, text exactly, NULL equals NULL; unordered
///   rows compare as a multiset). `input` is ignored.
/// - `answer`: compares `input` with `expect` after trimming and collapsing inner whitespace.
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
    }
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
    let fetched = execute(workspace, sql, Access::ReadWrite, max_rows, QUERY_BUDGET).map_err(|e| match e {
        QueryError::Empty => "there is no statement to run".to_owned(),
        QueryError::Several => "run one statement at a time: remove everything after the first `;`".to_owned(),
        // Only read-only runs refuse these; say what happened all the same.
        QueryError::Writes => "the statement would change the database".to_owned(),
        QueryError::NoColumns => "the statement returns no columns".to_owned(),
        QueryError::NotAllowed(what) => format!("{what} is not allowed here"),
        QueryError::Budget => budget_message("the statement"),
        QueryError::Sqlite(m) => m,
    })?;
    Ok(fetched.into_result(max_rows))
}

fn confirmed(input: Option<&str>) -> bool {
    input.is_some_and(|s| s.trim().eq_ignore_ascii_case(CONFIRMED))
}

fn budget_message(what: &str) -> String {
    format!(
        "{what} was stopped: it ran for more than {} million steps (an endless recursive query, \
         or a join without a condition?)",
        QUERY_BUDGET / 1_000_000
    )
}

// ---------------------------------------------------------------------------------------------
// sql

fn check_sql(query: &str, expect: &SqlExpect, workspace: &mut Connection) -> Outcome {
    let keep = match expect {
        SqlExpect::Rows { rows, .. } => rows.len().max(MAX_ROWS),
        _ => MAX_ROWS,
    };
    let fetched = match execute(workspace, query, Access::ReadOnly, keep, QUERY_BUDGET) {
        Ok(f) => f,
        Err(QueryError::Empty) => return Outcome::broken("its query is empty"),
        Err(QueryError::Several) => {
            return Outcome::broken("its query has more than one statement");
        }
        Err(QueryError::Writes) => {
            return Outcome::broken("its query would change your workspace, so it is not run");
        }
        Err(QueryError::NoColumns) => return Outcome::broken("its query returns no columns"),
        Err(QueryError::NotAllowed(what)) => {
            return Outcome::broken(&format!("its query uses {what}, which a check may not"));
        }
        Err(QueryError::Budget) => return Outcome::unverified(false, budget_message("the check")),
        Err(QueryError::Sqlite(m)) => {
            let hint = if m.starts_with("no such table") {
                " — did you create it?"
            } else if m.starts_with("no such column") {
                " — does your table have it?"
            } else {
                ""
            };
            return Outcome::verdict(false, format!("the query failed: {m}{hint}"));
        }
    };
    let (passed, message) = compare(expect, &fetched);
    Outcome { rows: Some(fetched.into_result(MAX_ROWS)), ..Outcome::verdict(passed, message) }
}

/// Compares a query's result with what the author expects; the message says what differs.
fn compare(expect: &SqlExpect, got: &Fetched) -> (bool, String) {
    let n = got.total;
    match expect {
        SqlExpect::NonEmpty if n > 0 => (true, format!("correct: {}", count(n, "row"))),
        SqlExpect::NonEmpty => (false, "expected at least one row, got none".to_owned()),
        SqlExpect::Empty if n == 0 => (true, "correct: no rows".to_owned()),
        SqlExpect::Empty => (false, format!("expected no rows, got {n}")),
        SqlExpect::Scalar(want) => {
            if got.columns.len() != 1 {
                return (false, format!("expected one column, got {}", got.columns.len()));
            }
            if n != 1 {
                return (false, format!("expected one row, got {}", some(n)));
            }
            let cell = &got.rows[0][0];
            if same(want, cell) {
                (true, "correct".to_owned())
            } else {
                (false, format!("expected {want}, got {cell}{}", kind_hint(want, cell)))
            }
        }
        SqlExpect::Rows { rows: want, ordered } => {
            if let Some(width) = want.first().map(Vec::len)
                && width != got.columns.len()
            {
                return (false, format!("expected {}, got {}", count(width, "column"), got.columns.len()));
            }
            if want.len() != n {
                return (false, format!("expected {}, got {}", count(want.len(), "row"), some(n)));
            }
            if *ordered {
                match want.iter().zip(&got.rows).position(|(w, g)| !same_row(w, g)) {
                    None => (true, format!("correct: the expected {}", count(n, "row"))),
                    Some(i) => {
                        let (w, g) = (&want[i], &got.rows[i]);
                        let why = if unmatched(want, &got.rows).is_none() {
                            " (the same rows, in another order)".to_owned()
                        } else {
                            cell_hint(w, g, &got.columns)
                        };
                        (false, format!("row {} differs: expected {}, got {}{why}", i + 1, Row(w), Row(g)))
                    }
                }
            } else {
                match unmatched(want, &got.rows) {
                    None => (true, format!("correct: the expected {} (in any order)", count(n, "row"))),
                    Some((extra, missing)) => (
                        false,
                        format!(
                            "got {}, which is not among the expected rows (order does not matter); missing {}",
                            Row(&got.rows[extra]),
                            Row(&want[missing])
                        ),
                    ),
                }
            }
        }
    }
}

/// Matches rows as a multiset; `None` when every row has a partner, else the first row got that
/// matches no expected row and the first expected row left without a partner.
fn unmatched(want: &[Vec<Value>], got: &[Vec<Cell>]) -> Option<(usize, usize)> {
    let mut used = vec![false; want.len()];
    let mut extra = None;
    for (gi, g) in got.iter().enumerate() {
        match (0..want.len()).find(|&wi| !used[wi] && same_row(&want[wi], g)) {
            Some(wi) => used[wi] = true,
            None => {
                extra.get_or_insert(gi);
            }
        }
    }
    let missing = used.iter().position(|u| !u);
    match (extra, missing) {
        (Some(e), Some(m)) => Some((e, m)),
        _ => None,
    }
}

fn same_row(want: &[Value], got: &[Cell]) -> bool {
    want.len() == got.len() && want.iter().zip(got).all(|(w, g)| same(w, g))
}

/// SQLite-style equality: numbers numerically (reals within [`REAL_TOLERANCE`]), text exactly,
/// NULL equal to NULL; a blob equals nothing an author can write.
fn same(want: &Value, got: &Cell) -> bool {
    match (want, got) {
        (Value::Null, Cell::Null) => true,
        (Value::Integer(a), Cell::Integer(b)) => a == b,
        (Value::Integer(a), Cell::Real(b)) => close(*a as f64, *b),
        (Value::Real(a), Cell::Integer(b)) => close(*a, *b as f64),
        (Value::Real(a), Cell::Real(b)) => close(*a, *b),
        (Value::Text(a), Cell::Text(b)) => a == b,
        _ => false,
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REAL_TOLERANCE * a.abs().max(b.abs())
}

/// " (text, not a number)" when the two differ in kind, so `'5'` against `5` is explained.
fn kind_hint(want: &Value, got: &Cell) -> String {
    let want_kind = match want {
        Value::Null => "NULL",
        Value::Integer(_) | Value::Real(_) => "a number",
        Value::Text(_) => "text",
    };
    let got_kind = got.kind();
    if want_kind == got_kind { String::new() } else { format!(" ({got_kind}, not {want_kind})") }
}

/// The kind hint of the first differing cell of a row, naming its column.
fn cell_hint(want: &[Value], got: &[Cell], columns: &[String]) -> String {
    want.iter()
        .zip(got)
        .zip(columns)
        .find(|((w, g), _)| !same(w, g))
        .map(|((w, g), c)| {
            let hint = kind_hint(w, g);
            match hint.strip_prefix(" (") {
                Some(rest) => format!(" (column {c}: {rest}"),
                None => String::new(),
            }
        })
        .unwrap_or_default()
}

/// "one row", "3 rows".
fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("one {what}") } else { format!("{n} {what}s") }
}

/// "none", "3".
fn some(n: usize) -> String {
    if n == 0 { "none".to_owned() } else { n.to_string() }
}

/// A row shown as an SQL tuple: `(2, 'Grace')`.
struct Row<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for Row<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{v}")?;
        }
        f.write_str(")")
    }
}

// ---------------------------------------------------------------------------------------------
// running a query

/// A value as SQLite returned it; unlike [`Value`] it keeps blobs apart from text.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(usize),
}

impl Cell {
    fn from_sqlite(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(r) => Cell::Real(r),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.len()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Integer(_) | Cell::Real(_) => "a number",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "a blob",
        }
    }

    fn into_value(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Integer(i) => Value::Integer(i),
            Cell::Real(r) => Value::Real(r),
            Cell::Text(t) => Value::Text(t),
            Cell::Blob(n) => Value::Text(format!("<blob {n} bytes>")),
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Blob(n) => write!(f, "<blob {n} bytes>"),
            other => other.clone().into_value().fmt(f),
        }
    }
}

/// What a query returned: its columns, the first rows, and how many rows in all.
struct Fetched {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    total: usize,
}

impl Fetched {
    fn into_result(self, max_rows: usize) -> QueryResult {
        QueryResult {
            columns: self.columns,
            truncated: self.total > max_rows,
            rows: self.rows.into_iter().take(max_rows).map(|r| r.into_iter().map(Cell::into_value).collect()).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    ReadOnly,
    ReadWrite,
}

#[derive(Debug, PartialEq)]
enum QueryError {
    /// No statement in the text (blank, or only comments).
    Empty,
    /// More than one statement.
    Several,
    /// A read-only run met a statement that writes.
    Writes,
    /// A read-only run met a statement that returns no columns.
    NoColumns,
    /// A read-only run met something that changes the connection (`ATTACH`, `BEGIN`, a
    /// `PRAGMA` that sets); names it.
    NotAllowed(String),
    /// Stopped by the instruction budget.
    Budget,
    /// SQLite's message, verbatim.
    Sqlite(String),
}

/// Runs exactly one statement of `sql` under a budget of `budget` instructions, keeping the
/// first `keep` rows and counting all of them.
fn execute(conn: &mut Connection, sql: &str, access: Access, keep: usize, budget: u64) -> Result<Fetched, QueryError> {
    let guard = Guard::install(conn, budget, access);
    let result = fetch(guard.conn, sql, access, keep);
    let stopped = guard.stopped.load(Ordering::Relaxed);
    let refused = guard.refused.lock().map(|mut r| r.take()).unwrap_or(None);
    drop(guard);
    match (result, refused) {
        (Err(QueryError::Sqlite(_)), _) if stopped => Err(QueryError::Budget),
        (Err(QueryError::Sqlite(_)), Some(refused)) => Err(refused),
        (other, _) => other,
    }
}

fn fetch(conn: &Connection, sql: &str, access: Access, keep: usize) -> Result<Fetched, QueryError> {
    let mut batch = Batch::new(conn, sql);
    let mut stmt: Statement<'_> = match batch.next() {
        Ok(Some(s)) => s,
        Ok(None) => return Err(QueryError::Empty),
        Err(e) => return Err(QueryError::Sqlite(sqlite_message(&e))),
    };
    // Anything after the first statement, even text SQLite cannot prepare, makes it several.
    if !matches!(batch.next(), Ok(None)) {
        return Err(QueryError::Several);
    }
    if access == Access::ReadOnly {
        if !stmt.readonly() {
            return Err(QueryError::Writes);
        }
        if stmt.column_count() == 0 {
            return Err(QueryError::NoColumns);
        }
    }
    let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let width = columns.len();
    let mut rows = Vec::new();
    let mut total = 0;
    let mut query = stmt.query([]).map_err(|e| QueryError::Sqlite(sqlite_message(&e)))?;
    while let Some(row) = query.next().map_err(|e| QueryError::Sqlite(sqlite_message(&e)))? {
        if total < keep {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                let v = row.get_ref(i).map_err(|e| QueryError::Sqlite(sqlite_message(&e)))?;
                cells.push(Cell::from_sqlite(v));
            }
            rows.push(cells);
        }
        total += 1;
    }
    Ok(Fetched { columns, rows, total })
}

/// SQLite's own message, without the decoration rusqlite adds around it.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

/// The limits a statement runs under, removed when dropped: a progress handler that stops it
/// after a number of instructions and, for read-only runs, an authorizer that lets through only
/// reading (tables, views, functions, the `PRAGMA`s in [`READ_PRAGMAS`]).
///
/// `readonly()` alone is not enough for a check written by an untrusted author: `ATTACH`,
/// `BEGIN` and setting `PRAGMA`s such as `max_page_count` or `hard_heap_limit` count as
/// read-only for SQLite, yet change the learner's connection.
struct Guard<'c> {
    conn: &'c mut Connection,
    stopped: Arc<AtomicBool>,
    refused: Arc<Mutex<Option<QueryError>>>,
}

impl<'c> Guard<'c> {
    fn install(conn: &'c mut Connection, instructions: u64, access: Access) -> Self {
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stopped);
        let allowed = instructions / BUDGET_STRIDE;
        let mut calls = 0u64;
        let stride = i32::try_from(BUDGET_STRIDE).unwrap_or(i32::MAX);
        // Registering a hook cannot fail on an open connection (it only stores a pointer).
        let _ = conn.progress_handler(
            stride,
            Some(move || {
                calls += 1;
                let stop = calls > allowed;
                if stop {
                    flag.store(true, Ordering::Relaxed);
                }
                stop
            }),
        );
        let refused = Arc::new(Mutex::new(None));
        if access == Access::ReadOnly {
            let slot = Arc::clone(&refused);
            let _ = conn.authorizer(Some(move |ctx: AuthContext<'_>| match read_only(&ctx.action) {
                Ok(()) => Authorization::Allow,
                Err(e) => {
                    if let Ok(mut slot) = slot.lock() {
                        slot.get_or_insert(e);
                    }
                    Authorization::Deny
                }
            }));
        }
        Guard { conn, stopped, refused }
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let _ = self.conn.progress_handler(0, None::<fn() -> bool>);
        let _ = self.conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
    }
}

/// `PRAGMA`s a check may use to read the schema; any other, or one of these given a new value,
/// is refused.
const READ_PRAGMAS: [&str; 19] = [
    "application_id",
    "collation_list",
    "database_list",
    "foreign_key_check",
    "foreign_key_list",
    "foreign_keys",
    "freelist_count",
    "function_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "page_count",
    "pragma_list",
    "quick_check",
    "schema_version",
    "table_info",
    "table_xinfo",
    "user_version",
];

/// `PRAGMA`s of [`READ_PRAGMAS`] whose argument names what to read rather than a new setting.
const ARGUMENT_PRAGMAS: [&str; 9] = [
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "quick_check",
    "table_info",
    "table_xinfo",
];

/// Whether an action met while preparing a check's statement only reads.
fn read_only(action: &AuthAction<'_>) -> Result<(), QueryError> {
    match action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Function { .. } | AuthAction::Recursive => Ok(()),
        AuthAction::Pragma { pragma_name, pragma_value } => {
            let name = pragma_name.to_ascii_lowercase();
            let reads = READ_PRAGMAS.contains(&name.as_str())
                && (pragma_value.is_none() || ARGUMENT_PRAGMAS.contains(&name.as_str()));
            if reads { Ok(()) } else { Err(QueryError::NotAllowed(format!("PRAGMA {name}"))) }
        }
        AuthAction::Attach { .. } => Err(QueryError::NotAllowed("ATTACH".to_owned())),
        AuthAction::Detach { .. } => Err(QueryError::NotAllowed("DETACH".to_owned())),
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => {
            Err(QueryError::NotAllowed("a transaction statement".to_owned()))
        }
        _ => Err(QueryError::Writes),
    }
}

// ---------------------------------------------------------------------------------------------
// answer

fn check_answer(expect: &AnswerExpect, input: Option<&str>) -> Outcome {
    let answer = normalise(input.unwrap_or(""));
    if answer.is_empty() {
        return Outcome::verdict(false, "type an answer first");
    }
    match expect {
        AnswerExpect::Exact { any_of, case_sensitive } => {
            if any_of.is_empty() {
                return Outcome::broken("it accepts no answer");
            }
            let fold = |s: &str| {
                if *case_sensitive { s.to_owned() } else { s.to_lowercase() }
            };
            let given = fold(&answer);
            if any_of.iter().any(|a| fold(&normalise(a)) == given) {
                Outcome::verdict(true, "correct")
            } else if *case_sensitive && any_of.iter().any(|a| normalise(a).to_lowercase() == answer.to_lowercase()) {
                Outcome::verdict(false, "almost: check upper and lower case")
            } else {
                Outcome::verdict(false, "not the expected answer; try again")
            }
        }
        AnswerExpect::Pattern { regex } => match compile_pattern(regex) {
            // The compiler's message may quote the pattern, which would give the answer away.
            Err(_) => Outcome::broken("its pattern is not a valid regular expression"),
            Ok(re) if re.is_match(&answer) => Outcome::verdict(true, "correct"),
            Ok(_) => Outcome::verdict(false, "not the expected answer; try again"),
        },
    }
}

/// Trims and collapses every run of whitespace inside to one space.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compiles an author's pattern so that it must match the whole answer.
///
/// The pattern is compiled alone first: wrapped, an unbalanced `a)|(b` would become the valid
/// `^(?:a)|(b)$`, which accepts anything starting with `a`.
fn compile_pattern(regex: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(regex)?;
    regex_lite::Regex::new(&format!("^(?:{regex})$"))
}

// ---------------------------------------------------------------------------------------------
// authoring checks

fn validate_query(query: &str, problems: &mut Vec<String>) {
    if query.trim().is_empty() {
        problems.push("the query is empty".to_owned());
        return;
    }
    // Run as a check against an empty database: names are unknown there, but syntax, the number
    // of statements and (when it prepares) whether it only reads are not.
    let Ok(mut scratch) = Connection::open_in_memory() else {
        return;
    };
    let problem = match execute(&mut scratch, query, Access::ReadOnly, 0, 1_000_000) {
        Ok(_) | Err(QueryError::Budget) => return,
        Err(QueryError::Empty) => "the query is only a comment".to_owned(),
        Err(QueryError::Several) => "the query has more than one statement; a check runs exactly one".to_owned(),
        Err(QueryError::Writes) => {
            "the query changes the database; a check may only read (SELECT, WITH … SELECT, VALUES)".to_owned()
        }
        Err(QueryError::NoColumns) => {
            "the query returns no columns; a check needs a query that returns rows".to_owned()
        }
        Err(QueryError::NotAllowed(what)) => {
            format!("the query uses {what}, which a check may not")
        }
        Err(QueryError::Sqlite(m)) => {
            let syntax = ["syntax error", "incomplete input", "unrecognized token"];
            if !syntax.iter().any(|p| m.contains(p)) {
                return;
            }
            format!("the query does not parse: {m}")
        }
    };
    problems.push(problem);
}

fn validate_sql_expect(expect: &SqlExpect, problems: &mut Vec<String>) {
    let finite = |v: &Value| !matches!(v, Value::Real(r) if !r.is_finite());
    match expect {
        SqlExpect::Scalar(v) if !finite(v) => problems.push(format!("the expected value {v} is not a finite number")),
        SqlExpect::Rows { rows, .. } => {
            if let Some(width) = rows.first().map(Vec::len) {
                if width == 0 {
                    problems.push("the expected rows have no values; write `rows: [[1, Ada]]`".to_owned());
                }
                for (i, r) in rows.iter().enumerate() {
                    if r.len() != width {
                        problems.push(format!(
                            "expected row {} has {} but row 1 has {}",
                            i + 1,
                            count(r.len(), "value"),
                            width
                        ));
                    }
                    if let Some(v) = r.iter().find(|v| !finite(v)) {
                        problems.push(format!("expected row {} holds {v}, which is not a finite number", i + 1));
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with a few customers, as a learner might have left it.
    fn workspace() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT, score REAL, photo BLOB);
             INSERT INTO customers VALUES
               (1, 'Ada', 'London', 5.0, x'00010203'),
               (2, 'Grace', NULL, 4.5, NULL),
               (3, 'Edsger', 'Austin', NULL, NULL);",
        )
        .unwrap();
        c
    }

    fn sql(query: &str, expect: SqlExpect) -> Rule {
        Rule::Sql { query: query.into(), expect }
    }

    fn run(rule: &Rule) -> Outcome {
        check(rule, &mut workspace(), None)
    }

    fn rows(rows: Vec<Vec<Value>>, ordered: bool) -> SqlExpect {
        SqlExpect::Rows { rows, ordered }
    }

    fn i(v: i64) -> Value {
        Value::Integer(v)
    }

    fn t(v: &str) -> Value {
        Value::Text(v.into())
    }

    /// Asserts a failed, verified outcome with exactly this message.
    #[track_caller]
    fn fails(o: Outcome, message: &str) {
        assert_eq!((o.passed, o.verified, o.message.as_str()), (false, true, message));
    }

    #[track_caller]
    fn passes(o: Outcome) {
        assert!(o.passed && o.verified, "{o:?}");
    }

    #[test]
    fn scalar_passes_and_fails() {
        let o = run(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(3))));
        passes(o.clone());
        assert_eq!(o.message, "correct");
        let r = o.rows.unwrap();
        assert_eq!((r.columns, r.rows, r.truncated), (vec!["count(*)".to_owned()], vec![vec![i(3)]], false));

        fails(run(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(5)))), "expected 5, got 3");
        fails(run(&sql("SELECT id, name FROM customers", SqlExpect::Scalar(i(1)))), "expected one column, got 2");
        fails(run(&sql("SELECT id FROM customers", SqlExpect::Scalar(i(1)))), "expected one row, got 3");
        fails(run(&sql("SELECT id FROM customers WHERE 0", SqlExpect::Scalar(i(1)))), "expected one row, got none");
    }

    #[test]
    fn integers_and_reals_compare_numerically() {
        passes(run(&sql("SELECT score FROM customers WHERE id = 1", SqlExpect::Scalar(i(5)))));
        passes(run(&sql("SELECT 5", SqlExpect::Scalar(Value::Real(5.0)))));
        passes(run(&sql(
            "SELECT avg(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2 UNION ALL SELECT 0.3)",
            SqlExpect::Scalar(Value::Real(0.2)),
        )));
        fails(run(&sql("SELECT 5.5", SqlExpect::Scalar(i(5)))), "expected 5, got 5.5");
        fails(
            run(&sql("SELECT i64", SqlExpect::Scalar(i(5)))),
            "the query failed: no such column: i64 — does your table have it?",
        );
    }

    #[test]
    fn text_and_null_compare_exactly() {
        passes(run(&sql("SELECT name FROM customers WHERE id = 2", SqlExpect::Scalar(t("Grace")))));
        fails(
            run(&sql("SELECT name FROM customers WHERE id = 2", SqlExpect::Scalar(t("grace")))),
            "expected 'grace', got 'Grace'",
        );
        passes(run(&sql("SELECT city FROM customers WHERE id = 2", SqlExpect::Scalar(Value::Null))));
        fails(run(&sql("SELECT '5'", SqlExpect::Scalar(i(5)))), "expected 5, got '5' (text, not a number)");
        fails(run(&sql("SELECT 5", SqlExpect::Scalar(t("5")))), "expected '5', got 5 (a number, not text)");
        fails(run(&sql("SELECT 'NULL'", SqlExpect::Scalar(Value::Null))), "expected NULL, got 'NULL' (text, not NULL)");
        fails(run(&sql("SELECT NULL", SqlExpect::Scalar(i(0)))), "expected 0, got NULL (NULL, not a number)");
    }

    #[test]
    fn rows_in_order() {
        let want = vec![vec![i(1), t("Ada")], vec![i(2), t("Grace")], vec![i(3), t("Edsger")]];
        passes(run(&sql("SELECT id, name FROM customers ORDER BY id", rows(want.clone(), true))));

        let mut wrong = want.clone();
        wrong[1][1] = t("grace");
        fails(
            run(&sql("SELECT id, name FROM customers ORDER BY id", rows(wrong, true))),
            "row 2 differs: expected (2, 'grace'), got (2, 'Grace')",
        );
        fails(
            run(&sql("SELECT id, name FROM customers ORDER BY id DESC", rows(want.clone(), true))),
            "row 1 differs: expected (1, 'Ada'), got (3, 'Edsger') (the same rows, in another order)",
        );
        fails(
            run(&sql("SELECT id, name FROM customers WHERE id < 3 ORDER BY id", rows(want.clone(), true))),
            "expected 3 rows, got 2",
        );
        fails(run(&sql("SELECT id, name, city FROM customers", rows(want.clone(), true))), "expected 2 columns, got 3");
        fails(
            run(&sql(
                "SELECT id, CAST(id AS TEXT) FROM customers ORDER BY id",
                rows(vec![vec![i(1), i(1)], vec![i(2), i(2)], vec![i(3), i(3)]], true),
            )),
            "row 1 differs: expected (1, 1), got (1, '1') (column CAST(id AS TEXT): text, not a number)",
        );
    }

    #[test]
    fn rows_in_any_order_compare_as_a_multiset() {
        let want = vec![vec![t("Austin")], vec![Value::Null], vec![t("London")]];
        passes(run(&sql("SELECT city FROM customers ORDER BY name", rows(want.clone(), false))));
        passes(run(&sql("SELECT city FROM customers ORDER BY name DESC", rows(want, false))));
        // Duplicates count: two NULLs are not one NULL and one 'London'.
        fails(
            run(&sql("SELECT NULL UNION ALL SELECT NULL", rows(vec![vec![Value::Null], vec![t("London")]], false))),
            "got (NULL), which is not among the expected rows (order does not matter); missing ('London')",
        );
        passes(run(&sql("SELECT 1 WHERE 0", rows(vec![], false))));
    }

    #[test]
    fn non_empty_and_empty() {
        passes(run(&sql("SELECT * FROM customers", SqlExpect::NonEmpty)));
        fails(
            run(&sql("SELECT * FROM customers WHERE id > 9", SqlExpect::NonEmpty)),
            "expected at least one row, got none",
        );
        passes(run(&sql("SELECT * FROM customers WHERE id > 9", SqlExpect::Empty)));
        fails(run(&sql("SELECT * FROM customers", SqlExpect::Empty)), "expected no rows, got 3");
    }

    #[test]
    fn blobs_are_shown_not_compared_as_text() {
        let o = run(&sql("SELECT photo FROM customers WHERE id = 1", SqlExpect::Scalar(t("<blob 4 bytes>"))));
        fails(o.clone(), "expected '<blob 4 bytes>', got <blob 4 bytes> (a blob, not text)");
        assert_eq!(o.rows.unwrap().rows, vec![vec![t("<blob 4 bytes>")]]);
    }

    #[test]
    fn a_missing_table_is_named_with_sqlites_words() {
        fails(
            run(&sql("SELECT * FROM answer_step3", SqlExpect::NonEmpty)),
            "the query failed: no such table: answer_step3 — did you create it?",
        );
        fails(
            run(&sql("SELECT email FROM customers", SqlExpect::NonEmpty)),
            "the query failed: no such column: email — does your table have it?",
        );
    }

    #[test]
    fn a_check_never_writes() {
        let mut ws = workspace();
        for q in [
            "DELETE FROM customers",
            "INSERT INTO customers (name) VALUES ('Mallory') RETURNING id",
            "DROP TABLE customers",
            "UPDATE customers SET name = 'x'",
        ] {
            let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
            assert_eq!(
                (o.passed, o.verified, o.message.as_str()),
                (
                    false,
                    false,
                    "this check is broken (its query would change your workspace, so it is not run); please tell the workshop author"
                ),
                "{q}"
            );
        }
        // Statements SQLite calls read-only that still change the learner's connection.
        for (q, what) in [
            ("BEGIN", "a transaction statement"),
            ("SAVEPOINT a", "a transaction statement"),
            ("ATTACH ':memory:' AS other", "ATTACH"),
            ("DETACH temp", "DETACH"),
            ("PRAGMA foreign_keys = ON", "PRAGMA foreign_keys"),
            ("PRAGMA max_page_count = 10", "PRAGMA max_page_count"),
            ("PRAGMA hard_heap_limit(5)", "PRAGMA hard_heap_limit"),
            ("PRAGMA main.locking_mode = exclusive", "PRAGMA locking_mode"),
            ("PRAGMA optimize", "PRAGMA optimize"),
        ] {
            let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
            assert_eq!(
                o.message,
                format!(
                    "this check is broken (its query uses {what}, which a check may not); \
                     please tell the workshop author"
                ),
                "{q}"
            );
            assert!(!o.passed && !o.verified);
        }
        // Reading the schema is fine, with or without an argument.
        for q in [
            "PRAGMA table_info(customers)",
            "PRAGMA main.table_info('customers')",
            "SELECT name FROM pragma_table_info('customers')",
            "PRAGMA foreign_keys",
            "PRAGMA integrity_check",
            "SELECT name FROM sqlite_schema",
        ] {
            passes(check(&sql(q, SqlExpect::NonEmpty), &mut ws, None));
        }
        // The authorizer is gone afterwards: the learner's own statements run.
        run_query(&mut ws, "PRAGMA foreign_keys = ON", 10).unwrap();
        run_query(&mut ws, "CREATE TABLE orders (id INTEGER)", 10).unwrap();
        let n: i64 = ws.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 3);
        assert!(ws.is_autocommit());
    }

    #[test]
    fn a_check_runs_exactly_one_statement() {
        let mut ws = workspace();
        for q in ["SELECT 1; DELETE FROM customers", "SELECT 1; SELECT 2", "SELECT 1; nonsense here"] {
            let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
            assert_eq!(
                o.message,
                "this check is broken (its query has more than one statement); please tell the workshop author",
                "{q}"
            );
            assert!(!o.passed && !o.verified);
        }
        // A trailing semicolon or comment is still one statement.
        passes(check(&sql("SELECT 1; -- done\n", SqlExpect::NonEmpty), &mut ws, None));
        let o = check(&sql("  -- nothing\n", SqlExpect::NonEmpty), &mut ws, None);
        assert!(o.message.contains("its query is empty"));
    }

    #[test]
    fn a_runaway_query_is_stopped() {
        let mut ws = workspace();
        let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
        let o = check(&sql(endless, SqlExpect::Scalar(i(1))), &mut ws, None);
        assert!(!o.passed && !o.verified, "{o:?}");
        assert!(o.message.starts_with("the check was stopped: it ran for more than 50 million steps"), "{}", o.message);
        // The budget is gone afterwards and the connection works.
        let n: i64 = ws.query_row("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) SELECT count(*) FROM n", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 100_000);
        let e = run_query(&mut ws, endless, 10).unwrap_err();
        assert!(e.starts_with("the statement was stopped"), "{e}");
    }

    #[test]
    fn the_budget_counts_instructions() {
        let mut ws = workspace();
        let q = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) SELECT count(*) FROM n";
        assert_eq!(execute(&mut ws, q, Access::ReadOnly, 1, 100_000).unwrap().total, 1);
        assert_eq!(execute(&mut ws, q, Access::ReadOnly, 1, 2_000).err(), Some(QueryError::Budget));
    }

    #[test]
    fn check_rows_are_capped() {
        let q = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 250) SELECT x FROM n";
        let o = run(&sql(q, SqlExpect::NonEmpty));
        assert_eq!(o.message, "correct: 250 rows");
        let r = o.rows.unwrap();
        assert_eq!((r.rows.len(), r.truncated), (MAX_ROWS, true));
        // Expected rows beyond the display cap are still all compared.
        let want: Vec<Vec<Value>> = (1..=250).map(|x| vec![i(x)]).collect();
        passes(run(&sql(q, rows(want.clone(), true))));
        let mut wrong = want;
        wrong[239] = vec![i(0)];
        fails(run(&sql(q, rows(wrong, true))), "row 240 differs: expected (0), got (240)");
    }

    #[test]
    fn run_query_allows_writes_and_returns_rows() {
        let mut ws = workspace();
        let r = run_query(&mut ws, "INSERT INTO customers (name) VALUES ('Barbara')", 10).unwrap();
        assert_eq!((r.columns.len(), r.rows.len(), r.truncated), (0, 0, false));
        let r = run_query(&mut ws, "SELECT id, name, photo, score FROM customers ORDER BY id", 2).unwrap();
        assert_eq!(r.columns, ["id", "name", "photo", "score"]);
        assert_eq!(
            r.rows,
            vec![
                vec![i(1), t("Ada"), t("<blob 4 bytes>"), Value::Real(5.0)],
                vec![i(2), t("Grace"), Value::Null, Value::Real(4.5)]
            ]
        );
        assert!(r.truncated);
        assert_eq!(run_query(&mut ws, "SELECT count(*) FROM customers", 10).unwrap().rows, vec![vec![i(4)]]);
    }

    #[test]
    fn run_query_errors_are_sqlites_words() {
        let mut ws = workspace();
        assert_eq!(run_query(&mut ws, "SELECT * FROM nope", 10).unwrap_err(), "no such table: nope");
        assert_eq!(run_query(&mut ws, "SELEC 1", 10).unwrap_err(), r#"near "SELEC": syntax error"#);
        assert_eq!(
            run_query(&mut ws, "INSERT INTO customers (id) VALUES (1)", 10).unwrap_err(),
            "UNIQUE constraint failed: customers.id"
        );
        assert_eq!(
            run_query(&mut ws, "DELETE FROM customers; DROP TABLE customers", 10).unwrap_err(),
            "run one statement at a time: remove everything after the first `;`"
        );
        assert_eq!(run_query(&mut ws, " ", 10).unwrap_err(), "there is no statement to run");
        // Nothing of the refused batch ran.
        assert_eq!(run_query(&mut ws, "SELECT count(*) FROM customers", 10).unwrap().rows, vec![vec![i(3)]]);
    }

    fn answer(expect: AnswerExpect, input: Option<&str>) -> Outcome {
        check(&Rule::Answer { expect }, &mut Connection::open_in_memory().unwrap(), input)
    }

    fn any_of(a: &[&str], case_sensitive: bool) -> AnswerExpect {
        AnswerExpect::Exact { any_of: a.iter().map(|s| s.to_string()).collect(), case_sensitive }
    }

    #[test]
    fn answers_are_normalised_and_case_insensitive_by_default() {
        let e = any_of(&["LEFT JOIN", "LEFT  OUTER JOIN "], false);
        passes(answer(e.clone(), Some("left join")));
        passes(answer(e.clone(), Some("  Left\t outer\njoin  ")));
        fails(answer(e.clone(), Some("inner join")), "not the expected answer; try again");
        fails(answer(e.clone(), None), "type an answer first");
        fails(answer(e, Some("  \n ")), "type an answer first");
    }

    #[test]
    fn case_sensitive_answers() {
        let e = any_of(&["COUNT(*)"], true);
        passes(answer(e.clone(), Some(" COUNT(*) ")));
        fails(answer(e.clone(), Some("count(*)")), "almost: check upper and lower case");
        fails(answer(e, Some("sum(*)")), "not the expected answer; try again");
    }

    #[test]
    fn patterns_match_the_whole_normalised_answer() {
        let e = AnswerExpect::Pattern { regex: r"\d+ rows?".into() };
        passes(answer(e.clone(), Some("  12   rows ")));
        passes(answer(e.clone(), Some("1 row")));
        fails(answer(e.clone(), Some("about 12 rows")), "not the expected answer; try again");
        fails(answer(e, Some("12 rows!")), "not the expected answer; try again");
        // An alternation is anchored as a whole.
        let e = AnswerExpect::Pattern { regex: "left|right".into() };
        fails(answer(e.clone(), Some("leftover")), "not the expected answer; try again");
        fails(answer(e.clone(), Some("Left")), "not the expected answer; try again");
        passes(answer(AnswerExpect::Pattern { regex: "(?i)left|right".into() }, Some("Left")));
    }

    #[test]
    fn a_broken_answer_check_says_so_without_the_answer() {
        let o = answer(AnswerExpect::Pattern { regex: "(secret".into() }, Some("x"));
        assert_eq!(
            (o.passed, o.verified, o.message.as_str()),
            (
                false,
                false,
                "this check is broken (its pattern is not a valid regular expression); please tell the workshop author"
            )
        );
        // Unbalanced groups are not "balanced" by the anchoring wrapper.
        let o = answer(AnswerExpect::Pattern { regex: "a)|(b".into() }, Some("abc"));
        assert!(!o.passed && !o.verified && o.message.starts_with("this check is broken"));
        let o = answer(any_of(&[], false), Some("x"));
        assert!(!o.passed && !o.verified && o.message.contains("accepts no answer"));
    }

    #[test]
    fn manual_and_external_are_the_learners_word() {
        let mut ws = Connection::open_in_memory().unwrap();
        let manual = Rule::Manual {};
        let o = check(&manual, &mut ws, Some(CONFIRMED));
        assert_eq!((o.passed, o.verified, o.message.as_str()), (true, false, "confirmed"));
        assert!(check(&manual, &mut ws, Some(" Yes ")).passed);
        for input in [None, Some(""), Some("no"), Some("SELECT 1")] {
            let o = check(&manual, &mut ws, input);
            assert_eq!((o.passed, o.verified, o.message.as_str()), (false, false, "confirm when you have done it"));
        }

        let external = Rule::External { runner: "goss".into(), spec: "command: {}".into() };
        let o = check(&external, &mut ws, None);
        assert_eq!(
            (o.passed, o.verified, o.message.as_str(), o.rows),
            (false, false, "checked outside Stepwise: run the spec yourself", None)
        );
        let o = check(&external, &mut ws, Some("yes"));
        assert!(o.passed && !o.verified);
    }

    #[test]
    fn outcomes_cross_the_worker_boundary_as_json() {
        let o = run(&sql("SELECT id, name FROM customers WHERE id = 1", SqlExpect::NonEmpty));
        let j = serde_json::to_string(&o).unwrap();
        assert_eq!(
            j,
            r#"{"passed":true,"verified":true,"message":"correct: one row","rows":{"columns":["id","name"],"rows":[[1,"Ada"]],"truncated":false}}"#
        );
        assert_eq!(serde_json::from_str::<Outcome>(&j).unwrap(), o);
    }

    #[test]
    fn validate_rule_finds_authoring_mistakes() {
        let ok = |r: &Rule| validate_rule(r);
        assert_eq!(ok(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(5)))), Ok(()));
        assert_eq!(ok(&sql("WITH x AS (SELECT 1) SELECT * FROM x", SqlExpect::NonEmpty)), Ok(()));
        assert_eq!(ok(&sql(" ", SqlExpect::NonEmpty)), Err("the query is empty".into()));
        assert_eq!(ok(&sql("-- todo", SqlExpect::NonEmpty)), Err("the query is only a comment".into()));
        assert_eq!(
            ok(&sql("SELEC 1", SqlExpect::NonEmpty)),
            Err(r#"the query does not parse: near "SELEC": syntax error"#.into())
        );
        assert_eq!(
            ok(&sql("SELECT (1", SqlExpect::NonEmpty)),
            Err("the query does not parse: incomplete input".into())
        );
        assert_eq!(
            ok(&sql("SELECT 1; SELECT 2", SqlExpect::NonEmpty)),
            Err("the query has more than one statement; a check runs exactly one".into())
        );
        assert!(ok(&sql("CREATE TABLE t (x)", SqlExpect::Empty)).unwrap_err().contains("changes the database"));
        assert_eq!(
            ok(&sql("PRAGMA max_page_count = 1", SqlExpect::NonEmpty)),
            Err("the query uses PRAGMA max_page_count, which a check may not".into())
        );
        assert_eq!(ok(&sql("SELECT * FROM not_yet_created", SqlExpect::NonEmpty)), Ok(()));
        assert_eq!(
            ok(&sql(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
                SqlExpect::NonEmpty
            )),
            Ok(())
        );
        assert_eq!(
            ok(&sql("BEGIN", SqlExpect::Empty)),
            Err("the query uses a transaction statement, which a check may not".into())
        );
        assert_eq!(
            ok(&sql("SELECT 1, 2", rows(vec![vec![i(1), i(2)], vec![i(1)], vec![Value::Real(f64::NAN), i(2)]], true))),
            Err("expected row 2 has one value but row 1 has 2; expected row 3 holds NaN, which is not a finite number"
                .into())
        );
        assert!(ok(&sql("SELECT 1", rows(vec![vec![]], true))).unwrap_err().contains("no values"));

        assert_eq!(ok(&Rule::Answer { expect: any_of(&["a"], false) }), Ok(()));
        assert_eq!(ok(&Rule::Answer { expect: any_of(&[], false) }), Err("`any_of` lists no answer".into()));
        assert_eq!(
            ok(&Rule::Answer { expect: any_of(&["a", "  "], false) }),
            Err("answer 2 of `any_of` is blank".into())
        );
        assert_eq!(ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: r"\d+".into() } }), Ok(()));
        assert_eq!(
            ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: "".into() } }),
            Err("the pattern is empty".into())
        );
        assert!(
            ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: "a)|(b".into() } })
                .unwrap_err()
                .starts_with("the pattern does not compile: ")
        );

        assert_eq!(ok(&Rule::Manual {}), Ok(()));
        assert_eq!(ok(&Rule::External { runner: "goss".into(), spec: "x".into() }), Ok(()));
        assert_eq!(
            ok(&Rule::External { runner: " ".into(), spec: "".into() }),
            Err("`runner` is empty (say what runs the spec: goss, shell, kubectl…); `spec` is empty".into())
        );
    }
}
