//! The YAML shapes of `workshop.yaml` as authors write it, and their conversion to the model.
//!
//! These types are the parser's and, with the `schema` feature, the source of the JSON Schema
//! editors use for completion (`docs/workshop.schema.json`): one description, two uses.

use serde::{Deserialize, Serialize};

use crate::db::schema::is_slug;
use crate::error::{Error, Result};
use crate::model::*;
use crate::text::lines::{Block, line_of};

/// The version of the text form this build writes (`version:` in `workshop.yaml`). Version 1
/// (one `hint` per check, no solutions, choices or setup) is read too: it is a subset.
pub const TEXT_FORM_VERSION: u32 = 2;

/// The versions of the text form this build reads.
pub(crate) const READ_VERSIONS: [u32; 2] = [1, 2];

/// The file at the root of every workshop text form.
pub const WORKSHOP_YAML: &str = "workshop.yaml";
pub(crate) const GITIGNORE: &[u8] = b"# The built workshop is derived from these files: keep it out of Git.\n*.db\n";
pub(crate) const STEP_FILES: &[&str] = &["content.md", "manifests.yaml", "state.yaml", "files.tar", "files/"];

/// `workshop.yaml`: the workshop's metadata and its steps in order. Each step's Markdown and
/// artifacts are in its folder `steps/NN-<slug>/`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkshopDoc {
    /// The version of this text form: 2 (1 is read too).
    pub(crate) version: u32,
    /// What the library and the title bar show, and the workshop's defaults.
    pub(crate) workshop: WorkshopMeta,
    /// The steps, in order.
    #[serde(default)]
    pub(crate) steps: Vec<StepDoc>,
}

/// One step: its folder `steps/NN-<slug>/` holds `content.md` and its artifacts.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct StepDoc {
    /// Stable identifier: a-z, 0-9 and '-', 1 to 64 characters; names the folder and the URL.
    pub(crate) slug: String,
    /// Title in the table of contents.
    pub(crate) title: String,
    /// Estimated minutes to complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) minutes: Option<u32>,
    /// Overrides the workshop's unlock rule for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) unlock: Option<Unlock>,
    /// SQL run on the learner's workspace when the step is first opened (a table the step
    /// needs, some rows to fix). Write it so that running it on a workspace that already has
    /// its objects does no harm (`CREATE TABLE IF NOT EXISTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) setup: Option<String>,
    /// The step's checks, in order; the step is done when all pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) validations: Vec<ValidationDoc>,
}

/// A check as authors write it: the rule's fields side by side with `kind`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidationDoc {
    /// Stable name within the step: a-z, 0-9 and '-'.
    pub(crate) id: String,
    /// `sql` (a query on the learner's workspace), `answer` (typed text), `choice` (pick
    /// options), `manual` (the learner confirms) or `external` (a spec run outside Stepwise).
    #[cfg_attr(feature = "schema", schemars(with = "KindName"))]
    pub(crate) kind: String,
    /// What the learner is asked (Markdown).
    pub(crate) prompt: String,
    /// One hint (the text form's version-1 way of writing `hints` with one item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
    /// Hints (Markdown), revealed one at a time after failed attempts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) hints: Vec<String>,
    /// `sql`: the query, run read-only on the learner's workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) query: Option<String>,
    /// `sql`: `{scalar: v}`, `{rows: [[…]], ordered: false}`, `non_empty` or `empty`.
    /// `answer`: `{any_of: [...], case_sensitive: false}` or `{pattern: <regex>}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Value>"))]
    pub(crate) expect: Option<serde_norway::Value>,
    /// `external`: what runs the spec (`goss`, `shell`, `kubectl`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) runner: Option<String>,
    /// `external`: the spec or script, shown to the learner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) spec: Option<String>,
    /// `choice`: the options, in the order shown; mark the right ones `correct: true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) options: Vec<ChoiceOption>,
    /// `choice`: several options may be picked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) multiple: bool,
    /// What passes the check from the step's starting workspace: `sql`, the statements;
    /// `answer`, an accepted answer. Shown to a stuck learner, proven by `stepwise test`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) solution: Option<String>,
    /// `sql` and `answer`: your own message when the learner's result is wrong, shown with
    /// Stepwise's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) feedback: Option<String>,
}

/// The kinds of check, for the schema (the parser reads `kind` as text to name a wrong one).
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum KindName {
    Sql,
    Answer,
    Choice,
    Manual,
    External,
}

impl ValidationDoc {
    pub(crate) fn from_model(v: &Validation) -> Result<Self> {
        let mut d = ValidationDoc {
            id: v.id.clone(),
            kind: v.rule.kind().to_owned(),
            prompt: v.prompt.clone(),
            hint: None,
            hints: v.hints.clone(),
            query: None,
            expect: None,
            runner: None,
            spec: None,
            options: Vec::new(),
            multiple: false,
            solution: v.solution.clone(),
            feedback: v.feedback.clone(),
        };
        match &v.rule {
            Rule::Sql { query, expect } => {
                d.query = Some(query.clone());
                d.expect = Some(to_yaml(expect)?);
            }
            Rule::Answer { expect } => d.expect = Some(to_yaml(expect)?),
            Rule::Manual {} => {}
            Rule::External { runner, spec } => {
                d.runner = Some(runner.clone());
                d.spec = Some(spec.clone());
            }
            Rule::Choice { options, multiple } => {
                d.options = options.clone();
                d.multiple = *multiple;
            }
        }
        Ok(d)
    }

