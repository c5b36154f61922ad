//! The one way to open an untrusted database: **harden → classify → (copy) → migrate → load
//! and check the digest**, what the worker's import and open, the player, the CLI and the fuzz
//! targets all call.

use rusqlite::Connection;

use crate::db::harden::{checked_copy, harden, unreadable};
use crate::db::inspect::{Kind, inspect, playground_tables};
use crate::db::store::{get_meta, read_runtime, read_workshop, read_workshop_deferred};
use crate::digest::{Sha256Digest, content_digest, content_digest_deferred, content_digest_with, digest_blobs, sha256};
use crate::error::{Error, Result};
use crate::model::{ArtifactIndex, Runtime, Workshop};

/// A workshop that opened and passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedWorkshop {
    /// The file's name, as given.
    pub file: String,
    /// The definition and the artifacts; without the artifacts when they were left in the file
    /// (`deferred` then says where each is): a step's `artifacts` are then empty whatever it has.
    pub workshop: Workshop,
    /// The learner's runtime state.
    pub runtime: Runtime,
    /// The content digest, stored and recomputed (they are equal).
    pub digest: String,
    /// The format version the file had before it was migrated in memory, if it was older.
    pub migrated_from: Option<i64>,
    /// Every step's artifacts, when they were left in the file ([`open_pending_deferred`]):
    /// `workshop`'s steps then hold none.
    pub deferred: Option<ArtifactIndex>,
}

/// A plain SQLite database: not a workshop, opened as a playground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playground {
    /// The file's name, as given.
    pub file: String,
    /// Tables and views with their row counts (views: `None`).
    pub tables: Vec<(String, Option<i64>)>,
    /// Another program's `application_id`, when the file carries one (0 is a plain database).
    pub application_id: Option<u32>,
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// A Stepwise workshop.
    Workshop(Box<OpenedWorkshop>),
    /// Any other SQLite database: a plain one, or another program's.
    Playground(Playground),
}

/// Loads a current-version workshop from `conn` and checks its content digest.
///
/// # Errors
/// [`Error::DigestMismatch`] when the content no longer matches the stored digest, and the
/// errors of reading (see [`read_workshop`]).
pub fn load_checked(conn: &Connection, file: &str) -> Result<(Workshop, String)> {
    let workshop = read_workshop(conn, file).map_err(|e| unreadable(file, e))?;
    let stored = get_meta(conn, "content_digest").map_err(|e| unreadable(file, e))?.unwrap_or_default();
    let computed = content_digest(&workshop);
    if stored != computed {
        return Err(Error::DigestMismatch { file: file.to_owned(), stored, computed });
    }
    Ok((workshop, computed))
}

/// Opens an untrusted database the one way every caller does — the CLI, the fuzz targets and,
/// through [`open_pending_deferred`] (the same pipeline), the worker's import, open and player:
/// **harden → classify → (copy) → migrate → load and check the digest**.
///
/// The caller has sniffed the file's header (see [`crate::sniff()`]) and opened `conn` on it;
/// the connection comes back with what it holds. Another program's SQLite file (its own
/// `application_id`) is a playground like any plain database. A workshop on a read-only
/// connection is checked and read on a hardened copy in memory, which comes back instead:
/// SQLite verifies no CHECK constraint of a database it opened read-only, so the copy is where
/// they are checked. A workshop of an older format version is migrated — in place on a writable
/// connection, on the copy otherwise — with `now` as the migration's time.
///
/// # Errors
/// As [`inspect`] and [`load_checked`]; [`crate::db::migrate::migrate`]'s errors; an unreadable row
/// is [`Error::Corrupt`] naming the file.
pub fn open_checked(conn: Connection, file: &str, now: &str) -> Result<(Connection, Opened)> {
    match open_pending(conn, file, now)? {
        Opening::Playground(conn, playground) => Ok((conn, Opened::Playground(playground))),
        Opening::Workshop(pending) => pending.check(),
    }
}

/// [`open_checked`] up to the digest check, for a caller that hashes the workshop's blobs
/// elsewhere (the browser worker, with the browser's native SHA-256): a workshop comes back as
/// a [`PendingWorkshop`], which gives its connection and content only once the digest is
/// checked ([`PendingWorkshop::check`] or [`PendingWorkshop::check_with`]).
///
/// # Errors
/// As [`open_checked`], except the digest's.
pub fn open_pending(conn: Connection, file: &str, now: &str) -> Result<Opening> {
    open_pending_as(conn, file, now, false)
}

/// [`open_pending`] with every step's artifacts left in the file
/// ([`crate::db::store::read_workshop_deferred`]): the content digest is checked from the
/// definition, the assets and each artifact's stored key and length, and the opened workshop's
/// [`OpenedWorkshop::deferred`] says where each artifact is; its bytes are checked when they
/// are read ([`crate::db::deferred::load_artifacts`]).
///
/// # Errors
/// As [`open_pending`]; a malformed blob key.
pub fn open_pending_deferred(conn: Connection, file: &str, now: &str) -> Result<Opening> {
    open_pending_as(conn, file, now, true)
}

