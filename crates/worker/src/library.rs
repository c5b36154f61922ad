//! The worker's storage as plain Rust: a library of databases kept in OPFS (or memory), opened,
//! listed, exported and removed here; imported in `import.rs`, duplicates answered in
//! `duplicates.rs`, played in `player.rs`, explored in `playground.rs`.
//!
//! Everything here runs in the dedicated worker and is called by [`crate::serve`] (and by the
//! OPFS tests directly). Requests are handled one at a time: a [`Library`] is never used by two
//! tasks at once.
//!
//! **Invariants**
//! - Every stored database has exactly one catalog row (`library.db`) and one storage file
//!   (`<id>.db`), except a *pending* import waiting for the user's duplicate choice (a file, no
//!   row) — swept on the next start if the worker dies before the answer.
//! - A failed import, resolve or removal leaves what was stored before untouched: the new file
//!   is written under a fresh name and published only once complete; checks run on it before
//!   the catalog names it; every multi-row change is one transaction.
//! - Nothing opens an untrusted file before [`stepwise_artifact::sniff`] and `harden`.

use std::cell::RefCell;
use std::collections::HashMap;

use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{ArtifactIndex, Opened, Opening, Workshop, harden, open_pending_deferred, read_runtime};
use stepwise_protocol::{Entry, ErrorKind, OpenedEntry, OpenedView, Storage, WorkerError};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::backend::{Backend, InstallFailure, PoolConfig};
use crate::catalog::{self, CATALOG, file_of};
use crate::digest;
use crate::errors::{self, About, Doing, Fault, not_found};
use crate::session::Session;
use crate::source::CHUNK;

/// Reports progress: `(stage, done, total)`.
pub type OnProgress<'a> = &'a mut dyn FnMut(&str, u64, Option<u64>);

/// Files of the OPFS pool kept free beyond the stored ones, grown to this in every request
/// that may add a file (the pool grows only asynchronously): a journal each for the catalog's
/// and a database's transactions, and the WAL of the player's saves (`player.rs`).
pub(crate) const SPARE: usize = 3;

/// The sentence the page shows in its banner when the worker keeps databases in memory.
pub const MEMORY_REASON: &str = "This browser does not let Stepwise keep files for this site (a private window, an \
     older browser, or a page not served over HTTPS), so workshops are kept in memory only and are lost when this \
     tab closes. Download a workshop to keep your progress.";

/// A checked import waiting for the user's answer to "already in your library".
pub(crate) struct PendingImport {
    pub(crate) incoming: Entry,
    pub(crate) existing: String,
}

/// The library: its storage, its catalog, and imports waiting for an answer.
pub struct Library {
    pub(crate) backend: Backend,
    catalog: Option<Connection>,
    storage: Storage,
    pub(crate) pending: HashMap<String, PendingImport>,
    /// The workshop being played, if any (`player.rs`).
    pub(crate) player: Option<Box<Session>>,
    /// One connection to one stored file, kept open between requests: the playground's
    /// (`playground.rs`) or the player's for saving progress (`player.rs`). Opening, hardening
    /// and closing a connection and reading its schema cost milliseconds on every request
    /// otherwise. Closed by [`Library::store`] before anything else touches the storage, and by
    /// the other use before it opens its own, so no file ever has two connections open.
    pub(crate) kept: RefCell<Option<Kept>>,
    /// The workshop the last import loaded and checked (its entry's id and its definition), so
    /// that opening it right after does not load it and check its digest again. Taken by the
    /// first open; dropped by anything that could change the file's definition (the playground,
    /// a rebuild, a removal) and replaced by the next import.
    pub(crate) examined: RefCell<Option<(String, Workshop, Option<ArtifactIndex>)>>,
}

/// The connection [`Library::kept`] holds: whose file and for what.
pub(crate) struct Kept {
    /// The library entry whose file it is open on.
    pub(crate) id: String,
    /// Which use opened it; the other use closes it before opening its own.
    pub(crate) purpose: Purpose,
    /// The connection (`None` once taken back by its use).
    pub(crate) conn: Option<Connection>,
}

impl Drop for Kept {
    /// Closes the connection. The player's saves hold their file in WAL mode while their
    /// connection is kept (see [`Library::save`]); going back to SQLite's default mode
    /// checkpoints the WAL into the file and removes it, so a closed file is one plain
    /// database that any connection, export or hand-in reads whole.
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && self.purpose == Purpose::Progress
            && let Err(e) = conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        {
            // The next start's sweep finishes what this could not.
            web_sys::console::warn_1(&format!("Stepwise: could not close the saves' WAL: {e}").into());
        }
    }
}

