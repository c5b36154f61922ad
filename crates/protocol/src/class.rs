//! The teacher's class view: handed-in `.db` files of one workshop, read in the worker's memory
//! (never stored), as a table of learners × steps.

use serde::{Deserialize, Serialize};

use crate::tagged::{fields, unit, unknown};

/// Where one learner stands on one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Not opened.
    NotStarted,
    /// Opened, not done.
    Started,
    /// Done, a check on the learner's word (`manual`, `external`) among its checks.
    Confirmed,
    /// Done, every check verified by Stepwise.
    Verified,
}

impl Mark {
    /// Whether the step is done.
    pub fn done(self) -> bool {
        matches!(self, Mark::Confirmed | Mark::Verified)
    }
}

/// The latest answer to one check, as the hand-in holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    /// The check's id.
    pub check: String,
    /// Whether it passed.
    pub passed: bool,
    /// What the learner submitted (answer text or SQL), at most a few hundred characters.
    pub input: Option<String>,
    /// Failed attempts before this answer.
    pub failures: u32,
}

/// One step of one hand-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandInStep {
    /// The step's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Where the learner stands.
    pub mark: Mark,
    /// Hints opened on its checks.
    pub hints_opened: u32,
    /// Solutions shown on its checks.
    pub solutions_shown: u32,
    /// The latest answer to each of its checks that has one.
    pub answers: Vec<AnswerView>,
}

/// Why a hand-in is kept apart from the class's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// Its definition no longer matches the digest it was built with: someone changed the steps
    /// or checks inside the file.
    Edited,
    /// Another version of the same workshop.
    OtherVersion {
        /// Its version.
        version: String,
    },
    /// Another workshop altogether.
    OtherWorkshop {
        /// Its title.
        title: String,
    },
}

/// One hand-in as the class table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandIn {
    /// The file's name.
    pub file_name: String,
    /// The name the learner gave when handing in, if any.
    pub learner: Option<String>,
    /// The workshop's slug, version and title, as the file holds them.
    pub slug: String,
    /// Its version.
    pub version: String,
    /// Its title.
    pub title: String,
    /// The content digest stored in the file.
    pub digest: String,
    /// Its definition no longer matches that digest.
    pub edited: bool,
    /// Its own steps, in order.
    pub steps: Vec<HandInStep>,
    /// When the learner last did something (RFC 3339, UTC).
    pub last_activity: Option<String>,
    /// Minutes from the first step opened to the last step done.
    pub minutes: Option<u32>,
}

impl HandIn {
    /// The learner's name, else the file's.
    pub fn who(&self) -> &str {
        self.learner.as_deref().unwrap_or(&self.file_name)
    }
}

/// One learner's row: the hand-in, its steps laid on the class's columns, its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRow {
    /// The hand-in.
    pub hand_in: HandIn,
    /// Set when it is not the class's workshop as built: kept out of the step totals.
    pub flag: Option<Flag>,
    /// One mark per column of [`ClassView::steps`] (`NotStarted` for a step the hand-in lacks).
    pub marks: Vec<Mark>,
    /// Steps done.
    pub done: u32,
    /// Steps done with every check verified.
    pub verified: u32,
    /// Hints opened, over every check.
    pub hints_opened: u32,
    /// Solutions shown, over every check.
    pub solutions_shown: u32,
}

/// One column of the class table: a step, and how the class stands on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassStep {
    /// The step's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Learners (unflagged) who finished it.
    pub done: u32,
    /// Of those, with every check verified.
    pub verified: u32,
    /// Learners who opened it and have not finished it: where the class is stuck.
    pub started: u32,
    /// Hints opened on it.
    pub hints_opened: u32,
    /// Solutions shown on it.
    pub solutions_shown: u32,
}

/// A file that could not be read as a hand-in, and why (one line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    /// The file's name.
    pub file_name: String,
    /// Why.
    pub reason: String,
}

/// The whole class: the workshop most hand-ins are of, a row per hand-in, a column per step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassView {
    /// The class's workshop: the title, slug, version and digest most intact hand-ins share.
    pub title: String,
    /// Its slug.
    pub slug: String,
    /// Its version.
    pub version: String,
    /// Its content digest.
    pub digest: String,
    /// Its steps, with the class's totals.
    pub steps: Vec<ClassStep>,
    /// One row per hand-in, in the order they were read.
    pub rows: Vec<ClassRow>,
    /// Files that were not hand-ins.
    pub unread: Vec<Unread>,
}

