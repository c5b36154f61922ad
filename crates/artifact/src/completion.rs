//! The end of a workshop: what the completion page shows (steps done, checks verified or
//! confirmed, help used, time), the minutes left while playing, and the learner's name for the
//! hand-in. Pure functions over [`Workshop`] + [`Runtime`].

use stepwise_protocol::{CompletionView, StepReport, StepState};

use crate::model::{Learner, Rule, Runtime, StepStatus, Workshop};
use crate::play;

/// Longest name a learner may give, in characters.
pub const NAME_LIMIT: usize = 100;

/// Estimated minutes of the steps not done yet; `None` when the author estimated no step.
pub fn minutes_left(workshop: &Workshop, runtime: &Runtime) -> Option<u32> {
    if workshop.steps.iter().all(|s| s.minutes.is_none()) {
        return None;
    }
    Some(workshop.steps.iter().filter(|s| !runtime.is_done(&s.slug)).filter_map(|s| s.minutes).sum())
}

/// Whether every step is done.
pub fn finished(workshop: &Workshop, runtime: &Runtime) -> bool {
    !workshop.steps.is_empty() && workshop.steps.iter().all(|s| runtime.is_done(&s.slug))
}

/// The completion page of `workshop` as `runtime` stands.
pub fn completion(workshop: &Workshop, runtime: &Runtime, entry: &str, file_name: &str) -> CompletionView {
    let states = play::states(workshop, runtime);
    let mut view = CompletionView {
        entry: entry.to_owned(),
        title: workshop.meta.title.clone(),
        file_name: file_name.to_owned(),
        learner: runtime.learner.as_ref().map(|l| l.name.clone()),
        steps: Vec::with_capacity(workshop.steps.len()),
        checks_verified: 0,
        checks_confirmed: 0,
        checks_open: 0,
        hints_opened: 0,
        solutions_shown: 0,
        minutes: None,
        finished: finished(workshop, runtime),
    };
    for (step, state) in workshop.steps.iter().zip(states) {
        let mut report = StepReport {
            slug: step.slug.clone(),
            title: step.title.clone(),
            state,
            verified: state == StepState::Done
                && runtime.progress.iter().any(|p| p.step == step.slug && p.status == StepStatus::Done && p.verified),
            hints_opened: 0,
            solutions_shown: 0,
        };
        for v in &step.validations {
            let result = runtime.checks.iter().find(|c| c.step == step.slug && c.validation == v.id);
            let passed = result.is_some_and(|c| c.passed);
            match (&v.rule, passed) {
                (_, false) => view.checks_open += 1,
                (Rule::Manual {} | Rule::External { .. }, true) => view.checks_confirmed += 1,
                (_, true) => view.checks_verified += 1,
            }
            if let Some(c) = result {
                report.hints_opened += c.hints_opened.min(u32::try_from(v.hints.len()).unwrap_or(u32::MAX));
                report.solutions_shown += u32::from(c.solution_shown);
            }
        }
        view.hints_opened += report.hints_opened;
        view.solutions_shown += report.solutions_shown;
        view.steps.push(report);
    }
    let first = runtime.progress.iter().map(|p| p.started_at.as_str()).min();
    let last = runtime.progress.iter().filter_map(|p| p.completed_at.as_deref()).max();
    if let (Some(first), Some(last)) = (first, last) {
        view.minutes = minutes_between(first, last);
    }
    view
}

/// Records the learner's name for the hand-in (trimmed). Returns whether it changed.
///
/// # Errors
/// A sentence for the learner: the name is empty, longer than [`NAME_LIMIT`] characters, or
/// holds control characters.
pub fn set_learner(runtime: &mut Runtime, name: &str, now: &str) -> Result<bool, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Type your name first.".to_owned());
    }
    if name.chars().count() > NAME_LIMIT {
        return Err(format!("A name of up to {NAME_LIMIT} characters, please."));
    }
    if name.chars().any(char::is_control) {
        return Err("A name on one line, please.".to_owned());
    }
    if runtime.learner.as_ref().is_some_and(|l| l.name == name) {
        return Ok(false);
    }
    runtime.learner = Some(Learner { name: name.to_owned(), named_at: now.to_owned() });
    runtime.updated_at = now.to_owned();
    Ok(true)
}

/// Whole minutes from `from` to `to` (RFC 3339 in UTC as the runtime writes them,
/// `2026-03-01T10:00:00Z`), rounded to the nearest; `None` when either does not read or `to` is
/// earlier.
pub fn minutes_between(from: &str, to: &str) -> Option<u32> {
    let (a, b) = (seconds(from)?, seconds(to)?);
    let span = b.checked_sub(a).filter(|s| *s >= 0)?;
    u32::try_from((span + 30) / 60).ok()
}

/// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SS` (a trailing `Z` or fraction is ignored).
fn seconds(at: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| at.get(range)?.parse::<i64>().ok();
    if at.len() < 19 || at.as_bytes()[10] != b'T' {
        return None;
    }
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hh, mm, ss) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CheckResult, Progress, Step, Unlock, Validation, WorkshopMeta};

    #[test]
    fn minutes_between_reads_the_runtimes_timestamps() {
        assert_eq!(seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(minutes_between("2026-02-28T23:50:00Z", "2026-03-01T00:20:29Z"), Some(30));
        assert_eq!(minutes_between("2024-02-28T23:50:00Z", "2024-03-01T00:20:30Z"), Some(24 * 60 + 31));
        assert_eq!(minutes_between("2026-01-01T10:00:00Z", "2026-01-01T09:00:00Z"), None);
        assert_eq!(minutes_between("yesterday", "2026-01-01T09:00:00Z"), None);
        assert_eq!(minutes_between("2026-13-01T10:00:00Z", "2026-01-01T09:00:00Z"), None);
    }

    fn workshop() -> Workshop {
        let step = |slug: &str, minutes: Option<u32>, rules: Vec<Rule>| Step {
            setup: None,
            slug: slug.into(),
            title: slug.to_uppercase(),
            minutes,
            unlock: None,
            content: String::new(),
            validations: rules
                .into_iter()
                .enumerate()
                .map(|(i, rule)| Validation {
                    id: format!("c{i}"),
                    prompt: String::new(),
                    hints: vec!["one".into(), "two".into()],
                    rule,
                    solution: None,
                    feedback: None,
                })
                .collect(),
            artifacts: vec![],
        };
        Workshop {
            meta: WorkshopMeta {
                solution_after: 3,
                slug: "w".into(),
                title: "T".into(),
                version: "1".into(),
                summary: String::new(),
                authors: vec![],
                language: "en".into(),
                license: None,
                unlock: Unlock::Free,
            },
            steps: vec![
                step(
                    "a",
                    Some(10),
                    vec![Rule::Manual {}, Rule::Answer { expect: crate::AnswerExpect::Pattern { regex: "x".into() } }],
                ),
                step("b", Some(5), vec![Rule::Manual {}]),
                step("c", None, vec![]),
            ],
            assets: vec![],
        }
    }

    fn result(step: &str, id: &str, passed: bool, hints: u32, solution: bool) -> CheckResult {
        CheckResult {
            step: step.into(),
            validation: id.into(),
            passed,
            input: None,
            message: String::new(),
            checked_at: String::new(),
            failures: 3,
            hints_opened: hints,
            solution_shown: solution,
        }
    }

    #[test]
    fn the_completion_page_counts_what_the_learner_did() {
        let w = workshop();
        let mut rt = Runtime::default();
        assert_eq!(minutes_left(&w, &rt), Some(15));
        rt.progress.push(Progress {
            step: "a".into(),
            status: StepStatus::Done,
            verified: false,
            started_at: "2026-01-01T10:00:00Z".into(),
            completed_at: Some("2026-01-01T10:42:10Z".into()),
        });
        rt.checks.push(result("a", "c0", true, 0, false));
        rt.checks.push(result("a", "c1", true, 9, true));
        rt.checks.push(result("b", "c0", false, 1, false));
        assert_eq!(minutes_left(&w, &rt), Some(5));
        let v = completion(&w, &rt, "id", "t.db");
        assert_eq!((v.checks_verified, v.checks_confirmed, v.checks_open), (1, 1, 1));
        assert_eq!((v.hints_opened, v.solutions_shown), (3, 1), "hints never count above the check's");
        assert_eq!(v.minutes, Some(42));
        assert!(!v.finished);
        assert_eq!(v.steps[0].state, StepState::Done);
        assert!(!v.steps[0].verified, "a manual check is the learner's word");
        assert_eq!(v.steps[1].state, StepState::Open);
    }

    #[test]
    fn a_name_is_one_trimmed_line() {
        let mut rt = Runtime::default();
        assert_eq!(set_learner(&mut rt, "  ", "t"), Err("Type your name first.".into()));
        assert!(set_learner(&mut rt, "Ada\nLovelace", "t").is_err());
        assert!(set_learner(&mut rt, &"x".repeat(101), "t").is_err());
        assert_eq!(set_learner(&mut rt, " Ada Lovelace ", "2026-01-01T10:00:00Z"), Ok(true));
        assert_eq!(set_learner(&mut rt, "Ada Lovelace", "later"), Ok(false));
        assert_eq!(rt.learner, Some(Learner { name: "Ada Lovelace".into(), named_at: "2026-01-01T10:00:00Z".into() }));
    }
}
