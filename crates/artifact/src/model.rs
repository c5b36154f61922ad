//! The typed model of a workshop: what the `.db` holds, as Rust values.

use serde::{Deserialize, Serialize};
use stepwise_protocol::tag_first;
use stepwise_protocol::tagged::{fields, unknown};

/// A whole workshop definition plus its compiled artifacts (sections 1 and 2 of the format).
///
/// Runtime state (section 3) is kept apart in [`Runtime`]: playing changes it, never this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    /// Metadata shown in the library and on the title bar.
    pub meta: WorkshopMeta,
    /// Steps in their order.
    pub steps: Vec<Step>,
    /// Files the Markdown refers to (images), by path below `assets/`.
    pub assets: Vec<Asset>,
}

/// Metadata of a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkshopMeta {
    /// Stable machine name (`sql-joins`): identifies "the same workshop" across versions.
    pub slug: String,
    /// Human title.
    pub title: String,
    /// The author's version of the workshop (`1.2.0`); free text, compared for equality only.
    pub version: String,
    /// One paragraph saying what the learner will be able to do.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Authors, as they want to be credited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// BCP 47 language tag of the content (`en`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Licence of the content (SPDX identifier where there is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// The unlock rule of steps that do not set their own.
    #[serde(default)]
    pub unlock: Unlock,
    /// After this many failed attempts at a check, the learner may show its solution (0: never).
    #[serde(default = "default_solution_after", skip_serializing_if = "is_default_solution_after")]
    pub solution_after: u32,
}

fn default_language() -> String {
    "en".to_owned()
}

/// Failed attempts before a learner may show a check's solution, unless the author says.
pub const DEFAULT_SOLUTION_AFTER: u32 = 3;

fn default_solution_after() -> u32 {
    DEFAULT_SOLUTION_AFTER
}

fn is_default_solution_after(n: &u32) -> bool {
    *n == DEFAULT_SOLUTION_AFTER
}

/// When a step may be opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unlock {
    /// Always open.
    #[default]
    Free,
    /// Open once the previous step is done.
    AfterPrevious,
}

impl Unlock {
    /// The name stored in the database and written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Unlock::Free => "free",
            Unlock::AfterPrevious => "after_previous",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "free" => Some(Unlock::Free),
            "after_previous" => Some(Unlock::AfterPrevious),
            _ => None,
        }
    }
}

/// One step of a workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Stable identifier within the workshop (`inner-join`): used in URLs, folder names and to
    /// carry progress over to a newer version of the workshop.
    pub slug: String,
    /// Title in the table of contents.
    pub title: String,
    /// Estimated minutes to complete, if the author gave one.
    pub minutes: Option<u32>,
    /// Unlock rule; `None` means the workshop's default.
    pub unlock: Option<Unlock>,
    /// The step's Markdown, as written.
    pub content: String,
    /// SQL run on the learner's workspace when the step is first opened (a table the step
    /// needs, rows to fix), if any.
    pub setup: Option<String>,
    /// Checks, in order.
    pub validations: Vec<Validation>,
    /// Compiled artifacts of this step (at most one of each kind), in kind order.
    pub artifacts: Vec<Artifact>,
}

/// One check of a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Stable name within the step (`count-orders`).
    pub id: String,
    /// What the student is asked, shown above the check (Markdown, one paragraph).
    pub prompt: String,
    /// Hints (Markdown), revealed one at a time after failed attempts.
    pub hints: Vec<String>,
    /// What is checked.
    pub rule: Rule,
    /// What passes the check, from the step's starting workspace: for `sql`, the statements
    /// that make the query's result right; for `answer`, an accepted answer. (A `choice` check's
    /// solution is its correct options.) Shown to a stuck learner; proven by `stepwise test`.
    pub solution: Option<String>,
    /// The author's own message when an `sql` or `answer` check fails, shown with Stepwise's
    /// (see [`crate::rules::shows_feedback`]).
    pub feedback: Option<String>,
}

impl Validation {
    /// The solution a stuck learner may be shown: the author's `solution`, or the correct
    /// options of a `choice` check.
    pub fn shown_solution(&self) -> Option<String> {
        match &self.rule {
            Rule::Choice { options, .. } => {
                let right: Vec<&str> = options.iter().filter(|o| o.correct).map(|o| o.text.as_str()).collect();
                (!right.is_empty()).then(|| right.join("\n"))
            }
            _ => self.solution.clone(),
        }
    }
}

