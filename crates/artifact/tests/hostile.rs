//! The hostile-input corpus (`tests/corpus/mod.rs`), natively: every input is refused
//! with a message that names the file and what is wrong, changes nothing and never panics; plus
//! systematic sweeps of truncations and bit flips of a workshop file, and the Markdown XSS list.
#![cfg(not(target_arch = "wasm32"))]

mod corpus;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use corpus::{ImportPath, Input};
use stepwise_artifact::archive::{FileTree, Limits};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error, Opened, markdown, open_path, project, verify_path};

/// Runs one input through its native path; returns the error.
fn refuse(dir: &Path, input: &Input) -> Error {
    let path = dir.join(&input.file);
    std::fs::write(&path, &input.bytes).unwrap();
    let err = match input.route {
        ImportPath::Db => match open_path(&path) {
            // Another program's file opens as a playground, as in the app; as a workshop,
            // `verify` refuses it.
            Ok(Opened::Playground(p)) if p.application_id.is_some() => {
                verify_path(&path).expect_err("verify refuses another program's file")
            }
            Ok(_) => panic!("{}: {} opened", input.what, input.file),
            Err(e) => e,
        },
        ImportPath::WorkshopZip => {
            let out = dir.join("out.db");
            let Err(err) = stepwise_artifact::build_file(&path, &out) else { panic!("{}: built", input.what) };
            assert!(!out.exists(), "{}: a failed build left out.db", input.what);
            err
        }
        ImportPath::ProjectZip => FileTree::from_zip(&input.file, &input.bytes, &Limits::default())
            .and_then(|tree| {
                let mut conn = Connection::open_in_memory().unwrap();
                project::rebuild(&tree, &mut conn).map(drop)
            })
            .err()
            .unwrap_or_else(|| panic!("{}: rebuilt", input.what)),
    };
    assert_eq!(std::fs::read(&path).unwrap(), input.bytes, "{}: the input was changed", input.what);
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != &input.file)
        .collect();
    assert!(leftovers.is_empty(), "{}: left {leftovers:?}", input.what);
    std::fs::remove_file(&path).unwrap();
    err
}

#[test]
fn every_input_of_the_corpus_is_refused_naming_the_file_and_the_problem() {
    let inputs = corpus::corpus();
    assert!(inputs.len() >= 40, "the corpus shrank to {}", inputs.len());
    for input in &inputs {
        let dir = tempfile::tempdir().unwrap();
        let err = refuse(dir.path(), input);
        let msg = err.to_string();
        if input.route != ImportPath::ProjectZip {
            assert!(msg.contains(&input.file), "{}: {msg:?} does not name {}", input.what, input.file);
        }
        for part in &input.native {
            assert!(msg.contains(part.as_str()), "{}: {msg:?} does not say {part:?}", input.what);
        }
        assert!(!msg.contains("Error {") && !msg.contains("Some("), "{}: Debug output {msg}", input.what);
    }
}

#[test]
fn the_corpus_baselines_are_accepted() {
    // Each input is one change away from something that works: the fixture, its zip, the shop.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tiny.db");
    std::fs::write(&db, corpus::tiny()).unwrap();
    assert!(matches!(open_path(&db).unwrap(), Opened::Workshop(_)));
    let zip = dir.path().join("tiny.zip");
    std::fs::write(&zip, corpus::zip_of(&corpus::tiny_tree(), &[])).unwrap();
    stepwise_artifact::build_file(&zip, &dir.path().join("built.db")).unwrap();
    let shop =
        FileTree::from_zip("shop.zip", &corpus::zip_of(&corpus::shop_project(), &[]), &Limits::default()).unwrap();
    project::rebuild(&shop, &mut Connection::open_in_memory().unwrap()).unwrap();
}

#[test]
fn a_trigger_can_no_longer_fire_into_the_definition_when_progress_is_recorded() {
    // Without the schema check, the player's write_runtime would fire the trigger and rewrite
    // the steps (trusted_schema = OFF stops functions, not plain UPDATEs).
    let input = corpus::corpus().into_iter().find(|i| i.file == "trigger.db").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trigger.db");
    std::fs::write(&path, &input.bytes).unwrap();
    let err = stepwise_artifact::open_checked(Connection::open(&path).unwrap(), "trigger.db", "2026-01-01T00:00:00Z")
        .unwrap_err();
    let conn = Connection::open(&path).unwrap();
    stepwise_artifact::harden(&conn).unwrap();
    assert!(matches!(&err, Error::UnexpectedSchema { objects, .. } if objects.len() == 1), "{err:?}");
    // Control: what the trigger would have done on a hardened connection.
    let rt = stepwise_artifact::read_runtime(&conn, "trigger.db").unwrap();
    stepwise_artifact::write_runtime(&conn, &rt).unwrap();
    let content: String = conn.query_row("SELECT content FROM step WHERE slug = 'first'", [], |r| r.get(0)).unwrap();
    assert_eq!(content, "pwned", "the control shows what the refusal prevents");
}

#[test]
fn a_learners_own_table_and_index_still_open() {
    // The playground lets a learner create tables in a workshop: those are data, not code.
    let bytes = corpus::db_changed(
        &corpus::tiny(),
        "CREATE TABLE notes (x TEXT CHECK (length(x) < 100)); CREATE INDEX notes_x ON notes (x); INSERT INTO notes VALUES ('hi');",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, bytes).unwrap();
    assert!(matches!(open_path(&path).unwrap(), Opened::Workshop(_)));
    assert!(verify_path(&path).unwrap().problems.is_empty());
}

