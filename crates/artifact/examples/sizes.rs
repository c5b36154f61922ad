//! Measures how big workshop files get: the samples, and generated workshops grown to hundreds
//! of steps. Prints one JSON line per figure; `docs/format.md` quotes them.
//!
//! Run: `cargo run --release -p stepwise-artifact --example sizes`

use std::path::Path;

use stepwise_artifact::archive::FileTree;
use stepwise_artifact::{
    AnswerExpect, Artifact, ArtifactKind, Rule, Runtime, Step, Validation, Workshop, WorkshopMeta,
};

/// Deterministic filler text that compresses like prose, not like zeros.
fn prose(seed: u64, len: usize) -> String {
    const WORDS: &[&str] = &[
        "join",
        "table",
        "the",
        "rows",
        "select",
        "where",
        "pod",
        "service",
        "a",
        "of",
        "deployment",
        "namespace",
        "query",
        "each",
        "value",
        "order",
        "customer",
        "and",
        "with",
        "key",
    ];
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push_str(WORDS[(x >> 33) as usize % WORDS.len()]);
        s.push(if (x >> 20).is_multiple_of(13) { '\n' } else { ' ' });
    }
    s
}

fn grown(steps: usize, markdown: usize, manifests: usize, files: usize) -> Workshop {
    let steps = (1..=steps)
        .map(|i| {
            let mut tree = FileTree::new();
            let per = files / 4;
            for f in 0..4 {
                tree.insert(&format!("src/file{f}.txt"), prose((i * 10 + f) as u64, per)).unwrap();
            }
            let manifest = format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: step-{i}\ndata:\n  text: |\n    {}\n",
                prose(i as u64, manifests).replace('\n', "\n    ")
            );
            Step {
                setup: None,
                slug: format!("step-{i}"),
                title: format!("Step {i}"),
                minutes: Some(10),
                unlock: None,
                content: format!("## Step {i}\n\n{}", prose(i as u64 * 7, markdown)),
                validations: vec![Validation {
                    id: "answer".into(),
                    prompt: "What is the answer?".into(),
                    hints: Vec::new(),
                    solution: None,
                    feedback: None,
                    rule: Rule::Answer {
                        expect: AnswerExpect::Exact { any_of: vec!["42".into()], case_sensitive: false },
                    },
                }],
                artifacts: vec![
                    Artifact { kind: ArtifactKind::Manifests, data: manifest.into_bytes() },
                    Artifact { kind: ArtifactKind::Files, data: tree.to_tar().unwrap() },
                    Artifact { kind: ArtifactKind::State, data: format!("concepts: [c{i}]\n").into_bytes() },
                ],
            }
        })
        .collect();
    Workshop {
        meta: WorkshopMeta {
            solution_after: 3,
            slug: "grown".into(),
            title: "Grown".into(),
            version: "1".into(),
            summary: String::new(),
            authors: vec![],
            language: "en".into(),
            license: None,
            unlock: Default::default(),
        },
        steps,
        assets: vec![],
    }
}

fn report(name: &str, db: &Path, steps: usize) {
    let bytes = std::fs::read(db).unwrap();
    let (file, conn) = stepwise_artifact::native::fs::open_workshop(db).unwrap();
    let zip = stepwise_artifact::text::export(&conn, &file).unwrap().to_zip().unwrap();
    let gz = gzip_len(&bytes);
    println!(
        "{{\"figure\":\"size\",\"workshop\":\"{name}\",\"steps\":{steps},\"db_bytes\":{},\"db_gzip_bytes\":{gz},\"export_zip_bytes\":{}}}",
        bytes.len(),
        zip.len()
    );
}

fn gzip_len(bytes: &[u8]) -> usize {
    // A one-entry deflate zip is a close stand-in for gzip (same deflate stream, ~100 bytes of headers).
    let mut t = FileTree::new();
    t.insert("x.db", bytes.to_vec()).unwrap();
    t.to_zip().unwrap().len()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("stepwise-sizes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut samples: Vec<_> = std::fs::read_dir(root.join("samples")).unwrap().map(|e| e.unwrap().path()).collect();
    samples.sort();
    for src in samples.iter().filter(|p| p.join("workshop.yaml").exists()) {
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let db = dir.join(format!("{name}.db"));
        stepwise_artifact::build_file(src, &db).unwrap();
        let Ok(stepwise_artifact::Opened::Workshop(w)) = stepwise_artifact::open_path(&db) else { panic!() };
        report(&name, &db, w.workshop.steps.len());
    }
    // A typical step: 4 KB of Markdown, a 2 KB manifest bundle, 16 KB of files.
    for steps in [100, 300, 500] {
        let w = grown(steps, 4 << 10, 2 << 10, 16 << 10);
        let db = dir.join(format!("grown-{steps}.db"));
        stepwise_artifact::native::fs::create_db_atomically(&db, |c| {
            stepwise_artifact::write_new(c, &w, &Runtime::default())
        })
        .unwrap();
        report(&format!("grown-{steps}"), &db, steps);
    }
    std::fs::remove_dir_all(&dir).ok();
}
