//! The teacher's class view: each handed-in `.db` read from memory into a [`HandIn`] (who, which
//! workshop, where they stand on each step, their answers), and the hand-ins of a class laid out
//! as learners × steps ([`summarise`]) with the totals a teacher reads first: where the class is
//! stuck, who used help. A hand-in of another workshop, another version, or whose definition was
//! changed after it was built is flagged and kept out of the totals, never merged.

use rusqlite::{Connection, MAIN_DB};
use stepwise_protocol::{
    AnswerView, ClassRow, ClassStep, ClassView, Flag, HandIn, HandInStep, Mark, StepState, Unread,
};

use crate::completion::completion;
use crate::db::harden::{harden, unreadable};
use crate::db::inspect::{Kind, inspect};
use crate::db::store::{get_meta, read_runtime, read_workshop};
use crate::digest::content_digest;
use crate::error::{Error, Result, clipped};

/// Reads a handed-in workshop file (its whole bytes) without storing it anywhere: sniffed,
/// opened in memory, hardened, checked by SQLite, migrated in memory when older, and its
/// definition compared with the digest it was built with (a mismatch is reported on the
/// hand-in, not refused: the teacher sees it flagged).
///
/// # Errors
/// The file is not SQLite, damaged, a plain database rather than a workshop, or unreadable;
/// each a one-line [`Error`] naming `file`.
pub fn read_hand_in(bytes: &[u8], file: &str, now: &str) -> Result<HandIn> {
    let head = &bytes[..bytes.len().min(crate::db::SNIFF_LEN)];
    crate::db::sniff(file, head, bytes.len() as u64)?;
    let mut conn = Connection::open_in_memory().map_err(|e| Error::sqlite("opening in memory", e))?;
    conn.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), false)
        .map_err(|e| Error::Corrupt { file: file.to_owned(), detail: e.to_string() })?;
    harden(&conn)?;
    match inspect(&conn, file)? {
        Kind::Playground => {
            return Err(Error::invalid(file, "is a plain SQLite database, not a workshop someone handed in"));
        }
        Kind::OlderWorkshop(_) => {
            crate::db::migrate::migrate(&mut conn, file, now).map_err(|e| unreadable(file, e))?;
        }
        Kind::Workshop => {}
    }
    let workshop = read_workshop(&conn, file).map_err(|e| unreadable(file, e))?;
    let runtime = read_runtime(&conn, file).map_err(|e| unreadable(file, e))?;
    let stored = get_meta(&conn, "content_digest").map_err(|e| unreadable(file, e))?.unwrap_or_default();
    let edited = stored != content_digest(&workshop);
    let view = completion(&workshop, &runtime, "", file);
    let steps = view
        .steps
        .iter()
        .map(|report| {
            let started = runtime.progress.iter().any(|p| p.step == report.slug);
            let mark = match (report.state, report.verified) {
                (StepState::Done, true) => Mark::Verified,
                (StepState::Done, false) => Mark::Confirmed,
                _ if started => Mark::Started,
                _ => Mark::NotStarted,
            };
            let answers = runtime
                .checks
                .iter()
                .filter(|c| c.step == report.slug)
                .map(|c| AnswerView {
                    check: c.validation.clone(),
                    passed: c.passed,
                    input: c.input.as_deref().map(clipped),
                    failures: c.failures,
                })
                .collect();
            HandInStep {
                slug: report.slug.clone(),
                title: report.title.clone(),
                mark,
                hints_opened: report.hints_opened,
                solutions_shown: report.solutions_shown,
                answers,
            }
        })
        .collect();
    let last_activity = std::iter::once(runtime.updated_at.as_str())
        .chain(runtime.progress.iter().filter_map(|p| p.completed_at.as_deref()))
        .chain(runtime.progress.iter().map(|p| p.started_at.as_str()))
        .chain(runtime.checks.iter().map(|c| c.checked_at.as_str()))
        .filter(|at| !at.is_empty())
        .max()
        .map(str::to_owned);
    Ok(HandIn {
        file_name: file.to_owned(),
        learner: view.learner,
        slug: workshop.meta.slug.clone(),
        version: workshop.meta.version.clone(),
        title: workshop.meta.title.clone(),
        digest: stored,
        edited,
        steps,
        last_activity,
        minutes: view.minutes,
    })
}

