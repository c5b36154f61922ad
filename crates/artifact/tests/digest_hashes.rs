//! The digest check with the blobs hashed elsewhere (as the browser worker does with the
//! browser's SHA-256): the right digests open the workshop exactly as hashing here does, a
//! wrong one is refused as an edited file is, and a list of the wrong length is not trusted.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use sha2::{Digest, Sha256};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error, Opened, Opening, PendingWorkshop, Sha256Digest, open_checked, open_pending};

const NOW: &str = "2026-01-01T00:00:00Z";

/// A copy of the fixture workshop in a fresh folder.
fn tiny_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let path = copy_file(&tiny_db(), dir.path(), "tiny.db");
    (dir, path)
}

fn pending(path: &std::path::Path) -> PendingWorkshop {
    match open_pending(Connection::open(path).unwrap(), "tiny.db", NOW).unwrap() {
        Opening::Workshop(pending) => *pending,
        Opening::Playground(..) => panic!("the fixture is a workshop"),
    }
}

fn hashes(pending: &PendingWorkshop) -> Vec<Sha256Digest> {
    pending.blobs().map(|b| Sha256::digest(b).into()).collect()
}

fn workshop(opened: Opened) -> Box<stepwise_artifact::OpenedWorkshop> {
    match opened {
        Opened::Workshop(w) => w,
        Opened::Playground(_) => panic!("a workshop"),
    }
}

#[test]
fn given_digests_open_as_hashing_here_does() {
    let (_dir, path) = tiny_file();
    let p = pending(&path);
    let given = hashes(&p);
    assert!(given.len() >= 2, "the fixture has artifacts or assets to hash");
    let (_, with) = p.check_with(&given).unwrap();
    let (_, here) = open_checked(Connection::open(&path).unwrap(), "tiny.db", NOW).unwrap();
    assert_eq!(workshop(with), workshop(here));
}

#[test]
fn a_wrong_digest_is_refused_as_an_edit() {
    let (_dir, path) = tiny_file();
    let p = pending(&path);
    let mut given = hashes(&p);
    let last = given.len() - 1;
    given[last][0] ^= 1;
    match p.check_with(&given) {
        Err(Error::DigestMismatch { file, .. }) => assert_eq!(file, "tiny.db"),
        Err(other) => panic!("expected a digest mismatch, got {other}"),
        Ok(_) => panic!("a wrong blob digest must not pass"),
    }
}

#[test]
fn a_list_of_the_wrong_length_is_hashed_here() {
    let (_dir, path) = tiny_file();
    for cut in [0usize, 1] {
        let p = pending(&path);
        let mut given = hashes(&p);
        given.truncate(given.len() - 1 - cut);
        // Zeroes: if they were used, the digest would not match.
        let zeroes = vec![[0u8; 32]; given.len()];
        assert!(p.check_with(&zeroes).is_ok());
    }
    let p = pending(&path);
    let mut too_many = hashes(&p);
    too_many.push([0; 32]);
    assert!(p.check_with(&too_many).is_ok());
}

#[test]
fn an_edited_blob_is_refused_whoever_hashes_it() {
    let (_dir, path) = tiny_file();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("UPDATE blob SET data = zeroblob(size) WHERE sha256 = (SELECT min(sha256) FROM artifact)").unwrap();
    conn.close().unwrap();
    let p = pending(&path);
    let given = hashes(&p);
    assert!(matches!(p.check_with(&given), Err(Error::DigestMismatch { .. })));
    assert!(matches!(pending(&path).check(), Err(Error::DigestMismatch { .. })));
}

/// Assets come back from a file by path: a workshop built with its assets in another order
/// still opens (the digest is over the order it is read in).
#[test]
fn the_digest_does_not_depend_on_the_order_assets_were_added_in() {
    use stepwise_artifact::{Asset, Runtime, Workshop, content_digest, read_workshop, write_new};
    let w: Workshop = read_workshop(&Connection::open(tiny_db()).unwrap(), "tiny").unwrap();
    let mut reversed = w.clone();
    for path in ["zz.png", "aa.png"] {
        reversed.assets.push(Asset { path: path.into(), media_type: "image/png".into(), data: path.as_bytes().to_vec() });
    }
    let mut sorted = reversed.clone();
    sorted.assets.sort_by(|a, b| a.path.cmp(&b.path));
    assert_ne!(reversed.assets, sorted.assets);
    assert_eq!(content_digest(&reversed), content_digest(&sorted));
    let dir = tempdir();
    let path = dir.path().join("reversed.db");
    let mut conn = Connection::open(&path).unwrap();
    write_new(&mut conn, &reversed, &Runtime::default()).unwrap();
    conn.close().unwrap();
    open_checked(Connection::open(&path).unwrap(), "reversed.db", NOW).expect("opens: its digest matches");
}
