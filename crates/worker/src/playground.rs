//! The SQL playground over any stored database: tables with row counts, a paged and
//! sortable table browser, one statement at a time, and one table as CSV.
//!
//! **Invariant:** unless the user turned write mode on, no statement changes a workshop's
//! definition, artifact or bookkeeping tables: an authorizer refuses it before it runs (the
//! learner's runtime tables stay writable, as in any playground).

use std::sync::{Arc, Mutex};

use stepwise_artifact::rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use stepwise_artifact::rusqlite::types::ValueRef;
use stepwise_artifact::rusqlite::{Connection, params};
use stepwise_artifact::{
    ARTIFACT_TABLES, DEFINITION_TABLES, Error as FormatError, META_TABLES, Shown, Value, clipped, harden,
};

use stepwise_artifact::rules::QueryStop;
use stepwise_protocol::{
    EntryKind, ErrorKind, QUERY_SECONDS, QueryDone, Rows, StructureView, TablePage, TablesView, WorkerError,
};

use crate::catalog::file_of;
use crate::errors::{About, Doing, Fault};
use crate::library::{Library, Purpose, SPARE};

/// Temporary files a playground statement may open beyond the library's spares: the sorter's
/// two (sorted runs, and a second level of merging for very large sorts) and a temporary
/// table or index or two.
const QUERY_TEMP_FILES: usize = 4;

/// Rows kept of a query's result.
const QUERY_ROWS: usize = 500;
/// Largest page of the table browser.
const MAX_PAGE: u32 = 500;

/// The tables a workshop's content digest covers, and its bookkeeping: read-only by default.
pub fn protected_tables() -> Vec<String> {
    META_TABLES.iter().chain(DEFINITION_TABLES).chain(ARTIFACT_TABLES).map(|t| (*t).to_owned()).collect()
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn cell(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(format!("<blob {} bytes>", b.len())),
    }
}

fn value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(x) => Some(x.to_string()),
        Value::Text(t) => Some(t.clone()),
    }
}

/// The table a write action names, if it is one the authorizer guards.
fn written_table<'a>(action: &AuthAction<'a>) -> Option<&'a str> {
    match *action {
        AuthAction::Insert { table_name }
        | AuthAction::Delete { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::DropTable { table_name }
        | AuthAction::AlterTable { table_name, .. }
        | AuthAction::CreateIndex { table_name, .. }
        | AuthAction::DropIndex { table_name, .. }
        | AuthAction::CreateTrigger { table_name, .. }
        | AuthAction::DropTrigger { table_name, .. } => Some(table_name),
        _ => None,
    }
}

impl Library {
    /// A hardened connection to `id`'s file: the one kept from the playground's last request
    /// when it was for the same entry, else a new one. Give it back with
    /// [`Library::keep_playground`] (or drop it to close it).
    pub(crate) fn playground_conn(&self, id: &str) -> Result<(Connection, String, EntryKind), Fault> {
        let entry = self.entry(id)?;
        // Write mode may change a workshop's definition: the next open checks it again.
        self.examined.borrow_mut().take();
        let conn = match self.take_kept(id, Purpose::Playground) {
            Some(conn) => conn,
            None => {
                let conn = self.backend.connect_existing(&file_of(id)).doing(&entry.file_name, "opening")?;
                // The connection is kept between statements: a cache of up to 128 MB keeps a
                // file of that size in memory after the first scan, as sql.js holds its whole
                // file (a join of 200k rows to 1M: 2× sql.js's time with SQLite's default 16 MB,
                // 1.1× with this). The worker's memory grows to the pages read, at most this.
                // `temp_store = FILE`: with temporary storage in memory (this build's default)
                // SQLite's sorter allocates every row on its own and sorts a list scattered over
                // the heap; with files it packs rows into one buffer of up to the cache's size
                // and spills sorted runs to a temporary file beyond that. A GROUP BY over 1M rows
                // took 1.5× sql.js's time, now about the same; an ORDER BY half as long. Temporary
                // files are opened only for what outgrows its cache, in the pool's spare files
                // (`QUERY_TEMP_FILES`).
                conn.execute_batch("PRAGMA cache_size = -131072; PRAGMA temp_store = FILE")
                    .doing(&entry.file_name, "opening")?;
                conn
            }
        };
        // Every time: a statement in write mode may have changed the connection's settings.
        harden(&conn).about(&entry.file_name)?;
        Ok((conn, entry.file_name, entry.kind))
    }

