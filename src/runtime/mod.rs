//! The worker's storage as plain Rust: a library of databases kept in OPFS (or memory), with
//! streamed import, duplicate handling, progress carried across versions, export and removal.
//!
//! Everything here runs in the dedicated worker and is called by [`crate::worker`] (and by
//! `tests/opfs.rs` directly). Requests are handled one at a time: a [`Library`] is never used
//! by two tasks at once.
//!
//! **Invariants**
//! - Every stored database has exactly one catalog row (`library.db`) and one storage file
//!   (`<id>.db`), except a *pending* import waiting for the user's duplicate choice (a file, no
//!   row) — swept on the next start if the worker dies before the answer.
//! - A failed import, resolve or removal leaves what was stored before untouched: the new file
//!   is written under a fresh name and published only once complete; checks run on it before
//!   the catalog names it; every multi-row change is one transaction.
//! - Nothing opens an untrusted file before [`stepwise_artifact::sniff`] and `harden`.

pub mod backend;
pub mod catalog;
pub mod errors;
pub mod faults;
pub mod lock;
pub mod player;
pub mod playground;
pub mod source;
pub mod textforms;

use std::cell::RefCell;
use std::collections::HashMap;

use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error as FormatError, Kind, Opened, SNIFF_LEN, harden, inspect, migrate, progress};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use self::backend::{Backend, InstallFailure, PoolConfig};
use self::catalog::{CATALOG, file_of};
use self::errors::{from_artifact, from_sqlite, from_store, not_found};
use self::source::{ByteSource, CHUNK};
use crate::protocol::{
    DuplicateChoice, Entry, EntryKind, ErrorKind, OpenedView, ResponseBody, StepSummary, Storage, WorkerError,
};

/// Reports progress: `(stage, done, total)`.
pub type OnProgress<'a> = &'a mut dyn FnMut(&str, u64, Option<u64>);

/// The sentence the UI shows in its banner when the worker keeps databases in memory.
pub const MEMORY_REASON: &str = "This browser does not let Stepwise keep files for this site (a private window, an \
     older browser, or a page not served over HTTPS), so workshops are kept in memory only and are lost when this \
     tab closes. Download a workshop to keep your progress.";

/// A checked import waiting for the user's answer to "already in your library".
struct Pending {
    incoming: Entry,
    existing: String,
}

/// What an examined file holds.
struct Examined {
    kind: EntryKind,
    title: String,
    slug: Option<String>,
    version: Option<String>,
    steps: u32,
    done: u32,
    bytes: u64,
}

/// The library: its storage, its catalog, and imports waiting for an answer.
pub struct Library {
    backend: Backend,
    catalog: Option<Connection>,
    storage: Storage,
    pending: HashMap<String, Pending>,
    /// The workshop being played, if any (`player.rs`).
    player: Option<Box<player::Session>>,
    /// The playground's connection to one stored file (`playground.rs`), kept open between its
    /// requests: closing a connection flushes its OPFS file, which costs milliseconds even
    /// when nothing was written. Closed by [`Library::store`] before anything else touches the
    /// storage, so no file ever has two connections open.
    playground: RefCell<Option<(String, Connection)>>,
}

