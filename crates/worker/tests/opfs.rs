//! The worker's runtime against REAL OPFS (the `sahpool` VFS) and SQLite, in a dedicated worker
//! of headless Chromium: import, list, open, reopen after closing the pool, byte-identical
//! export, removal, refusals (damaged, not SQLite, too new, storage full, network), duplicates
//! and progress carried across versions, the memory fallback and the storage lock.
//!
//! Run by `scripts/test.sh`, or by hand:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
//! WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/webdriver.json
//! cargo test -p stepwise-worker --target wasm32-unknown-unknown --test opfs`
//!
//! Each test gets its own pool (its own OPFS directory, cleared when installed), so tests do not
//! see each other's files.
#![cfg(target_arch = "wasm32")]

use stepwise_artifact::rusqlite::{Connection, OpenFlags};
use stepwise_artifact::{Runtime, Workshop};
use stepwise_protocol::{
    DuplicateChoice, Entry, EntryKind, ErrorKind, Imported, OpenedView, Resolved, StepState, Storage, Stored,
    WorkerError,
};
use stepwise_worker::Library;
use stepwise_worker::backend::PoolConfig;
use stepwise_worker::catalog::CATALOG;
use stepwise_worker::errors::Fault;
use stepwise_worker::lock::{LockOutcome, acquire_forever};
use stepwise_worker::source::{BlobSource, ByteSource, BytesSource, StreamSource};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const TINY: &[u8] = include_bytes!("../../artifact/tests/fixtures/v2-tiny.db");
const V0: &[u8] = include_bytes!("../../artifact/tests/fixtures/v0-intro.db");

fn config(name: &str) -> PoolConfig {
    PoolConfig { vfs_name: format!("test-{name}"), directory: format!(".test-{name}"), clear_on_init: true }
}

async fn library(name: &str) -> Library {
    Library::open(&config(name)).await.expect("the library opens on OPFS")
}

/// Imports `bytes` as `file`, in 16 KiB chunks; checks the progress events on the way.
async fn import(lib: &mut Library, file: &str, bytes: &[u8]) -> Result<Stored, WorkerError> {
    import_from(lib, file, BytesSource::new(bytes.to_vec(), 16 << 10)).await
}

async fn import_from<S: ByteSource>(lib: &mut Library, file: &str, source: S) -> Result<Stored, WorkerError> {
    let total = source.total();
    let mut events: Vec<(String, u64, Option<u64>)> = Vec::new();
    let result = lib.import(file, source, &mut |stage, done, total| events.push((stage.into(), done, total))).await;
    if result.is_ok() {
        let copied: Vec<_> = events.iter().filter(|(s, ..)| s != "Checking").collect();
        assert!(copied.windows(2).all(|w| w[0].1 <= w[1].1), "progress only grows: {events:?}");
        if let Some(total) = total {
            assert_eq!(copied.last().map(|e| e.1), Some(total), "progress ends at the total: {events:?}");
        }
        assert!(events.iter().any(|(s, ..)| s == "Checking"), "{events:?}");
    }
    result
}

/// What an import or a duplicate's answer stored.
trait Answered: std::fmt::Debug {
    fn imported(self) -> Option<Imported>;
}

impl Answered for Stored {
    fn imported(self) -> Option<Imported> {
        if let Stored::Imported(i) = self { Some(i) } else { None }
    }
}

impl Answered for Resolved {
    fn imported(self) -> Option<Imported> {
        if let Resolved::Imported(i) = self { Some(i) } else { None }
    }
}

