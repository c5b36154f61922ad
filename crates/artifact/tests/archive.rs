//! `FileTree` and its zip, tar and folder forms: round trips, determinism, and every hostile
//! archive refused with its path and reason.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{Cursor, Write};

use proptest::prelude::*;
use stepwise_artifact::Error;
use stepwise_artifact::archive::{FileTree, Limits, check_path};

/// Pads a tar stream to the next 512-byte block.
fn pad_block(out: &mut Vec<u8>) {
    let rem = out.len() % 512;
    if rem != 0 {
        out.resize(out.len() + 512 - rem, 0);
    }
}

fn sample() -> FileTree {
    let mut t = FileTree::new();
    t.insert("workshop.yaml", "version: 1\n").unwrap();
    t.insert("steps/01-welcome/content.md", "# Hi\n").unwrap();
    t.insert("steps/02-next/content.md", "").unwrap();
    t.insert("steps/02-next/files/a/b.txt", vec![0u8, 1, 2, 255]).unwrap();
    t.insert(&format!("deep/{}/file.txt", "x".repeat(150)), "long name").unwrap();
    t.insert("unicodé/ファイル.txt", "ü").unwrap();
    t
}

fn small() -> Limits {
    Limits { max_entries: 10, max_file_size: 100, max_total_size: 150, max_ratio: 100 }
}

fn reason(err: Error) -> String {
    err.to_string()
}

#[test]
fn check_path_normalises_and_refuses() {
    assert_eq!(check_path("a", "x/y/").unwrap(), "x/y");
    assert_eq!(check_path("a", "x//y").unwrap(), "x/y");
    for bad in ["", "/etc/passwd", "C:/x", "c:x", "a\\b", "../x", "a/../b", "a/./b", ".", "a/\0b", "a/\nb", "/"] {
        let err = check_path("arch.zip", bad).unwrap_err();
        assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "arch.zip"), "{bad:?}: {err}");
    }
    assert!(check_path("a", &"x".repeat(1025)).is_err());
    assert!(check_path("a", &"x".repeat(1024)).is_ok());
    assert_eq!(check_path("a", "..x/y..").unwrap(), "..x/y..");
}

#[test]
fn accessors() {
    let t = sample();
    assert_eq!(t.len(), 6);
    assert!(!t.is_empty());
    assert!(t.contains("workshop.yaml"));
    assert_eq!(t.get("steps/01-welcome/content.md"), Some(&b"# Hi\n"[..]));
    assert_eq!(t.child_dirs(""), vec!["deep", "steps", "unicodé"]);
    assert_eq!(t.child_dirs("steps"), vec!["01-welcome", "02-next"]);
    assert_eq!(t.child_dirs("steps/02-next/"), vec!["files"]);
    assert!(t.child_dirs("nothing").is_empty());
    let sub = t.subtree("steps/02-next");
    assert_eq!(sub.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["content.md", "files/a/b.txt"]);
    assert_eq!(t.subtree("").len(), 6);
    assert_eq!(t.total_size(), 11 + 5 + 4 + 9 + 2);
    let mut t2 = t.clone();
    assert_eq!(t2.remove("workshop.yaml"), Some(b"version: 1\n".to_vec()));
    assert!(!t2.contains("workshop.yaml"));
    let mut t3 = FileTree::new();
    t3.insert_tree("inner", &sub).unwrap();
    assert!(t3.contains("inner/files/a/b.txt"));
}

#[test]
fn insert_refuses_file_folder_clash() {
    let mut t = FileTree::new();
    t.insert("a/b", "x").unwrap();
    assert!(t.insert("a", "y").is_err());
    assert!(t.insert("a/b/c", "y").is_err());
    assert!(t.insert("../a", "y").is_err());
    t.insert("a/b", "replaced").unwrap();
    assert_eq!(t.get("a/b"), Some(&b"replaced"[..]));
}

#[test]
fn zip_roundtrip_and_determinism() {
    let t = sample();
    let a = t.to_zip().unwrap();
    let b = t.clone().to_zip().unwrap();
    assert_eq!(a, b);
    assert_eq!(FileTree::from_zip("t.zip", &a, &Limits::default()).unwrap(), t);
    let mut zip = zip::ZipArchive::new(Cursor::new(&a[..])).unwrap();
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        assert!(f.extra_data().is_none_or(|d| d.is_empty()), "{}", f.name().unwrap());
        assert_eq!(f.unix_mode(), Some(0o100644));
        assert_eq!(f.last_modified(), Some(zip::DateTime::default()));
    }
    assert_eq!(
        FileTree::from_zip("e.zip", &FileTree::new().to_zip().unwrap(), &Limits::default()).unwrap(),
        FileTree::new()
    );
}

