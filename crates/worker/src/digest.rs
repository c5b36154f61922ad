//! The content digest's check with every large blob the open holds (the assets: the worker
//! leaves the artifacts in the file) hashed by the browser's own SHA-256
//! (`crypto.subtle.digest`), native code: 100 MB take the `sha2` crate compiled to wasm ~0.5 s,
//! the browser a fraction of it. Small blobs, and every blob where the browser has no
//! `crypto.subtle` (a page served over plain HTTP from another machine is not a secure context),
//! are hashed by the format library; the check itself is the format library's
//! ([`PendingWorkshop::check_with`]).

use js_sys::{Array, ArrayBuffer, Promise, Reflect, Uint8Array};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Opened, PendingWorkshop, Sha256Digest};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{SubtleCrypto, WorkerGlobalScope};

/// Blobs smaller than this are hashed in wasm: a call into the browser and back costs more.
const NATIVE_FROM: usize = 64 << 10;
/// Bytes handed to the browser before waiting for their digests: it copies each blob it is
/// given, so this bounds the extra memory.
const IN_FLIGHT: usize = 32 << 20;

/// Checks a loaded workshop's content digest, its large blobs hashed by the browser.
///
/// # Errors
/// As [`PendingWorkshop::check_with`]: a digest that does not match, the learner's state
/// unreadable.
pub async fn check(pending: PendingWorkshop) -> stepwise_artifact::Result<(Connection, Opened)> {
    match blob_hashes(&pending).await {
        Some(hashes) => pending.check_with(&hashes),
        None => pending.check(),
    }
}

/// Every blob's SHA-256 in the digest's order, or `None` when the browser cannot help (no
/// `crypto.subtle`, no blob large enough, or it failed): the format library then hashes them.
pub async fn blob_hashes(pending: &PendingWorkshop) -> Option<Vec<Sha256Digest>> {
    if pending.blobs().all(|b| b.len() < NATIVE_FROM) {
        return None;
    }
    let subtle = subtle()?;
    let mut hashes: Vec<Option<Sha256Digest>> = Vec::new();
    // Promises given to the browser and the slots their digests fill.
    let mut waiting: Vec<(usize, Promise)> = Vec::new();
    let mut bytes = 0;
    for blob in pending.blobs() {
        if blob.len() < NATIVE_FROM {
            hashes.push(Some(stepwise_artifact::sha256(blob)));
            continue;
        }
        // The browser copies `blob` before the call returns: the view into wasm memory is not
        // kept.
        waiting.push((hashes.len(), subtle.digest_with_str_and_u8_array("SHA-256", blob).ok()?));
        hashes.push(None);
        bytes += blob.len();
        if bytes >= IN_FLIGHT {
            settle(&mut hashes, std::mem::take(&mut waiting)).await?;
            bytes = 0;
        }
    }
    settle(&mut hashes, waiting).await?;
    hashes.into_iter().collect()
}

/// Waits for the browser's digests and puts each in its slot.
async fn settle(hashes: &mut [Option<Sha256Digest>], waiting: Vec<(usize, Promise)>) -> Option<()> {
    if waiting.is_empty() {
        return Some(());
    }
    let all: Array = waiting.iter().map(|(_, p)| JsValue::from(p)).collect();
    let digests: Array = JsFuture::from(Promise::all(&all)).await.ok()?.dyn_into().ok()?;
    for ((slot, _), digest) in waiting.iter().zip(digests.iter()) {
        let buffer: ArrayBuffer = digest.dyn_into().ok()?;
        let bytes = Uint8Array::new(&buffer).to_vec();
        hashes[*slot] = Some(bytes.try_into().ok()?);
    }
    Some(())
}

/// The worker's `crypto.subtle`, when it has one (secure contexts only).
fn subtle() -> Option<SubtleCrypto> {
    let scope: WorkerGlobalScope = js_sys::global().dyn_into().ok()?;
    let crypto = scope.crypto().ok()?;
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    if subtle.is_undefined() || subtle.is_null() {
        return None;
    }
    Some(subtle.unchecked_into())
}