/// What a validation checks. Stored as JSON in `validation.spec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// A query against the student's workspace database, compared with an expectation.
    Sql {
        /// The query, run read-only.
        query: String,
        /// What its result must be.
        expect: SqlExpect,
    },
    /// The student types an answer.
    Answer {
        /// How the answer is compared.
        expect: AnswerExpect,
    },
    /// The student confirms they did it.
    Manual {},
    /// A check meant for a cluster or a shell: shown, not run; done is recorded as unverified.
    External {
        /// What runs it (`goss`, `shell`, `kubectl`…).
        runner: String,
        /// The spec or script, shown to the student.
        spec: String,
    },
    /// A question with options: the learner picks one (or several, when `multiple`), and it
    /// passes when exactly the correct options are picked.
    Choice {
        /// The options, in the order shown.
        options: Vec<ChoiceOption>,
        /// Several options may be picked (check boxes); otherwise one (radio buttons).
        #[serde(default)]
        multiple: bool,
    },
}

/// One option of a `choice` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stable name within the check (`a`, `left-join`); what the learner's input names.
    pub id: String,
    /// The option as shown (Markdown, one line).
    pub text: String,
    /// Whether picking it is right.
    #[serde(default)]
    pub correct: bool,
    /// Shown when the learner picks it: for a wrong option, as the reason the check fails; for
    /// a right one, once the check passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

// Read from `validation.spec` as written (`kind` first: serde writes the tag first), straight from
// the JSON (`stepwise_protocol::tagged`); any field a variant does not have is refused.
tag_first!(Rule, tag "kind", "a rule", |tag, rest| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sql {
        query: String,
        expect: SqlExpect,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Answer {
        expect: AnswerExpect,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Manual {}
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct External {
        runner: String,
        spec: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Choice {
        options: Vec<ChoiceOption>,
        #[serde(default)]
        multiple: bool,
    }
    match tag {
        "sql" => fields(rest).map(|Sql { query, expect }| Rule::Sql { query, expect }),
        "answer" => fields(rest).map(|Answer { expect }| Rule::Answer { expect }),
        "manual" => fields(rest).map(|Manual {}| Rule::Manual {}),
        "external" => fields(rest).map(|External { runner, spec }| Rule::External { runner, spec }),
        "choice" => fields(rest).map(|Choice { options, multiple }| Rule::Choice { options, multiple }),
        _ => Err(unknown::<Self, _>(tag)),
    }
});

impl Rule {
    /// The kind name stored in `validation.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Sql { .. } => "sql",
            Rule::Answer { .. } => "answer",
            Rule::Manual {} => "manual",
            Rule::External { .. } => "external",
            Rule::Choice { .. } => "choice",
        }
    }
}

// The YAML/JSON shapes of `SqlExpect`, `AnswerExpect` and `Value` (hand-written for clear
// messages to authors) and `Display` for `Value`.
mod expect;

/// The expected result of a `sql` rule.
///
/// Written as `{scalar: <value>}`, `{rows: [[…], …], ordered: <bool>}` (`ordered` defaults to
/// true and is written only when false), or one of the words `non_empty` and `empty`.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlExpect {
    /// Exactly these rows (each a list of values), in this order unless `ordered` is false.
    Rows {
        /// The rows.
        rows: Vec<Vec<Value>>,
        /// Whether row order matters.
        ordered: bool,
    },
    /// A single row with a single value equal to this one.
    Scalar(Value),
    /// At least one row.
    NonEmpty,
    /// No rows at all.
    Empty,
}

/// The expected answer of an `answer` rule.
///
/// Written as `{any_of: [...], case_sensitive: <bool>}` (`case_sensitive` defaults to false and
/// is written only when true) or `{pattern: "<regex>"}`.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerExpect {
    /// One of these strings (after trimming and collapsing inner whitespace; case-insensitive
    /// unless `case_sensitive`).
    Exact {
        /// Accepted answers.
        any_of: Vec<String>,
        /// Whether case matters.
        case_sensitive: bool,
    },
    /// A regular expression (regex-lite syntax) the whole normalised answer must match; written
    /// under the key `pattern`.
    Pattern {
        /// The pattern.
        regex: String,
    },
}

/// A value in an expected row: JSON-like, so YAML writes it naturally.
///
/// Written as a number, a string or `~`/`null`; `Display` shows it as an SQL literal
/// (`NULL`, `5`, `5.0`, `'Grace'`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// SQL NULL (`~` or `null` in YAML).
    Null,
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
}

