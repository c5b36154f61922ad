//! The learner's player on REAL OPFS and SQLite, in a dedicated worker of headless Chromium:
//! a step's setup runs once, hints open one at a time after failed attempts, the solution after
//! the workshop's number of them, the author's feedback comes with a failure, and the completion
//! page and the learner's name are in the stored file's runtime tables.
//!
//! Run by `scripts/test.sh` (worker tests), like `opfs.rs`.
#![cfg(target_arch = "wasm32")]

use stepwise_artifact::rusqlite::{Connection, MAIN_DB};
use stepwise_artifact::{Opened, Runtime, Workshop, open_checked, read_runtime, read_workshop};
use stepwise_protocol::{Entry, ErrorKind, Imported, SetupNote, Stored};
use stepwise_worker::Library;
use stepwise_worker::backend::PoolConfig;
use stepwise_worker::source::BytesSource;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const TINY: &[u8] = include_bytes!("../../artifact/tests/fixtures/v2-tiny.db");

async fn library(name: &str) -> Library {
    let config = PoolConfig { vfs_name: format!("pl-{name}"), directory: format!(".pl-{name}"), clear_on_init: true };
    Library::open(&config).await.expect("the library opens on OPFS")
}

async fn add(lib: &mut Library, name: &str, bytes: &[u8]) -> Entry {
    match lib.import(name, BytesSource::new(bytes.to_vec(), 1 << 16), &mut |_, _, _| {}).await {
        Ok(Stored::Imported(Imported { entry, .. })) => entry,
        other => panic!("expected Imported, got {other:?}"),
    }
}

/// A connection on a copy of `bytes` in memory.
fn in_memory(bytes: &[u8]) -> Connection {
    let mut conn = Connection::open_in_memory().expect("memory");
    conn.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), false).expect("loads");
    conn
}

/// The tiny workshop as nobody has played it yet.
fn fresh_tiny() -> Vec<u8> {
    let w: Workshop = read_workshop(&in_memory(TINY), "tiny").expect("read");
    let mut conn = Connection::open_in_memory().expect("memory");
    stepwise_artifact::write_new(&mut conn, &w, &Runtime::default()).expect("build");
    conn.serialize(MAIN_DB).expect("serialise").to_vec()
}

/// The runtime stored in entry `id`'s file, read as the CLI would.
fn stored_runtime(lib: &Library, id: &str) -> Runtime {
    let mut bytes = Vec::new();
    lib.export(
        id,
        &mut |chunk| {
            bytes.extend_from_slice(chunk);
            Ok(())
        },
        &mut |_, _, _| {},
    )
    .expect("export");
    let (conn, opened) = open_checked(in_memory(&bytes), "tiny.db", "2026-01-01T00:00:00Z").expect("opens");
    assert!(matches!(opened, Opened::Workshop(_)), "the digest still matches");
    read_runtime(&conn, "tiny.db").expect("runtime")
}

