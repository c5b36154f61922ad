//! SHA-256 of blobs and the content digest over a workshop's definition and artifacts.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{ArtifactIndex, ArtifactKind, Asset, Rule, Unlock, Validation, Workshop, WorkshopMeta};

/// Bytes handed to SHA-256 per call. A browser's WebAssembly engine runs a function first as
/// its baseline compiler made it, compiles it for speed once it has run a while, and uses that
/// code from the function's next call on: one call over a whole megabyte would run entirely in
/// the baseline code (the digest of a 1.2 MB document took ~45 ms in the worker so), so long
/// inputs are hashed in pieces.
const PIECE: usize = 64 << 10;

/// `data` into `hasher`, [`PIECE`] bytes per call.
fn update(hasher: &mut Sha256, data: &[u8]) {
    for piece in data.chunks(PIECE) {
        hasher.update(piece);
    }
}

/// SHA-256 of `data`, in pieces.
fn digest(data: &[u8]) -> Sha256Digest {
    let mut hasher = Sha256::new();
    update(&mut hasher, data);
    hasher.finalize().into()
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&digest(data))
}

/// A SHA-256 digest.
pub type Sha256Digest = [u8; 32];

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Sha256Digest {
    digest(data)
}

/// An [`std::io::Write`] that hashes what is written (behind a buffer of [`PIECE`] bytes, so
/// the hasher gets pieces of that size rather than every field of a serialiser).
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The blobs the content digest hashes one by one, in its order: every step's artifacts in step
/// order, then the assets. Whoever hashes them elsewhere (the browser's native SHA-256, say)
/// gives [`content_digest_with`] their digests in this order.
pub fn digest_blobs(w: &Workshop) -> impl Iterator<Item = &[u8]> {
    let artifacts = w.steps.iter().flat_map(|s| s.artifacts.iter().map(|a| a.data.as_slice()));
    artifacts.chain(assets_in_order(w).into_iter().map(|a| a.data.as_slice()))
}