#[test]
fn tar_roundtrip_canonical() {
    let t = sample();
    let a = t.to_tar().unwrap();
    assert_eq!(a, t.to_tar().unwrap());
    assert_eq!(a.len() % 512, 0);
    assert_eq!(FileTree::from_tar("t.tar", &a, &Limits::default()).unwrap(), t);
    let mut archive = tar::Archive::new(&a[..]);
    for e in archive.entries().unwrap() {
        let e = e.unwrap();
        let h = e.header();
        assert_eq!(h.mode().unwrap(), 0o644);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap(), h.mtime().unwrap()), (0, 0, 0));
        assert_eq!(h.entry_type(), tar::EntryType::Regular);
        assert!(h.as_ustar().is_some());
    }
}

#[test]
fn dir_roundtrip() {
    let dir = tempfile::tempdir().unwrap();
    let t = sample();
    t.write_dir(dir.path()).unwrap();
    assert_eq!(FileTree::from_dir(dir.path(), &Limits::default()).unwrap(), t);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert_eq!(FileTree::from_dir(dir.path(), &Limits::default()).unwrap(), t, "empty folders are not kept");
}

#[cfg(unix)]
#[test]
fn dir_refuses_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "a").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link")).unwrap();
    let err = FileTree::from_dir(dir.path(), &Limits::default()).unwrap_err();
    assert!(matches!(&err, Error::UnsafePath { path, .. } if path == "link"), "{err}");

    // write_dir does not follow a link where a folder goes.
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join("data")).unwrap();
    let mut t = FileTree::new();
    t.insert("data/x.csv", "x").unwrap();
    assert!(matches!(t.write_dir(out.path()), Err(Error::UnsafePath { .. })));
    assert!(!elsewhere.path().join("x.csv").exists());
}

#[test]
fn dir_limits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big"), vec![b'x'; 101]).unwrap();
    assert!(matches!(FileTree::from_dir(dir.path(), &small()), Err(Error::TooLarge { .. })));
}

/// A raw ustar header for hostile test archives: any name, any type, any link target.
fn raw_tar_entry(out: &mut Vec<u8>, name: &[u8], kind: tar::EntryType, link: &[u8], data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    h.as_mut_bytes()[..name.len()].copy_from_slice(name);
    h.as_mut_bytes()[157..157 + link.len()].copy_from_slice(link);
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    h.set_entry_type(kind);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    pad_block(out);
}

fn finish_tar(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(&[0; 1024]);
    out
}

#[test]
fn tar_refuses_hostile_entries() {
    let cases: Vec<(&[u8], tar::EntryType, &[u8], &str)> = vec![
        (b"../x", tar::EntryType::Regular, b"", "'..'"),
        (b"a/../../x", tar::EntryType::Regular, b"", "'..'"),
        (b"/etc/passwd", tar::EntryType::Regular, b"", "absolute"),
        (b"link", tar::EntryType::Symlink, b"/etc/passwd", "symbolic link"),
        (b"hard", tar::EntryType::Link, b"/etc/passwd", "hard link"),
        (b"dev", tar::EntryType::Char, b"", "device"),
        (b"blk", tar::EntryType::Block, b"", "device"),
        (b"fifo", tar::EntryType::Fifo, b"", "fifo"),
        (b"bad\xff", tar::EntryType::Regular, b"", "UTF-8"),
    ];
    for (name, kind, link, expected) in cases {
        let mut out = Vec::new();
        raw_tar_entry(&mut out, b"ok.txt", tar::EntryType::Regular, b"", b"fine");
        raw_tar_entry(&mut out, name, kind, link, b"");
        let err = FileTree::from_tar("evil.tar", &finish_tar(out), &Limits::default()).unwrap_err();
        assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "evil.tar"), "{err}");
        assert!(reason(err.clone()).contains(expected), "{err}");
    }
}

