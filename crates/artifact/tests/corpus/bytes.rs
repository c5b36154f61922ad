//! Byte-level helpers of the hostile corpus: databases changed by SQL, where a table's pages
//! and a blob's bytes are in a file, zips and tars made by hand (with what a well-behaved
//! writer refuses to write), and edits of the fixture's text form.
#![allow(dead_code)]

use std::io::Write;

use stepwise_artifact::archive::FileTree;
use stepwise_artifact::rusqlite::Connection;

/// `bytes` (a database) changed by `sql` on a raw, unhardened connection; returns the new bytes.
pub fn db_changed(bytes: &[u8], sql: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    std::fs::write(&path, bytes).unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
    std::fs::read(&path).unwrap()
}

/// The 1-based root page of `name` in a database's bytes.
pub fn root_page(bytes: &[u8], name: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    std::fs::write(&path, bytes).unwrap();
    let conn = Connection::open(&path).unwrap();
    let page: i64 = conn.query_row("SELECT rootpage FROM sqlite_schema WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    usize::try_from(page).unwrap()
}

/// Byte offsets of the data of every blob row (artifacts and assets) in a database's bytes.
pub fn blob_data_offsets(bytes: &[u8]) -> Vec<usize> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    std::fs::write(&path, bytes).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mut stmt = conn.prepare("SELECT data FROM blob").unwrap();
    let blobs: Vec<Vec<u8>> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    // Only blobs whose first 64 bytes occur once in the file (no stale copy in free space).
    blobs
        .iter()
        .filter(|b| b.len() >= 64)
        .filter_map(|b| {
            let mut at = bytes.windows(64).enumerate().filter(|(_, w)| *w == &b[..64]).map(|(i, _)| i);
            match (at.next(), at.next()) {
                (Some(i), None) => Some(i),
                _ => None,
            }
        })
        .collect()
}

/// Where the bytes of the one blob `sql` selects start in the file `bytes`: the copy SQLite
/// reads (a page in free space may hold an older one).
pub fn blob_offset(bytes: &[u8], sql: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let read = |file: &[u8]| -> Vec<u8> {
        std::fs::write(&path, file).unwrap();
        Connection::open(&path).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    };
    let data = read(bytes);
    assert!(data.len() >= 64, "a blob long enough to find");
    bytes
        .windows(64)
        .enumerate()
        .filter(|(_, w)| *w == &data[..64])
        .map(|(i, _)| i)
        .find(|&i| {
            let mut changed = bytes.to_vec();
            changed[i + 3] ^= 0x01;
            read(&changed) != data
        })
        .expect("the blob is in the file")
}

/// A zip of `entries` (raw names, deflated).
pub fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A zip of `tree` with files replaced or added by `extra` (raw names, so `../x` can be written).
pub fn zip_of(tree: &FileTree, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = tree.iter().filter(|(p, _)| !extra.iter().any(|(e, _)| e == p)).collect();
    entries.extend_from_slice(extra);
    zip_bytes(&entries)
}

/// A zip of `tree` plus a symbolic link entry.
pub fn zip_with_symlink(tree: &FileTree, link: &str, target: &str) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in tree.iter() {
        w.start_file(name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.add_symlink(link, target, options).unwrap();
    w.finish().unwrap().into_inner()
}

/// A tar built header by header, names written raw (`../x`, `/x`), with an optional symlink.
pub fn raw_tar(files: &[(&[u8], &[u8])], symlink: Option<(&[u8], &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |name: &[u8], data: &[u8], link: &[u8], kind: tar::EntryType| {
        let mut h = tar::Header::new_ustar();
        {
            let u = h.as_ustar_mut().unwrap();
            u.name[..name.len()].copy_from_slice(name);
            u.linkname[..link.len()].copy_from_slice(link);
        }
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_entry_type(kind);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    };
    for (name, data) in files {
        push(name, data, b"", tar::EntryType::Regular);
    }
    if let Some((name, target)) = symlink {
        push(name, b"", target, tar::EntryType::Symlink);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

/// `workshop.yaml` of the fixture with `from` replaced by `to` (exactly once).
pub(crate) fn yaml_edit(tree: &FileTree, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(tree.get("workshop.yaml").unwrap().to_vec()).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    text.replacen(from, to, 1).into_bytes()
}

/// The 1-based line of `needle` in `text`.
pub fn line_of(text: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(text).lines().position(|l| l.contains(needle)).unwrap() + 1
}