/// What a kept connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The playground's statements on a stored file.
    Playground,
    /// The player's saves of the session's progress.
    Progress,
}

impl Library {
    /// The kept connection to `id`'s file for `purpose`, if that is what is kept; any other kept
    /// connection is closed. Give it back with [`Library::keep`], or close it by dropping a
    /// [`Kept`] holding it (a connection of the player's saves must leave WAL mode).
    pub(crate) fn take_kept(&self, id: &str, purpose: Purpose) -> Option<Connection> {
        match self.kept.borrow_mut().take() {
            Some(mut k) if k.id == id && k.purpose == purpose => k.conn.take(),
            _ => None,
        }
    }

    /// Keeps `conn` to `id`'s file open for `purpose`'s next request, unless a transaction is
    /// still open on it (a `BEGIN` in write mode): closing it then rolls that back.
    pub(crate) fn keep(&self, id: &str, purpose: Purpose, conn: Connection) {
        let kept = Kept { id: id.to_owned(), purpose, conn: Some(conn) };
        if kept.conn.as_ref().is_some_and(Connection::is_autocommit) {
            *self.kept.borrow_mut() = Some(kept);
        }
    }
}

/// Now, RFC 3339 in UTC to the second.
pub fn now() -> String {
    let iso = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    match iso.get(..19) {
        Some(seconds) => format!("{seconds}Z"),
        None => iso,
    }
}

/// `n` as a count for the page.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The size of the database behind `conn`.
pub(crate) fn stored_bytes(conn: &Connection) -> u64 {
    conn.query_row("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_or(0, |n| u64::try_from(n).unwrap_or(0))
}

/// Free room in this origin's storage quota, when the browser says.
pub(crate) async fn headroom() -> Option<u64> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().dyn_into().ok()?;
    let estimate = JsFuture::from(scope.navigator().storage().estimate().ok()?).await.ok()?;
    let get = |k: &str| js_sys::Reflect::get(&estimate, &k.into()).ok().and_then(|v| v.as_f64());
    let (quota, usage) = (get("quota")?, get("usage").unwrap_or(0.0));
    Some((quota - usage).max(0.0) as u64)
}

impl Library {
    /// Opens the library in OPFS, or in memory (with [`MEMORY_REASON`]) when this browser has no
    /// OPFS for this page.
    ///
    /// # Errors
    /// [`ErrorKind::OtherTab`] when another tab's worker holds the pool; an internal error when
    /// the catalog cannot be opened.
    pub async fn open(config: &PoolConfig) -> Result<Library, WorkerError> {
        let (backend, storage) = match Backend::install_opfs(config).await {
            Ok(backend) => (backend, Storage::Opfs),
            Err(InstallFailure::OtherTab) => return Err(errors::other_tab()),
            Err(InstallFailure::Unsupported(detail)) => {
                web_sys::console::warn_1(&format!("Stepwise: OPFS unavailable ({detail}); using memory").into());
                let backend = Backend::install_memory().about("the library")?;
                (backend, Storage::Memory { reason: MEMORY_REASON.to_owned() })
            }
        };
        Ok(Self::with_backend(backend, storage).await?)
    }

    /// Opens the library in memory (what [`Library::open`] falls back to).
    ///
    /// # Errors
    /// The catalog cannot be created.
    pub async fn open_in_memory(reason: &str) -> Result<Library, WorkerError> {
        let backend = Backend::install_memory().about("the library")?;
        Ok(Self::with_backend(backend, Storage::Memory { reason: reason.to_owned() }).await?)
    }

    async fn with_backend(backend: Backend, storage: Storage) -> Result<Library, Fault> {
        backend.reserve(SPARE).await.about("the library")?;
        let conn = backend.connect(CATALOG).doing("the library", "opening")?;
        catalog::prepare(&conn).map_err(|e| {
            if e.contains("database or disk is full") {
                errors::storage_full("the library")
            } else {
                WorkerError::new(ErrorKind::Internal, format!("Stepwise could not open its library: {e}."))
            }
        })?;
        let library = Library {
            backend,
            catalog: Some(conn),
            storage,
            pending: HashMap::new(),
            player: None,
            kept: RefCell::new(None),
            examined: RefCell::new(None),
        };
        library.sweep()?;
        Ok(library)
    }

