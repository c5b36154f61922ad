//! The player: a workshop's table of contents, the step shown, its checks, the SQL box.

use serde::{Deserialize, Serialize};

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
    /// What the learner submitted.
    pub input: Option<String>,
}

/// One check of the step shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// The validation's id within the step.
    pub id: String,
    /// `sql`, `answer`, `manual` or `external`.
    pub kind: String,
    /// What the learner is asked, as sanitised HTML.
    pub prompt_html: String,
    /// A hint, shown after a failed attempt.
    pub hint_html: Option<String>,
    /// For `external`: what runs the spec.
    pub runner: Option<String>,
    /// For `external`: the spec or script.
    pub spec: Option<String>,
    /// The latest result, if the learner ran it.
    pub result: Option<CheckState>,
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
    /// The step the learner is on (the cursor).
    pub current_step: Option<String>,
    /// When the step shown is locked: why, in a sentence (its content and checks are withheld).
    pub locked: Option<String>,
    /// The step's Markdown as sanitised HTML (empty when locked).
    pub html: String,
    /// Its checks (empty when locked).
    pub checks: Vec<CheckView>,
    /// Whether its file-state archive holds a project, so the workspace can be reset to it.
    pub has_project: bool,
    /// Whether the learner has a workspace database.
    pub has_workspace: bool,
    /// Whether the step shown has compiled artifacts to look at (false when locked).
    #[serde(default)]
    pub has_artifacts: bool,
    /// Tables and views of the workspace (`(name, "table" | "view")`).
    pub workspace_tables: Vec<(String, String)>,
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
    /// Whether the statement changed the workspace (it was saved).
    pub changed: bool,
}

/// Answer to [`crate::RunSql`]: the rows, or SQLite's message (verbatim) when the statement
/// failed. A failed statement is the learner's to fix, not a failed request.
pub type SqlOutcome = Result<SqlTable, String>;
