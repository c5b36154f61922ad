//! The class view on hand-ins made here from the sql-joins sample: learners with different
//! progress and help, one whose definition was edited inside the file, one of another version,
//! a plain database and a file that is not SQLite; the table's marks, totals, flags and CSV.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use stepwise_artifact::class::{class_csv, read_hand_in, summarise};
use stepwise_artifact::rusqlite::{Connection, MAIN_DB};
use stepwise_artifact::{CheckResult, Learner, Progress, Runtime, StepStatus, Workshop, text, write_new};
use stepwise_protocol::{Flag, HandIn, Mark, Unread};

const NOW: &str = "2026-12-01T10:00:00Z";

fn sample() -> Workshop {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/sql-joins");
    let tree = stepwise_artifact::native::fs::read_tree(&root).expect("sample reads");
    text::parse(&tree, "sql-joins").expect("sample parses").workshop
}

/// A hand-in's bytes: `workshop` with `done` steps finished (verified or not), the next one
/// started, `hints` opened and maybe a solution shown on the first check, and a name.
fn hand_in(
    workshop: &Workshop,
    name: Option<&str>,
    done: usize,
    verified: bool,
    hints: u32,
    solution: bool,
) -> Vec<u8> {
    let mut rt = Runtime { updated_at: NOW.to_owned(), ..Runtime::default() };
    for (i, step) in workshop.steps.iter().enumerate().take(done + 1) {
        let finished = i < done;
        rt.progress.push(Progress {
            step: step.slug.clone(),
            status: if finished { StepStatus::Done } else { StepStatus::Started },
            verified: finished && verified,
            started_at: format!("2026-12-01T09:{:02}:00Z", i * 5),
            completed_at: finished.then(|| format!("2026-12-01T09:{:02}:00Z", i * 5 + 4)),
        });
    }
    let first = &workshop.steps[0];
    rt.checks.push(CheckResult {
        step: first.slug.clone(),
        validation: first.validations[0].id.clone(),
        passed: done > 0,
        input: Some("SELECT * FROM customers WHERE city = 'London'".to_owned()),
        message: String::new(),
        checked_at: "2026-12-01T09:03:00Z".to_owned(),
        failures: 2,
        hints_opened: hints,
        solution_shown: solution,
    });
    rt.learner = name.map(|n| Learner { name: n.to_owned(), named_at: NOW.to_owned() });
    let mut conn = Connection::open_in_memory().unwrap();
    write_new(&mut conn, workshop, &rt).expect("builds");
    conn.serialize(MAIN_DB).unwrap().to_vec()
}

