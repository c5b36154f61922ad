//! The content digest checked with the browser's own SHA-256 (`crypto.subtle`) for large
//! blobs, on REAL OPFS and SQLite in a dedicated worker of headless Chromium: the browser's
//! digests are those of the blobs, a workshop with large blobs imports and opens in a later
//! session, and one whose large blob was changed is refused and leaves nothing stored.
//!
//! Run by `scripts/test.sh` (worker tests), like `opfs.rs`.
#![cfg(target_arch = "wasm32")]

use stepwise_artifact::rusqlite::{Connection, MAIN_DB};
use stepwise_artifact::{Asset, Opening, Runtime, Workshop, open_pending_deferred, read_workshop, sha256};
use stepwise_protocol::{ErrorKind, Imported, SetupNote, Stored};
use stepwise_worker::Library;
use stepwise_worker::backend::PoolConfig;
use stepwise_worker::source::BytesSource;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const TINY: &[u8] = include_bytes!("../../artifact/tests/fixtures/v2-tiny.db");
const NOW: &str = "2026-01-01T00:00:00Z";

fn config(name: &str) -> PoolConfig {
    PoolConfig { vfs_name: format!("dg-{name}"), directory: format!(".dg-{name}"), clear_on_init: true }
}

/// A connection on a copy of `bytes` in memory.
fn in_memory(bytes: &[u8]) -> Connection {
    let mut conn = Connection::open_in_memory().expect("memory");
    conn.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), false).expect("loads");
    conn
}

/// Bytes that do not repeat (xorshift), so no two blobs are alike.
fn noise(len: usize, mut seed: u32) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        })
        .collect()
}

/// The tiny workshop with two large assets (300 KB and 2 MB) beside its small blobs.
fn with_large_blobs() -> Vec<u8> {
    let mut w: Workshop = read_workshop(&in_memory(TINY), "tiny").expect("read");
    for (path, len, seed) in [("big-1.png", 300 << 10, 7), ("big-2.png", 2 << 20, 11)] {
        w.assets.push(Asset { path: path.into(), media_type: "image/png".into(), data: noise(len, seed) });
    }
    let mut conn = Connection::open_in_memory().expect("memory");
    stepwise_artifact::write_new(&mut conn, &w, &Runtime::default()).expect("build");
    conn.serialize(MAIN_DB).expect("serialise").to_vec()
}

#[wasm_bindgen_test]
async fn the_browser_hashes_the_large_blobs_as_sha2_does() {
    let bytes = with_large_blobs();
    // As the worker opens it: the artifacts left in the file, the assets (here large) hashed.
    let Opening::Workshop(pending) = open_pending_deferred(in_memory(&bytes), "big.db", NOW).expect("opens") else {
        panic!("a workshop");
    };
    let expected: Vec<_> = pending.blobs().map(sha256).collect();
    assert!(pending.blobs().filter(|b| b.len() >= 64 << 10).count() >= 2, "large blobs for the browser");
    let given = stepwise_worker::digest::blob_hashes(&pending).await.expect("this worker has crypto.subtle");
    assert_eq!(given, expected);
    pending.check_with(&given).expect("the digest matches");
}

#[wasm_bindgen_test]
async fn a_workshop_with_large_blobs_imports_and_opens_in_a_later_session() {
    let bytes = with_large_blobs();
    let mut lib = Library::open(&config("later")).await.expect("library");
    let entry = match lib.import("big.db", BytesSource::new(bytes, 1 << 20), &mut |_, _, _| {}).await {
        Ok(Stored::Imported(Imported { entry, .. })) => entry,
        other => panic!("expected Imported, got {other:?}"),
    };
    let first = lib.open_entry(&entry.id).await.expect("opens after the import");
    lib.close().expect("closes");
    let mut again = Library::open(&PoolConfig { clear_on_init: false, ..config("later") }).await.expect("reopens");
    let later = again.open_entry(&entry.id).await.expect("opens, loaded and checked again");
    assert_eq!(first.view, later.view);
    again.close().expect("closes");
}

#[wasm_bindgen_test]
async fn a_changed_large_blob_is_refused_and_nothing_is_stored() {
    let mut conn = in_memory(&with_large_blobs());
    // The blob's bytes change, its key (the SHA-256 it claims) stays.
    conn.execute_batch("UPDATE blob SET data = zeroblob(size) WHERE size = 2097152").expect("edit");
    let bytes = conn.serialize(MAIN_DB).expect("serialise").to_vec();
    let mut lib = Library::open(&config("changed")).await.expect("library");
    let e = lib.import("edited.db", BytesSource::new(bytes, 1 << 20), &mut |_, _, _| {}).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Damaged, "{e:?}");
    assert!(e.message.contains("edited.db"), "{}", e.message);
    assert!(lib.list().expect("lists").is_empty());
    lib.close().expect("closes");
}

