//! Helpers shared by the error tests: fixture paths, copies in temporary folders, archive bytes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

#[path = "../corpus/bytes.rs"]
mod bytes;

use stepwise_artifact::Error;

/// `crates/artifact/tests/fixtures`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// The v1 fixture workshop file.
pub fn tiny_db() -> PathBuf {
    fixtures().join("v2-tiny.db")
}

/// The text form the v1 fixture is built from.
pub fn tiny_src() -> PathBuf {
    fixtures().join("v2-tiny")
}

/// The v0 (older format version) fixture workshop file.
pub fn v0_db() -> PathBuf {
    fixtures().join("v0-intro.db")
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temporary folder")
}

/// Copies the folder `from` (regular files and folders only) to `to`, which must not exist.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        } else {
            panic!("unexpected entry in a fixture: {}", entry.path().display());
        }
    }
}

/// A copy of the v2-tiny text form at `<tmp>/v2-tiny`, ready to be broken.
pub fn tiny_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let src = dir.path().join("v2-tiny");
    copy_dir(&tiny_src(), &src);
    (dir, src)
}

/// A copy of `file` inside `dir` under `name`.
pub fn copy_file(file: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(file, &to).unwrap();
    to
}

/// Reads a text file of the source folder.
pub fn read(src: &Path, rel: &str) -> String {
    std::fs::read_to_string(src.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// Writes a file of the source folder (creating folders).
pub fn write(src: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = src.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Replaces exactly one occurrence of `from` by `to` in a text file of the source folder.
pub fn edit(src: &Path, rel: &str, from: &str, to: &str) {
    let text = read(src, rel);
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur exactly once in {rel}");
    write(src, rel, text.replacen(from, to, 1));
}

/// The 1-based number of the `nth` (0-based) line of `text` that contains `needle`.
pub fn line_of(text: &str, needle: &str, nth: usize) -> u64 {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth)
        .map(|(i, _)| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle:?} (occurrence {nth}) not found"))
}

/// Files in `dir` whose names look like a temporary file of an atomic write.
pub fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.ends_with("-journal") || n.ends_with("-wal"))
        .collect()
}

/// Builds `src` (a folder or zip) and expects an error. It checks that the build leaves nothing
/// behind, twice: into a fresh `out.db` (which must not exist afterwards), and over an existing
/// `out.db` (which must be byte-identical afterwards). Both builds must give the same error.
pub fn build_fails(src: &Path) -> Error {
    let outdir = tempdir();
    let out = outdir.path().join("out.db");
    let err = stepwise_artifact::build_file(src, &out).expect_err("the build must fail");
    assert!(!out.exists(), "a failed build left {} behind ({err})", out.display());
    assert_eq!(leftovers(outdir.path()), Vec::<String>::new(), "temporary files left behind ({err})");

    let before = std::fs::read(tiny_db()).unwrap();
    std::fs::write(&out, &before).unwrap();
    let again = stepwise_artifact::build_file(src, &out).expect_err("the build must fail again");
    assert_eq!(again, err, "the same input must give the same error");
    assert_eq!(std::fs::read(&out).unwrap(), before, "a failed build changed the existing out.db");
    assert_eq!(leftovers(outdir.path()), Vec::<String>::new(), "temporary files left behind ({err})");
    let msg = err.to_string();
    assert!(!msg.trim().is_empty(), "empty message for {err:?}");
    assert!(!msg.contains("Error {") && !msg.contains("Some("), "message looks like Debug output: {msg}");
    err
}

/// A deterministic stream of bytes that look random (xorshift32).
pub fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

/// A zip archive holding `entries` (name as given, raw, deflated), in order: the hostile
/// corpus's own.
pub use self::bytes::zip_bytes;

/// Every file of the folder `src`, as (relative path, bytes), sorted.
pub fn dir_entries(src: &Path) -> Vec<(String, Vec<u8>)> {
    let tree =
        stepwise_artifact::archive::FileTree::from_dir(src, &stepwise_artifact::archive::Limits::default()).unwrap();
    tree.iter().map(|(p, d)| (p.to_owned(), d.to_vec())).collect()
}

/// A zip of the folder `src` plus `extra` entries, written to `<dir>/<name>`.
pub fn zip_of_dir_with(src: &Path, extra: &[(&str, &[u8])], dir: &Path, name: &str) -> PathBuf {
    let files = dir_entries(src);
    let mut entries: Vec<(&str, &[u8])> = files.iter().map(|(p, d)| (p.as_str(), d.as_slice())).collect();
    entries.extend_from_slice(extra);
    let path = dir.join(name);
    std::fs::write(&path, zip_bytes(&entries)).unwrap();
    path
}

/// One tar entry for [`tar_bytes`].
pub enum TarEntry<'a> {
    /// A regular file.
    File(&'a [u8], &'a [u8]),
    /// A symbolic link from the first path to the second.
    Symlink(&'a [u8], &'a [u8]),
}

/// A tar archive built header by header, with names written raw into the ustar name field
/// (so that names the `tar` builder refuses, like `../x`, can be written).
pub fn tar_bytes(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let (name, data, link, kind): (&[u8], &[u8], &[u8], tar::EntryType) = match e {
            TarEntry::File(name, data) => (name, data, b"", tar::EntryType::Regular),
            TarEntry::Symlink(name, target) => (name, b"", target, tar::EntryType::Symlink),
        };
        let mut h = tar::Header::new_ustar();
        {
            let u = h.as_ustar_mut().unwrap();
            u.name[..name.len()].copy_from_slice(name);
            u.linkname[..link.len()].copy_from_slice(link);
        }
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_entry_type(kind);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        let rem = out.len() % 512;
        if rem != 0 {
            out.resize(out.len() + 512 - rem, 0);
        }
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

/// Asserts that `msg` contains every one of `parts`.
#[track_caller]
pub fn assert_mentions(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} does not mention {p:?}");
    }
}
