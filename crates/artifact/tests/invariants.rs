//! Architectural invariants that a test can check: the format library stays free of web crates.
#![cfg(not(target_arch = "wasm32"))]

/// **Invariant:** `stepwise-artifact` depends on no yew, web-sys, wasm-bindgen, js-sys or gloo
/// (outside the wasm test harness), so the same code runs natively and in the worker.
#[test]
fn the_format_library_has_no_web_dependencies() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let mut section = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_owned();
            continue;
        }
        if section.contains("dev-dependencies") || !section.contains("dependencies") {
            continue;
        }
        let name = line.split(['=', ' ']).next().unwrap_or("");
        for web in ["yew", "web-sys", "wasm-bindgen", "js-sys", "gloo"] {
            assert!(!name.starts_with(web), "{section} depends on {name}: keep web crates out of stepwise-artifact");
        }
    }
}
