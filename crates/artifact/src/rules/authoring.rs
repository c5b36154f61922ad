//! An author's mistakes in a check, found before a learner meets them.

use rusqlite::Connection;

use crate::model::{SqlExpect, Value};
use crate::rules::compare::*;
use crate::rules::sandbox::*;

pub(crate) fn validate_query(query: &str, problems: &mut Vec<String>) {
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
            format!("the query does not parse: {}", crate::error::clipped(&m))
        }
    };
    problems.push(problem);
}

pub(crate) fn validate_sql_expect(expect: &SqlExpect, problems: &mut Vec<String>) {
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