    /// Drops files no entry names (imports interrupted before the user answered) and entries
    /// whose file is gone.
    fn sweep(&self) -> Result<(), Fault> {
        let conn = self.catalog()?;
        let ids = catalog::ids(conn).doing("the library", "reading")?;
        let names = self.store().names().about("the library")?;
        let keep = |name: &str| {
            let base = name.strip_suffix("-journal").or_else(|| name.strip_suffix("-wal")).unwrap_or(name);
            base == CATALOG || ids.iter().any(|id| file_of(id) == base)
        };
        for name in names.iter().filter(|n| !keep(n)) {
            if let Err(e) = self.store().remove(name) {
                web_sys::console::warn_1(&format!("Stepwise: could not remove {name}: {}", e.detail).into());
            }
        }
        for id in ids.iter().filter(|id| !names.contains(&file_of(id))) {
            catalog::delete(conn, id).doing("the library", "updating")?;
        }
        // A worker that ended while the player's saves held a file in WAL mode (the tab closed)
        // leaves it marked so, its last saves perhaps only in the `-wal` beside it; without the
        // shared memory the pool lacks, only an exclusive connection can read it. One replays
        // the WAL and goes back to DELETE mode, which checkpoints it into the file.
        let databases =
            names.iter().filter(|n| keep(n) && *n != CATALOG && !n.ends_with("-journal") && !n.ends_with("-wal"));
        for name in databases {
            if !names.contains(&format!("{name}-wal")) && !self.marked_wal(name) {
                continue;
            }
            let replayed = self.store().connect_existing(name).and_then(|c| {
                c.execute_batch("PRAGMA locking_mode = EXCLUSIVE")?;
                c.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
                c.close().map_err(|(_, e)| e)
            });
            if let Err(e) = replayed {
                web_sys::console::warn_1(&format!("Stepwise: could not replay the WAL of {name}: {e}").into());
            }
        }
        // A worker ended mid-transaction (the tab closed) leaves a journal beside its file.
        // Reading the file once rolls a hot journal back (SQLite deletes it then); one that is
        // still there afterwards is not hot — its header was never synced, so the file was not
        // written yet — and only blocks exports: remove it.
        for name in names.iter().filter_map(|n| n.strip_suffix("-journal")).filter(|n| keep(n) && *n != CATALOG) {
            let read = self.store().connect_existing(name).and_then(|c| {
                c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
                c.close().map_err(|(_, e)| e)
            });
            if let Err(e) = read {
                web_sys::console::warn_1(&format!("Stepwise: could not recover {name}: {e}").into());
                continue;
            }
            let journal = format!("{name}-journal");
            if self.store().contains(&journal).unwrap_or(false)
                && let Err(e) = self.store().remove(&journal)
            {
                web_sys::console::warn_1(&format!("Stepwise: could not remove {journal}: {}", e.detail).into());
            }
        }
        Ok(())
    }

    /// Whether the header of stored file `name` says WAL mode (bytes 18 and 19 are 2): the
    /// player's saves switched it and the worker ended before switching it back.
    fn marked_wal(&self, name: &str) -> bool {
        let mut header = [0u8; 20];
        self.store()
            .begin_export(name)
            .and_then(|mut source| source.read_at(0, &mut header))
            .is_ok_and(|n| n == header.len() && header[18] == 2)
    }

    pub(crate) fn catalog(&self) -> Result<&Connection, Fault> {
        Ok(self.catalog.as_ref().ok_or_else(|| WorkerError::new(ErrorKind::Internal, "The library is closed."))?)
    }

    /// Where databases are kept.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The storage layer (tests look at its files).
    pub fn backend(&self) -> &Backend {
        self.store()
    }

    /// The storage, once the kept connection is closed: every use of the storage but the
    /// kept connection's goes through here, so no file has two connections at once (the
    /// sahpool VFS has no lock manager between connections).
    pub(crate) fn store(&self) -> &Backend {
        // Dropping the connection closes it.
        drop(self.kept.borrow_mut().take());
        &self.backend
    }

    /// Closes the catalog and releases the storage (OPFS handles); [`Library::open`] with the same
    /// configuration opens it again.
    ///
    /// # Errors
    /// A database is still open (never, between requests).
    pub fn close(mut self) -> Result<(), WorkerError> {
        if let Some(conn) = self.catalog.take() {
            conn.close().map_err(|(_, e)| e).doing("the library", "closing")?;
        }
        Ok(self.store().pause().about("the library")?)
    }