/// Now, RFC 3339 in UTC to the second.
pub fn now() -> String {
    let iso = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    match iso.get(..19) {
        Some(seconds) => format!("{seconds}Z"),
        None => iso,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn stored_bytes(conn: &Connection) -> u64 {
    conn.query_row("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_or(0, |n| u64::try_from(n).unwrap_or(0))
}

/// Free room in this origin's storage quota, when the browser says.
async fn headroom() -> Option<u64> {
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
                let backend = Backend::install_memory().map_err(|e| from_store("the library", &e))?;
                (backend, Storage::Memory { reason: MEMORY_REASON.to_owned() })
            }
        };
        Self::with_backend(backend, storage).await
    }

    /// Opens the library in memory (what [`Library::open`] falls back to).
    ///
    /// # Errors
    /// The catalog cannot be created.
    pub async fn open_in_memory(reason: &str) -> Result<Library, WorkerError> {
        let backend = Backend::install_memory().map_err(|e| from_store("the library", &e))?;
        Self::with_backend(backend, Storage::Memory { reason: reason.to_owned() }).await
    }

    async fn with_backend(backend: Backend, storage: Storage) -> Result<Library, WorkerError> {
        backend.reserve(2).await.map_err(|e| from_store("the library", &e))?;
        let conn = backend.connect(CATALOG).map_err(|e| from_sqlite("the library", "opening", &e))?;
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
            playground: RefCell::new(None),
        };
        library.sweep()?;
        Ok(library)
    }

    /// Drops files no entry names (imports interrupted before the user answered) and entries
    /// whose file is gone.
    fn sweep(&self) -> Result<(), WorkerError> {
        let conn = self.catalog()?;
        let ids = catalog::ids(conn).map_err(|e| from_sqlite("the library", "reading", &e))?;
        let names = self.store().names().map_err(|e| from_store("the library", &e))?;
        let keep = |name: &str| {
            let base = name.strip_suffix("-journal").unwrap_or(name);
            base == CATALOG || ids.iter().any(|id| file_of(id) == base)
        };
        for name in names.iter().filter(|n| !keep(n)) {
            if let Err(e) = self.store().remove(name) {
                web_sys::console::warn_1(&format!("Stepwise: could not remove {name}: {}", e.detail).into());
            }
        }
        for id in ids.iter().filter(|id| !names.contains(&file_of(id))) {
            catalog::delete(conn, id).map_err(|e| from_sqlite("the library", "updating", &e))?;
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

    fn catalog(&self) -> Result<&Connection, WorkerError> {
        self.catalog.as_ref().ok_or_else(|| WorkerError::new(ErrorKind::Internal, "The library is closed."))
    }

    /// Where databases are kept.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The storage layer (tests look at its files).
    pub fn backend(&self) -> &Backend {
        self.store()
    }

    /// The storage, once the playground's kept connection is closed: every use of the storage
    /// but the playground's goes through here, so no file has two connections at once (the
    /// sahpool VFS has no lock manager between connections).
    fn store(&self) -> &Backend {
        // Dropping the connection closes it.
        drop(self.playground.borrow_mut().take());
        &self.backend
    }

    /// Closes the catalog and releases the storage (OPFS handles); [`Library::open`] with the same
    /// configuration opens it again.
    ///
    /// # Errors
    /// A database is still open (never, between requests).
    pub fn close(mut self) -> Result<(), WorkerError> {
        if let Some(conn) = self.catalog.take() {
            conn.close().map_err(|(_, e)| from_sqlite("the library", "closing", &e))?;
        }
        self.store().pause().map_err(|e| from_store("the library", &e))
    }

    /// Every entry, most recently opened (or added) first.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn list(&self) -> Result<Vec<Entry>, WorkerError> {
        catalog::list(self.catalog()?).map_err(|e| from_sqlite("the library", "reading", &e))
    }

    fn entry(&self, id: &str) -> Result<Entry, WorkerError> {
        catalog::get(self.catalog()?, id)
            .map_err(|e| from_sqlite("the library", "reading", &e))?
            .ok_or_else(|| not_found(id))
    }

    fn fresh_id(&self) -> Result<String, WorkerError> {
        loop {
            let id = catalog::fresh_id(self.catalog()?).map_err(|e| from_sqlite("the library", "updating", &e))?;
            if !self.pending.contains_key(&id)
                && !self.store().contains(&file_of(&id)).map_err(|e| from_store("the library", &e))?
            {
                return Ok(id);
            }
        }
    }

    /// Stores a database read from `source`, called `file_name` (`sql-joins.db`).
    ///
    /// The first [`SNIFF_LEN`] bytes are checked before anything is stored; the whole file is
    /// then written under a fresh name, checked (header, `quick_check`, format version, digest;
    /// an older workshop is migrated in place) and added to the catalog. A workshop whose slug is
    /// already stored is kept aside and answered with [`ResponseBody::Duplicate`]. On any failure
    /// the new file is removed and nothing stored before changes.
    ///
    /// # Errors
    /// A [`WorkerError`] for the student: not SQLite, damaged, too new, storage full, network.
    pub async fn import<S: ByteSource>(
        &mut self,
        file_name: &str,
        mut source: S,
        progress: OnProgress<'_>,
    ) -> Result<ResponseBody, WorkerError> {
        let total = source.total();
        let stage = source.stage();
        progress(stage, 0, total);

        // 1. The head, checked before anything is stored.
        let mut head: Vec<u8> = Vec::new();
        let mut ended = false;
        while head.len() < SNIFF_LEN {
            match source.next_chunk().await? {
                Some(chunk) => head.extend_from_slice(&chunk),
                None => {
                    ended = true;
                    break;
                }
            }
        }
        let len_guess = match (total, ended) {
            (_, true) => head.len() as u64,
            (Some(t), false) => t,
            // Unknown length: the truncation checks wait for the end.
            (None, false) => u64::MAX,
        };
        stepwise_artifact::sniff(file_name, &head[..head.len().min(SNIFF_LEN)], len_guess)
            .map_err(|e| from_artifact(file_name, &e))?;
        if !matches!(self.backend, Backend::Memory(_))
            && let (Some(total), Some(free)) = (total, headroom().await)
            && total > free
        {
            return Err(errors::storage_full(file_name));
        }

        // 2. The bytes, under a fresh name, published only when complete.
        self.store().reserve(3).await.map_err(|e| from_store(file_name, &e))?;
        let id = self.fresh_id()?;
        let name = file_of(&id);
        let written = {
            let mut target =
                self.store().begin_import(&name, total.unwrap_or(0)).map_err(|e| from_store(file_name, &e))?;
            target.write_at(0, &head).map_err(|e| from_store(file_name, &e))?;
            let mut offset = head.len() as u64;
            progress(stage, offset, total);
            while let Some(chunk) = source.next_chunk().await? {
                target.write_at(offset, &chunk).map_err(|e| from_store(file_name, &e))?;
                offset += chunk.len() as u64;
                progress(stage, offset, total);
            }
            // A WAL-mode header (read/write versions 2) cannot be opened without its -shm:
            // store it in rollback mode, as SQLite's own import does.
            if head.get(18..20).is_some_and(|v| v != [1, 1]) {
                target.write_at(18, &[1, 1]).map_err(|e| from_store(file_name, &e))?;
            }
            target.commit().map_err(|e| from_store(file_name, &e))?;
            faults::point("import:stored");
            offset
        };

        // 3. Checks on the stored file; on failure it goes.
        progress("Checking", written, Some(written));
        let checked = stepwise_artifact::sniff(file_name, &head[..head.len().min(SNIFF_LEN)], written)
            .map_err(|e| from_artifact(file_name, &e))
            .and_then(|_| self.examine(&name, file_name));
        let examined = match checked {
            Ok(examined) => examined,
            Err(e) => {
                self.discard(&name);
                return Err(e);
            }
        };
        let incoming = Entry {
            id: id.clone(),
            kind: examined.kind,
            title: examined.title,
            slug: examined.slug,
            version: examined.version,
            steps: examined.steps,
            done: examined.done,
            bytes: examined.bytes,
            file_name: file_name.to_owned(),
            added_at: now(),
            last_opened: None,
        };

        // 4. Already stored? Ask.
        self.file_away(id, incoming, &name, file_name)
    }

    /// The last step of every import: a checked file `stored` (its entry `incoming`, named after
    /// `source` in messages) joins the library — or waits as a pending `Duplicate` when a workshop
    /// with the same slug is stored already. On error the file is removed.
    pub(crate) fn file_away(
        &mut self,
        id: String,
        incoming: Entry,
        stored: &str,
        source: &str,
    ) -> Result<ResponseBody, WorkerError> {
        if let Some(slug) = &incoming.slug {
            match catalog::by_slug(self.catalog()?, slug) {
                Ok(Some(existing)) => {
                    self.pending
                        .insert(id.clone(), Pending { incoming: incoming.clone(), existing: existing.id.clone() });
                    return Ok(ResponseBody::Duplicate { pending: id, existing, incoming });
                }
                Ok(None) => {}
                Err(e) => {
                    self.discard(stored);
                    return Err(from_sqlite("the library", "reading", &e));
                }
            }
        }
        faults::point("import:before-catalog");
        if let Err(e) = catalog::insert(self.catalog()?, &incoming) {
            self.discard(stored);
            return Err(from_sqlite(source, "adding to the library", &e));
        }
        Ok(ResponseBody::Imported { entry: incoming, carried: None })
    }

    /// Removes a file that never made it into the catalog; a failure is only logged (the next
    /// start sweeps it).
    fn discard(&self, name: &str) {
        if let Err(e) = self.store().remove(name) {
            web_sys::console::warn_1(&format!("Stepwise: could not remove {name}: {}", e.detail).into());
        }
    }

    /// Opens a stored file, checks it like a new one (migrating an older workshop in place) and
    /// says what it holds.
    fn examine(&self, name: &str, file_name: &str) -> Result<Examined, WorkerError> {
        let mut conn = self.store().connect_existing(name).map_err(|e| from_sqlite(file_name, "opening", &e))?;
        harden(&conn).map_err(|e| from_artifact(file_name, &e))?;
        let kind = match inspect(&conn, file_name) {
            Ok(kind) => kind,
            // Another program's SQLite file: a playground like any other.
            Err(FormatError::ForeignApplication { .. }) => Kind::Playground,
            Err(e) => return Err(from_artifact(file_name, &e)),
        };
        if let Kind::OlderWorkshop(_) = kind {
            migrate::migrate(&mut conn, file_name, &now()).map_err(|e| from_artifact(file_name, &e))?;
        }
        let examined = if kind == Kind::Playground {
            let tables =
                stepwise_artifact::playground_tables(&conn, file_name).map_err(|e| from_artifact(file_name, &e))?;
            Examined {
                kind: EntryKind::Playground,
                title: file_name.to_owned(),
                slug: None,
                version: None,
                steps: count(tables.len()),
                done: 0,
                bytes: stored_bytes(&conn),
            }
        } else {
            let (workshop, _) =
                stepwise_artifact::load_checked(&conn, file_name).map_err(|e| from_artifact(file_name, &e))?;
            let runtime =
                stepwise_artifact::read_runtime(&conn, file_name).map_err(|e| from_artifact(file_name, &e))?;
            Examined {
                kind: EntryKind::Workshop,
                title: workshop.meta.title,
                slug: Some(workshop.meta.slug),
                version: Some(workshop.meta.version),
                steps: count(workshop.steps.len()),
                done: count(runtime.done_steps()),
                bytes: stored_bytes(&conn),
            }
        };
        conn.close().map_err(|(_, e)| from_sqlite(file_name, "closing", &e))?;
        Ok(examined)
    }

    /// Answers a [`ResponseBody::Duplicate`]: replace (keeping or discarding progress), keep
    /// both, or cancel. Until it succeeds, the stored workshop is untouched; a failed answer
    /// keeps the import pending so the user can choose again.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for an unknown token; storage errors.
    pub async fn resolve(&mut self, token: &str, choice: DuplicateChoice) -> Result<ResponseBody, WorkerError> {
        let Some(pending) = self.pending.remove(token) else {
            return Err(WorkerError::new(
                ErrorKind::NotFound,
                "This import is no longer waiting for an answer (the worker restarted?); load the file again.",
            ));
        };
        let result = self.resolve_pending(token, &pending, choice).await;
        if result.is_err() {
            self.pending.insert(token.to_owned(), pending);
        }
        result
    }

    async fn resolve_pending(
        &mut self,
        token: &str,
        pending: &Pending,
        choice: DuplicateChoice,
    ) -> Result<ResponseBody, WorkerError> {
        let file_name = pending.incoming.file_name.as_str();
        let mut incoming = pending.incoming.clone();
        let (replace, keep_progress) = match choice {
            DuplicateChoice::Cancel => {
                self.store().remove(&file_of(token)).map_err(|e| from_store(file_name, &e))?;
                return Ok(ResponseBody::Removed { entry: token.to_owned() });
            }
            DuplicateChoice::KeepBoth => (false, false),
            DuplicateChoice::ReplaceDiscardProgress => (true, false),
            DuplicateChoice::ReplaceKeepProgress => (true, true),
        };
        self.store().reserve(3).await.map_err(|e| from_store(file_name, &e))?;
        let existing =
            catalog::get(self.catalog()?, &pending.existing).map_err(|e| from_sqlite("the library", "reading", &e))?;
        // The stored one may have been removed meanwhile: then there is nothing to replace.
        let replaced = existing.filter(|_| replace);
        let mut carried = None;
        if let (true, Some(old)) = (keep_progress, &replaced) {
            let (kept, dropped, done, bytes) = self.carry_progress(&old.id, token, &old.file_name, file_name)?;
            carried = Some((kept, dropped));
            incoming.done = done;
            incoming.bytes = bytes;
        }
        let conn = self.catalog()?;
        let tx = conn.unchecked_transaction().map_err(|e| from_sqlite(file_name, "adding to the library", &e))?;
        if let Some(old) = &replaced {
            catalog::delete(&tx, &old.id).map_err(|e| from_sqlite(file_name, "adding to the library", &e))?;
        }
        catalog::insert(&tx, &incoming).map_err(|e| from_sqlite(file_name, "adding to the library", &e))?;
        faults::point("replace:catalog-before-commit");
        tx.commit().map_err(|e| from_sqlite(file_name, "adding to the library", &e))?;
        faults::point("replace:before-removing-old");
        if let Some(old) = &replaced {
            self.forget_player(&old.id);
            // The catalog no longer names it; if this fails, the next start sweeps it.
            self.discard(&file_of(&old.id));
        }
        Ok(ResponseBody::Imported { entry: incoming, carried })
    }

    /// Writes the old entry's progress, as far as it still applies, into the new file (one
    /// transaction). Returns `(kept, dropped, done steps, bytes)`.
    fn carry_progress(
        &self,
        old: &str,
        new: &str,
        old_name: &str,
        new_name: &str,
    ) -> Result<(u32, u32, u32, u64), WorkerError> {
        let old_conn =
            self.store().connect_existing(&file_of(old)).map_err(|e| from_sqlite(old_name, "opening", &e))?;
        harden(&old_conn).map_err(|e| from_artifact(old_name, &e))?;
        let old_runtime =
            stepwise_artifact::read_runtime(&old_conn, old_name).map_err(|e| from_artifact(old_name, &e))?;
        old_conn.close().map_err(|(_, e)| from_sqlite(old_name, "closing", &e))?;

        let mut conn =
            self.store().connect_existing(&file_of(new)).map_err(|e| from_sqlite(new_name, "opening", &e))?;
        harden(&conn).map_err(|e| from_artifact(new_name, &e))?;
        let workshop = stepwise_artifact::read_workshop(&conn, new_name).map_err(|e| from_artifact(new_name, &e))?;
        let (runtime, carried) = progress::carry_over(&old_runtime, &workshop);
        let tx = conn.transaction().map_err(|e| from_sqlite(new_name, "keeping progress in", &e))?;
        stepwise_artifact::write_runtime(&tx, &runtime).map_err(|e| from_artifact(new_name, &e))?;
        faults::point("replace:progress-before-commit");
        tx.commit().map_err(|e| from_sqlite(new_name, "keeping progress in", &e))?;
        let bytes = stored_bytes(&conn);
        conn.close().map_err(|(_, e)| from_sqlite(new_name, "closing", &e))?;
        Ok((carried.kept, carried.dropped, count(runtime.done_steps()), bytes))
    }

    /// Opens a stored database: what it holds, and its entry with `last_opened` updated.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`]; the file no longer passes its checks.
    pub fn open_entry(&mut self, id: &str) -> Result<(Entry, OpenedView), WorkerError> {
        let entry = self.entry(id)?;
        let file_name = entry.file_name.as_str();
        let conn = self.store().connect_existing(&file_of(id)).map_err(|e| from_sqlite(file_name, "opening", &e))?;
        let mut loaded = None;
        let (view, done) = match stepwise_artifact::open_connection(&conn, file_name) {
            Ok(Opened::Workshop(w)) => {
                let runtime =
                    stepwise_artifact::read_runtime(&conn, file_name).map_err(|e| from_artifact(file_name, &e))?;
                let steps = w
                    .workshop
                    .steps
                    .iter()
                    .map(|s| StepSummary {
                        slug: s.slug.clone(),
                        title: s.title.clone(),
                        done: runtime.is_done(&s.slug),
                    })
                    .collect();
                let view = OpenedView::Workshop {
                    summary: w.workshop.meta.summary.clone(),
                    steps,
                    current_step: runtime.current_step.clone(),
                };
                let done = count(runtime.done_steps());
                loaded = Some((w.workshop, runtime));
                (view, done)
            }
            Ok(Opened::Playground(p)) => (OpenedView::Playground { tables: p.tables }, 0),
            Err(FormatError::ForeignApplication { .. }) => {
                let tables =
                    stepwise_artifact::playground_tables(&conn, file_name).map_err(|e| from_artifact(file_name, &e))?;
                (OpenedView::Playground { tables }, 0)
            }
            Err(e) => return Err(from_artifact(file_name, &e)),
        };
        let bytes = stored_bytes(&conn);
        conn.close().map_err(|(_, e)| from_sqlite(file_name, "closing", &e))?;
        catalog::touch(self.catalog()?, id, &now(), done, bytes)
            .map_err(|e| from_sqlite("the library", "updating", &e))?;
        let entry = self.entry(id)?;
        // The player asks for the workshop next: keep what was just loaded and checked.
        if let Some((workshop, runtime)) = loaded {
            self.seed_session(id, &entry.file_name, workshop, runtime)?;
        }
        Ok((entry, view))
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
            let conn = self.store().connect_existing(&name).map_err(|e| from_sqlite(file_name, "opening", &e))?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
                .map_err(|e| from_sqlite(file_name, "reading", &e))?;
            conn.close().map_err(|(_, e)| from_sqlite(file_name, "closing", &e))?;
        }
        let mut source = self.store().begin_export(&name).map_err(|e| from_store(file_name, &e))?;
        let size = source.size();
        let mut buf = vec![0u8; usize::try_from(size).unwrap_or(CHUNK).clamp(1, CHUNK)];
        let mut offset = 0u64;
        progress("Preparing the download", 0, Some(size));
        while offset < size {
            let n = source.read_at(offset, &mut buf).map_err(|e| from_store(file_name, &e))?;
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
            return self.store().remove(&file_of(id)).map_err(|e| from_store(&pending.incoming.file_name, &e));
        }
        let entry = self.entry(id)?;
        self.forget_player(id);
        catalog::delete(self.catalog()?, id).map_err(|e| from_sqlite("the library", "updating", &e))?;
        // The catalog no longer names it; if removing the file fails, the next start sweeps it.
        self.store().remove(&file_of(id)).map_err(|e| from_store(&entry.file_name, &e))
    }
}