/// The class table of `hand_ins` (in the order read) and the files that were not hand-ins.
///
/// The class's workshop is the digest most intact hand-ins share (the first read wins a tie);
/// its steps are the columns. Every other hand-in is flagged: [`Flag::Edited`] when its
/// definition no longer matches its own digest, [`Flag::OtherWorkshop`] for another slug,
/// [`Flag::OtherVersion`] otherwise. Flagged rows show their marks where their steps share a
/// slug with the columns, and count in no column's totals.
pub fn summarise(hand_ins: &[HandIn], unread: &[Unread]) -> ClassView {
    let reference = reference(hand_ins);
    let mut view = ClassView {
        title: String::new(),
        slug: String::new(),
        version: String::new(),
        digest: String::new(),
        steps: Vec::new(),
        rows: Vec::with_capacity(hand_ins.len()),
        unread: unread.to_vec(),
    };
    if let Some(r) = reference {
        view.title.clone_from(&r.title);
        view.slug.clone_from(&r.slug);
        view.version.clone_from(&r.version);
        view.digest.clone_from(&r.digest);
        view.steps = r
            .steps
            .iter()
            .map(|s| ClassStep {
                slug: s.slug.clone(),
                title: s.title.clone(),
                done: 0,
                verified: 0,
                started: 0,
                hints_opened: 0,
                solutions_shown: 0,
            })
            .collect();
    }
    for hand_in in hand_ins {
        let flag = match reference {
            _ if hand_in.edited => Some(Flag::Edited),
            Some(r) if hand_in.slug != r.slug => Some(Flag::OtherWorkshop { title: hand_in.title.clone() }),
            Some(r) if hand_in.digest != r.digest => Some(Flag::OtherVersion { version: hand_in.version.clone() }),
            _ => None,
        };
        let marks: Vec<Mark> = view
            .steps
            .iter()
            .map(|column| hand_in.steps.iter().find(|s| s.slug == column.slug).map_or(Mark::NotStarted, |s| s.mark))
            .collect();
        if flag.is_none() {
            for ((column, mark), step) in view.steps.iter_mut().zip(&marks).zip(&hand_in.steps) {
                column.done += u32::from(mark.done());
                column.verified += u32::from(*mark == Mark::Verified);
                column.started += u32::from(*mark == Mark::Started);
                column.hints_opened += step.hints_opened;
                column.solutions_shown += step.solutions_shown;
            }
        }
        view.rows.push(ClassRow {
            done: hand_in.steps.iter().filter(|s| s.mark.done()).count() as u32,
            verified: hand_in.steps.iter().filter(|s| s.mark == Mark::Verified).count() as u32,
            hints_opened: hand_in.steps.iter().map(|s| s.hints_opened).sum(),
            solutions_shown: hand_in.steps.iter().map(|s| s.solutions_shown).sum(),
            hand_in: hand_in.clone(),
            flag,
            marks,
        });
    }
    view
}

/// The intact hand-in whose digest most intact hand-ins share; the first read among equals.
fn reference(hand_ins: &[HandIn]) -> Option<&HandIn> {
    let intact: Vec<&HandIn> = hand_ins.iter().filter(|h| !h.edited).collect();
    let count = |digest: &str| intact.iter().filter(|h| h.digest == digest).count();
    let mut best: Option<(&HandIn, usize)> = None;
    for h in &intact {
        let n = count(&h.digest);
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((h, n));
        }
    }
    best.map(|(h, _)| h).or_else(|| hand_ins.first())
}

/// The class table as CSV for a grade book: one row per learner (name, file, flag, steps done,
/// verified, hints, solutions, last activity, then one column per step: `verified`,
/// `confirmed`, `started` or empty; a missing name or flag is an empty field). A cell that a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@` first) is prefixed with `'`.
pub fn class_csv(view: &ClassView) -> String {
    let mut out = String::new();
    let mut header: Vec<String> =
        ["learner", "file", "flag", "steps_done", "steps_verified", "hints_opened", "solutions_shown", "last_activity"]
            .map(str::to_owned)
            .to_vec();
    header.extend(view.steps.iter().map(|s| s.slug.clone()));
    crate::csv::write_record(&mut out, header.iter().map(|h| Some(h.as_str())));
    for row in &view.rows {
        let h = &row.hand_in;
        let flag = flag_text(row.flag.as_ref());
        let mut cells: Vec<Option<String>> = vec![
            h.learner.as_deref().map(inert),
            Some(inert(&h.file_name)),
            (!flag.is_empty()).then_some(flag),
            Some(row.done.to_string()),
            Some(row.verified.to_string()),
            Some(row.hints_opened.to_string()),
            Some(row.solutions_shown.to_string()),
            h.last_activity.clone(),
        ];
        cells.extend(row.marks.iter().map(|m| Some(mark_text(*m).to_owned()).filter(|t| !t.is_empty())));
        crate::csv::write_record(&mut out, cells.iter().map(Option::as_deref));
    }
    out
}

/// A mark as a word (the CSV's and the screen reader's).
pub fn mark_text(mark: Mark) -> &'static str {
    match mark {
        Mark::NotStarted => "",
        Mark::Started => "started",
        Mark::Confirmed => "confirmed",
        Mark::Verified => "verified",
    }
}

/// A flag in a few words.
pub fn flag_text(flag: Option<&Flag>) -> String {
    match flag {
        None => String::new(),
        Some(Flag::Edited) => "definition edited".to_owned(),
        Some(Flag::OtherVersion { version }) => format!("version {version}"),
        Some(Flag::OtherWorkshop { title }) => format!("other workshop: {title}"),
    }
}

/// `text`, with `'` before it when a spreadsheet would take it for a formula.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}
