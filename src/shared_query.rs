//! A query shared in the page's address: `?src=<address of a .db>&sql=<statement>` adds the
//! database (as `?src=` alone does) and opens its playground with the statement run, so a
//! teacher can hand out one link to a database and a query. The statement waits in the tab's
//! `sessionStorage` (it survives the reload an import may cause) until the database is stored,
//! then until its playground takes it.

use web_sys::Storage;

const WAITING: &str = "stepwise.shared-sql";
const FOR_ENTRY: &str = "stepwise.shared-sql-entry";

/// The longest statement taken from an address, in characters.
pub const SQL_LIMIT: usize = 20_000;

fn storage() -> Option<Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Keeps `sql` until the database being added is stored.
pub fn wait_for_database(sql: &str) {
    if let Some(s) = storage() {
        let sql: String = sql.chars().take(SQL_LIMIT).collect();
        let _ = s.set_item(WAITING, &sql);
        let _ = s.remove_item(FOR_ENTRY);
    }
}

/// The stored database `entry` is the one the waiting statement was for: the statement now waits
/// for its playground. Returns whether a statement was waiting.
pub fn database_stored(entry: &str) -> bool {
    let Some(s) = storage() else { return false };
    let waiting = s.get_item(WAITING).ok().flatten().is_some() && s.get_item(FOR_ENTRY).ok().flatten().is_none();
    if waiting {
        let _ = s.set_item(FOR_ENTRY, entry);
    }
    waiting
}

/// The statement waiting for the playground of `entry`, taken (it runs once).
pub fn take_for(entry: &str) -> Option<String> {
    let s = storage()?;
    if s.get_item(FOR_ENTRY).ok().flatten().as_deref() != Some(entry) {
        return None;
    }
    let sql = s.get_item(WAITING).ok().flatten();
    let _ = s.remove_item(WAITING);
    let _ = s.remove_item(FOR_ENTRY);
    sql
}

/// Drops a waiting statement (its database could not be added).
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(WAITING);
        let _ = s.remove_item(FOR_ENTRY);
    }
}