    /// Keeps `conn` open for the playground's next request on `id` (see [`Library::keep`]).
    pub(crate) fn keep_playground(&self, id: &str, conn: Connection) {
        self.keep(id, Purpose::Playground, conn);
    }

    /// What a table or view is made of (the schema panel).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; no such table or view; SQLite's error.
    pub fn structure(&self, id: &str, table: &str) -> Result<StructureView, WorkerError> {
        let (conn, file_name, _) = self.playground_conn(id)?;
        let result = stepwise_artifact::db::structure::structure(&conn, table).about(&file_name);
        self.keep_playground(id, conn);
        Ok(result?)
    }

    /// Tables and views with row counts, and which are protected.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; SQLite's error.
    pub fn tables(&self, id: &str) -> Result<TablesView, WorkerError> {
        let (conn, file_name, kind) = self.playground_conn(id)?;
        let tables = stepwise_artifact::playground_tables(&conn, &file_name).about(&file_name)?;
        let protected = if kind == EntryKind::Workshop { protected_tables() } else { Vec::new() };
        let views: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .doing(&file_name, "reading")?;
        self.keep_playground(id, conn);
        Ok(TablesView { tables, protected, views })
    }

    /// One page of a table, `ORDER BY` the chosen column (or rowid), `LIMIT`/`OFFSET`.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown table or column; SQLite's error.
    pub fn browse(
        &self,
        id: &str,
        table: &str,
        offset: u64,
        limit: u32,
        order_by: Option<&str>,
        descending: bool,
    ) -> Result<TablePage, WorkerError> {
        let (conn, file_name, _) = self.playground_conn(id)?;
        let fail = |e: stepwise_artifact::rusqlite::Error| {
            WorkerError::new(
                ErrorKind::Internal,
                format!("{file_name}: reading {}: {}", Shown(table), clipped(&e.to_string())),
            )
        };
        let known: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1",
                [table],
                |r| r.get::<_, i64>(0),
            )
            .map_err(fail)?
            > 0;
        if !known {
            return Err(WorkerError::new(ErrorKind::NotFound, format!("{file_name} has no table {}.", Shown(table))));
        }
        let from = quote(table);
        let columns: Vec<String> = {
            let stmt = conn.prepare(&format!("SELECT * FROM {from} LIMIT 0")).map_err(fail)?;
            stmt.column_names().map(str::to_owned).collect()
        };
        let direction = if descending { "DESC" } else { "ASC" };
        let order = match order_by {
            Some(c) if columns.iter().any(|k| k == c) => format!("ORDER BY {} {direction}", quote(c)),
            Some(c) => {
                return Err(WorkerError::new(
                    ErrorKind::NotFound,
                    format!("{} has no column {}.", Shown(table), Shown(c)),
                ));
            }
            None => format!("ORDER BY rowid {direction}"),
        };
        let total: i64 = conn.query_row(&format!("SELECT count(*) FROM {from}"), [], |r| r.get(0)).map_err(fail)?;
        let limit = i64::from(limit.clamp(1, MAX_PAGE));
        let offset_i = i64::try_from(offset).unwrap_or(i64::MAX);
        let mut stmt = match conn.prepare(&format!("SELECT * FROM {from} {order} LIMIT ?1 OFFSET ?2")) {
            Ok(stmt) => stmt,
            // A view or WITHOUT ROWID table has no rowid: SQLite's own order, then.
            Err(_) if order_by.is_none() => {
                conn.prepare(&format!("SELECT * FROM {from} LIMIT ?1 OFFSET ?2")).map_err(fail)?
            }
            Err(e) => return Err(fail(e)),
        };
        let width = columns.len();
        let mut rows: Rows = Vec::new();
        let mut query = stmt.query(params![limit, offset_i]).map_err(fail)?;
        while let Some(row) = query.next().map_err(fail)? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                cells.push(cell(row.get_ref(i).map_err(fail)?));
            }
            rows.push(cells);
        }
        drop(query);
        drop(stmt);
        self.keep_playground(id, conn);
        Ok(TablePage { table: table.to_owned(), columns, rows, offset, total: u64::try_from(total).unwrap_or(0) })
    }

    /// Grows the OPFS pool so that a playground statement finds spare files for its temporary
    /// files (a sort, a temporary table or an index larger than its cache spills to them), on
    /// top of the library's own spares. Called before each [`Library::query`].
    ///
    /// # Errors
    /// OPFS refused to create the files (storage full).
    pub async fn reserve_for_query(&self) -> Result<(), WorkerError> {
        // Not through `store()`: growing the pool opens no database file, and closing the kept
        // connection would drop its page cache before every statement.
        self.backend.reserve(SPARE + QUERY_TEMP_FILES).await.about("the library")?;
        Ok(())
    }

    /// Runs one statement. A workshop's protected tables refuse writes unless `write`; after a
    /// write, says whether the workshop's content digest still matches.
    ///
    /// # Errors
    /// SQLite's message verbatim (or the refusal), as [`ErrorKind::Invalid`].
    pub fn query(&mut self, id: &str, sql: &str, write: bool) -> Result<QueryDone, WorkerError> {
        let (mut conn, file_name, kind) = self.playground_conn(id)?;
        let refused: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        if kind == EntryKind::Workshop && !write {
            let protected = protected_tables();
            let slot = Arc::clone(&refused);
            let _ = conn.authorizer(Some(move |ctx: AuthContext<'_>| match written_table(&ctx.action) {
                // A trigger or view would make the workshop refused when it is next opened
                // (`stepwise_artifact::inspect`): only in write mode, on purpose.
                _ if matches!(ctx.action, AuthAction::CreateTrigger { .. } | AuthAction::CreateView { .. }) => {
                    if let Ok(mut slot) = slot.lock() {
                        slot.get_or_insert_with(|| "a trigger or view".to_owned());
                    }
                    Authorization::Deny
                }
                Some(table) if protected.iter().any(|p| p.eq_ignore_ascii_case(table)) => {
                    if let Ok(mut slot) = slot.lock() {
                        slot.get_or_insert_with(|| table.to_owned());
                    }
                    Authorization::Deny
                }
                _ => Authorization::Allow,
            }));
        }
        let before = conn.total_changes();
        // A time limit the user sees beside the Run button, rather than a count of instructions:
        // a heavy but honest query on a big file runs; a join without a condition stops.
        let deadline = js_sys::Date::now() + f64::from(QUERY_SECONDS) * 1000.0;
        let result = stepwise_artifact::rules::run_query_until(&mut conn, sql, QUERY_ROWS, move || {
            js_sys::Date::now() > deadline
        })
        .map_err(|stop| match stop {
            QueryStop::Stopped => format!(
                "Stopped after {QUERY_SECONDS} seconds: the statement ran too long. A join without a condition \
                 multiplies the rows of its tables; add a WHERE or a LIMIT."
            ),
            QueryStop::Failed(message) => message,
        });
        let _ = conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
        let changed = conn.total_changes().saturating_sub(before);
        let result = match result {
            Ok(result) => result,
            Err(message) => {
                let refused = refused.lock().ok().and_then(|mut r| r.take());
                let message = match refused {
                    Some(what) if what == "a trigger or view" => "A workshop holds no triggers or views (Stepwise \
                         refuses a workshop that carries code that runs by itself), so the playground does not create \
                         them. Turn on write mode to do it on purpose (the workshop will then no longer open)."
                        .to_owned(),
                    Some(table) => format!(
                        "{table} belongs to the workshop's definition, so the playground does not change it. Turn \
                         on write mode to change it on purpose (the workshop will then show it was changed)."
                    ),
                    None => message,
                };
                self.keep_playground(id, conn);
                return Err(WorkerError::new(ErrorKind::Invalid, message));
            }
        };
        // Only a statement in write mode that changed rows or returned none (a change of the
        // schema, a transaction's end) can have changed the definition (outside write mode the
        // authorizer keeps statements off it); checking reads and hashes every blob, which a
        // SELECT on a big workshop should not wait for.
        let digest_changed = kind == EntryKind::Workshop
            && write
            && (changed > 0 || result.columns.is_empty())
            && matches!(stepwise_artifact::load_checked(&conn, &file_name), Err(FormatError::DigestMismatch { .. }));
        self.keep_playground(id, conn);
        Ok(QueryDone {
            columns: result.columns,
            rows: result.rows.iter().map(|r| r.iter().map(value).collect()).collect(),
            truncated: result.truncated,
            changed,
            digest_changed,
        })
    }

    /// One table or view as CSV for people: a header, then every row in key order, NULL an
    /// empty field apart from `""` (see `project::relation_csv`).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; SQLite's error (a virtual table it cannot read).
    pub fn table_csv(&self, id: &str, table: &str) -> Result<Vec<u8>, WorkerError> {
        let (conn, file_name, _) = self.playground_conn(id)?;
        let csv = stepwise_artifact::project::relation_csv(&conn, table).about(&file_name)?;
        self.keep_playground(id, conn);
        Ok(csv)
    }
}
