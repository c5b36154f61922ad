//! What a table or view of any database is made of, as the playground's schema panel shows it:
//! columns (type, key, NOT NULL, default, generated), foreign keys, indexes, triggers and the
//! `CREATE` statement, read from SQLite's own pragmas.

use rusqlite::{Connection, OptionalExtension as _};
use stepwise_protocol::{ColumnView, ForeignKeyView, IndexView, StructureView, TriggerView};

use crate::error::{Error, Result, Shown, SqlContext as _};

/// The structure of the table or view `name` of `conn`.
///
/// # Errors
/// [`Error::Invalid`] when there is no such table or view; SQLite's error when a pragma fails
/// (a virtual table whose module this SQLite lacks).
pub fn structure(conn: &Connection, name: &str) -> Result<StructureView> {
    let context = format!("reading the structure of {}", Shown(name));
    let found: Option<(String, String)> = conn
        .query_row(
            "SELECT type, coalesce(sql, '') FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx(&context)?;
    let Some((kind, sql)) = found else {
        return Err(Error::invalid(Shown(name).to_string(), "is neither a table nor a view of this database"));
    };
    let listed: Option<(String, bool, bool)> = conn
        .query_row("SELECT type, strict, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1", [name], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .ctx(&context)?;
    let mut kind = match listed.as_ref().map(|(t, _, _)| t.as_str()) {
        Some("virtual") => "virtual table".to_owned(),
        _ => kind,
    };
    if let Some((_, strict, without_rowid)) = listed {
        if strict {
            kind.push_str(", STRICT");
        }
        if without_rowid {
            kind.push_str(", WITHOUT ROWID");
        }
    }
    let mut stmt = conn
        .prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid")
        .ctx(&context)?;
    let columns = stmt
        .query_map([name], |r| {
            let hidden: i64 = r.get(5)?;
            Ok((
                hidden,
                ColumnView {
                    name: r.get(0)?,
                    declared: r.get(1)?,
                    not_null: r.get(2)?,
                    default: r.get(3)?,
                    key: r.get(4)?,
                    generated: hidden == 2 || hidden == 3,
                },
            ))
        })
        .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
        .ctx(&context)?
        .into_iter()
        .filter(|(hidden, _)| *hidden != 1)
        .map(|(_, c)| c)
        .collect();
    let mut foreign_keys: Vec<ForeignKeyView> = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) \
             ORDER BY id, seq",
        )
        .ctx(&context)?;
    let mut rows = stmt.query([name]).ctx(&context)?;
    let mut last = None;
    while let Some(r) = rows.next().ctx(&context)? {
        let id: i64 = r.get(0).ctx(&context)?;
        if last != Some(id) {
            last = Some(id);
            foreign_keys.push(ForeignKeyView {
                columns: Vec::new(),
                table: r.get(1).ctx(&context)?,
                to: Vec::new(),
                on_update: r.get(4).ctx(&context)?,
                on_delete: r.get(5).ctx(&context)?,
            });
        }
        if let Some(fk) = foreign_keys.last_mut() {
            fk.columns.push(r.get(2).ctx(&context)?);
            if let Some(to) = r.get::<_, Option<String>>(3).ctx(&context)? {
                fk.to.push(to);
            }
        }
    }
    drop(rows);
    let mut stmt = conn
        .prepare(
            "SELECT l.name, l.\"unique\", l.partial, s.sql FROM pragma_index_list(?1) AS l \
             LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = l.name ORDER BY l.name",
        )
        .ctx(&context)?;
    let listed: Vec<(String, bool, bool, Option<String>)> = stmt
        .query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|rows| rows.collect())
        .ctx(&context)?;
    let mut indexes = Vec::with_capacity(listed.len());
    for (index, unique, partial, sql) in listed {
        let mut stmt = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno").ctx(&context)?;
        let columns = stmt
            .query_map([&index], |r| r.get::<_, Option<String>>(0))
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .ctx(&context)?
            .into_iter()
            .map(|c| c.unwrap_or_else(|| "<expression>".to_owned()))
            .collect();
        indexes.push(IndexView { name: index, unique, columns, partial, sql });
    }
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY name")
        .ctx(&context)?;
    let triggers = stmt
        .query_map([name], |r| Ok(TriggerView { name: r.get(0)?, sql: r.get(1)? }))
        .and_then(|rows| rows.collect())
        .ctx(&context)?;
    Ok(StructureView { name: name.to_owned(), kind, sql, columns, foreign_keys, indexes, triggers })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, city TEXT DEFAULT 'Paris');
             CREATE TABLE orders (
               id INTEGER PRIMARY KEY,
               customer INTEGER REFERENCES customers (id) ON DELETE CASCADE,
               total REAL NOT NULL CHECK (total >= 0),
               net REAL GENERATED ALWAYS AS (total / 1.2) VIRTUAL
             ) STRICT;
             CREATE INDEX orders_by_total ON orders (total) WHERE total > 100;
             CREATE INDEX orders_lower ON orders (lower(customer));
             CREATE TRIGGER orders_check AFTER INSERT ON orders BEGIN SELECT 1; END;
             CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 100;
             CREATE VIRTUAL TABLE notes USING fts5(body);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn a_table_shows_its_columns_keys_indexes_and_triggers() {
        let s = structure(&db(), "orders").unwrap();
        assert_eq!(s.kind, "table, STRICT");
        assert!(s.sql.starts_with("CREATE TABLE orders"));
        let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "customer", "total", "net"]);
        assert_eq!((s.columns[0].key, s.columns[2].not_null, s.columns[3].generated), (1, true, true));
        assert_eq!(s.foreign_keys.len(), 1);
        assert_eq!(s.foreign_keys[0].table, "customers");
        assert_eq!(s.foreign_keys[0].columns, ["customer"]);
        assert_eq!(s.foreign_keys[0].on_delete, "CASCADE");
        assert_eq!(s.indexes.len(), 2);
        assert!(s.indexes[0].partial && s.indexes[0].columns == ["total"]);
        assert_eq!(s.indexes[1].columns, ["<expression>"]);
        assert_eq!(s.triggers.len(), 1);
        let c = structure(&db(), "customers").unwrap();
        assert_eq!(c.columns[2].default.as_deref(), Some("'Paris'"));
        assert!(c.indexes.iter().any(|i| i.unique && i.sql.is_none()), "SQLite's own index for UNIQUE");
    }

    #[test]
    fn views_and_virtual_tables_say_what_they_are() {
        let v = structure(&db(), "big").unwrap();
        assert_eq!(v.kind, "view");
        assert_eq!(v.columns.len(), 2);
        let f = structure(&db(), "notes").unwrap();
        assert_eq!(f.kind, "virtual table");
        assert_eq!(f.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["body"], "hidden columns left out");
        let e = structure(&db(), "nothing\nhere").unwrap_err().to_string();
        assert!(e.contains("is neither a table nor a view") && !e.contains('\n'), "{e}");
    }
}