/// Answer to [`crate::ReadHandIn`]: the file was read and added to the class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandInRead {
    /// Hand-ins in the class now.
    pub count: u32,
}

/// A column the class table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The order the files were read in.
    #[default]
    Read,
    /// The learner's name (or file name), case-insensitively.
    Name,
    /// Steps done.
    Done,
    /// Hints opened and solutions shown.
    Help,
    /// Last activity.
    LastActivity,
}

impl ClassView {
    /// Indexes of [`Self::rows`] to show: those whose name or file name holds `filter`
    /// (case-insensitively), only the flagged ones when `flagged_only`, ordered by `key` (ties
    /// in the order read).
    pub fn shown_rows(&self, key: SortKey, descending: bool, filter: &str, flagged_only: bool) -> Vec<usize> {
        let filter = filter.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                let row = &self.rows[i];
                (!flagged_only || row.flag.is_some())
                    && (filter.is_empty()
                        || row.hand_in.who().to_lowercase().contains(&filter)
                        || row.hand_in.file_name.to_lowercase().contains(&filter))
            })
            .collect();
        let rows = &self.rows;
        shown.sort_by(|&a, &b| {
            let (x, y) = (&rows[a], &rows[b]);
            let order = match key {
                SortKey::Read => a.cmp(&b),
                SortKey::Name => x.hand_in.who().to_lowercase().cmp(&y.hand_in.who().to_lowercase()),
                SortKey::Done => (x.done, x.verified).cmp(&(y.done, y.verified)),
                SortKey::Help => (x.solutions_shown, x.hints_opened).cmp(&(y.solutions_shown, y.hints_opened)),
                SortKey::LastActivity => x.hand_in.last_activity.cmp(&y.hand_in.last_activity),
            };
            let order = if descending { order.reverse() } else { order };
            order.then(a.cmp(&b))
        });
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, done: u32, hints: u32, flagged: bool) -> ClassRow {
        ClassRow {
            hand_in: HandIn {
                file_name: format!("{}.db", name.to_lowercase()),
                learner: Some(name.to_owned()),
                slug: "w".into(),
                version: "1".into(),
                title: "W".into(),
                digest: "d".into(),
                edited: flagged,
                steps: Vec::new(),
                last_activity: Some(format!("2026-01-0{done}T00:00:00Z")),
                minutes: None,
            },
            flag: flagged.then_some(Flag::Edited),
            marks: Vec::new(),
            done,
            verified: 0,
            hints_opened: hints,
            solutions_shown: 0,
        }
    }

    fn class() -> ClassView {
        ClassView {
            title: "W".into(),
            slug: "w".into(),
            version: "1".into(),
            digest: "d".into(),
            steps: Vec::new(),
            rows: vec![row("Grace", 3, 0, false), row("ada", 1, 2, false), row("Linus", 2, 1, true)],
            unread: Vec::new(),
        }
    }

    #[test]
    fn rows_sort_by_each_column_and_filter_by_name_or_flag() {
        let c = class();
        assert_eq!(c.shown_rows(SortKey::Read, false, "", false), [0, 1, 2]);
        assert_eq!(c.shown_rows(SortKey::Name, false, "", false), [1, 0, 2], "case-insensitive");
        assert_eq!(c.shown_rows(SortKey::Done, true, "", false), [0, 2, 1]);
        assert_eq!(c.shown_rows(SortKey::Help, true, "", false), [1, 2, 0]);
        assert_eq!(c.shown_rows(SortKey::LastActivity, false, "", false), [1, 2, 0]);
        assert_eq!(c.shown_rows(SortKey::Read, false, " GRA ", false), [0]);
        assert_eq!(c.shown_rows(SortKey::Read, false, "linus.db", false), [2], "by file name too");
        assert_eq!(c.shown_rows(SortKey::Read, false, "", true), [2]);
    }
}

tag_first!(Flag, tag "flag", "a hand-in's flag", |tag, rest| {
    #[derive(Deserialize)]
    struct OtherVersion {
        version: String,
    }
    #[derive(Deserialize)]
    struct OtherWorkshop {
        title: String,
    }
    match tag {
        "edited" => unit(rest, Flag::Edited),
        "other_version" => fields(rest).map(|OtherVersion { version }| Flag::OtherVersion { version }),
        "other_workshop" => fields(rest).map(|OtherWorkshop { title }| Flag::OtherWorkshop { title }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});