#[wasm_bindgen_test]
async fn a_stuck_learner_gets_hints_then_the_solution_and_hands_in() {
    let mut lib = library("help").await;
    let entry = add(&mut lib, "tiny.db", &fresh_tiny()).await;
    let id = entry.id.as_str();

    // The first step's setup ran on a fresh workspace when it was opened, once.
    let view = lib.play(id, None).expect("plays");
    assert!(matches!(view.setup, Some(SetupNote::Ran { .. })), "{:?}", view.setup);
    let notes = view.workspace_tables.iter().find(|t| t.name == "notes").expect("the setup's table");
    assert_eq!((notes.kind.as_str(), notes.columns.clone()), ("table", vec!["text".to_owned()]));
    assert_eq!(view.minutes_left, Some(3));
    lib.run_sql(id, "INSERT INTO notes VALUES ('mine')", None).unwrap().expect("runs");
    lib.play(id, Some("first")).unwrap();
    assert_eq!(stored_runtime(&lib, id).setups.len(), 1);

    // A failure readies the first hint; the solution waits for `solution_after: 2` failures.
    let view = lib.check(id, "first", "count", None).unwrap();
    let count = &view.checks[0];
    assert_eq!(count.result.as_ref().unwrap().message, "the query failed: no such table: t — did you create it?");
    assert_eq!((count.help.failures, count.help.hint_ready, count.help.hints_total), (1, true, 2));
    assert!(count.help.hints_html.is_empty() && !count.help.solution_ready);
    let view = lib.open_hint(id, "first", "count").expect("a hint opens");
    assert_eq!(view.checks[0].help.hints_html, vec!["<p>Use count(*).</p>\n".to_owned()]);
    assert!(!view.checks[0].help.hint_ready);
    let e = lib.open_hint(id, "first", "count").unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::BadRequest, "No hint is ready: a hint opens after each try that does not pass.")
    );
    let e = lib.show_solution(id, "first", "count").unwrap_err();
    assert_eq!(e.message, "The solution can be shown after 2 tries that do not pass.");

    let view = lib.check(id, "first", "count", None).unwrap();
    assert!(view.checks[0].help.solution_ready && view.checks[0].help.hint_ready);
    let view = lib.show_solution(id, "first", "count").expect("shown");
    let solution = view.checks[0].help.solution_html.clone().expect("the solution");
    assert!(solution.contains("<code class=\"language-sql\">CREATE TABLE t (x, y);"), "{solution}");
    assert!(!view.checks[0].help.solution_ready);

    lib.run_sql(id, "CREATE TABLE t (x, y)", None).unwrap().expect("runs");
    lib.run_sql(id, "INSERT INTO t VALUES (1, 'one'), (2, NULL)", None).unwrap().expect("runs");
    let view = lib.check(id, "first", "count", None).unwrap();
    assert!(view.checks[0].result.as_ref().unwrap().passed);
    // The author's feedback goes with Stepwise's reason.
    let view = lib.check(id, "first", "rows", None).unwrap();
    let rows = view.checks[1].result.clone().unwrap();
    assert_eq!(
        rows.message,
        "got (2, NULL), which is not among the expected rows (order does not matter); missing (2, 'two')"
    );
    assert_eq!(rows.feedback_html.as_deref(), Some("<p>Both rows of t have a word now.</p>\n"));

    // The completion page and the learner's name.
    let page = lib.completion(id).unwrap();
    assert!(!page.finished && page.learner.is_none());
    assert_eq!((page.checks_verified, page.checks_open, page.hints_opened, page.solutions_shown), (1, 6, 1, 1));
    assert_eq!(lib.set_learner(id, " \n").unwrap_err().message, "Type your name first.");
    let page = lib.set_learner(id, "  Grace Hopper ").unwrap();
    assert_eq!(page.learner.as_deref(), Some("Grace Hopper"));

    // Everything is in the stored file, for a teacher reading the hand-in.
    let rt = stored_runtime(&lib, id);
    assert_eq!(rt.learner.as_ref().map(|l| l.name.as_str()), Some("Grace Hopper"));
    let count = rt.checks.iter().find(|c| c.validation == "count").unwrap();
    assert_eq!((count.failures, count.hints_opened, count.solution_shown, count.passed), (2, 1, true, true));
    let workspace = stepwise_artifact::play::open_workspace(rt.workspace.as_deref()).unwrap();
    let mine: String = workspace.query_row("SELECT text FROM notes", [], |r| r.get(0)).expect("kept");
    assert_eq!(mine, "mine", "the setup did not run again over the learner's rows");
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn a_setup_that_sqlite_refuses_changes_nothing_and_says_so() {
    let mut lib = library("setup").await;
    let mut w: Workshop = read_workshop(&in_memory(TINY), "tiny").expect("read");
    w.steps[0].setup = Some("CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);".into());
    let mut conn = Connection::open_in_memory().unwrap();
    stepwise_artifact::write_new(&mut conn, &w, &Runtime::default()).unwrap();
    let bytes = conn.serialize(MAIN_DB).unwrap().to_vec();
    let entry = add(&mut lib, "broken-setup.db", &bytes).await;
    let view = lib.play(&entry.id, None).expect("the step still opens");
    match &view.setup {
        Some(SetupNote::Failed { message }) => {
            assert_eq!(message, "no such table: nowhere (tell the workshop's author)")
        }
        other => panic!("expected a failed setup, got {other:?}"),
    }
    assert!(view.workspace_tables.iter().all(|t| t.name != "half"), "rolled back as a whole");
    assert!(stored_runtime(&lib, &entry.id).setups.is_empty(), "tried again next time");
    lib.close().unwrap();
}

#[wasm_bindgen_test]
async fn saves_write_what_changed_and_stay_whole_when_another_connection_wrote_the_file() {
    let mut lib = library("saves").await;
    let entry = add(&mut lib, "tiny.db", &fresh_tiny()).await;
    let id = entry.id.as_str();
    lib.play(id, None).expect("plays");
    // Two saves on the player's kept connection: the second writes only the check's row.
    lib.check(id, "first", "count", None).unwrap();
    lib.check(id, "first", "rows", None).unwrap();
    let rt = stored_runtime(&lib, id);
    // The export closed the saves' connection: the file left WAL mode, no WAL is left beside it.
    assert!(lib.backend().names().unwrap().iter().all(|n| !n.ends_with("-wal")));
    let failures = |rt: &Runtime, v: &str| rt.checks.iter().find(|c| c.validation == v).map(|c| c.failures);
    assert_eq!((failures(&rt, "count"), failures(&rt, "rows")), (Some(1), Some(1)));

    // The export above closed the kept connection; the file's playground, in write mode, now
    // deletes the learner's check results behind the player's back.
    let done = lib.query(id, "DELETE FROM check_result", true).expect("write mode runs");
    assert_eq!(done.changed, 2);
    assert!(stored_runtime(&lib, id).checks.is_empty());

    // The next save cannot know what the file holds: it writes the session's whole state, so
    // the file again has every result the learner sees.
    let view = lib.check(id, "first", "count", None).unwrap();
    assert_eq!(view.checks[0].result.as_ref().map(|r| r.passed), Some(false));
    let rt = stored_runtime(&lib, id);
    assert_eq!((failures(&rt, "count"), failures(&rt, "rows")), (Some(2), Some(1)));

    // Saves in a row on the kept connection, then the file read back through a fresh session.
    lib.check(id, "first", "rows", None).unwrap();
    lib.check(id, "first", "word", None).unwrap();
    lib.forget_player(id);
    let view = lib.play(id, Some("first")).unwrap();
    let attempts: Vec<u32> = view.checks.iter().map(|c| c.help.failures).collect();
    assert_eq!(attempts, vec![2, 2, 1], "{:?}", view.checks);
    lib.close().unwrap();
}
