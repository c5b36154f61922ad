//! Makes the CLI recompile when the web app it embeds changes: `dist/` (built by Trunk) is read
//! by `rust-embed` when the crate compiles, so a stamp of its files (names, sizes, times) is
//! passed to the compiler, and a change to it rebuilds the crate.

use std::path::Path;
use std::time::UNIX_EPOCH;

fn stamp(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            stamp(&path, out);
        } else if let Ok(meta) = entry.metadata() {
            let modified =
                meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
            out.push(format!("{}:{}:{modified}", path.display(), meta.len()));
        }
    }
}

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rerun-if-changed=templates");
    let mut files = Vec::new();
    stamp(&dist, &mut files);
    files.sort();
    // FNV-1a over the listing: cheap, and any change gives another value.
    let hash = files
        .join("\n")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    println!("cargo:rustc-env=STEPWISE_APP_STAMP={hash:016x}-{}", files.len());
}
