//! The player: a workshop's table of contents, the step shown, its checks, the SQL box.

use serde::{Deserialize, Serialize};

use crate::tagged::{fields, unknown};

/// Where a step stands for the learner, as the table of contents shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Every check passed.
    Done,
    /// May be opened, not done.
    Open,
    /// Opens once the previous step is done.
    Locked,
}

/// One line of the player's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocStep {
    /// The step's slug (its address is `#/w/<id>/s/<slug>`).
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Estimated minutes, if the author gave them.
    pub minutes: Option<u32>,
    /// Done, open or locked.
    pub state: StepState,
}

/// The latest result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    /// Whether it passed.
    pub passed: bool,
    /// The reason, for the learner.
    pub message: String,
    /// The author's own feedback on this failure, as sanitised HTML, when it applies.
    #[serde(default)]
    pub feedback_html: Option<String>,
    /// What the learner submitted.
    pub input: Option<String>,
}

/// One option of a `choice` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceView {
    /// Its id: what the check's input names.
    pub id: String,
    /// The option, as sanitised HTML (one line of Markdown).
    pub html: String,
}

/// Help on one check for a stuck learner: hints revealed one at a time after failed attempts,
/// then the solution. Only what the learner opened is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpView {
    /// The hints opened so far, as sanitised HTML, in order.
    pub hints_html: Vec<String>,
    /// How many hints the check has.
    pub hints_total: u32,
    /// Whether another hint may be opened now (one more after each failed attempt).
    pub hint_ready: bool,
    /// Failed attempts so far.
    pub failures: u32,
    /// Failed attempts after which the solution may be shown (0: never; or the check has none).
    pub solution_after: u32,
    /// Whether the solution may be shown now.
    pub solution_ready: bool,
    /// The solution, as sanitised HTML, once the learner chose to see it.
    pub solution_html: Option<String>,
}

/// One check of the step shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// The validation's id within the step.
    pub id: String,
    /// `sql`, `answer`, `choice`, `manual` or `external`.
    pub kind: String,
    /// What the learner is asked, as sanitised HTML.
    pub prompt_html: String,
    /// For `choice`: the options, in the author's order.
    pub options: Vec<ChoiceView>,
    /// For `choice`: whether several options may be picked.
    pub multiple: bool,
    /// Hints and solution.
    pub help: HelpView,
    /// For `external`: what runs the spec.
    pub runner: Option<String>,
    /// For `external`: the spec or script.
    pub spec: Option<String>,
    /// The latest result, if the learner ran it.
    pub result: Option<CheckState>,
}

/// A table or view of the learner's workspace, for the editor's completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceTable {
    /// Its name.
    pub name: String,
    /// `table` or `view`.
    pub kind: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// A snapshot the learner can go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    /// Its id.
    pub id: i64,
    /// Its label (`Finished Inner join`).
    pub label: String,
    /// When (RFC 3339).
    pub taken_at: String,
}

/// Everything the player page shows: the answer to every player request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerView {
    /// The entry's id.
    pub entry: String,
    /// The workshop's title.
    pub title: String,
    /// The file name, for downloads.
    pub file_name: String,
    /// Table of contents, in order.
    pub steps: Vec<TocStep>,
    /// Index in `steps` of the step shown.
    pub index: usize,
    /// Estimated minutes of the steps not done yet, if the author gave any estimate.
    pub minutes_left: Option<u32>,
    /// Whether every step is done (the completion page is ready).
    pub finished: bool,
    /// The step the learner is on (the cursor).
    pub current_step: Option<String>,
    /// When the step shown is locked: why, in a sentence (its content and checks are withheld).
    pub locked: Option<String>,
    /// The step's Markdown as sanitised HTML (empty when locked).
    pub html: String,
    /// Its checks (empty when locked).
    pub checks: Vec<CheckView>,
    /// When the step has `setup` SQL: that it ran on the workspace (or why it could not).
    pub setup: Option<SetupNote>,
    /// Whether its file-state archive holds a project, so the workspace can be reset to it.
    pub has_project: bool,
    /// Whether the learner has a workspace database.
    pub has_workspace: bool,
    /// Whether the step shown has compiled artifacts to look at (false when locked).
    #[serde(default)]
    pub has_artifacts: bool,
    /// Tables and views of the workspace, by kind then name.
    pub workspace_tables: Vec<WorkspaceTable>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotSummary>,
}

/// Rows of the SQL box, as text: `None` for NULL, blobs described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlTable {
    /// Column names.
    pub columns: Vec<String>,
    /// The rows kept (`None` is NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// Whether more rows were returned than kept.
    pub truncated: bool,
    /// Whether the statements changed the workspace (it was saved).
    pub changed: bool,
    /// How many statements ran (the rows are the last one's that returns columns).
    #[serde(default)]
    pub statements: u32,
}

/// Answer to [`crate::RunSql`]: the rows, or SQLite's message (verbatim) when the statement
/// failed. A failed statement is the learner's to fix, not a failed request.
pub type SqlOutcome = Result<SqlTable, String>;

/// What became of a step's `setup` SQL, or why the step's files could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SetupNote {
    /// It ran on the workspace when the step was first opened (RFC 3339).
    Ran {
        /// When.
        at: String,
    },
    /// SQLite refused it: the workshop's mistake, said in one sentence.
    Failed {
        /// Why.
        message: String,
    },
    /// The step's file archive (its project) could not be read: the file is damaged.
    FilesUnreadable {
        /// Why, in one sentence naming the file and the archive.
        message: String,
    },
}

/// One line of the completion page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// The step's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Done, open or locked.
    pub state: StepState,
    /// Done, and every check verified by Stepwise (none on the learner's word).
    pub verified: bool,
    /// Hints opened on its checks.
    pub hints_opened: u32,
    /// Solutions shown on its checks.
    pub solutions_shown: u32,
}

/// The completion page: what the learner did, to look back on and hand in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionView {
    /// The entry's id.
    pub entry: String,
    /// The workshop's title.
    pub title: String,
    /// The file name, for the hand-in download.
    pub file_name: String,
    /// The name the learner gave, if any.
    pub learner: Option<String>,
    /// Every step, in order.
    pub steps: Vec<StepReport>,
    /// Checks passed that Stepwise verified (`sql`, `answer`, `choice`).
    pub checks_verified: u32,
    /// Checks passed on the learner's word (`manual`, `external`).
    pub checks_confirmed: u32,
    /// Checks not passed.
    pub checks_open: u32,
    /// Hints opened, over every check.
    pub hints_opened: u32,
    /// Solutions shown, over every check.
    pub solutions_shown: u32,
    /// Minutes from the first step opened to the last step done, when a step is done.
    pub minutes: Option<u32>,
    /// Whether every step is done.
    pub finished: bool,
}

tag_first!(SetupNote, tag "state", "a setup's note", |tag, rest| {
    #[derive(Deserialize)]
    struct Ran {
        at: String,
    }
    #[derive(Deserialize)]
    struct Failed {
        message: String,
    }
    match tag {
        "ran" => fields(rest).map(|Ran { at }| SetupNote::Ran { at }),
        "failed" => fields(rest).map(|Failed { message }| SetupNote::Failed { message }),
        "files_unreadable" => fields(rest).map(|Failed { message }| SetupNote::FilesUnreadable { message }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});
