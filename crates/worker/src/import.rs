//! Storing a database from a stream of bytes: sniffed before anything is stored, written under a
//! fresh name, opened and checked through the format library's one open pipeline, then named by
//! the catalog — or kept aside when the same workshop is already stored.

use stepwise_artifact::{Opened, Opening, SNIFF_LEN, open_pending_deferred};
use stepwise_protocol::{Added, Duplicate, Entry, EntryKind, Imported, Stored, WorkerError};

use crate::backend::Backend;
use crate::catalog::{self, file_of};
use crate::digest;
use crate::errors::{self, About, Doing, Fault};
use crate::faults;
use crate::library::{Library, OnProgress, PendingImport, SPARE, count, headroom, now, stored_bytes};
use crate::source::ByteSource;

impl Library {
    /// Stores a database read from `source`, called `file_name` (`sql-joins.db`).
    ///
    /// The first [`SNIFF_LEN`] bytes are checked before anything is stored; the whole file is
    /// then written under a fresh name, checked (header, `quick_check`, format version, digest;
    /// an older workshop is migrated in place) and added to the catalog. A workshop whose slug is
    /// already stored is kept aside and answered with [`Stored::Duplicate`]. On any failure the
    /// new file is removed and nothing stored before changes.
    ///
    /// # Errors
    /// A [`WorkerError`] for the learner: not SQLite, damaged, too new, storage full, network.
    pub async fn import<S: ByteSource>(
        &mut self,
        file_name: &str,
        mut source: S,
        progress: OnProgress<'_>,
    ) -> Result<Stored, WorkerError> {
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
        let head = &head[..];
        stepwise_artifact::sniff(file_name, &head[..head.len().min(SNIFF_LEN)], len_guess).about(file_name)?;
        if !matches!(self.backend, Backend::Memory(_))
            && let (Some(total), Some(free)) = (total, headroom().await)
            && total > free
        {
            return Err(errors::storage_full(file_name));
        }

        // 2. The bytes, under a fresh name, published only when complete.
        self.store().reserve(SPARE + 1).await.about(file_name)?;
        let id = self.fresh_id()?;
        let name = file_of(&id);
        let written = {
            let mut target = self.store().begin_import(&name, total.unwrap_or(0)).about(file_name)?;
            target.write_at(0, head).about(file_name)?;
            let mut offset = head.len() as u64;
            progress(stage, offset, total);
            while let Some(chunk) = source.next_chunk().await? {
                target.write_at(offset, &chunk).about(file_name)?;
                offset += chunk.len() as u64;
                progress(stage, offset, total);
            }
            // A WAL-mode header (read/write versions 2) cannot be opened without its -shm:
            // store it in rollback mode, as SQLite's own import does.
            if head.get(18..20).is_some_and(|v| v != [1, 1]) {
                target.write_at(18, &[1, 1]).about(file_name)?;
            }
            target.commit().about(file_name)?;
            faults::point("import:stored");
            offset
        };

        // 3. Checks on the stored file; on failure it goes.
        progress("Checking", written, Some(written));
        let checked = stepwise_artifact::sniff(file_name, &head[..head.len().min(SNIFF_LEN)], written).about(file_name);
        let checked = match checked {
            Ok(_) => self.examine(&id, file_name).await,
            Err(e) => Err(e),
        };
        let incoming = match checked {
            Ok(incoming) => Entry { source: source.origin(), ..incoming },
            Err(e) => {
                self.discard(&name);
                return Err(e.into());
            }
        };

        // 4. Already stored? Ask.
        Ok(match self.file_away(incoming, &name, file_name)? {
            Added::Imported(imported) => Stored::Imported(imported),
            Added::Duplicate(duplicate) => Stored::Duplicate(duplicate),
        })
    }

    /// A fresh id: no catalog row, pending import or storage file has it.
    pub(crate) fn fresh_id(&self) -> Result<String, Fault> {
        loop {
            let id = catalog::fresh_id(self.catalog()?).doing("the library", "updating")?;
            if !self.pending.contains_key(&id) && !self.store().contains(&file_of(&id)).about("the library")? {
                return Ok(id);
            }
        }
    }

    /// The last step of every import: a checked file `stored` (its entry `incoming`, named after
    /// `source` in messages) joins the library — or waits as a pending [`Duplicate`] when a
    /// workshop with the same slug is stored already. On error the file is removed.
    pub(crate) fn file_away(&mut self, incoming: Entry, stored: &str, source: &str) -> Result<Added, Fault> {
        if let Some(slug) = &incoming.slug {
            match catalog::by_slug(self.catalog()?, slug) {
                Ok(Some(existing)) => {
                    let pending = incoming.id.clone();
                    self.pending.insert(
                        pending.clone(),
                        PendingImport { incoming: incoming.clone(), existing: existing.id.clone() },
                    );
                    return Ok(Added::Duplicate(Duplicate { pending, existing, incoming }));
                }
                Ok(None) => {}
                Err(e) => {
                    self.discard(stored);
                    return Err(e).doing("the library", "reading");
                }
            }
        }
        faults::point("import:before-catalog");
        if let Err(e) = catalog::insert(self.catalog()?, &incoming) {
            self.discard(stored);
            return Err(e).doing(source, "adding to the library");
        }
        Ok(Added::Imported(Imported { entry: incoming, carried: None }))
    }

    /// Opens the stored file of `id` through the format's open pipeline (migrating an older
    /// workshop in place) and says what it holds, as the library entry it will have.
    pub(crate) async fn examine(&self, id: &str, file_name: &str) -> Result<Entry, Fault> {
        let conn = self.store().connect_existing(&file_of(id)).doing(file_name, "opening")?;
        // The artifacts stay in the file: the digest is checked over their keys and lengths,
        // and each is read and checked against its key when a step needs it.
        let (conn, opened) = match open_pending_deferred(conn, file_name, &now()).about(file_name)? {
            Opening::Playground(conn, playground) => (conn, Opened::Playground(playground)),
            Opening::Workshop(pending) => digest::check(*pending).await.about(file_name)?,
        };
        let mut entry = Entry {
            id: id.to_owned(),
            kind: EntryKind::Playground,
            title: file_name.to_owned(),
            slug: None,
            version: None,
            steps: 0,
            done: 0,
            bytes: stored_bytes(&conn),
            file_name: file_name.to_owned(),
            added_at: now(),
            last_opened: None,
            source: None,
        };
        match opened {
            Opened::Playground(p) => entry.steps = count(p.tables.len()),
            Opened::Workshop(w) => {
                let w = *w;
                entry.kind = EntryKind::Workshop;
                entry.steps = count(w.workshop.steps.len());
                entry.done = count(w.runtime.done_steps());
                entry.title = w.workshop.meta.title.clone();
                entry.slug = Some(w.workshop.meta.slug.clone());
                entry.version = Some(w.workshop.meta.version.clone());
                // Opened next (the usual way after an import): no need to load and check it again.
                *self.examined.borrow_mut() = Some((id.to_owned(), w.workshop, w.deferred));
            }
        }
        conn.close().map_err(|(_, e)| e).doing(file_name, "closing")?;
        Ok(entry)
    }
}
