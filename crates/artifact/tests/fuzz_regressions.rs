//! The fuzzers' regressions, natively (docs/robustness.md § Fuzzing): every input under
//! `tests/fuzz-regressions/<target>/` goes through the very checks its fuzz target runs
//! (`fuzz/src/lib.rs`, included below, so no cargo-fuzz or nightly is needed) and must end with
//! the refusal its `<input>.expected` file states: each line not starting with `#` is a part of
//! the message (`accepted` alone: the input must go through; `verify: …`, a part of what
//! `verify_path` reports for the file). A crash the fuzzer finds becomes a file here once the
//! library refuses it clearly.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code, unreachable_pub)]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

type FuzzTarget = fn(&[u8]) -> stepwise_artifact::Result<()>;

fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target)
}

/// Replays every input of `target`; returns how many there were. Every target has a folder of
/// inputs: a missing folder is a failure, not zero inputs.
fn replay(target: &str, run: FuzzTarget) -> usize {
    let entries = std::fs::read_dir(dir(target))
        .unwrap_or_else(|e| panic!("tests/fuzz-regressions/{target}/ cannot be read ({e}): every target has inputs"));
    let mut inputs: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_none_or(|x| x != "expected")).collect();
    inputs.sort();
    for input in &inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(input).unwrap();
        let mut expected_path = input.clone().into_os_string();
        expected_path.push(".expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{target}/{name}: no {name}.expected saying what the user must be told"));
        let lines: Vec<&str> =
            expected.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let (verify, parts): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| l.starts_with("verify: "));
        if !verify.is_empty() {
            // What `stepwise verify` reports for the file: its problems, or its error.
            let said = match stepwise_artifact::verify_path(input) {
                Ok(report) => report.problems.join("; "),
                Err(e) => e.to_string(),
            };
            for part in verify {
                let part = part.trim_start_matches("verify: ");
                assert!(said.contains(part), "{target}/{name}: verify said {said:?}, not {part:?}");
            }
        }
        assert!(!parts.is_empty(), "{target}/{name}.expected says nothing");
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&bytes)))
            .unwrap_or_else(|_| panic!("{target}/{name}: the fuzz target's checks failed (see the panic above)"));
        match (outcome, parts.as_slice()) {
            (Ok(()), ["accepted"]) => {}
            (Ok(()), _) => panic!("{target}/{name}: accepted, but it must be refused with {parts:?}"),
            (Err(e), _) => {
                let msg = e.to_string();
                for part in &parts {
                    assert!(msg.contains(part), "{target}/{name}: {msg:?} does not say {part:?}");
                }
            }
        }
    }
    inputs.len()
}

#[test]
fn open_regressions_are_refused_clearly() {
    assert!(replay("open", harness::open) >= 1);
}

#[test]
fn workshop_zip_regressions_are_refused_clearly() {
    assert!(replay("workshop_zip", harness::workshop_zip) >= 1);
}

#[test]
fn project_zip_regressions_are_refused_clearly() {
    assert!(replay("project_zip", harness::project_zip) >= 1);
}

#[test]
fn markdown_regressions_render_inert() {
    assert!(replay("markdown", harness::markdown) >= 1);
}

/// The HTML check of the `markdown` target itself: it must catch what it is there to catch.
#[test]
fn the_markdown_check_catches_unsafe_html() {
    for bad in [
        "<script>alert(1)</script>",
        "<p onclick=\"x\">a</p>",
        "<a href=\"javascript:alert(1)\">a</a>",
        "<a href=\" JaVa&#9;script:x\">a</a>",
        "<a href=\"java\tscript:x\">a</a>",
        "<img src=\"https://evil.example/x.png\">",
        "<a href=\"data:text/html,x\">a</a>",
        "<p style=\"x\">a</p>",
        "<iframe src=\"a\"></iframe>",
        "<input disabled=\"\">",
        "<td style=\"color: red\">a</td>",
        "a < b",
    ] {
        let caught = catch_unwind(|| harness::check_html(bad)).is_err();
        assert!(caught, "check_html let {bad:?} through");
    }
    for good in [
        "<p>a &lt;script&gt; b</p>",
        "<a href=\"https://example.com/\" rel=\"noopener noreferrer\">a</a>",
        "<a href=\"../02-next/\">a</a>",
        "<a href=\"mailto:a@example.com\">a</a>",
        "<a href=\"ji%EF%BF%BDt:alert(1)\">a</a>",
        "<img src=\"data:image/png;base64,iVBO\" alt=\"x\">",
        "<p title=\"a > onclick=x\">javascript:alert(1)</p>",
        "<h1 id=\"md-a\">a</h1>\n<br>",
        "<li><input disabled=\"\" type=\"checkbox\"> a</li>",
        "<th style=\"text-align: center\">a</th>",
    ] {
        harness::check_html(good);
    }
}