fn read(bytes: &[u8], file: &str) -> HandIn {
    read_hand_in(bytes, file, NOW).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn a_class_is_laid_out_by_step_with_totals_and_the_odd_hand_ins_flagged() {
    let w = sample();
    let steps = w.steps.len();
    let mut edited_bytes = hand_in(&w, Some("Mallory"), steps, true, 0, false);
    {
        // A learner who made a check accept anything: the definition no longer matches its digest.
        let mut conn = Connection::open_in_memory().unwrap();
        conn.deserialize_read_exact(MAIN_DB, &edited_bytes[..], edited_bytes.len(), false).unwrap();
        conn.execute("UPDATE validation SET prompt = prompt || ' (anything goes)' WHERE position = 1", []).unwrap();
        edited_bytes = conn.serialize(MAIN_DB).unwrap().to_vec();
    }
    let mut newer = w.clone();
    newer.meta.version = "2.0.0".to_owned();
    newer.steps[0].title.push_str(" (revised)");
    let hand_ins = vec![
        read(&hand_in(&w, Some("Ada"), steps, true, 0, false), "ada.db"),
        read(&hand_in(&w, Some("Grace"), 2, false, 1, false), "grace.db"),
        read(&hand_in(&w, None, 0, false, 3, true), "linus.db"),
        read(&edited_bytes, "mallory.db"),
        read(&hand_in(&newer, Some("Newt"), 1, true, 0, false), "newt.db"),
    ];
    assert!(hand_ins[3].edited, "the edited definition is seen");
    assert!(!hand_ins[0].edited);
    let unread = vec![Unread { file_name: "notes.txt".to_owned(), reason: "not SQLite".to_owned() }];
    let class = summarise(&hand_ins, &unread);

    assert_eq!(class.slug, "sql-joins");
    assert_eq!(class.version, w.meta.version);
    assert_eq!(class.steps.len(), steps);
    assert_eq!(class.rows.len(), 5);
    assert_eq!(class.unread, unread);
    let who: Vec<&str> = class.rows.iter().map(|r| r.hand_in.who()).collect();
    assert_eq!(who, ["Ada", "Grace", "linus.db", "Mallory", "Newt"], "the file name when no name was given");

    let flags: Vec<Option<Flag>> = class.rows.iter().map(|r| r.flag.clone()).collect();
    assert_eq!(flags[..3], [None, None, None]);
    assert_eq!(flags[3], Some(Flag::Edited));
    assert_eq!(flags[4], Some(Flag::OtherVersion { version: "2.0.0".to_owned() }));

    // Marks per column.
    assert!(class.rows[0].marks.iter().all(|m| *m == Mark::Verified));
    assert_eq!(class.rows[1].marks[..3], [Mark::Confirmed, Mark::Confirmed, Mark::Started]);
    assert_eq!(class.rows[2].marks[0], Mark::Started);
    assert!(class.rows[2].marks[1..].iter().all(|m| *m == Mark::NotStarted));
    assert_eq!((class.rows[1].done, class.rows[1].verified), (2, 0));
    assert_eq!((class.rows[2].hints_opened, class.rows[2].solutions_shown), (3.min(hint_count(&w)), 1));

    // Totals count the three unflagged learners only.
    let first = &class.steps[0];
    assert_eq!(first.title, w.steps[0].title);
    assert_eq!((first.done, first.verified, first.started), (2, 1, 1));
    assert_eq!(class.steps[2].started, 1, "Grace is stuck on the third step");
    assert_eq!(first.solutions_shown, 1);
    assert_eq!(first.hints_opened, 1 + 3.min(hint_count(&w)));

    // Linus's answers open from his row.
    let answers = &class.rows[2].hand_in.steps[0].answers;
    assert_eq!(answers.len(), 1);
    assert!(!answers[0].passed);
    assert_eq!(answers[0].failures, 2);
    assert!(answers[0].input.as_deref().unwrap().contains("London"));
    assert_eq!(class.rows[2].hand_in.last_activity.as_deref(), Some("2026-12-01T09:03:00Z"), "his last check");

    let csv = class_csv(&class);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6, "{csv}");
    assert!(lines[0].starts_with(
        "learner,file,flag,steps_done,steps_verified,hints_opened,solutions_shown,last_activity,welcome,"
    ));
    assert!(
        lines[1].starts_with(&format!("Ada,ada.db,,{steps},{steps},0,0,2026-12-01T09:39:00Z,verified,")),
        "{}",
        lines[1]
    );
    assert!(lines[4].contains("definition edited"));
    assert!(lines[5].contains("version 2.0.0"));
}

fn hint_count(w: &Workshop) -> u32 {
    w.steps[0].validations[0].hints.len() as u32
}

#[test]
fn a_name_a_spreadsheet_would_run_is_written_inert() {
    let w = sample();
    let class = summarise(&[read(&hand_in(&w, Some("=HYPERLINK(\"http://x\")"), 1, true, 0, false), "x.db")], &[]);
    let csv = class_csv(&class);
    assert!(csv.lines().nth(1).unwrap().starts_with("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
}

#[test]
fn what_is_not_a_hand_in_is_refused_in_one_line() {
    let plain = {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
        let mut conn = conn;
        conn.serialize(MAIN_DB).unwrap().to_vec()
    };
    for (bytes, file, says) in [
        (plain, "plain.db", "plain SQLite database"),
        (b"hello, this is not a database at all".to_vec(), "notes.txt", "notes.txt"),
        (Vec::new(), "empty.db", "empty"),
    ] {
        let message = read_hand_in(&bytes, file, NOW).expect_err(file).to_string();
        assert!(message.contains(says), "{file}: {message}");
        assert!(!message.contains('\n'), "{message}");
    }
    let w = sample();
    let mut damaged = hand_in(&w, Some("Ada"), 1, true, 0, false);
    let len = damaged.len();
    damaged.truncate(len / 2);
    let message = read_hand_in(&damaged, "half.db", NOW).expect_err("half a file").to_string();
    assert!(message.contains("half.db"), "{message}");
}