fn open_pending_as(conn: Connection, file: &str, now: &str, defer: bool) -> Result<Opening> {
    harden(&conn)?;
    let (kind, application_id) = match inspect(&conn, file) {
        Ok(kind) => (kind, None),
        Err(Error::ForeignApplication { application_id, .. }) => (Kind::Playground, Some(application_id)),
        Err(e) => return Err(e),
    };
    if kind == Kind::Playground {
        let tables = playground_tables(&conn, file)?;
        return Ok(Opening::Playground(conn, Playground { file: file.to_owned(), tables, application_id }));
    }
    let mut conn = if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) { checked_copy(&conn, file)? } else { conn };
    let migrated_from = match kind {
        Kind::OlderWorkshop(v) => {
            crate::db::migrate::migrate(&mut conn, file, now).map_err(|e| unreadable(file, e))?;
            Some(v)
        }
        _ => None,
    };
    let (workshop, deferred) = if defer {
        let (workshop, index) = read_workshop_deferred(&conn, file).map_err(|e| unreadable(file, e))?;
        (workshop, Some(index))
    } else {
        (read_workshop(&conn, file).map_err(|e| unreadable(file, e))?, None)
    };
    let stored = get_meta(&conn, "content_digest").map_err(|e| unreadable(file, e))?.unwrap_or_default();
    Ok(Opening::Workshop(Box::new(PendingWorkshop {
        conn,
        file: file.to_owned(),
        workshop,
        deferred,
        stored,
        migrated_from,
    })))
}

/// What [`open_pending`] found: a playground, open, or a workshop whose digest is still to check.
pub enum Opening {
    /// Any other SQLite database, as [`Opened::Playground`].
    Playground(Connection, Playground),
    /// A workshop, loaded but not yet checked against its content digest.
    Workshop(Box<PendingWorkshop>),
}

/// A workshop loaded by [`open_pending`] whose content digest is not checked yet. Its content
/// and connection are private: the only way on is a check.
pub struct PendingWorkshop {
    conn: Connection,
    file: String,
    workshop: Workshop,
    deferred: Option<ArtifactIndex>,
    stored: String,
    migrated_from: Option<i64>,
}

impl PendingWorkshop {
    /// The blobs the content digest hashes, in [`crate::digest_blobs`]' order.
    pub fn blobs(&self) -> impl Iterator<Item = &[u8]> {
        digest_blobs(&self.workshop)
    }

    /// Checks the content digest, hashing here every blob it holds (all of them, or the assets
    /// alone when the artifacts were left in the file).
    ///
    /// # Errors
    /// [`Error::DigestMismatch`]; the learner's state unreadable ([`Error::Corrupt`]).
    pub fn check(self) -> Result<(Connection, Opened)> {
        let hashes: Vec<Sha256Digest> = self.blobs().map(sha256).collect();
        self.check_with(&hashes)
    }

    /// Checks the content digest with the SHA-256 of every blob given, in [`Self::blobs`]'
    /// order. Digests that are not those of the blobs make the check fail, as an edited file
    /// does; a list of the wrong length is hashed here instead.
    ///
    /// # Errors
    /// As [`Self::check`].
    pub fn check_with(self, blob_hashes: &[Sha256Digest]) -> Result<(Connection, Opened)> {
        let given = match &self.deferred {
            Some(index) => content_digest_deferred(&self.workshop, index, blob_hashes),
            None => content_digest_with(&self.workshop, blob_hashes),
        };
        match given {
            Some(computed) => self.finish(computed),
            None => {
                let hashes: Vec<Sha256Digest> = self.blobs().map(sha256).collect();
                let computed = match &self.deferred {
                    Some(index) => content_digest_deferred(&self.workshop, index, &hashes),
                    None => content_digest_with(&self.workshop, &hashes),
                };
                // As many digests as blobs, computed from them just now; an index that does not
                // fit the steps would be this library's own mistake, never a pass.
                match computed {
                    Some(computed) => self.finish(computed),
                    None => Err(Error::Sqlite {
                        context: "checking the content digest".into(),
                        message: "the artifacts' index does not fit the steps (a fault of this program)".into(),
                    }),
                }
            }
        }
    }

    fn finish(self, computed: String) -> Result<(Connection, Opened)> {
        let PendingWorkshop { conn, file, workshop, deferred, stored, migrated_from } = self;
        if stored != computed {
            return Err(Error::DigestMismatch { file, stored, computed });
        }
        let runtime = read_runtime(&conn, &file).map_err(|e| unreadable(&file, e))?;
        let opened = OpenedWorkshop { file, workshop, runtime, digest: computed, migrated_from, deferred };
        Ok((conn, Opened::Workshop(Box::new(opened))))
    }
}