    pub(crate) fn into_model(self, step: &str, source: &str, block: &Block) -> Result<Validation> {
        let here = format!("validation {:?} of step {step:?}", self.id);
        let line = line_of(source, block, "id", &self.id);
        let err = |reason: String| Error::Yaml { file: WORKSHOP_YAML.into(), line, reason };
        if !is_slug(&self.id) {
            return Err(err(format!("{here}: the id must be {}", crate::db::schema::SLUG_RULE)));
        }
        let here_err = |reason: String| err(format!("{here}: {reason}"));
        let stray = |fields: &[(&str, bool)]| -> Result<()> {
            match fields.iter().find(|(_, present)| *present) {
                Some((name, _)) => Err(here_err(format!("`{name}` does not belong to kind {}", self.kind))),
                None => Ok(()),
            }
        };
        fn need<T>(v: Option<T>, name: &str, kind: &str, err: &dyn Fn(String) -> Error) -> Result<T> {
            v.ok_or_else(|| err(format!("kind {kind} needs `{name}`")))
        }
        fn expect_as<T: serde::de::DeserializeOwned>(
            v: serde_norway::Value,
            form: &str,
            err: &dyn Fn(String) -> Error,
        ) -> Result<T> {
            serde_norway::from_value(v).map_err(|e| err(format!("`expect` is not {form}: {e}")))
        }
        let hints = match (self.hint, self.hints) {
            (Some(_), hints) if !hints.is_empty() => return Err(here_err("write `hints` or `hint`, not both".into())),
            (Some(one), _) => vec![one],
            (None, hints) => hints,
        };
        if let Some(blank) = hints.iter().position(|h| h.trim().is_empty()) {
            return Err(here_err(format!("hint {} is empty", blank + 1)));
        }
        if self.solution.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(here_err("`solution` is empty".into()));
        }
        let kind = self.kind.clone();
        let options = !self.options.is_empty();
        let rule = match self.kind.as_str() {
            "sql" => {
                stray(&[
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                    ("options", options),
                    ("multiple", self.multiple),
                ])?;
                let query = need(self.query, "query", &kind, &here_err)?;
                let expect = expect_as(
                    need(self.expect, "expect", &kind, &here_err)?,
                    "scalar, rows, non_empty or empty",
                    &here_err,
                )?;
                Rule::Sql { query, expect }
            }
            "answer" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                    ("options", options),
                    ("multiple", self.multiple),
                ])?;
                Rule::Answer {
                    expect: expect_as(need(self.expect, "expect", &kind, &here_err)?, "any_of or pattern", &here_err)?,
                }
            }
            "choice" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("expect", self.expect.is_some()),
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                    ("solution (mark the right options `correct: true`)", self.solution.is_some()),
                    ("feedback (give each option its own `feedback`)", self.feedback.is_some()),
                ])?;
                Rule::Choice { options: self.options, multiple: self.multiple }
            }
            "manual" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("expect", self.expect.is_some()),
                    ("runner", self.runner.is_some()),
                    ("spec", self.spec.is_some()),
                    ("options", options),
                    ("solution", self.solution.is_some()),
                    ("feedback", self.feedback.is_some()),
                ])?;
                Rule::Manual {}
            }
            "external" => {
                stray(&[
                    ("query", self.query.is_some()),
                    ("expect", self.expect.is_some()),
                    ("options", options),
                    ("solution", self.solution.is_some()),
                    ("feedback", self.feedback.is_some()),
                ])?;
                Rule::External {
                    runner: need(self.runner, "runner", &kind, &here_err)?,
                    spec: need(self.spec, "spec", &kind, &here_err)?,
                }
            }
            other => {
                return Err(err(format!(
                    "{here}: unknown kind {other:?} (expected sql, answer, choice, manual or external)"
                )));
            }
        };
        crate::rules::validate_rule(&rule).map_err(|why| err(format!("{here}: {why}")))?;
        Ok(Validation {
            id: self.id,
            prompt: self.prompt,
            hints,
            rule,
            solution: self.solution,
            feedback: self.feedback,
        })
    }
}

/// The JSON Schema of `workshop.yaml`, from the types above, pretty-printed with a final newline.
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(WorkshopDoc);
    schema.insert("$id".into(), "https://stepwise.invalid/workshop.schema.json".into());
    schema.insert("title".into(), "Stepwise workshop.yaml".into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

pub(crate) fn to_yaml<T: Serialize>(x: &T) -> Result<serde_norway::Value> {
    serde_norway::to_value(x).map_err(|e| Error::invalid(WORKSHOP_YAML, e.to_string()))
}
