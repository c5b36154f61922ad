//! Invariants of the workspace that Cargo and the sources can tell: which package may link SQLite,
//! that no file imports one that imports it back, and how the page writes its optional parts.
//!
//! Read from `cargo metadata` (the resolved graph, every feature on, for the browser's target),
//! not from a search of the built wasm.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// **Invariant:** no file of any crate imports a file that imports it back. A file's imports are
/// the modules its `use` trees and `crate::`/`super::`/`self::` paths name (a child module named
/// from its parent counts too), resolved to the file that defines the module; test modules and
/// `tests.rs` files are left out. A `mod.rs` that re-exports a child and a child that imports
/// through the parent's re-export make a circle: siblings name each other's files instead.
#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut circles = Vec::new();
    for src in
        ["src", "crates/protocol/src", "crates/worker/src", "crates/artifact/src", "crates/cli/src", "crates/bench/src"]
    {
        let graph = imports::graph(&root.join(src));
        assert!(graph.len() >= 2, "{src}: {} files read", graph.len());
        for circle in imports::circles(&graph) {
            circles.push(format!("{src}: {}", circle.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
    // The check sees a circle where there is one.
    let mut made = BTreeMap::new();
    made.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    made.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(imports::circles(&made).len(), 1);
}

/// Yew matches a parent's unkeyed children from the end, and `{ for x }` adds as many children as
/// `x` holds: an optional part written that way shifts its siblings when it comes or goes, and
/// Yew rebuilds them (losing their state: an open panel, the editor). An optional part is
/// written `if let Some(x) = x { … }`, which is always one child.
#[test]
fn optional_parts_of_the_page_do_not_shift_their_siblings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let bare = line.trim().strip_prefix("{ for ").and_then(|rest| rest.strip_suffix(" }"));
                    if bare.is_some_and(|x| x.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "write these as `if let Some(x) = x {{ {{ x }} }}`:\n{}", found.join("\n"));
}

/// Reading a crate's files for the modules they import.
mod imports {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// A module path (`db::open`; `` for the crate root) → the module paths it imports.
    pub type Graph = BTreeMap<String, BTreeSet<String>>;

    fn modules(src: &Path, dir: &Path, out: &mut BTreeMap<Vec<String>, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "bin") {
                    modules(src, &path, out);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut segs: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if matches!(segs.last().map(String::as_str), Some("lib" | "main" | "mod")) {
                segs.pop();
            }
            if segs.last().is_some_and(|s| s == "tests") {
                continue;
            }
            out.insert(segs, std::fs::read_to_string(&path).unwrap());
        }
    }

    /// Drops `#[cfg(test)] mod … { … }` blocks and line comments.
    fn code_of(text: &str) -> String {
        let mut out = String::new();
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            let test_attr =
                line.trim_start().starts_with("#[cfg(test)]") || line.trim_start().starts_with("#[cfg(all(test");
            if test_attr
                && lines.peek().is_some_and(|next| next.trim_start().starts_with("mod ") && next.ends_with('{'))
            {
                let mut depth = 0i32;
                for inner in lines.by_ref() {
                    depth += inner.matches('{').count() as i32 - inner.matches('}').count() as i32;
                    if depth <= 0 {
                        break;
                    }
                }
                continue;
            }
            out.push_str(line.split("//").next().unwrap_or(""));
            out.push('\n');
        }
        out
    }

    /// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
    fn expand(tree: &str) -> Vec<String> {
        let tree = tree.trim();
        let (Some(open), Some(close)) = (tree.find('{'), tree.rfind('}')) else { return vec![tree.to_owned()] };
        if close < open {
            return vec![tree.to_owned()];
        }
        let (prefix, inner) = (&tree[..open], &tree[open + 1..close]);
        let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        parts.push(current);
        parts.iter().filter(|p| !p.trim().is_empty()).flat_map(|p| expand(p)).map(|p| format!("{prefix}{p}")).collect()
    }

    fn paths_in(code: &str) -> Vec<String> {
        let mut paths = Vec::new();
        let mut rest = code;
        while let Some(at) = rest.find("use ") {
            // A `use` item starts its line (after `pub` or `pub(crate)`); elsewhere the word is
            // prose in a string.
            let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
            let lead = rest[line_start..at].trim();
            rest = &rest[at + 4..];
            if !matches!(lead, "" | "pub" | "pub(crate)") {
                continue;
            }
            let end = rest.find(';').unwrap_or(rest.len());
            let tree: String = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
            paths.extend(expand(&tree).into_iter().map(|p| p.split(" as ").next().unwrap().trim().to_owned()));
        }
        for start in ["crate::", "super::", "self::"] {
            let mut rest = code;
            while let Some(at) = rest.find(start) {
                let before = rest[..at].chars().last();
                let tail = &rest[at..];
                let len = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    paths.push(tail[..len].trim_end_matches(':').to_owned());
                }
                rest = &tail[len.max(1)..];
            }
        }
        paths
    }

    /// The import graph of the crate whose sources are in `src`.
    pub fn graph(src: &Path) -> Graph {
        let mut mods = BTreeMap::new();
        modules(src, src, &mut mods);
        let mut graph = Graph::new();
        for (module, text) in &mods {
            let mut targets = BTreeSet::new();
            for path in paths_in(&code_of(text)) {
                let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty() && *s != "*").collect();
                let Some(first) = segs.first() else { continue };
                let (mut base, rest): (Vec<String>, &[&str]) = match *first {
                    "crate" => (Vec::new(), &segs[1..]),
                    "self" => (module.clone(), &segs[1..]),
                    "super" => {
                        let ups = segs.iter().take_while(|s| **s == "super").count();
                        (module[..module.len().saturating_sub(ups)].to_vec(), &segs[ups..])
                    }
                    child if mods.contains_key(&[module.clone(), vec![child.to_owned()]].concat()) => {
                        (module.clone(), &segs[..])
                    }
                    _ => continue,
                };
                base.extend(rest.iter().map(|s| (*s).to_owned()));
                while !base.is_empty() && !mods.contains_key(&base) {
                    base.pop();
                }
                if &base != module {
                    targets.insert(base.join("::"));
                }
            }
            graph.insert(module.join("::"), targets);
        }
        graph
    }

    /// Every set of files that import each other in a circle (strongly connected, two or more).
    pub fn circles(graph: &Graph) -> Vec<Vec<String>> {
        struct Walk<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g str, usize>,
            low: BTreeMap<&'g str, usize>,
            stack: Vec<&'g str>,
            found: Vec<Vec<String>>,
        }
        fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
            let i = w.index.len();
            w.index.insert(v, i);
            w.low.insert(v, i);
            w.stack.push(v);
            for next in w.graph.get(v).into_iter().flatten() {
                let next = next.as_str();
                if !w.index.contains_key(next) {
                    visit(w, next);
                    let low = w.low[v].min(w.low[next]);
                    w.low.insert(v, low);
                } else if w.stack.contains(&next) {
                    let low = w.low[v].min(w.index[next]);
                    w.low.insert(v, low);
                }
            }
            if w.low[v] == w.index[v] {
                let mut part = Vec::new();
                while let Some(top) = w.stack.pop() {
                    part.push(top.to_owned());
                    if top == v {
                        break;
                    }
                }
                if part.len() > 1 {
                    w.found.push(part);
                }
            }
        }
        let mut walk =
            Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
        for v in graph.keys() {
            if !walk.index.contains_key(v.as_str()) {
                visit(&mut walk, v);
            }
        }
        walk.found
    }
}
