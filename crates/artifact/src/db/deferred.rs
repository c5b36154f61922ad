//! Artifacts left in the file until they are used.
//!
//! A workshop's artifacts can be most of its bytes (file archives of a megabyte on many
//! steps), and a learner sees one step's at a time. The content digest covers each artifact
//! by its size and SHA-256, and the format stores every blob under its SHA-256, so a workshop
//! can be opened and its digest checked from the definition and the blobs' keys and lengths
//! alone ([`crate::db::store::read_workshop_deferred`]). Each artifact is then read when a step
//! needs it, and its bytes are checked against the key it is stored under before anything
//! uses them: a blob whose bytes were changed under its key is refused there, naming the
//! artifact ([`Error::BlobMismatch`]). A changed key changes the content digest, which the open
//! refuses. `verify` reads and hashes every blob.

use rusqlite::{Connection, ErrorCode, OptionalExtension};

use crate::digest::{Sha256Digest, sha256};
use crate::error::{Error, Result, Shown};
use crate::model::{Artifact, ArtifactKind, Step, StoredArtifact};

/// A blob key from the file, for a message: a well-formed key by its first 12 characters, anything
/// else as [`Shown`].
pub(crate) fn key_shown(key: &str) -> String {
    if parse_key(key).is_some() { format!("{}…", &key[..12]) } else { Shown(key).to_string() }
}

/// A blob key as the format writes it: 64 lower-case hex digits.
pub(crate) fn parse_key(key: &str) -> Option<Sha256Digest> {
    let bytes = key.as_bytes();
    if bytes.len() != 64 || !bytes.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        // Two hex digits, checked above.
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads `step`'s artifacts `stored` from the workshop `file` open on `conn`, each checked
/// against its key and length, in `stored`'s order.
///
/// # Errors
/// [`Error::BlobMismatch`] for bytes that are not the blob named (changed, or another length);
/// [`Error::Corrupt`] for a blob that is gone or a page SQLite finds malformed;
/// [`Error::Sqlite`] when reading fails otherwise (busy, storage).
pub fn load_artifacts(conn: &Connection, file: &str, step: &Step, stored: &[StoredArtifact]) -> Result<Vec<Artifact>> {
    let mut stmt = conn.prepare_cached("SELECT data FROM blob WHERE sha256 = ?1").map_err(|e| reading(file, e))?;
    let mut out = Vec::with_capacity(stored.len());
    for a in stored {
        let noun = match a.kind {
            ArtifactKind::Manifests => "manifest bundle",
            ArtifactKind::Files => "file archive",
            ArtifactKind::State => "state snapshot",
        };
        let what = format!("the {noun} of step “{}”", step.slug);
        let key = hex(&a.sha256);
        let data: Option<Vec<u8>> = stmt.query_row([&key], |r| r.get(0)).optional().map_err(|e| reading(file, e))?;
        let data = data.ok_or_else(|| Error::Corrupt {
            file: file.to_owned(),
            detail: format!("{what} refers to missing blob {}", key_shown(&key)),
        })?;
        let computed = sha256(&data);
        if computed != a.sha256 || data.len() as u64 != a.size {
            let found = if data.len() as u64 != a.size {
                format!("{} bytes, not the {} the workshop names", data.len(), a.size)
            } else {
                format!("bytes hashing to {}…, not {}…", &hex(&computed)[..12], &key[..12])
            };
            return Err(Error::BlobMismatch { file: file.to_owned(), what, found });
        }
        out.push(Artifact { kind: a.kind, data });
    }
    Ok(out)
}

/// SQLite's failure reading an artifact: damage of the file when SQLite says so, else as it is
/// (a busy or locked database, storage that failed), for the caller to report as such.
fn reading(file: &str, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Corrupt {
            file: file.to_owned(),
            detail: format!("reading artifacts: {}", crate::error::clipped(&e.to_string())),
        },
        _ => Error::sqlite("reading artifacts", e),
    }
}

/// `step` with its artifacts `stored` read from the file ([`load_artifacts`]), for what needs
/// their bytes (the player's view of them, a step's project).
///
/// # Errors
/// As [`load_artifacts`].
pub fn with_artifacts(conn: &Connection, file: &str, step: &Step, stored: &[StoredArtifact]) -> Result<Step> {
    let artifacts = load_artifacts(conn, file, step, stored)?;
    Ok(Step { artifacts, ..step.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lower_case_hex_of_32_bytes() {
        let key = crate::digest::sha256_hex(b"abc");
        assert_eq!(parse_key(&key).map(|k| hex(&k)), Some(key.clone()));
        assert_eq!(parse_key(&key.to_uppercase()), None);
        assert_eq!(parse_key(&key[..62]), None);
        assert_eq!(parse_key(&format!("{}zz", &key[..62])), None);
    }
}
