//! Writes the seed corpora of the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) from real inputs:
//! the fixtures, the sample workshops in `samples/` (built, zipped, exported as projects), the
//! hostile-input corpus (`tests/corpus/mod.rs`) and the Markdown XSS list. One folder per target
//! under the given folder; files are rewritten, others left alone (the fuzzer adds its own).
//!
//!     cargo run -p stepwise-artifact --example fuzz_seeds -- fuzz/corpus

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use corpus::ImportPath;
use stepwise_artifact::archive::{FileTree, Limits};
use stepwise_artifact::native::fs;
use stepwise_artifact::project;
use stepwise_artifact::rusqlite::Connection;

/// Seeds of a `.db` larger than this are left out: libFuzzer's inputs grow to the largest seed,
/// and a big file mostly costs time in SQLite (every execution of `open` reads it three times).
/// Databases are seeded with 512-byte pages (`VACUUM`: the same rows, a quarter of the bytes).
const MAX_DB_SEED: usize = 96 << 10;

/// `bytes` (an SQLite file) rewritten with 512-byte pages, or `None` if SQLite cannot read it.
fn small_pages(bytes: &[u8], scratch: &Path) -> Option<Vec<u8>> {
    let path = scratch.join("vacuum.db");
    std::fs::write(&path, bytes).ok()?;
    let done = Connection::open(&path)
        .and_then(|conn| conn.execute_batch("PRAGMA page_size = 512; VACUUM;"))
        .is_ok()
        .then(|| std::fs::read(&path).ok())
        .flatten();
    let _ = std::fs::remove_file(&path);
    done.filter(|small| small.len() < bytes.len())
}

/// Seeds `bytes` as `open` input `name`: with 512-byte pages when SQLite can read it, as it is
/// when it cannot (truncated, flipped: the hostile corpus), and not at all when still too big.
fn put_db(seeds: &mut Seeds, name: &str, bytes: &[u8], scratch: &Path) {
    let small = small_pages(bytes, scratch);
    let bytes = small.as_deref().unwrap_or(bytes);
    if bytes.len() <= MAX_DB_SEED {
        seeds.put("open", name, bytes);
    }
}

struct Seeds {
    root: PathBuf,
    count: usize,
}

impl Seeds {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).expect("creating a corpus folder");
        std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("writing a seed");
        self.count += 1;
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: fuzz_seeds <folder>"));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let mut seeds = Seeds { root: root.clone(), count: 0 };

    // Workshops: the fixtures and every sample, as a text-form zip, a .db and a project zip.
    let fixtures = corpus::fixtures();
    let mut sources: Vec<(String, PathBuf)> = vec![("v2-tiny".into(), fixtures.join("v2-tiny"))];
    let mut samples: Vec<PathBuf> = std::fs::read_dir(repo.join("samples"))
        .expect("reading samples/")
        .map(|e| e.expect("a samples/ entry").path())
        .filter(|p| p.join("workshop.yaml").is_file())
        .collect();
    samples.sort();
    for dir in samples {
        sources.push((dir.file_name().unwrap().to_string_lossy().into_owned(), dir));
    }
    for (name, dir) in &sources {
        let tree = FileTree::from_dir(dir, &Limits::default()).expect("reading a workshop folder");
        seeds.put("workshop_zip", &format!("{name}.zip"), &tree.to_zip().expect("zipping"));
        let db = scratch.path().join(format!("{name}.db"));
        stepwise_artifact::build_file(dir, &db).expect("building a workshop");
        let bytes = std::fs::read(&db).expect("reading the built workshop");
        put_db(&mut seeds, &format!("{name}.db"), &bytes, scratch.path());
        let (file, conn) = fs::open_database(&db).expect("opening the built workshop");
        let tree = project::export(&conn, name).unwrap_or_else(|e| panic!("{file}: {e}"));
        seeds.put("project_zip", &format!("{name}-project.zip"), &tree.to_zip().expect("zipping"));
        for (path, content) in FileTree::from_dir(dir, &Limits::default()).unwrap().iter() {
            if path.ends_with("content.md") {
                let step = path.trim_end_matches("/content.md").replace('/', "-");
                seeds.put("markdown", &format!("{name}-{step}.md"), content);
            }
        }
    }
    // The fixtures as they are too: real files have 4096-byte pages.
    for fixture in ["v2-tiny.db", "v1-tiny.db", "v0-intro.db"] {
        seeds.put("open", &format!("4k-{fixture}"), &std::fs::read(fixtures.join(fixture)).expect("reading a fixture"));
    }

    // A plain database (the shop project rebuilt) as a playground, and the project itself.
    let shop = corpus::shop_project();
    seeds.put("project_zip", "shop.zip", &corpus::zip_of(&shop, &[]));
    let mut conn = Connection::open_in_memory().expect("memory");
    project::rebuild(&shop, &mut conn).expect("rebuilding the shop");
    let image = conn.serialize(stepwise_artifact::rusqlite::MAIN_DB).expect("serialising the shop");
    put_db(&mut seeds, "shop.db", &image, scratch.path());

    // The hostile corpus: each input to the target of its route.
    for input in corpus::corpus() {
        let target = match input.route {
            ImportPath::Db => "open",
            ImportPath::WorkshopZip => "workshop_zip",
            ImportPath::ProjectZip => "project_zip",
        };
        let name = format!("hostile-{}", input.file);
        match input.route {
            ImportPath::Db => put_db(&mut seeds, &name, &input.bytes, scratch.path()),
            _ => seeds.put(target, &name, &input.bytes),
        }
    }

    // Markdown: every XSS trick alone and all together.
    for (i, md) in corpus::XSS_MARKDOWN.iter().enumerate() {
        seeds.put("markdown", &format!("xss-{i:02}.md"), md.as_bytes());
    }
    seeds.put("markdown", "xss-all.md", corpus::XSS_MARKDOWN.join("\n\n").as_bytes());
    println!("{} seeds in {}", seeds.count, root.display());
}