/// The tiny workshop with one artifact of `step` changed under its key.
fn with_changed(step: &str, kind: &str) -> Vec<u8> {
    let mut conn = in_memory(TINY);
    conn.execute(
        "UPDATE blob SET data = zeroblob(size) WHERE sha256 = (SELECT sha256 FROM artifact WHERE step = ?1 AND kind = ?2)",
        [step, kind],
    )
    .expect("edit");
    conn.serialize(MAIN_DB).expect("serialise").to_vec()
}

async fn imported(lib: &mut Library, name: &str, bytes: Vec<u8>) -> String {
    match lib.import(name, BytesSource::new(bytes, 1 << 10), &mut |_, _, _| {}).await {
        Ok(Stored::Imported(Imported { entry, .. })) => entry.id,
        other => panic!("expected Imported, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn artifacts_are_read_from_the_stored_file_when_a_step_needs_them() {
    let mut lib = Library::open(&config("deferred")).await.expect("library");
    let entry = match lib.import("tiny.db", BytesSource::new(TINY.to_vec(), 1 << 10), &mut |_, _, _| {}).await {
        Ok(Stored::Imported(Imported { entry, .. })) => entry,
        other => panic!("expected Imported, got {other:?}"),
    };
    let whole: Workshop = read_workshop(&in_memory(TINY), "tiny.db").expect("read");
    let expected = stepwise_artifact::artifacts::view("tiny.db", &whole.steps[0]).expect("view");
    lib.open_entry(&entry.id).await.expect("opens");
    lib.play(&entry.id, Some("first")).expect("plays");
    assert_eq!(lib.artifacts(&entry.id, "first").expect("the artifacts read"), expected);
    lib.close().expect("closes");
    // A later session, its saves' connection not kept yet.
    let mut again = Library::open(&PoolConfig { clear_on_init: false, ..config("deferred") }).await.expect("reopens");
    assert_eq!(again.artifacts(&entry.id, "first").expect("the artifacts read"), expected);
    again.close().expect("closes");
}

#[wasm_bindgen_test]
async fn a_changed_archive_is_refused_when_its_step_needs_it_naming_it() {
    let mut lib = Library::open(&config("archive")).await.expect("library");
    // The definition and every key are intact: the import and the open check those. Step
    // "second" has a file archive and no setup SQL.
    let id = imported(&mut lib, "edited.db", with_changed("second", "files")).await;
    lib.open_entry(&id).await.expect("opens");
    let e = lib.artifacts(&id, "second").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Damaged, "{e:?}");
    let said = "edited.db is damaged: the file archive of step “second” no longer matches the fingerprint";
    assert!(e.message.starts_with(said), "{}", e.message);
    assert_eq!(e.message.lines().count(), 1);
    // The step itself shows, saying why its files are not there; the other step is as it was.
    let view = lib.play(&id, Some("second")).expect("the step shows");
    match &view.setup {
        Some(SetupNote::FilesUnreadable { message }) => assert!(message.starts_with(said), "{message}"),
        other => panic!("expected the archive's failure, got {other:?}"),
    }
    assert!(!view.has_project);
    let first = lib.play(&id, Some("first")).expect("the first step shows");
    assert!(!matches!(first.setup, Some(SetupNote::FilesUnreadable { .. })), "{:?}", first.setup);
    lib.artifacts(&id, "first").expect("the first step's artifacts read");
    // The file itself is as it was stored: the learner can remove it or take a fresh copy.
    assert_eq!(lib.list().expect("lists").len(), 1);
    lib.close().expect("closes");
}

#[wasm_bindgen_test]
async fn a_changed_manifest_bundle_does_not_keep_the_step_or_its_files_from_showing() {
    let mut lib = Library::open(&config("manifests")).await.expect("library");
    let id = imported(&mut lib, "edited.db", with_changed("first", "manifests")).await;
    lib.open_entry(&id).await.expect("opens");
    // Playing reads the file archive alone, which is intact.
    let view = lib.play(&id, Some("first")).expect("the step shows");
    assert!(!matches!(view.setup, Some(SetupNote::FilesUnreadable { .. })), "{:?}", view.setup);
    let e = lib.artifacts(&id, "first").unwrap_err();
    assert!(e.message.starts_with("edited.db is damaged: the manifest bundle of step “first”"), "{}", e.message);
    lib.close().expect("closes");
}
