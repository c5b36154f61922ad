//! One statement run under limits: a single statement, an instruction budget, and for a check
//! an authorizer that allows reading only.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;
use rusqlite::{Batch, Connection, Statement};

use crate::model::Value;
use crate::rules::outcome::*;

/// A value as SQLite returned it; unlike [`Value`] it keeps blobs apart from text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(usize),
}

impl Cell {
    pub(crate) fn from_sqlite(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(r) => Cell::Real(r),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.len()),
        }
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Integer(_) | Cell::Real(_) => "a number",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "a blob",
        }
    }

    pub(crate) fn into_value(self) -> Value {
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
pub(crate) struct Fetched {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) total: usize,
}

impl Fetched {
    pub(crate) fn into_result(self, max_rows: usize) -> QueryResult {
        QueryResult {
            columns: self.columns,
            truncated: self.total > max_rows,
            rows: self.rows.into_iter().take(max_rows).map(|r| r.into_iter().map(Cell::into_value).collect()).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Access {
    ReadOnly,
    ReadWrite,
}

#[derive(Debug, PartialEq)]
pub(crate) enum QueryError {
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
pub(crate) fn execute(
    conn: &mut Connection,
    sql: &str,
    access: Access,
    keep: usize,
    budget: u64,
) -> Result<Fetched, QueryError> {
    execute_until(conn, sql, access, keep, budget, None)
}

/// What else may stop a statement: asked every [`BUDGET_STRIDE`] instructions (a time limit the
/// caller keeps, a Stop it was asked for).
pub(crate) type StopWhen = Box<dyn FnMut() -> bool + Send>;

/// As [`execute`], also stopping when `stop` says so ([`QueryError::Budget`] either way).
pub(crate) fn execute_until(
    conn: &mut Connection,
    sql: &str,
    access: Access,
    keep: usize,
    budget: u64,
    stop: Option<StopWhen>,
) -> Result<Fetched, QueryError> {
    let guard = Guard::install(conn, budget, access, stop);
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

pub(crate) fn fetch(conn: &Connection, sql: &str, access: Access, keep: usize) -> Result<Fetched, QueryError> {
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
    rows_of(&mut stmt, keep)
}

/// Runs one prepared statement, keeping its first `keep` rows and counting all of them.
fn rows_of(stmt: &mut Statement<'_>, keep: usize) -> Result<Fetched, QueryError> {
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

/// Runs every statement of `sql` in order, writes allowed, under one budget of `budget`
/// instructions for all of them. Returns the rows of the last statement that has columns (or
/// of the last one, when none has) and how many statements ran; on a failure, the error and
/// the 1-based number of the statement that failed (those before it stay applied). `until`, when
/// given, is asked as the budget is counted whether to stop.
pub(crate) fn execute_all(
    conn: &mut Connection,
    sql: &str,
    keep: usize,
    budget: u64,
    until: Option<StopWhen>,
) -> Result<(Fetched, usize), (QueryError, usize)> {
    let guard = Guard::install(conn, budget, Access::ReadWrite, until);
    let mut batch = Batch::new(guard.conn, sql);
    let mut shown: Option<Fetched> = None;
    let mut ran = 0;
    let result = loop {
        let mut stmt = match batch.next() {
            Ok(Some(s)) => s,
            Ok(None) => break Ok(()),
            Err(e) => {
                ran += 1;
                break Err(QueryError::Sqlite(sqlite_message(&e)));
            }
        };
        ran += 1;
        match rows_of(&mut stmt, keep) {
            Ok(fetched) if !fetched.columns.is_empty() || shown.as_ref().is_none_or(|s| s.columns.is_empty()) => {
                shown = Some(fetched)
            }
            Ok(_) => {}
            Err(e) => break Err(e),
        }
    };
    drop(batch);
    let stopped = guard.stopped.load(Ordering::Relaxed);
    let refused = guard.refused.lock().map(|mut r| r.take()).unwrap_or(None);
    drop(guard);
    let failed = ran.max(1);
    match (result, refused) {
        (Ok(()), _) => match shown {
            Some(fetched) => Ok((fetched, ran)),
            None => Err((QueryError::Empty, 0)),
        },
        (Err(QueryError::Sqlite(_)), _) if stopped => Err((QueryError::Budget, failed)),
        (Err(QueryError::Sqlite(_)), Some(refused)) => Err((refused, failed)),
        (Err(e), _) => Err((e, failed)),
    }
}

/// SQLite's own message, without the decoration rusqlite adds around it.
pub(crate) fn sqlite_message(e: &rusqlite::Error) -> String {
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
pub(crate) struct Guard<'c> {
    pub(crate) conn: &'c mut Connection,
    pub(crate) stopped: Arc<AtomicBool>,
    refused: Arc<Mutex<Option<QueryError>>>,
}

impl<'c> Guard<'c> {
    pub(crate) fn install(
        conn: &'c mut Connection,
        instructions: u64,
        access: Access,
        mut until: Option<StopWhen>,
    ) -> Self {
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
                let stop = calls > allowed || until.as_mut().is_some_and(|until| until());
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
pub(crate) const READ_PRAGMAS: [&str; 19] = [
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
pub(crate) const ARGUMENT_PRAGMAS: [&str; 9] = [
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
pub(crate) fn read_only(action: &AuthAction<'_>) -> Result<(), QueryError> {
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