    /// Every entry, most recently opened (or added) first.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn list(&self) -> Result<Vec<Entry>, WorkerError> {
        Ok(catalog::list(self.catalog()?).doing("the library", "reading")?)
    }

    pub(crate) fn entry(&self, id: &str) -> Result<Entry, Fault> {
        Ok(catalog::get(self.catalog()?, id).doing("the library", "reading")?.ok_or_else(|| not_found(id))?)
    }

    /// Removes a file that never made it into the catalog; a failure is only logged (the next
    /// start sweeps it).
    pub(crate) fn discard(&self, name: &str) {
        if let Err(e) = self.store().remove(name) {
            web_sys::console::warn_1(&format!("Stepwise: could not remove {name}: {}", e.detail).into());
        }
    }

    /// Opens a stored database: what it holds, and its entry with `last_opened` updated.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the file no longer passes its checks.
    pub async fn open_entry(&mut self, id: &str) -> Result<OpenedEntry, WorkerError> {
        let entry = self.entry(id)?;
        let file_name = entry.file_name.as_str();
        let examined = self.examined.borrow_mut().take().filter(|(slot, _, _)| slot == id);
        let conn = self.store().connect_existing(&file_of(id)).doing(file_name, "opening")?;
        // Just imported, loaded and checked: only the learner's state is read again (a
        // duplicate's answer may have carried progress into it since).
        let (conn, opened) = match examined {
            Some((_, workshop, deferred)) => {
                harden(&conn).about(file_name)?;
                let runtime = read_runtime(&conn, file_name).about(file_name)?;
                (conn, Ok((workshop, deferred, runtime)))
            }
            // The artifacts stay in the file, read and checked when a step needs them.
            None => match open_pending_deferred(conn, file_name, &now()).about(file_name)? {
                Opening::Workshop(pending) => match digest::check(*pending).await.about(file_name)? {
                    (conn, Opened::Workshop(w)) => (conn, Ok((w.workshop, w.deferred, w.runtime))),
                    (conn, Opened::Playground(p)) => (conn, Err(p.tables)),
                },
                Opening::Playground(conn, p) => (conn, Err(p.tables)),
            },
        };
        let (view, done, loaded) = match opened {
            Ok((workshop, deferred, runtime)) => {
                (OpenedView::Workshop, count(runtime.done_steps()), Some((workshop, deferred, runtime)))
            }
            Err(tables) => (OpenedView::Playground { tables }, 0, None),
        };
        let bytes = stored_bytes(&conn);
        conn.close().map_err(|(_, e)| e).doing(file_name, "closing")?;
        catalog::touch(self.catalog()?, id, &now(), done, bytes).doing("the library", "updating")?;
        let entry = self.entry(id)?;
        // The player asks for the workshop next: keep what was just loaded and checked.
        if let Some((workshop, deferred, runtime)) = loaded {
            self.seed_session(id, &entry.file_name, workshop, deferred, runtime)?;
        }
        Ok(OpenedEntry { entry, view })
    }

    /// Streams the stored bytes of an entry to `sink`, in chunks, with progress.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the storage failed; the sink's own error.
    pub fn export(
        &self,
        id: &str,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), WorkerError>,
        progress: OnProgress<'_>,
    ) -> Result<Entry, WorkerError> {
        let entry = self.entry(id)?;
        let file_name = entry.file_name.as_str();
        let name = file_of(id);
        // Reading once rolls back a hot journal left by an interrupted write, so the exported
        // bytes are a consistent database (and the export is not refused for its journal).
        {
            let conn = self.store().connect_existing(&name).doing(file_name, "opening")?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
                .doing(file_name, "reading")?;
            conn.close().map_err(|(_, e)| e).doing(file_name, "closing")?;
        }
        let mut source = self.store().begin_export(&name).about(file_name)?;
        let size = source.size();
        let mut buf = vec![0u8; usize::try_from(size).unwrap_or(CHUNK).clamp(1, CHUNK)];
        let mut offset = 0u64;
        progress("Preparing the download", 0, Some(size));
        while offset < size {
            let n = source.read_at(offset, &mut buf).about(file_name)?;
            if n == 0 {
                return Err(WorkerError::new(
                    ErrorKind::Internal,
                    format!("{file_name} ended early while it was read from storage."),
                ));
            }
            sink(&buf[..n])?;
            offset += n as u64;
            progress("Preparing the download", offset, Some(size));
        }
        Ok(entry)
    }

    /// Deletes an entry and its file (or drops a pending import by its token).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the storage failed.
    pub fn remove(&mut self, id: &str) -> Result<(), WorkerError> {
        if let Some(pending) = self.pending.remove(id) {
            return Ok(self.store().remove(&file_of(id)).about(&pending.incoming.file_name)?);
        }
        let entry = self.entry(id)?;
        self.forget_player(id);
        self.examined.borrow_mut().take();
        catalog::delete(self.catalog()?, id).doing("the library", "updating")?;
        // The catalog no longer names it; if removing the file fails, the next start sweeps it.
        Ok(self.store().remove(&file_of(id)).about(&entry.file_name)?)
    }
}
