//! Invariants of the workspace that Cargo itself can tell: which package may link SQLite.
//!
//! Read from `cargo metadata` (the resolved graph, every feature on, for the browser's target),
//! not from a search of the built wasm.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// The crates that bring SQLite.
const SQLITE: [&str; 4] = ["rusqlite", "libsqlite3-sys", "sqlite-wasm-rs", "sqlite-wasm-vfs"];

/// Every package `root` depends on for wasm32 (normal and build dependencies, every feature on).
fn wasm_dependencies(root: &str) -> BTreeSet<String> {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--all-features", "--filter-platform", "wasm32-unknown-unknown"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve")
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let start =
        names.iter().find(|(_, name)| **name == root).map(|(id, _)| *id).expect("the package is in the workspace");
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            // Dev-dependencies build tests, not the wasm users download.
            let kinds = dep["dep_kinds"].as_array().into_iter().flatten();
            if kinds.map(|k| k["kind"].as_str()).all(|k| k == Some("dev")) {
                continue;
            }
            let dep_id = dep["pkg"].as_str().unwrap();
            if seen.insert(names[dep_id].to_owned()) {
                todo.push(dep_id);
            }
        }
    }
    seen
}

/// **Invariant:** the page (package `stepwise-app`) links no SQLite, for the browser, with
/// every feature on: only the worker does. The worker's own graph is the positive control: the
/// same walk finds SQLite there.
#[test]
fn only_the_worker_links_sqlite() {
    let app = wasm_dependencies("stepwise-app");
    let found: Vec<&str> = SQLITE.iter().copied().filter(|c| app.contains(*c)).collect();
    assert!(found.is_empty(), "stepwise-app depends on {found:?} for wasm32: keep SQLite in crates/worker");
    assert!(app.contains("stepwise-protocol") && app.contains("yew"), "the walk saw the app's dependencies: {app:?}");
    let worker = wasm_dependencies("stepwise-worker");
    for crate_name in SQLITE {
        assert!(worker.contains(crate_name), "the worker's graph holds no {crate_name}: the walk misses dependencies");
    }
}
