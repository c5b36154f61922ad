//! An `sql` check: the query run read-only on the workspace and its rows compared with what the
//! author expects, with a message that says how they differ.

use std::fmt;

use rusqlite::Connection;

use crate::model::{SqlExpect, Value};
use crate::rules::outcome::*;
use crate::rules::sandbox::*;

pub(crate) fn check_sql(query: &str, expect: &SqlExpect, workspace: &mut Connection) -> Outcome {
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
            return Outcome::verdict(false, format!("{QUERY_FAILED_PREFIX}{m}{hint}"));
        }
    };
    let (passed, message) = compare(expect, &fetched);
    Outcome { rows: Some(fetched.into_result(MAX_ROWS)), ..Outcome::verdict(passed, message) }
}

/// Compares a query's result with what the author expects; the message says what differs.
pub(crate) fn compare(expect: &SqlExpect, got: &Fetched) -> (bool, String) {
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
                        (false, format!("row {} differs: expected {}, got {}{why}", i + 1, RowText(w), RowText(g)))
                    }
                }
            } else {
                match unmatched(want, &got.rows) {
                    None => (true, format!("correct: the expected {} (in any order)", count(n, "row"))),
                    Some((extra, missing)) => (
                        false,
                        format!(
                            "got {}, which is not among the expected rows (order does not matter); missing {}",
                            RowText(&got.rows[extra]),
                            RowText(&want[missing])
                        ),
                    ),
                }
            }
        }
    }
}

/// Matches rows as a multiset; `None` when every row has a partner, else the first row got that
/// matches no expected row and the first expected row left without a partner.
pub(crate) fn unmatched(want: &[Vec<Value>], got: &[Vec<Cell>]) -> Option<(usize, usize)> {
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

pub(crate) fn same_row(want: &[Value], got: &[Cell]) -> bool {
    want.len() == got.len() && want.iter().zip(got).all(|(w, g)| same(w, g))
}

/// SQLite-style equality: numbers numerically (reals within [`REAL_TOLERANCE`]), text exactly,
/// NULL equal to NULL; a blob equals nothing an author can write.
pub(crate) fn same(want: &Value, got: &Cell) -> bool {
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

pub(crate) fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REAL_TOLERANCE * a.abs().max(b.abs())
}

/// " (text, not a number)" when the two differ in kind, so `'5'` against `5` is explained.
pub(crate) fn kind_hint(want: &Value, got: &Cell) -> String {
    let want_kind = match want {
        Value::Null => "NULL",
        Value::Integer(_) | Value::Real(_) => "a number",
        Value::Text(_) => "text",
    };
    let got_kind = got.kind();
    if want_kind == got_kind { String::new() } else { format!(" ({got_kind}, not {want_kind})") }
}

/// The kind hint of the first differing cell of a row, naming its column.
pub(crate) fn cell_hint(want: &[Value], got: &[Cell], columns: &[String]) -> String {
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
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("one {what}") } else { format!("{n} {what}s") }
}

/// "none", "3".
pub(crate) fn some(n: usize) -> String {
    if n == 0 { "none".to_owned() } else { n.to_string() }
}

/// A row shown as an SQL tuple: `(2, 'Grace')`.
pub(crate) struct RowText<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for RowText<'_, T> {
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
