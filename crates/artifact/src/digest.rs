//! SHA-256 of blobs and the content digest over a workshop's definition and artifacts.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Rule, Unlock, Validation, Workshop, WorkshopMeta};

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
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
/// [{path, media_type, size, sha256}]}` with fields in that order and steps, validations,
/// artifacts and assets in their stored order. It does not depend on how the `.db` is laid out
/// (page size, row order, vacuum), only on what the author wrote.
///
/// The fields of later format versions (marked `?`, and `meta.solution_after` when not 3) are
/// left out when unused, and a check's one hint is `hint` as in version 1 (`hints` only for
/// several): a workshop that uses nothing newer has the same digest in every version, so a
/// migrated file is still checked against the digest it was built with.
pub fn content_digest(w: &Workshop) -> String {
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
        size: usize,
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
            .map(|s| DigestStep {
                slug: &s.slug,
                title: &s.title,
                minutes: s.minutes,
                unlock: s.unlock,
                content: &s.content,
                setup: s.setup.as_deref(),
                validations: s.validations.iter().map(check).collect(),
                artifacts: s
                    .artifacts
                    .iter()
                    .map(|a| BlobRef { kind: a.kind.as_str(), size: a.data.len(), sha256: sha256_hex(&a.data) })
                    .collect(),
            })
            .collect(),
        assets: w
            .assets
            .iter()
            .map(|a| AssetDoc {
                path: &a.path,
                media_type: &a.media_type,
                size: a.data.len(),
                sha256: sha256_hex(&a.data),
            })
            .collect(),
    };
    let mut hasher = Sha256::new();
    hasher.update(b"stepwise-content-v1\n");
    // Serialising plain structs, strings and numbers into a Vec cannot fail.
    hasher.update(serde_json::to_vec(&doc).unwrap_or_default());
    format!("{DIGEST_PREFIX}{}", hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