#[test]
fn truncated_at_every_length_is_truncated() {
    let tiny = corpus::tiny();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.db");
    let mut lengths: Vec<usize> = (0..tiny.len()).step_by(61).collect();
    for page in (0..=tiny.len()).step_by(4096) {
        lengths.extend([page.saturating_sub(1), page, page + 1, page + 100]);
    }
    lengths.retain(|&n| n < tiny.len());
    lengths.sort_unstable();
    lengths.dedup();
    for &n in &lengths {
        std::fs::write(&path, &tiny[..n]).unwrap();
        let err = open_path(&path).expect_err("a truncated file opened");
        match &err {
            Error::Truncated { found, .. } => assert_eq!(*found, n as u64, "{err}"),
            Error::NotSqlite { reason, .. } if n == 0 => assert!(reason.contains("empty")),
            other => panic!("cut at {n}: expected Truncated, got {other:?}"),
        }
        assert!(err.to_string().contains("cut.db"), "{err}");
    }
    assert!(lengths.len() > 100, "only {} lengths", lengths.len());
}

/// What a bit flip did.
#[derive(Default, Debug)]
struct Tally {
    refused: usize,
    /// Opened with the same definition and artifacts (the digest matched): the flip hit unused
    /// space or bytes SQLite does not read, or the runtime section.
    intact: usize,
    /// Of `intact`, how many had different runtime rows (no checksum covers them).
    runtime_changed: usize,
}

#[test]
fn bit_flips_are_refused_or_leave_the_content_intact_and_never_panic() {
    let tiny = corpus::tiny();
    let original = match open_path(&corpus::fixtures().join("v2-tiny.db")).unwrap() {
        Opened::Workshop(w) => w,
        Opened::Playground(_) => unreachable!(),
    };
    let original_runtime = {
        let conn = Connection::open(corpus::fixtures().join("v2-tiny.db")).unwrap();
        stepwise_artifact::read_runtime(&conn, "x").unwrap()
    };
    let page = |name: &str| (corpus::root_page(&tiny, name) - 1) * 4096;
    let mut offsets: Vec<usize> = (0..100).collect(); // the whole header
    offsets.extend((100..4096).step_by(17)); // the schema page
    for table in ["step", "validation", "blob", "artifact", "asset", "meta", "progress", "check_result"] {
        offsets.extend((page(table)..page(table) + 4096).step_by(37)); // b-tree pages
    }
    for blob in corpus::blob_data_offsets(&tiny) {
        offsets.extend((blob..blob + 64).step_by(5)); // the blob table's data
    }
    offsets.sort_unstable();
    offsets.dedup();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flipped.db");
    let file = path.display().to_string();
    let mut tally = Tally::default();
    for &offset in &offsets {
        for mask in [0x01u8, 0x80] {
            let mut bytes = tiny.clone();
            bytes[offset] ^= mask;
            std::fs::write(&path, &bytes).unwrap();
            let outcome = catch_unwind(AssertUnwindSafe(|| open_path(&path)))
                .unwrap_or_else(|_| panic!("open_path panicked on a flip at {offset} ({mask:#04x})"));
            match outcome {
                Err(e) => {
                    assert!(e.to_string().contains(&file), "flip at {offset}: {e}");
                    tally.refused += 1;
                }
                Ok(Opened::Workshop(w)) => {
                    assert_eq!(w.digest, original.digest, "flip at {offset}: opened with another digest");
                    assert_eq!(w.workshop, original.workshop, "flip at {offset}: content changed unnoticed");
                    tally.intact += 1;
                    let conn = Connection::open(&path).unwrap();
                    if stepwise_artifact::read_runtime(&conn, "x").ok().as_ref() != Some(&original_runtime) {
                        tally.runtime_changed += 1;
                    }
                }
                // The header's application_id (bytes 68..72) flipped: another program's file, which
                // opens as a playground and says so; it is no longer taken for a workshop.
                Ok(Opened::Playground(p)) if (68..72).contains(&offset) && p.application_id.is_some() => {
                    tally.refused += 1;
                }
                Ok(Opened::Playground(_)) => {
                    panic!("flip at {offset} ({mask:#04x}) turned the workshop into a playground")
                }
            }
            // verify never panics either, and whatever it cannot open it refuses.
            catch_unwind(AssertUnwindSafe(|| verify_path(&path)))
                .unwrap_or_else(|_| panic!("verify_path panicked on a flip at {offset} ({mask:#04x})"))
                .ok();
        }
    }
    eprintln!("bit flips: {} positions, {tally:?}", offsets.len());
    // Most of a small workshop's pages are free space, which nothing reads: those flips change
    // nothing. What matters is above: no flip changed the content unnoticed or panicked.
    assert!(tally.refused >= 100, "{tally:?}");
}

#[test]
fn markdown_links_keep_hosts_in_any_script() {
    // The sanitiser checks a link's scheme only; the browser reads the host, punycode or not.
    let html = markdown::render(
        "[a](https://example.org/x) [b](https://xn--bcher-kva.example/) [c](https://bücher.example/)",
        &[],
    );
    assert!(html.contains(r#"href="https://example.org/x""#), "{html}");
    assert!(html.contains(r#"href="https://xn--bcher-kva.example/""#), "{html}");
    assert!(html.contains(r#"href="https://b%C3%BCcher.example/""#), "{html}");
}

#[test]
fn markdown_xss_corpus_renders_inert() {
    for source in corpus::XSS_MARKDOWN {
        let html = markdown::render(source, &[]).to_lowercase();
        for bad in corpus::XSS_FORBIDDEN {
            assert!(!html.contains(bad), "{source:?} rendered {html:?}, which contains {bad:?}");
        }
    }
    // All of them in one step, as the e2e test plays it.
    let html = markdown::render(&corpus::XSS_MARKDOWN.join("\n\n"), &[]).to_lowercase();
    assert!(corpus::XSS_FORBIDDEN.iter().all(|bad| !html.contains(bad)), "{html}");
}
