//! Where database files live: the OPFS `sahpool` VFS, or SQLite's in-memory VFS when OPFS
//! cannot be used. Both are reached through the same operations (names, remove, streamed
//! import and export), and SQLite connections name the VFS explicitly.

use sqlite_wasm_rs::WasmOsCallback;
use sqlite_wasm_rs::vfs::memvfs::{self, MemVfsUtil};
use sqlite_wasm_rs::vfs::transfer::{DbTransfer, ExportSource, ImportTarget};
use sqlite_wasm_rs::vfs::{VfsErrorCode, VfsFilesManager};
use sqlite_wasm_vfs::sahpool::{self, OpfsSAHError, OpfsSAHPoolCfgBuilder, OpfsSAHPoolUtil};
use stepwise_artifact::rusqlite::{Connection, OpenFlags};
use wasm_bindgen::JsValue;

/// SQLite's name of the in-memory VFS that sqlite-wasm-rs registers.
pub const MEMORY_VFS: &str = "memvfs";

/// A failure of the storage layer, already sorted into "the storage is full" or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// The browser refused to store more (`QuotaExceededError`, `SQLITE_FULL`).
    pub full: bool,
    /// Another tab's worker holds the files (`NoModificationAllowedError`).
    pub other_tab: bool,
    /// What the storage layer said, for the log and the `Internal` message.
    pub detail: String,
}

impl StoreError {
    pub(crate) fn other(detail: impl Into<String>) -> Self {
        StoreError { full: false, other_tab: false, detail: detail.into() }
    }
}

/// The name of a JS exception (`QuotaExceededError`…), if it has one.
pub fn js_error_name(value: &JsValue) -> Option<String> {
    js_sys::Reflect::get(value, &"name".into()).ok().and_then(|n| n.as_string())
}

fn from_sah(e: &OpfsSAHError) -> StoreError {
    let (full, other_tab) = match e {
        OpfsSAHError::Opfs { value, .. } => {
            let name = js_error_name(value);
            (name.as_deref() == Some("QuotaExceededError"), name.as_deref() == Some("NoModificationAllowedError"))
        }
        OpfsSAHError::Backend(v) => (v.code() == VfsErrorCode::Full, false),
        // A sync access handle that writes fewer bytes than asked could not grow the file.
        OpfsSAHError::ShortIo { operation, .. } => (operation.contains("write"), false),
        OpfsSAHError::Cleanup { error, .. } => {
            let inner = from_sah(error);
            (inner.full, inner.other_tab)
        }
        _ => (false, false),
    };
    StoreError { full, other_tab, detail: e.to_string() }
}

fn from_mem(e: &memvfs::MemVfsError) -> StoreError {
    // The memory VFS fails to grow only when wasm memory runs out: the storage is full.
    let full = matches!(e, memvfs::MemVfsError::Io(_));
    StoreError { full, other_tab: false, detail: e.to_string() }
}

/// How the worker's pool is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolConfig {
    /// SQLite's name for the VFS.
    pub vfs_name: String,
    /// The OPFS directory of the pool.
    pub directory: String,
    /// Discard every file of the pool when installing (tests only).
    pub clear_on_init: bool,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig { vfs_name: "stepwise-opfs".into(), directory: ".stepwise".into(), clear_on_init: false }
    }
}

/// The files' home.
pub enum Backend {
    /// The OPFS pool.
    Opfs {
        /// The pool's management handle.
        util: OpfsSAHPoolUtil,
        /// Its VFS name.
        vfs: String,
    },
    /// The in-memory VFS.
    Memory(MemVfsUtil),
}

/// Why OPFS could not be installed.
pub enum InstallFailure {
    /// This browser or context has no OPFS sync access handles (fall back to memory).
    Unsupported(String),
    /// Another tab's worker holds the pool.
    OtherTab,
}

