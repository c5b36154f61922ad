//! The library's catalog: one row per stored database, kept in `library.db` inside the same
//! storage, so listing never opens the workshops themselves.

use stepwise_artifact::rusqlite::{Connection, OptionalExtension, Row, params};

use stepwise_protocol::{Entry, EntryKind};

/// The catalog's file name in the storage.
pub const CATALOG: &str = "library.db";

/// Schema version of the catalog (`PRAGMA user_version`).
const VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entry (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('workshop', 'playground')),
  title       TEXT NOT NULL,
  slug        TEXT CHECK ((kind = 'workshop') = (slug IS NOT NULL)),
  version     TEXT,
  steps       INTEGER NOT NULL CHECK (steps >= 0),
  done        INTEGER NOT NULL CHECK (done >= 0),
  bytes       INTEGER NOT NULL CHECK (bytes >= 0),
  file_name   TEXT NOT NULL,
  added_at    TEXT NOT NULL,
  last_opened TEXT,
  source      TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS entry_slug ON entry (slug) WHERE slug IS NOT NULL;
";

const COLUMNS: &str = "id, kind, title, slug, version, steps, done, bytes, file_name, added_at, last_opened, source";

/// The storage file of an entry.
pub fn file_of(id: &str) -> String {
    format!("{id}.db")
}

/// Creates the tables if needed.
///
/// # Errors
/// SQLite's error, or a catalog written by a newer app.
pub fn prepare(conn: &Connection) -> Result<(), String> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if version > VERSION {
        return Err(format!("the library was written by a newer Stepwise (catalog version {version})"));
    }
    conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
    // Version 1 had no `source`: entries added then came from nowhere this app remembers.
    let has_source: bool = conn
        .query_row("SELECT count(*) FROM pragma_table_info('entry') WHERE name = 'source'", [], |r| r.get::<_, i64>(0))
        .map_err(|e| e.to_string())?
        > 0;
    if !has_source {
        conn.execute_batch("ALTER TABLE entry ADD COLUMN source TEXT").map_err(|e| e.to_string())?;
    }
    conn.execute_batch(&format!("PRAGMA user_version = {VERSION}")).map_err(|e| e.to_string())?;
    Ok(())
}

fn kind_str(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Workshop => "workshop",
        EntryKind::Playground => "playground",
    }
}

fn row(r: &Row<'_>) -> stepwise_artifact::rusqlite::Result<Entry> {
    let kind: String = r.get(1)?;
    Ok(Entry {
        id: r.get(0)?,
        kind: if kind == "workshop" { EntryKind::Workshop } else { EntryKind::Playground },
        title: r.get(2)?,
        slug: r.get(3)?,
        version: r.get(4)?,
        steps: u32::try_from(r.get::<_, i64>(5)?).unwrap_or(u32::MAX),
        done: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        bytes: u64::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
        file_name: r.get(8)?,
        added_at: r.get(9)?,
        last_opened: r.get(10)?,
        source: r.get(11)?,
    })
}

/// Every entry, most recently opened (or added) first.
///
/// # Errors
/// SQLite's error.
pub fn list(conn: &Connection) -> stepwise_artifact::rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM entry ORDER BY coalesce(last_opened, added_at) DESC, added_at DESC, id"
    ))?;
    stmt.query_map([], row)?.collect()
}

/// One entry.
///
/// # Errors
/// SQLite's error.
pub fn get(conn: &Connection, id: &str) -> stepwise_artifact::rusqlite::Result<Option<Entry>> {
    // Cached: every save of the player's progress reads its entry.
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM entry WHERE id = ?1"))?.query_row([id], row).optional()
}

/// The stored workshop with this slug, newest first.
///
/// # Errors
/// SQLite's error.
pub fn by_slug(conn: &Connection, slug: &str) -> stepwise_artifact::rusqlite::Result<Option<Entry>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM entry WHERE kind = 'workshop' AND slug = ?1
             ORDER BY coalesce(last_opened, added_at) DESC LIMIT 1"
        ),
        [slug],
        row,
    )
    .optional()
}

/// Adds an entry.
///
/// # Errors
/// SQLite's error (a duplicate id, the storage full).
pub fn insert(conn: &Connection, e: &Entry) -> stepwise_artifact::rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT INTO entry ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        params![
            e.id,
            kind_str(e.kind),
            e.title,
            e.slug,
            e.version,
            i64::from(e.steps),
            i64::from(e.done),
            i64::try_from(e.bytes).unwrap_or(i64::MAX),
            e.file_name,
            e.added_at,
            e.last_opened,
            e.source
        ],
    )?;
    Ok(())
}

/// Records an opening and what the file holds now.
///
/// # Errors
/// SQLite's error.
pub fn touch(conn: &Connection, id: &str, at: &str, done: u32, bytes: u64) -> stepwise_artifact::rusqlite::Result<()> {
    conn.execute(
        "UPDATE entry SET last_opened = ?2, done = ?3, bytes = ?4 WHERE id = ?1",
        params![id, at, i64::from(done), i64::try_from(bytes).unwrap_or(i64::MAX)],
    )?;
    Ok(())
}

/// Deletes an entry; whether it existed.
///
/// # Errors
/// SQLite's error.
pub fn delete(conn: &Connection, id: &str) -> stepwise_artifact::rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM entry WHERE id = ?1", [id])? > 0)
}

/// Ids of every entry.
///
/// # Errors
/// SQLite's error.
pub fn ids(conn: &Connection) -> stepwise_artifact::rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM entry")?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

/// A fresh id that no entry has (random, 12 hex digits).
///
/// # Errors
/// SQLite's error.
pub fn fresh_id(conn: &Connection) -> stepwise_artifact::rusqlite::Result<String> {
    loop {
        let id: String = conn.query_row("SELECT 'd' || lower(hex(randomblob(6)))", [], |r| r.get(0))?;
        if get(conn, &id)?.is_none() {
            return Ok(id);
        }
    }
}