#[test]
fn tar_duplicates_dirs_and_limits() {
    let mut out = Vec::new();
    raw_tar_entry(&mut out, b"a.txt", tar::EntryType::Regular, b"", b"1");
    raw_tar_entry(&mut out, b"a.txt", tar::EntryType::Regular, b"", b"2");
    let err = FileTree::from_tar("dup.tar", &finish_tar(out), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");

    let mut out = Vec::new();
    raw_tar_entry(&mut out, b"dir/", tar::EntryType::Directory, b"", b"");
    raw_tar_entry(&mut out, b"dir/a.txt", tar::EntryType::Regular, b"", b"1");
    let t = FileTree::from_tar("d.tar", &finish_tar(out), &Limits::default()).unwrap();
    assert_eq!(t.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["dir/a.txt"]);

    let mut big = FileTree::new();
    big.insert("big", vec![1u8; 101]).unwrap();
    let err = FileTree::from_tar("big.tar", &big.to_tar().unwrap(), &small()).unwrap_err();
    assert!(matches!(&err, Error::TooLarge { file, .. } if file.contains("big")), "{err}");

    let mut many = FileTree::new();
    for i in 0..11 {
        many.insert(&format!("f{i}"), "x").unwrap();
    }
    assert!(matches!(FileTree::from_tar("m.tar", &many.to_tar().unwrap(), &small()), Err(Error::TooLarge { .. })));
    assert!(matches!(FileTree::from_zip("m.zip", &many.to_zip().unwrap(), &small()), Err(Error::TooLarge { .. })));

    let mut total = FileTree::new();
    total.insert("a", vec![1u8; 80]).unwrap();
    total.insert("b", vec![1u8; 80]).unwrap();
    assert!(matches!(FileTree::from_tar("t.tar", &total.to_tar().unwrap(), &small()), Err(Error::TooLarge { .. })));
    assert!(matches!(FileTree::from_zip("t.zip", &total.to_zip().unwrap(), &small()), Err(Error::TooLarge { .. })));

    assert!(matches!(FileTree::from_tar("x.tar", &[b'x'; 1024], &Limits::default()), Err(Error::Archive { .. })));
}

#[test]
fn tar_lying_size_is_caught() {
    // The header declares 10 bytes but the archive ends after 3.
    let mut h = tar::Header::new_ustar();
    h.as_mut_bytes()[..5].copy_from_slice(b"a.txt");
    h.set_size(10);
    h.set_mode(0o644);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(b"abc");
    assert!(FileTree::from_tar("short.tar", &out, &Limits::default()).is_err());
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` by `to` (same length) in raw archive bytes.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
}

#[test]
fn zip_refuses_hostile_entries() {
    for (name, expected) in
        [("../evil.txt", "'..'"), ("/abs.txt", "absolute"), ("C:/win.txt", "drive"), ("a\\b.txt", "backslash")]
    {
        let bytes = zip_with(&[("ok.txt", b"ok"), (name, b"x")]);
        let err = FileTree::from_zip("evil.zip", &bytes, &Limits::default()).unwrap_err();
        assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == "evil.zip"), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }

    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.add_symlink("link", "/etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let err = FileTree::from_zip("link.zip", &bytes, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");

    // Two entries with the same name: write "a.txt" and "b.txt", then rename b to a.
    let mut bytes = zip_with(&[("a.txt", b"1"), ("b.txt", b"2")]);
    patch(&mut bytes, b"b.txt", b"a.txt");
    let err = FileTree::from_zip("dup.zip", &bytes, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");

    // Non-UTF-8 name: patch a byte of the name into 0xff.
    let mut bytes = zip_with(&[("n.txt", b"1")]);
    patch(&mut bytes, b"n.txt", b"\xff.txt");
    let err = FileTree::from_zip("bad.zip", &bytes, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");

    // Encrypted entry: set bit 0 of the general-purpose flags in both headers.
    let mut bytes = zip_with(&[("secret.txt", b"1")]);
    let local = 6; // local header: signature (4), version (2), flags
    bytes[local] |= 1;
    let central = bytes.windows(4).position(|w| w == [0x50, 0x4b, 0x01, 0x02]).unwrap() + 8;
    bytes[central] |= 1;
    let err = FileTree::from_zip("enc.zip", &bytes, &Limits::default()).unwrap_err();
    assert!(matches!(&err, Error::Archive { .. }) && err.to_string().contains("encrypted"), "{err}");

    assert!(matches!(FileTree::from_zip("x.zip", b"PK not really", &Limits::default()), Err(Error::Archive { .. })));
}

#[test]
fn zip_bomb_is_refused() {
    let zeros = vec![0u8; 50 << 20];
    let bytes = zip_with(&[("bomb.bin", &zeros)]);
    drop(zeros);
    let limits = Limits { max_ratio: 100, ..Limits::default() };
    let err = FileTree::from_zip("bomb.zip", &bytes, &limits).unwrap_err();
    assert!(matches!(&err, Error::TooLarge { file, .. } if file.contains("bomb.bin")), "{err}");
    assert!(err.to_string().contains("52428800 bytes compressed into"), "{err}");
}

#[test]
fn zip_directories_are_implied() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.add_directory("dir/", opts).unwrap();
    w.start_file("dir/a.txt", opts).unwrap();
    w.write_all(b"a").unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let t = FileTree::from_zip("d.zip", &bytes, &Limits::default()).unwrap();
    assert_eq!(t.iter().map(|(p, _)| p).collect::<Vec<_>>(), vec!["dir/a.txt"]);
}

fn arb_tree() -> impl Strategy<Value = FileTree> {
    let segment = "[a-zA-Z0-9_é -]{1,12}".prop_filter("not dots", |s| s != "." && s != "..");
    let path = proptest::collection::vec(segment, 1..4).prop_map(|parts| parts.join("/"));
    proptest::collection::btree_map(path, proptest::collection::vec(any::<u8>(), 0..300), 0..12).prop_map(|files| {
        let mut t = FileTree::new();
        for (p, d) in files {
            // Skip paths that clash with a file/folder already there.
            let _ = t.insert(&p, d);
        }
        t
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn prop_roundtrips(t in arb_tree()) {
        let zip = t.to_zip().unwrap();
        prop_assert_eq!(&FileTree::from_zip("p.zip", &zip, &Limits::default()).unwrap(), &t);
        prop_assert_eq!(zip, t.to_zip().unwrap());
        let tar = t.to_tar().unwrap();
        prop_assert_eq!(&FileTree::from_tar("p.tar", &tar, &Limits::default()).unwrap(), &t);
        prop_assert_eq!(tar, t.to_tar().unwrap());
    }
}