impl Backend {
    /// Installs (or resumes) the OPFS pool.
    ///
    /// # Errors
    /// [`InstallFailure`] saying whether to fall back to memory.
    pub async fn install_opfs(config: &PoolConfig) -> Result<Backend, InstallFailure> {
        let cfg = OpfsSAHPoolCfgBuilder::new()
            .vfs_name(&config.vfs_name)
            .directory(&config.directory)
            .clear_on_init(config.clear_on_init)
            .initial_capacity(6)
            .build();
        let util = sahpool::install::<WasmOsCallback>(&cfg, false).await.map_err(|e| classify_install(&e))?;
        if util.is_paused() {
            util.resume().await.map_err(|e| classify_install(&e))?;
        }
        if config.clear_on_init {
            // A reused pool (same worker, same name) is not cleared by install: do it here.
            util.clear().map_err(|e| classify_install(&e))?;
        }
        Ok(Backend::Opfs { util, vfs: config.vfs_name.clone() })
    }

    /// The in-memory VFS (registered by sqlite-wasm-rs itself).
    ///
    /// # Errors
    /// When SQLite refuses to register it (never seen).
    pub fn install_memory() -> Result<Backend, StoreError> {
        // SAFETY: the worker is single-threaded and registers VFSes only from this code.
        let util = unsafe { memvfs::install(WasmOsCallback, false) }.map_err(|e| StoreError::other(e.to_string()))?;
        Ok(Backend::Memory(util))
    }

    /// SQLite's VFS name for connections.
    pub fn vfs_name(&self) -> &str {
        match self {
            Backend::Opfs { vfs, .. } => vfs,
            Backend::Memory(_) => MEMORY_VFS,
        }
    }

    /// Opens (creating if needed) a database of this backend.
    ///
    /// # Errors
    /// SQLite's error.
    pub fn connect(&self, name: &str) -> Result<Connection, stepwise_artifact::rusqlite::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags_and_vfs(name, flags, self.vfs_name())
    }

    /// Opens an existing database (never creates one).
    ///
    /// # Errors
    /// SQLite's error (`SQLITE_CANTOPEN` when it does not exist).
    pub fn connect_existing(&self, name: &str) -> Result<Connection, stepwise_artifact::rusqlite::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags_and_vfs(name, flags, self.vfs_name())
    }

    /// Every file name in the backend.
    ///
    /// # Errors
    /// A paused or broken pool.
    pub fn names(&self) -> Result<Vec<String>, StoreError> {
        match self {
            Backend::Opfs { util, .. } => util.names().map_err(|e| from_sah(&e)),
            Backend::Memory(util) => Ok(util.names().unwrap_or_default()),
        }
    }

    /// Whether `name` exists.
    ///
    /// # Errors
    /// A paused or broken pool.
    pub fn contains(&self, name: &str) -> Result<bool, StoreError> {
        match self {
            Backend::Opfs { util, .. } => util.contains(name).map_err(|e| from_sah(&e)),
            Backend::Memory(util) => Ok(util.contains(name).unwrap_or(false)),
        }
    }

    /// Deletes `name` and its journal and WAL, if present.
    ///
    /// # Errors
    /// The file is open, or the pool failed.
    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        for file in [name.to_owned(), format!("{name}-journal"), format!("{name}-wal")] {
            match self {
                Backend::Opfs { util, .. } => {
                    util.remove(&file).map_err(|e| from_sah(&e))?;
                }
                Backend::Memory(util) => {
                    let _ = util.remove(&file);
                }
            }
        }
        Ok(())
    }

    /// Makes sure `extra` more files (a new database and its journal…) fit in the pool.
    ///
    /// # Errors
    /// OPFS refused to create slot files (storage full).
    pub async fn reserve(&self, extra: usize) -> Result<(), StoreError> {
        if let Backend::Opfs { util, .. } = self {
            let used = util.names().map_err(|e| from_sah(&e))?.len();
            util.ensure_capacity(used + extra).await.map_err(|e| from_sah(&e))?;
        }
        Ok(())
    }

    /// How many more files fit in the pool now, without growing it (unbounded in memory).
    pub fn spare(&self) -> usize {
        match self {
            Backend::Opfs { util, .. } => {
                let used = util.names().map_or(usize::MAX, |n| n.len());
                util.capacity().saturating_sub(used)
            }
            Backend::Memory(_) => usize::MAX,
        }
    }

    /// Starts writing a new file `name` (not visible until [`IncomingFile::commit`]).
    ///
    /// # Errors
    /// The name exists, or no slot is free.
    pub fn begin_import(&self, name: &str, size: u64) -> Result<IncomingFile<'_>, StoreError> {
        Ok(match self {
            Backend::Opfs { util, .. } => IncomingFile::Opfs(util.create_import(name, size).map_err(|e| from_sah(&e))?),
            Backend::Memory(util) => IncomingFile::Memory(util.create_import(name, size).map_err(|e| from_mem(&e))?),
        })
    }

    /// Starts reading the stored bytes of `name` (which must be closed).
    ///
    /// # Errors
    /// No such file, the file is open, or the pool failed.
    pub fn begin_export(&self, name: &str) -> Result<OutgoingFile<'_>, StoreError> {
        Ok(match self {
            Backend::Opfs { util, .. } => OutgoingFile::Opfs(util.open_export(name).map_err(|e| from_sah(&e))?),
            Backend::Memory(util) => OutgoingFile::Memory(util.open_export(name).map_err(|e| from_mem(&e))?),
        })
    }

    /// Releases the OPFS handles (the files stay). A later [`Backend::install_opfs`] with the
    /// same configuration resumes the pool.
    ///
    /// # Errors
    /// A database is still open.
    pub fn pause(&self) -> Result<(), StoreError> {
        match self {
            Backend::Opfs { util, .. } => util.pause().map_err(|e| from_sah(&e)),
            Backend::Memory(_) => Ok(()),
        }
    }
}

