//! `stepwise-pack`: writes `FILE.gz` beside each `FILE` named on the command line, gzipped at
//! libdeflate's highest level.
//!
//! ```text
//! stepwise-pack FILE...
//! ```
//!
//! The app's loaders fetch the gzipped copy of each wasm file and unpack it with the browser's
//! `DecompressionStream` (scripts/trunk-post-build.mjs, static/worker-loader.js), whatever the
//! host does, so every byte saved here is a byte less on a first visit. The output is plain gzip
//! (RFC 1952) and the same for the same input: no name, no time in its header.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use libdeflater::{CompressionLvl, Compressor};

/// libdeflate's highest level: the slowest and smallest (~0.3 s for the worker's 2 MB of wasm).
const LEVEL: i32 = 12;

/// `data` gzipped at [`LEVEL`].
pub fn pack(data: &[u8]) -> Vec<u8> {
    let level = CompressionLvl::new(LEVEL).expect("libdeflate has a level 12");
    let mut compressor = Compressor::new(level);
    let mut out = vec![0; compressor.gzip_compress_bound(data.len())];
    let written = compressor.gzip_compress(data, &mut out).expect("the bound libdeflate gave holds its output");
    out.truncate(written);
    out
}

/// Writes `file.gz` beside `file`; says what it wrote or what went wrong, naming the file.
fn pack_file(file: &Path) -> Result<String, String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let packed = pack(&data);
    let mut target = file.as_os_str().to_owned();
    target.push(".gz");
    let target = PathBuf::from(target);
    std::fs::write(&target, &packed).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(format!("{}: {} bytes, gzipped {}", file.display(), data.len(), packed.len()))
}

fn main() -> ExitCode {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("stepwise-pack: name the files to gzip (stepwise-pack FILE...)");
        return ExitCode::from(2);
    }
    for file in &files {
        match pack_file(file) {
            Ok(said) => println!("stepwise-pack: {said}"),
            Err(e) => {
                eprintln!("stepwise-pack: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    fn unpack(packed: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(packed).read_to_end(&mut out).expect("a gzip stream");
        out
    }

    /// Text-like data with repeats at many distances, as code and its strings are.
    fn sample() -> Vec<u8> {
        let mut data = Vec::new();
        let mut x: u32 = 7;
        for i in 0..60_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let word = ["select", "from", "where", "local.get", "i32.const", "call", "br_if"][(x >> 16) as usize % 7];
            write!(data, "{word} {} ", (x >> 20) % 97 + i % 3).unwrap();
        }
        data
    }

    #[test]
    fn packs_what_a_gzip_decoder_reads_back() {
        for data in [Vec::new(), b"x".to_vec(), sample(), (0..=255u8).cycle().take(100_000).collect()] {
            assert_eq!(unpack(&pack(&data)), data);
        }
    }

    #[test]
    fn packs_smaller_than_gzip_9_and_the_same_each_time() {
        let data = sample();
        let mut nine = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        nine.write_all(&data).unwrap();
        let nine = nine.finish().unwrap();
        let packed = pack(&data);
        assert!(packed.len() < nine.len(), "{} bytes against gzip -9's {}", packed.len(), nine.len());
        assert_eq!(pack(&data), packed, "the same input packs the same");
        assert_eq!(packed[4..8], [0, 0, 0, 0], "no time in the header");
    }

    #[test]
    fn writes_the_copy_beside_the_file_and_names_a_missing_one() {
        let dir = std::env::temp_dir().join(format!("stepwise-pack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.wasm");
        std::fs::write(&file, sample()).unwrap();
        let said = pack_file(&file).unwrap();
        assert!(said.contains("a.wasm"), "{said}");
        assert_eq!(unpack(&std::fs::read(dir.join("a.wasm.gz")).unwrap()), sample());
        let missing = pack_file(&dir.join("missing.wasm")).unwrap_err();
        assert!(missing.contains("missing.wasm"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
