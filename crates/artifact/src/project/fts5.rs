//! FTS5 full-text tables in the project form. An FTS5 table is written as its `CREATE VIRTUAL
//! TABLE` and, when it keeps its own text, its rows with their rowids (`rowid: true`, the CSV's
//! first column); its shadow tables (`<name>_data`, `_idx`, `_content`, `_docsize`, `_config`)
//! are SQLite's business and are left out: SQLite makes them again with the table and fills
//! them as the rows go in. An external-content table (`content='docs'`) has no rows of its own:
//! the rebuild asks FTS5 to index its content table again (`'rebuild'`). A contentless table
//! (`content=''`) keeps no text at all, so it cannot be written out.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::error::{Result, SqlContext as _};
use crate::project::names::{Token, quote_ident, tokens, virtual_module};

/// Where an FTS5 table's text lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Content {
    /// In its own shadow table: its rows are written out.
    Own,
    /// In another table (`content='docs'`), indexed again after the rebuild.
    External(String),
    /// Nowhere (`content=''`).
    None,
}

/// Whether `sql` creates an FTS5 table.
pub(crate) fn is_fts5(sql: &str) -> bool {
    virtual_module(sql).as_deref() == Some("fts5")
}

/// The `content` option of an FTS5 table's `CREATE VIRTUAL TABLE`.
pub(crate) fn content(sql: &str) -> Content {
    let t = tokens(sql);
    let value = t.windows(3).find_map(|w| match w {
        [Token::Word(k), Token::Punct('='), v] if k == "CONTENT" => Some(v.clone()),
        _ => None,
    });
    match value {
        None => Content::Own,
        Some(Token::Text(v) | Token::Name(v) | Token::Word(v)) if v.is_empty() => Content::None,
        Some(Token::Text(v) | Token::Name(v)) => Content::External(v),
        Some(Token::Word(v)) => Content::External(v.to_ascii_lowercase()),
        Some(Token::Punct(_)) => Content::Own,
    }
}

/// The shadow tables of the database's virtual tables (SQLite marks them in
/// `pragma_table_list`).
pub(crate) fn shadow_tables(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")
        .ctx("reading the schema")?;
    stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).ctx("reading the schema")
}

/// Asks FTS5 to index the content table of `table` again.
pub(crate) fn reindex(conn: &Connection, table: &str) -> Result<()> {
    let q = quote_ident(table);
    conn.execute(&format!("INSERT INTO {q} ({q}) VALUES ('rebuild')"), [])
        .map(drop)
        .ctx(&format!("indexing the full-text table {}", crate::error::Shown(table)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_option_is_read_as_sqlite_reads_it() {
        assert_eq!(content("CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize = 'porter')"), Content::Own);
        assert_eq!(
            content("create virtual table t using fts5(a, content='docs', content_rowid='id')"),
            Content::External("docs".into())
        );
        assert_eq!(
            content("CREATE VIRTUAL TABLE t USING fts5(a, content = \"Docs Table\")"),
            Content::External("Docs Table".into())
        );
        assert_eq!(content("CREATE VIRTUAL TABLE t USING fts5(a, content=docs)"), Content::External("docs".into()));
        assert_eq!(content("CREATE VIRTUAL TABLE t USING fts5(a, content='')"), Content::None);
        assert_eq!(content("CREATE VIRTUAL TABLE t USING fts5(a, content_rowid='id')"), Content::Own);
        assert!(is_fts5("CREATE VIRTUAL TABLE \"x\" USING FTS5(a)"));
        assert!(!is_fts5("CREATE VIRTUAL TABLE x USING rtree(id, a, b)"));
    }
}