fn classify_install(e: &OpfsSAHError) -> InstallFailure {
    let store = from_sah(e);
    if store.other_tab {
        return InstallFailure::OtherTab;
    }
    InstallFailure::Unsupported(e.to_string())
}

/// A file being written; dropped without [`IncomingFile::commit`], it leaves nothing behind.
pub enum IncomingFile<'a> {
    /// Into the OPFS pool.
    Opfs(<OpfsSAHPoolUtil as DbTransfer>::Target<'a>),
    /// Into memory.
    Memory(<MemVfsUtil as DbTransfer>::Target<'a>),
}

impl IncomingFile<'_> {
    /// Writes `bytes` at `offset`.
    ///
    /// # Errors
    /// The browser refused the write (storage full…).
    pub fn write_at(&mut self, offset: u64, bytes: &[u8]) -> Result<(), StoreError> {
        match self {
            IncomingFile::Opfs(t) => t.write_at(offset, bytes).map_err(|e| from_sah(&e)),
            IncomingFile::Memory(t) => t.write_at(offset, bytes).map_err(|e| from_mem(&e)),
        }
    }

    /// Publishes the file under its name.
    ///
    /// # Errors
    /// Flushing or naming failed (the slot is reclaimed).
    pub fn commit(self) -> Result<(), StoreError> {
        match self {
            IncomingFile::Opfs(t) => t.commit().map_err(|e| from_sah(&e)),
            IncomingFile::Memory(t) => t.commit().map_err(|e| from_mem(&e)),
        }
    }
}

/// A stored file being read.
pub enum OutgoingFile<'a> {
    /// From the OPFS pool.
    Opfs(<OpfsSAHPoolUtil as DbTransfer>::Source<'a>),
    /// From memory.
    Memory(<MemVfsUtil as DbTransfer>::Source<'a>),
}

impl OutgoingFile<'_> {
    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        match self {
            OutgoingFile::Opfs(s) => s.size(),
            OutgoingFile::Memory(s) => s.size(),
        }
    }

    /// Reads up to `buf.len()` bytes at `offset`; 0 at the end.
    ///
    /// # Errors
    /// The browser failed to read.
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, StoreError> {
        match self {
            OutgoingFile::Opfs(s) => s.read_at(offset, buf).map_err(|e| from_sah(&e)),
            OutgoingFile::Memory(s) => s.read_at(offset, buf).map_err(|e| from_mem(&e)),
        }
    }
}