/// The assets in the order a file gives them back (by path, byte-wise as SQLite's `BINARY`
/// collation): the digest of a workshop does not depend on the order its assets were added in.
fn assets_in_order(w: &Workshop) -> Vec<&Asset> {
    let mut assets: Vec<&Asset> = w.assets.iter().collect();
    assets.sort_by(|a, b| a.path.cmp(&b.path));
    assets
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The prefix of every content digest: names the algorithm and its version.
pub const DIGEST_PREFIX: &str = "sha256:";

/// The content digest of a workshop: `sha256:<hex>` over a canonical JSON document of the
/// definition with every artifact and asset replaced by its size and SHA-256.
///
/// The canonical document is `stepwise-content-v1\n` followed by compact JSON of
/// `{meta, steps: [{slug, title, minutes, unlock, content, setup?, validations: [{id, prompt,
/// hint, hints?, rule, solution?, feedback?}], artifacts: [{kind, size, sha256}]}], assets:
/// [{path, media_type, size, sha256}]}` with fields in that order, steps, validations and
/// artifacts in their stored order and assets by path (the order a file gives them back). It
/// does not depend on how the `.db` is laid out (page size, row order, vacuum), only on what the
/// author wrote.
///
/// The fields of later format versions (marked `?`, and `meta.solution_after` when not 3) are
/// left out when unused, and a check's one hint is `hint` as in version 1 (`hints` only for
/// several): a workshop that uses nothing newer has the same digest in every version, so a
/// migrated file is still checked against the digest it was built with.
pub fn content_digest(w: &Workshop) -> String {
    let hashes: Vec<Sha256Digest> = digest_blobs(w).map(sha256).collect();
    // As many digests as blobs, computed from them just now.
    content_digest_with(w, &hashes).unwrap_or_default()
}

/// [`content_digest`] with the SHA-256 of every blob given, in [`digest_blobs`]' order, instead
/// of computed here: `None` when there are not exactly as many as blobs. A wrong digest gives a
/// content digest that does not match the stored one, as an edited blob would.
pub fn content_digest_with(w: &Workshop, blob_hashes: &[Sha256Digest]) -> Option<String> {
    if blob_hashes.len() != digest_blobs(w).count() {
        return None;
    }
    let mut hashes = blob_hashes.iter();
    let artifacts: Vec<Vec<(ArtifactKind, u64, Sha256Digest)>> = w
        .steps
        .iter()
        .map(|s| s.artifacts.iter().map(|a| (a.kind, a.data.len() as u64, *hashes.next().expect("counted"))).collect())
        .collect();
    Some(digest_document(w, &artifacts, hashes.as_slice()))
}

/// [`content_digest_with`] of a workshop read with its artifacts left in the file
/// ([`crate::db::store::read_workshop_deferred`]): each artifact counted by the length and key
/// `index` gives it, `asset_hashes` in [`digest_blobs`]' order (the assets, as such a workshop's
/// steps hold no artifacts). `None` when `index` does not have one entry per step, or there is
/// not one digest per asset.
pub fn content_digest_deferred(w: &Workshop, index: &ArtifactIndex, asset_hashes: &[Sha256Digest]) -> Option<String> {
    if index.len() != w.steps.len()
        || w.steps.iter().any(|s| !s.artifacts.is_empty())
        || asset_hashes.len() != w.assets.len()
    {
        return None;
    }
    let artifacts: Vec<Vec<(ArtifactKind, u64, Sha256Digest)>> =
        index.iter().map(|step| step.iter().map(|a| (a.kind, a.size, a.sha256)).collect()).collect();
    Some(digest_document(w, &artifacts, asset_hashes))
}

/// The digest of the canonical document of `w`, each step's artifacts given by their kind, length
/// and SHA-256 (`artifacts`, one list per step, in step order), the assets' SHA-256 in path
/// order.
fn digest_document(
    w: &Workshop,
    artifacts: &[Vec<(ArtifactKind, u64, Sha256Digest)>],
    asset_hashes: &[Sha256Digest],
) -> String {
    let mut asset_hashes = asset_hashes.iter().map(|h| hex(h));
    #[derive(Serialize)]
    struct Doc<'a> {
        meta: &'a WorkshopMeta,
        steps: Vec<DigestStep<'a>>,
        assets: Vec<AssetDoc<'a>>,
    }
    #[derive(Serialize)]
    struct DigestStep<'a> {
        slug: &'a str,
        title: &'a str,
        minutes: Option<u32>,
        unlock: Option<Unlock>,
        content: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        setup: Option<&'a str>,
        validations: Vec<DigestCheck<'a>>,
        artifacts: Vec<BlobRef<'a>>,
    }
    #[derive(Serialize)]
    struct DigestCheck<'a> {
        id: &'a str,
        prompt: &'a str,
        hint: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hints: Option<&'a [String]>,
        rule: &'a Rule,
        #[serde(skip_serializing_if = "Option::is_none")]
        solution: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        feedback: Option<&'a str>,
    }
    fn check(v: &Validation) -> DigestCheck<'_> {
        DigestCheck {
            id: &v.id,
            prompt: &v.prompt,
            hint: match v.hints.as_slice() {
                [one] => Some(one),
                _ => None,
            },
            hints: (v.hints.len() > 1).then_some(v.hints.as_slice()),
            rule: &v.rule,
            solution: v.solution.as_deref(),
            feedback: v.feedback.as_deref(),
        }
    }
    #[derive(Serialize)]
    struct BlobRef<'a> {
        kind: &'a str,
        size: u64,
        sha256: String,
    }
    #[derive(Serialize)]
    struct AssetDoc<'a> {
        path: &'a str,
        media_type: &'a str,
        size: usize,
        sha256: String,
    }
    let doc = Doc {
        meta: &w.meta,
        steps: w
            .steps
            .iter()
            .zip(artifacts)
            .map(|(s, step_artifacts)| DigestStep {
                slug: &s.slug,
                title: &s.title,
                minutes: s.minutes,
                unlock: s.unlock,
                content: &s.content,
                setup: s.setup.as_deref(),
                validations: s.validations.iter().map(check).collect(),
                artifacts: step_artifacts
                    .iter()
                    .map(|(kind, size, sha256)| BlobRef { kind: kind.as_str(), size: *size, sha256: hex(sha256) })
                    .collect(),
            })
            .collect(),
        assets: assets_in_order(w)
            .into_iter()
            .map(|a| AssetDoc {
                path: &a.path,
                media_type: &a.media_type,
                size: a.data.len(),
                sha256: asset_hashes.next().unwrap_or_default(),
            })
            .collect(),
    };
    let mut hasher = Sha256::new();
    hasher.update(b"stepwise-content-v1\n");
    // The JSON goes straight into the hasher, never whole in memory. Serialising plain structs,
    // strings and numbers cannot fail, nor can hashing.
    let mut out = std::io::BufWriter::with_capacity(PIECE, Hashing(hasher));
    let _ = serde_json::to_writer(&mut out, &doc);
    let _ = std::io::Write::flush(&mut out);
    let (Hashing(hasher), _) = out.into_parts();
    format!("{DIGEST_PREFIX}{}", hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn hashing_in_pieces_is_hashing_at_once() {
        let data: Vec<u8> = (0..PIECE * 3 + 1000).map(|i| (i * 31 % 251) as u8).collect();
        for len in [0, 1, PIECE - 1, PIECE, PIECE + 1, data.len()] {
            let whole: Sha256Digest = Sha256::digest(&data[..len]).into();
            assert_eq!(sha256(&data[..len]), whole, "{len} bytes");
        }
        // The content digest's document, written through the buffer: in small writes, which it
        // gathers, and in one write larger than the buffer, which goes past it.
        for write in [7000, data.len()] {
            let mut out = std::io::BufWriter::with_capacity(PIECE, Hashing(Sha256::new()));
            std::io::Write::write_all(&mut out, b"head").unwrap();
            for chunk in data.chunks(write) {
                std::io::Write::write_all(&mut out, chunk).unwrap();
            }
            std::io::Write::flush(&mut out).unwrap();
            let (Hashing(hasher), _) = out.into_parts();
            let whole: Sha256Digest = Sha256::digest([b"head".as_slice(), &data].concat()).into();
            assert_eq!(<[u8; 32]>::from(hasher.finalize()), whole, "writes of {write} bytes");
        }
    }
}
