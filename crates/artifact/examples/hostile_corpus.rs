//! Writes the hostile-input corpus (`tests/corpus/mod.rs`) into a folder, with `corpus.json`
//! listing each input (file, route, what the worker must say), for `tests/e2e/hostile.test.mjs`.
//!
//!     cargo run -p stepwise-artifact --example hostile_corpus -- target/hostile-corpus

#[path = "../tests/corpus/mod.rs"]
mod corpus;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: hostile_corpus <folder>"));
    std::fs::create_dir_all(&dir).expect("creating the folder");
    let mut list = Vec::new();
    for input in corpus::corpus() {
        std::fs::write(dir.join(&input.file), &input.bytes).expect("writing an input");
        list.push(serde_json::json!({
            "what": input.what,
            "file": input.file,
            "route": input.route.as_str(),
            "worker": input.worker,
            "kind": input.worker_kind,
            "when": input.worker_when,
        }));
    }
    // The baselines each input is one change away from, which must import.
    std::fs::write(dir.join("shop.zip"), corpus::zip_of(&corpus::shop_project(), &[])).expect("writing shop.zip");
    // The tiny workshop with the XSS list as its first step's content: builds, and must play inert.
    let xss = corpus::XSS_MARKDOWN.join("\n\n");
    let zip = corpus::zip_of(&corpus::tiny_tree(), &[("steps/01-first/content.md", xss.as_bytes())]);
    std::fs::write(dir.join("xss.zip"), zip).expect("writing xss.zip");
    std::fs::write(dir.join("xss.md"), corpus::XSS_MARKDOWN.join("\n\n")).expect("writing xss.md");
    let doc = serde_json::json!({ "inputs": list, "xss_forbidden": corpus::XSS_FORBIDDEN });
    std::fs::write(dir.join("corpus.json"), serde_json::to_string_pretty(&doc).unwrap()).expect("writing corpus.json");
    println!("{} inputs in {}", corpus::corpus().len(), dir.display());
}