fn imported<T: Answered>(result: Result<T, WorkerError>) -> Entry {
    match result {
        Ok(outcome) => {
            let text = format!("{outcome:?}");
            outcome.imported().unwrap_or_else(|| panic!("expected Imported, got {text}")).entry
        }
        Err(e) => panic!("expected Imported, got {e:?}"),
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, WorkerError>) -> WorkerError {
    match result {
        Err(e) => e,
        Ok(other) => panic!("expected a refusal, got {other:?}"),
    }
}

/// The storage holds the catalog and exactly `n` databases, and no journal.
fn assert_files(lib: &Library, n: usize) {
    let mut names = lib.backend().names().expect("names");
    names.sort();
    assert!(names.iter().any(|f| f == CATALOG), "{names:?}");
    assert_eq!(names.len(), n + 1, "catalog + {n} databases: {names:?}");
    assert!(names.iter().all(|f| !f.ends_with("-journal")), "no journal left: {names:?}");
}

fn export(lib: &Library, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last = 0;
    lib.export(
        id,
        &mut |chunk| {
            out.extend_from_slice(chunk);
            Ok(())
        },
        &mut |_, done, _| last = done,
    )
    .expect("export");
    assert_eq!(last, out.len() as u64);
    out
}

/// A database built in memory (SQLite's memory VFS), returned as file bytes.
fn memory_file(name: &str, fill: impl FnOnce(&mut Connection)) -> Vec<u8> {
    use sqlite_wasm_rs::vfs::VfsFilesManager;
    use sqlite_wasm_rs::vfs::transfer::DbTransfer;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let mut conn = Connection::open_with_flags_and_vfs(name, flags, "memvfs").expect("memory db");
    fill(&mut conn);
    conn.close().expect("close");
    // SAFETY: one thread; the memory VFS is registered by sqlite-wasm-rs.
    let util = unsafe { sqlite_wasm_rs::vfs::memvfs::MemVfsUtil::get() }.expect("memvfs");
    let bytes = util.export_db(name).expect("export");
    util.remove(name).expect("remove");
    bytes
}

/// Version 2.0.0 of the tiny workshop, without its step "second", with no progress.
fn tiny_v2() -> Vec<u8> {
    use sqlite_wasm_rs::vfs::VfsFilesManager;
    use sqlite_wasm_rs::vfs::transfer::DbTransfer;
    // SAFETY: one thread; the memory VFS is registered by sqlite-wasm-rs.
    let util = unsafe { sqlite_wasm_rs::vfs::memvfs::MemVfsUtil::get() }.expect("memvfs");
    util.import_db("tiny-src.db", TINY).expect("import");
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE;
    let conn = Connection::open_with_flags_and_vfs("tiny-src.db", flags, "memvfs").expect("open");
    let mut w: Workshop = stepwise_artifact::read_workshop(&conn, "tiny").expect("read");
    conn.close().expect("close");
    util.remove("tiny-src.db").expect("remove");
    w.meta.version = "2.0.0".into();
    w.steps.retain(|s| s.slug != "second");
    memory_file("tiny-v2.db", |conn| {
        stepwise_artifact::write_new(conn, &w, &Runtime::default()).expect("build v2");
    })
}

#[wasm_bindgen_test]
async fn imports_lists_opens_and_reopens_after_the_pool_is_closed() {
    let mut lib = library("reopen").await;
    assert_eq!(lib.storage(), &Storage::Opfs);
    let entry = imported(import(&mut lib, "tiny.db", TINY).await);
    assert_eq!(entry.kind, EntryKind::Workshop);
    assert_eq!(entry.title, "A tiny workshop that uses every feature");
    assert_eq!(entry.slug.as_deref(), Some("tiny"));
    assert_eq!(entry.version.as_deref(), Some("1.0.0"));
    assert_eq!((entry.steps, entry.done), (2, 1));
    assert_eq!(entry.bytes, TINY.len() as u64);
    assert_eq!(entry.file_name, "tiny.db");
    assert_eq!(entry.last_opened, None);
    assert_eq!(lib.list().unwrap(), vec![entry.clone()]);
    assert_files(&lib, 1);

    let opened = lib.open_entry(&entry.id).await.expect("opens");
    let (opened, view) = (opened.entry, opened.view);
    assert!(opened.last_opened.is_some());
    assert_eq!(view, OpenedView::Workshop);

    lib.close().expect("closes");
    let again = PoolConfig { clear_on_init: false, ..config("reopen") };
    let mut lib = Library::open(&again).await.expect("reopens");
    let listed = lib.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, entry.id);
    assert_eq!(listed[0].last_opened, opened.last_opened);
    assert!(lib.open_entry(&entry.id).await.is_ok());
    assert_eq!(export(&lib, &entry.id), TINY, "the stored bytes survive the reopen");
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn export_is_byte_identical_to_the_import() {
    let mut lib = library("export").await;
    let entry = imported(import(&mut lib, "tiny.db", TINY).await);
    lib.open_entry(&entry.id).await.unwrap();
    assert_eq!(export(&lib, &entry.id), TINY);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn remove_deletes_the_entry_and_its_file() {
    let mut lib = library("remove").await;
    let a = imported(import(&mut lib, "a.db", TINY).await);
    let plain =
        memory_file("plain-rm.db", |c| c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap());
    let b = imported(import(&mut lib, "b.db", &plain).await);
    assert_files(&lib, 2);
    lib.remove(&a.id).expect("removes");
    assert_eq!(lib.list().unwrap(), vec![b.clone()]);
    assert_files(&lib, 1);
    assert_eq!(refused(lib.open_entry(&a.id).await).kind, ErrorKind::NotFound);
    assert_eq!(lib.remove(&a.id).unwrap_err().kind, ErrorKind::NotFound);
    lib.remove(&b.id).unwrap();
    assert_files(&lib, 0);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn damaged_and_foreign_files_are_refused_and_leave_nothing() {
    let mut lib = library("damaged").await;
    let keep = imported(import(&mut lib, "keep.db", TINY).await);

    let e = refused(import(&mut lib, "cut.db", &TINY[..TINY.len() / 2]).await);
    assert_eq!(e.kind, ErrorKind::Damaged, "{e:?}");
    assert!(e.message.starts_with("cut.db is damaged: it is cut short (59.4 KB of the 119 KB"), "{}", e.message);

    let e = refused(import(&mut lib, "notes.db", b"just some notes\n").await);
    assert_eq!(e.kind, ErrorKind::NotSqlite);
    assert_eq!(e.message, "notes.db is not an SQLite database: it is a text file.");

    let e = refused(import(&mut lib, "sql-joins.db", b"PK\x03\x04 and the rest of a zip").await);
    assert_eq!(e.kind, ErrorKind::NotSqlite);
    assert!(e.message.starts_with("sql-joins.db is not an SQLite database: it is a zip archive"), "{}", e.message);

    let mut noise = vec![0u8; 64 << 10];
    let mut x: u32 = 0x9e37_79b9;
    for b in &mut noise {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let e = refused(import(&mut lib, "noise.db", &noise).await);
    assert_eq!(e.kind, ErrorKind::NotSqlite, "{e:?}");

    let e = refused(import(&mut lib, "empty.db", b"").await);
    assert_eq!(e.kind, ErrorKind::NotSqlite);

    // A valid header with scrambled pages: SQLite's own check finds it.
    let mut scrambled = TINY.to_vec();
    for (i, b) in scrambled[4096..].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31) ^ 0x5a;
    }
    let e = refused(import(&mut lib, "scrambled.db", &scrambled).await);
    assert!(matches!(e.kind, ErrorKind::Damaged | ErrorKind::NotSqlite), "{e:?}");
    assert!(e.message.starts_with("scrambled.db "), "{}", e.message);

    // A changed definition: the content digest no longer matches.
    let tampered = {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        use sqlite_wasm_rs::vfs::VfsFilesManager;
        use sqlite_wasm_rs::vfs::transfer::DbTransfer;
        let util = unsafe { sqlite_wasm_rs::vfs::memvfs::MemVfsUtil::get() }.unwrap();
        util.import_db("tamper.db", TINY).unwrap();
        let conn = Connection::open_with_flags_and_vfs("tamper.db", flags, "memvfs").unwrap();
        conn.execute("UPDATE step SET title = 'Changed' WHERE slug = 'first'", []).unwrap();
        conn.close().unwrap();
        let bytes = util.export_db("tamper.db").unwrap();
        util.remove("tamper.db").unwrap();
        bytes
    };
    let e = refused(import(&mut lib, "tampered.db", &tampered).await);
    assert_eq!(e.kind, ErrorKind::Damaged);
    assert!(e.message.contains("fingerprint"), "{}", e.message);

    assert_eq!(lib.list().unwrap(), vec![keep.clone()], "what was stored is untouched");
    assert_files(&lib, 1);
    assert_eq!(export(&lib, &keep.id), TINY);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn a_workshop_from_a_newer_stepwise_is_refused() {
    let mut lib = library("too-new").await;
    let mut newer = TINY.to_vec();
    newer[60..64].copy_from_slice(&99u32.to_be_bytes());
    let e = refused(import(&mut lib, "future.db", &newer).await);
    assert_eq!(e.kind, ErrorKind::TooNew);
    assert!(e.message.starts_with("future.db was made by a newer version of Stepwise"), "{}", e.message);
    assert!(e.message.ends_with("update the app (reload) to open it."), "{}", e.message);
    assert_files(&lib, 0);
    assert!(lib.list().unwrap().is_empty());
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn an_older_workshop_is_migrated_in_storage() {
    let mut lib = library("older").await;
    let entry = imported(import(&mut lib, "intro.db", V0).await);
    assert_eq!(entry.kind, EntryKind::Workshop);
    let view = lib.open_entry(&entry.id).await.expect("the migrated workshop opens").view;
    assert!(matches!(view, OpenedView::Workshop));
    let stored = export(&lib, &entry.id);
    assert_ne!(stored, V0, "migrated in place");
    assert_eq!(i32::from_be_bytes([stored[60], stored[61], stored[62], stored[63]]), 2, "user_version 2");
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn plain_and_foreign_sqlite_files_are_playgrounds() {
    let mut lib = library("playground").await;
    let plain = memory_file("plain.db", |c| {
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3); CREATE VIEW v AS SELECT * FROM t;")
            .unwrap()
    });
    let entry = imported(import(&mut lib, "shop.sqlite", &plain).await);
    assert_eq!(entry.kind, EntryKind::Playground);
    assert_eq!((entry.title.as_str(), entry.slug.as_deref(), entry.steps), ("shop.sqlite", None, 2));
    let view = lib.open_entry(&entry.id).await.unwrap().view;
    assert_eq!(view, OpenedView::Playground { tables: vec![("t".into(), Some(3)), ("v".into(), None)] });

    let foreign = memory_file("foreign.db", |c| {
        c.execute_batch("PRAGMA application_id = 1196444487; CREATE TABLE gpkg_contents (table_name TEXT);").unwrap()
    });
    let entry = imported(import(&mut lib, "map.gpkg", &foreign).await);
    assert_eq!(entry.kind, EntryKind::Playground);
    let view = lib.open_entry(&entry.id).await.unwrap().view;
    assert_eq!(view, OpenedView::Playground { tables: vec![("gpkg_contents".into(), Some(0))] });
    assert_eq!(export(&lib, &entry.id), foreign);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn a_newer_version_replaces_the_old_one_keeping_progress() {
    let mut lib = library("carry").await;
    let old = imported(import(&mut lib, "tiny.db", TINY).await);
    let v2 = tiny_v2();
    let (pending, existing, incoming) = match import(&mut lib, "tiny-2.db", &v2).await {
        Ok(Stored::Duplicate(d)) => (d.pending, d.existing, d.incoming),
        other => panic!("expected Duplicate, got {other:?}"),
    };
    assert_eq!(existing, old);
    assert_eq!(incoming.version.as_deref(), Some("2.0.0"));
    assert_eq!((incoming.steps, incoming.done), (1, 0));
    assert_eq!(lib.list().unwrap(), vec![old.clone()], "nothing changes before the answer");
    assert_files(&lib, 2);

    let (entry, carried) = match lib.resolve(&pending, DuplicateChoice::ReplaceKeepProgress).await {
        Ok(Resolved::Imported(Imported { entry, carried })) => (entry, carried),
        other => panic!("expected Imported, got {other:?}"),
    };
    assert_eq!(carried, Some((1, 1)), "first kept, second dropped");
    assert_eq!((entry.version.as_deref(), entry.steps, entry.done), (Some("2.0.0"), 1, 1));
    assert_eq!(lib.list().unwrap(), vec![entry.clone()]);
    assert_files(&lib, 1);
    assert_eq!(lib.open_entry(&entry.id).await.unwrap().view, OpenedView::Workshop);
    let toc: Vec<_> = lib.play(&entry.id, None).unwrap().steps.into_iter().map(|s| (s.slug, s.state)).collect();
    assert_eq!(toc, [("first".to_owned(), StepState::Done)]);
    assert_eq!(lib.resolve(&pending, DuplicateChoice::KeepBoth).await.unwrap_err().kind, ErrorKind::NotFound);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn duplicates_can_be_kept_both_replaced_from_scratch_or_cancelled() {
    let mut lib = library("duplicates").await;
    let first = imported(import(&mut lib, "tiny.db", TINY).await);
    let pending = |r: Result<Stored, WorkerError>| match r {
        Ok(Stored::Duplicate(d)) => d.pending,
        other => panic!("expected Duplicate, got {other:?}"),
    };

    let token = pending(import(&mut lib, "tiny (1).db", TINY).await);
    let second = imported(lib.resolve(&token, DuplicateChoice::KeepBoth).await);
    assert_ne!(second.id, first.id);
    assert_eq!(lib.list().unwrap().len(), 2);
    assert_files(&lib, 2);

    let token = pending(import(&mut lib, "tiny (2).db", TINY).await);
    assert_files(&lib, 3);
    assert_eq!(lib.resolve(&token, DuplicateChoice::Cancel).await.unwrap(), Resolved::Cancelled);
    assert_files(&lib, 2);
    assert_eq!(lib.list().unwrap().len(), 2);

    let v2 = tiny_v2();
    let token = pending(import(&mut lib, "tiny-v2.db", &v2).await);
    let replaced = match lib.resolve(&token, DuplicateChoice::ReplaceDiscardProgress).await.unwrap() {
        Resolved::Imported(Imported { entry, carried: None }) => entry,
        other => panic!("{other:?}"),
    };
    assert_eq!((replaced.version.as_deref(), replaced.done), (Some("2.0.0"), 0));
    let listed = lib.list().unwrap();
    assert_eq!(listed.len(), 2, "one of the two copies was replaced: {listed:?}");
    assert!(listed.iter().any(|e| e.id == replaced.id));
    assert_files(&lib, 2);
    assert_eq!(export(&lib, &replaced.id), v2, "replaced from scratch: the new file as it came");
    lib.close().unwrap();
}

/// A source that promises more bytes than any browser's quota holds (a server may announce any
/// Content-Length): the import is refused before anything is written.
struct Huge(BytesSource);

impl ByteSource for Huge {
    fn total(&self) -> Option<u64> {
        Some(1 << 52)
    }
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError> {
        self.0.next_chunk().await
    }
}

/// A source whose connection drops after a few chunks.
struct Drops(BytesSource, usize);

impl ByteSource for Drops {
    fn total(&self) -> Option<u64> {
        self.0.total()
    }
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError> {
        if self.1 == 0 {
            return Err(WorkerError::new(ErrorKind::Network, "the network went away"));
        }
        self.1 -= 1;
        self.0.next_chunk().await
    }
}

#[wasm_bindgen_test]
async fn storage_full_and_interrupted_imports_leave_nothing() {
    let mut lib = library("full").await;
    let keep = imported(import(&mut lib, "keep.db", TINY).await);

    let e = refused(import_from(&mut lib, "big.db", Huge(BytesSource::new(TINY.to_vec(), 16 << 10))).await);
    assert_eq!(e.kind, ErrorKind::StorageFull, "{e:?}");
    assert!(e.message.contains("not enough room") && e.message.contains("big.db"), "{}", e.message);
    assert_files(&lib, 1);

    let e = refused(import_from(&mut lib, "cut.db", Drops(BytesSource::new(TINY.to_vec(), 16 << 10), 3)).await);
    assert_eq!(e.kind, ErrorKind::Network);
    assert_files(&lib, 1);

    // SQLite's own "database or disk is full" reads as storage full too.
    let full = stepwise_artifact::Error::Sqlite { context: "x".into(), message: "database or disk is full".into() };
    let error = WorkerError::from(Fault::Format { file: "a.db".into(), error: full });
    assert_eq!(error.kind, ErrorKind::StorageFull);

    assert_eq!(lib.list().unwrap(), vec![keep.clone()]);
    assert_eq!(export(&lib, &keep.id), TINY);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn imports_from_a_blob_and_from_a_fetched_url() {
    let mut lib = library("sources").await;
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(TINY));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&array).unwrap();

    let source = BlobSource::new(blob.clone(), "picked.db").unwrap();
    let picked = imported(import_from(&mut lib, "picked.db", source).await);
    assert_eq!(export(&lib, &picked.id), TINY);

    let url = web_sys::Url::create_object_url_with_blob(&blob).unwrap();
    let source = StreamSource::fetch(&url, "fetched.db").await.expect("a blob: URL fetches");
    assert_eq!(source.total(), Some(TINY.len() as u64));
    match import_from(&mut lib, "fetched.db", source).await {
        Ok(Stored::Duplicate(d)) => {
            let pending = d.pending;
            let fetched = imported(lib.resolve(&pending, DuplicateChoice::KeepBoth).await);
            assert_eq!(export(&lib, &fetched.id), TINY);
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
    web_sys::Url::revoke_object_url(&url).unwrap();

    let missing = format!("{}/no-such-file.db", origin());
    let e = StreamSource::fetch(&missing, "no-such-file.db").await.err().expect("404 refused");
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("404"), "{}", e.message);

    // Nothing listens on port 9 (discard): the browser's TypeError, explained.
    let e = StreamSource::fetch("http://127.0.0.1:9/x.db", "x.db").await.err().expect("unreachable");
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("CORS") && e.message.contains("network"), "{}", e.message);
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn imports_a_gzip_file_or_download_unpacked_and_refuses_a_broken_one() {
    use std::io::Write as _;
    let mut lib = library("gzip").await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(TINY).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < TINY.len() / 4, "the test's file is compressed: {} bytes", gz.len());
    let blob_of = |bytes: &[u8]| {
        let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        web_sys::Blob::new_with_u8_array_sequence(&array).unwrap()
    };

    let packed = blob_of(&gz);
    let source = StreamSource::gunzip_blob(&packed, "picked.db.gz").unwrap();
    assert_eq!(source.total(), None, "the unpacked size is not known before the end");
    let picked = imported(import_from(&mut lib, "picked.db", source).await);
    assert_eq!(export(&lib, &picked.id), TINY);

    // A download whose name ends in .gz, served as it is (no Content-Encoding).
    let url = web_sys::Url::create_object_url_with_blob(&packed).unwrap();
    let source = StreamSource::fetch(&url, "fetched.db.gz").await.expect("a blob: URL fetches");
    match import_from(&mut lib, "fetched.db", source).await {
        Ok(Stored::Duplicate(d)) => {
            let fetched = imported(lib.resolve(&d.pending, DuplicateChoice::KeepBoth).await);
            assert_eq!(export(&lib, &fetched.id), TINY);
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
    web_sys::Url::revoke_object_url(&url).unwrap();
    let before = lib.list().unwrap();

    // Not gzip at all, and gzip cut short: refused, naming the file; the library as it was.
    for (bytes, name) in [(TINY, "plain.db.gz"), (&gz[..gz.len() / 2], "cut.db.gz")] {
        let source = StreamSource::gunzip_blob(&blob_of(bytes), name).unwrap();
        let e = import_from(&mut lib, "x.db", source).await.err().expect("refused");
        assert_eq!(e.kind, ErrorKind::Damaged, "{e:?}");
        assert!(e.message.starts_with(&format!("{name} is not a whole gzip file")), "{}", e.message);
        assert_eq!(lib.list().unwrap(), before);
    }
    lib.close().unwrap();
}

fn origin() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|l| js_sys::Reflect::get(&l, &"origin".into()))
        .ok()
        .and_then(|o| o.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_memory_fallback_works_the_same_way() {
    let mut lib = Library::open_in_memory("testing").await.expect("memory library");
    assert_eq!(lib.storage(), &Storage::Memory { reason: "testing".into() });
    let entry = imported(import(&mut lib, "tiny.db", TINY).await);
    assert_eq!(export(&lib, &entry.id), TINY);
    assert!(lib.open_entry(&entry.id).await.is_ok());
    lib.remove(&entry.id).unwrap();
    assert!(lib.list().unwrap().is_empty());
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn a_second_owner_of_the_storage_lock_is_told() {
    assert_eq!(acquire_forever("stepwise-test-lock", false).await, LockOutcome::Held);
    assert_eq!(acquire_forever("stepwise-test-lock", false).await, LockOutcome::Taken);
}

/// Figures for the report, not a check: a 50 MB database imported through the runtime (copy
/// into the pool, then sniff + quick_check + catalog) against a plain OPFS write of the same
/// bytes. Runs only when built with `STEPWISE_MEASURE=1` in the environment; prints to the
/// console (`--nocapture`).
#[wasm_bindgen_test]
async fn measure_a_50_mb_import() {
    if option_env!("STEPWISE_MEASURE").is_none() {
        return;
    }
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let now = || js_sys::Date::now();
    let big = memory_file("big.db", |c| {
        c.execute_batch(
            "CREATE TABLE b (id INTEGER PRIMARY KEY, data BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 800)
             INSERT INTO b (data) SELECT randomblob(65000) FROM n;",
        )
        .unwrap()
    });
    let mb = big.len() as f64 / 1e6;

    // A plain OPFS write of the same bytes, in 4 MiB chunks, through a sync access handle.
    let scope: web_sys::WorkerGlobalScope = js_sys::global().dyn_into().unwrap();
    let root: web_sys::FileSystemDirectoryHandle =
        JsFuture::from(scope.navigator().storage().get_directory()).await.unwrap().into();
    let options = web_sys::FileSystemGetFileOptions::new();
    options.set_create(true);
    let t0 = now();
    let handle: web_sys::FileSystemFileHandle =
        JsFuture::from(root.get_file_handle_with_options("bench.bin", &options)).await.unwrap().into();
    let access: web_sys::FileSystemSyncAccessHandle =
        JsFuture::from(handle.create_sync_access_handle()).await.unwrap().into();
    let mut at = 0usize;
    for chunk in big.chunks(4 << 20) {
        let o = web_sys::FileSystemReadWriteOptions::new();
        o.set_at(at as f64);
        access.write_with_u8_array_and_options(chunk, &o).unwrap();
        at += chunk.len();
    }
    access.flush().unwrap();
    access.close();
    let plain = now() - t0;
    JsFuture::from(root.remove_entry("bench.bin")).await.unwrap();

    let mut lib = library("measure").await;
    let t0 = now();
    let mut copied_at = 0.0;
    let result = lib
        .import("big.db", BytesSource::new(big.clone(), 4 << 20), &mut |stage, _, _| {
            if stage == "Checking" && copied_at == 0.0 {
                copied_at = now();
            }
        })
        .await;
    let total = now() - t0;
    let entry = imported(result);
    let t1 = now();
    let out = export(&lib, &entry.id);
    let exported = now() - t1;
    assert_eq!(out.len(), big.len());
    web_sys::console::log_1(
        &format!(
            "MEASURE {mb:.1} MB: plain OPFS write {plain:.0} ms; import {total:.0} ms \
             (copy {:.0} ms + checks {:.0} ms); export {exported:.0} ms",
            copied_at - t0,
            total - (copied_at - t0)
        )
        .into(),
    );
    lib.close().unwrap();
}

/// The player: every check, progress change, cursor move and workspace change is in
/// the stored file's runtime tables at once, and the definition's digest never changes.
#[wasm_bindgen_test]
async fn playing_writes_runtime_tables_only() {
    let mut lib = library("player").await;
    let entry = imported(import(&mut lib, "tiny.db", TINY).await);
    let view = lib.play(&entry.id, None).expect("plays");
    assert_eq!(view.steps[view.index].slug, "second", "resumes at the cursor");
    assert_eq!(view.steps.iter().map(|s| s.state).collect::<Vec<_>>(), [StepState::Done, StepState::Open]);
    assert_eq!(
        view.checks.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
        ["answer", "choice", "manual", "external"]
    );

    let view = lib.check(&entry.id, "second", "shape", Some("abc")).expect("checks");
    let failed = view.checks[0].result.clone().expect("a result");
    assert!(!failed.passed && !failed.message.is_empty(), "{failed:?}");
    lib.check(&entry.id, "second", "shape", Some("42")).unwrap();
    let view = lib.check(&entry.id, "second", "joins", Some("inner,left")).unwrap();
    let wrong = view.checks[1].result.clone().expect("a result");
    assert_eq!(
        (wrong.passed, wrong.message.as_str()),
        (false, "An inner join keeps only rows that match. Something is missing too.")
    );
    lib.check(&entry.id, "second", "joins", Some("left,full")).unwrap();
    lib.check(&entry.id, "second", "done", Some("yes")).unwrap();
    let view = lib.check(&entry.id, "second", "cluster", Some("yes")).unwrap();
    assert_eq!(view.steps[1].state, StepState::Done);
    assert_eq!(view.snapshots.last().map(|s| s.label.as_str()), Some("Finished Second step"));

    let ran = lib.run_sql(&entry.id, "CREATE TABLE notes (text TEXT)", None).unwrap().expect("runs");
    assert!(ran.changed);
    assert_eq!(lib.run_sql(&entry.id, "SELECT * FROM nope", None).unwrap(), Err("no such table: nope".into()));
    // The playground on the workspace: a heavy but honest query runs past the checks' budget
    // under a time limit, and a runaway one stops at the limit.
    let heavy = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) \
                 SELECT count(*) AS n FROM c";
    assert!(lib.run_sql(&entry.id, heavy, None).unwrap().unwrap_err().contains("more than 50 million steps"));
    let ran = lib.run_sql(&entry.id, heavy, Some(30)).unwrap().expect("runs in time");
    assert_eq!(ran.rows, vec![vec![Some("5000000".to_owned())]]);
    let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    let stopped = lib.run_sql(&entry.id, runaway, Some(1)).unwrap().unwrap_err();
    assert!(stopped.starts_with("Stopped after 1 seconds"), "{stopped}");
    lib.play(&entry.id, Some("first")).unwrap();

    // Closed and reopened: everything is in the file.
    lib.close().unwrap();
    let mut lib = Library::open(&PoolConfig { clear_on_init: false, ..config("player") }).await.unwrap();
    let bytes = export(&lib, &entry.id);
    let mut conn = Connection::open_in_memory().unwrap();
    conn.deserialize_read_exact(stepwise_artifact::rusqlite::MAIN_DB, &bytes[..], bytes.len(), true).unwrap();
    let (conn, opened) = stepwise_artifact::open_checked(conn, "tiny.db", "2026-01-01T00:00:00Z").unwrap();
    assert!(matches!(opened, stepwise_artifact::Opened::Workshop(_)), "the digest still matches");
    let runtime = stepwise_artifact::read_runtime(&conn, "tiny.db").unwrap();
    assert_eq!(runtime.current_step.as_deref(), Some("first"));
    let second = runtime.progress.iter().find(|p| p.step == "second").expect("progress of second");
    assert!(second.completed_at.is_some() && !second.verified, "{second:?}");
    let shape = runtime.checks.iter().find(|c| c.validation == "shape").unwrap();
    assert_eq!((shape.passed, shape.input.as_deref()), (true, Some("42")));
    let workspace = stepwise_artifact::play::open_workspace(runtime.workspace.as_deref()).unwrap();
    workspace.query_row("SELECT count(*) FROM notes", [], |r| r.get::<_, i64>(0)).expect("the learner's table");
    assert_eq!(lib.list().unwrap()[0].done, 2);
    // The player resumes from the file.
    let view = lib.play(&entry.id, None).unwrap();
    assert_eq!(view.steps[view.index].slug, "first");
    assert!(view.workspace_tables.iter().any(|t| t.name == "notes"));
    lib.close().unwrap();
}

/// A catalog written before entries remembered their address gains the column; its entries
/// read as coming from nowhere, and new ones keep their address.
#[wasm_bindgen_test]
fn a_version_1_catalog_gains_the_source_column() {
    use stepwise_worker::catalog;
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE entry (
           id TEXT PRIMARY KEY,
           kind TEXT NOT NULL CHECK (kind IN ('workshop', 'playground')),
           title TEXT NOT NULL,
           slug TEXT CHECK ((kind = 'workshop') = (slug IS NOT NULL)),
           version TEXT,
           steps INTEGER NOT NULL CHECK (steps >= 0),
           done INTEGER NOT NULL CHECK (done >= 0),
           bytes INTEGER NOT NULL CHECK (bytes >= 0),
           file_name TEXT NOT NULL,
           added_at TEXT NOT NULL,
           last_opened TEXT
         ) STRICT;
         INSERT INTO entry VALUES ('dold', 'playground', 'old.db', NULL, NULL, 1, 0, 4096, 'old.db', '2026-01-01T00:00:00Z', NULL);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    catalog::prepare(&conn).unwrap();
    let old = catalog::get(&conn, "dold").unwrap().unwrap();
    assert_eq!(old.source, None);
    let new = Entry { id: "dnew".into(), source: Some("https://example.org/chinook.db".into()), ..old };
    catalog::insert(&conn, &new).unwrap();
    assert_eq!(catalog::get(&conn, "dnew").unwrap().unwrap().source.as_deref(), Some("https://example.org/chinook.db"));
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    catalog::prepare(&conn).unwrap();
}

/// The open right after an import uses what the import loaded and checked, and shows the same
/// as an open that loads and checks the file again; a definition changed in the playground's
/// write mode in between is checked again, and found changed.
#[wasm_bindgen_test]
async fn the_open_after_an_import_trusts_its_check_until_the_playground_writes() {
    let mut lib = library("trusted").await;
    let entry = imported(import(&mut lib, "tiny.db", TINY).await);
    let first = lib.open_entry(&entry.id).await.expect("opens from what the import checked");
    let again = lib.open_entry(&entry.id).await.expect("opens, loaded and checked again");
    assert_eq!(first.view, again.view);

    let other = imported(import(&mut lib, "tiny-copy.db", V0).await);
    lib.query(&other.id, "UPDATE step SET title = 'Changed in write mode'", true).expect("write mode");
    let e = lib.open_entry(&other.id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Damaged, "{e:?}");
}