/// The kinds of compiled artifact a step may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// Kubernetes manifest bundle: multi-document YAML.
    Manifests,
    /// File-state archive: a tar of the files as they stand at this step.
    Files,
    /// Educational state snapshot: YAML mapping of what the learner knows and has.
    State,
}

impl ArtifactKind {
    /// All kinds, in their canonical order.
    pub const ALL: [ArtifactKind; 3] = [ArtifactKind::Manifests, ArtifactKind::Files, ArtifactKind::State];

    /// The name stored in `artifact.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Manifests => "manifests",
            ArtifactKind::Files => "files",
            ArtifactKind::State => "state",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The media type of this kind's bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            ArtifactKind::Manifests | ArtifactKind::State => "application/yaml",
            ArtifactKind::Files => "application/x-tar",
        }
    }
}

/// A compiled artifact of one step: its bytes, addressed by SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// Which kind.
    pub kind: ArtifactKind,
    /// The bytes (YAML text or a tar archive).
    pub data: Vec<u8>,
}

/// A step's artifact left in the file: its kind, and the blob's key and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredArtifact {
    /// Which kind.
    pub kind: ArtifactKind,
    /// The SHA-256 the blob is stored under (`blob.sha256`), as bytes.
    pub sha256: [u8; 32],
    /// The blob's length in bytes.
    pub size: u64,
}

/// Every step's artifacts left in the file, in the workshop's step order, each step's in kind
/// order (as a read workshop's `Step::artifacts`): see `db::deferred`.
pub type ArtifactIndex = Vec<Vec<StoredArtifact>>;

/// A file the Markdown refers to, stored below `assets/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Path below `assets/` (`images/join.svg`).
    pub path: String,
    /// Media type (`image/svg+xml`).
    pub media_type: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Runtime state of one learner (section 3): changed by playing, excluded from the digest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Runtime {
    /// The step the learner is on.
    pub current_step: Option<String>,
    /// When the current step or workspace last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// Progress per step.
    pub progress: Vec<Progress>,
    /// Latest result of each check.
    pub checks: Vec<CheckResult>,
    /// Snapshot history, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// The learner's workspace database as it is now (an SQLite image), if any.
    pub workspace: Option<Vec<u8>>,
    /// The learner's name, as they gave it when handing their work in.
    pub learner: Option<Learner>,
    /// The steps whose `setup` SQL has run on the workspace, and when.
    pub setups: Vec<SetupRun>,
}

/// Who played: the name a learner gave when handing their work in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    /// The name, as typed (trimmed).
    pub name: String,
    /// When it was given (RFC 3339, UTC).
    pub named_at: String,
}

/// A step's `setup` SQL ran on the learner's workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRun {
    /// The step.
    pub step: String,
    /// When (RFC 3339, UTC).
    pub ran_at: String,
}

/// Where a learner stands on one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The step.
    pub step: String,
    /// `started` or `done`.
    pub status: StepStatus,
    /// Whether every check that could run passed (false when done via `external`/`manual`).
    pub verified: bool,
    /// When first opened (RFC 3339, UTC).
    pub started_at: String,
    /// When marked done (RFC 3339, UTC).
    pub completed_at: Option<String>,
}

/// Status of a step for a learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Opened, not finished.
    Started,
    /// Finished.
    Done,
}

/// The latest outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The step.
    pub step: String,
    /// The validation's id within the step.
    pub validation: String,
    /// Whether it passed.
    pub passed: bool,
    /// What the learner submitted (answer text or SQL), if anything.
    pub input: Option<String>,
    /// The reason shown to the learner.
    pub message: String,
    /// When (RFC 3339, UTC).
    pub checked_at: String,
    /// Failed attempts so far.
    #[serde(default)]
    pub failures: u32,
    /// How many of the check's hints the learner has opened.
    #[serde(default)]
    pub hints_opened: u32,
    /// Whether the learner showed the solution.
    #[serde(default)]
    pub solution_shown: bool,
}

/// A point in the learner's history they can go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Sequence number, 1-based.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub taken_at: String,
    /// A short label (`Finished step 3`).
    pub label: String,
    /// JSON of the runtime state at that time (current step, progress, checks).
    pub state: String,
    /// The learner's workspace database at that time (an SQLite image), if any.
    pub workspace: Option<Vec<u8>>,
}
