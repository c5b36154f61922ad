//! What the player page shows for one step of the open session: the [`PlayerView`] every
//! player request answers with. Reads the session; changes nothing.

use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Rule, Validation, Workshop, completion, markdown, play, rules};
use stepwise_protocol::{
    CheckState, CheckView, ChoiceView, HelpView, PlayerView, SetupNote, SnapshotSummary, StepState, TocStep,
    WorkspaceTable,
};

use crate::session::Session;

/// The view of step `index` of `session`.
pub(crate) fn view(session: &Session, index: usize) -> PlayerView {
    let (w, rt) = (&session.workshop, &session.runtime);
    let states = play::states(w, rt);
    let steps = w
        .steps
        .iter()
        .zip(&states)
        .map(|(s, state)| TocStep { slug: s.slug.clone(), title: s.title.clone(), minutes: s.minutes, state: *state })
        .collect();
    let step = &w.steps[index];
    let locked = (states[index] == StepState::Locked).then(|| {
        format!("“{}” opens once you have finished the step before it, “{}”.", step.title, w.steps[index - 1].title)
    });
    let (html, checks) = if locked.is_some() {
        (String::new(), Vec::new())
    } else {
        let checks = step.validations.iter().map(|v| check_view(session, index, v)).collect();
        (session.shown[index].html.get_or_init(|| markdown::render(&step.content, &w.assets)).clone(), checks)
    };
    // Found out by the library (`Library::view`), which reads the step's file archive when it
    // is still in the file.
    let project = session.shown[index].project.get();
    let unreadable = project.and_then(|p| p.as_ref().err());
    let setup = match (&locked, unreadable, &step.setup) {
        (Some(_), _, _) => None,
        (None, Some(message), _) => Some(SetupNote::FilesUnreadable { message: message.clone() }),
        (None, None, Some(_)) => match session.setup_failed.as_ref().filter(|(slug, _)| *slug == step.slug) {
            Some((_, message)) => Some(SetupNote::Failed { message: message.clone() }),
            None => rt.setups.iter().find(|s| s.step == step.slug).map(|s| SetupNote::Ran { at: s.ran_at.clone() }),
        },
        (None, None, None) => None,
    };
    let has_project = matches!(project, Some(Ok(true)));
    let has_artifacts = locked.is_none() && !session.artifact_kinds(index).is_empty();
    PlayerView {
        entry: session.entry.clone(),
        title: w.meta.title.clone(),
        file_name: session.file_name.clone(),
        steps,
        index,
        minutes_left: completion::minutes_left(w, rt),
        finished: completion::finished(w, rt),
        current_step: rt.current_step.clone(),
        locked,
        html,
        checks,
        setup,
        has_project,
        has_workspace: session.workspace.is_some(),
        has_artifacts,
        workspace_tables: session.workspace.as_ref().map(workspace_tables).unwrap_or_default(),
        snapshots: rt
            .snapshots
            .iter()
            .map(|s| SnapshotSummary { id: s.id, label: s.label.clone(), taken_at: s.taken_at.clone() })
            .collect(),
    }
}

/// One check as the learner sees it, with the help they opened.
fn check_view(session: &Session, index: usize, v: &Validation) -> CheckView {
    let (w, rt) = (&session.workshop, &session.runtime);
    let step = &w.steps[index];
    let (runner, spec) = match &v.rule {
        Rule::External { runner, spec } => (Some(runner.clone()), Some(spec.clone())),
        _ => (None, None),
    };
    let (options, multiple) = match &v.rule {
        Rule::Choice { options, multiple } => (
            options
                .iter()
                .map(|o| ChoiceView { id: o.id.clone(), html: markdown::render_inline(&o.text, &w.assets) })
                .collect(),
            *multiple,
        ),
        _ => (Vec::new(), false),
    };
    let result = rt.checks.iter().find(|c| c.step == step.slug && c.validation == v.id);
    let h = play::help(w, step, rt, v);
    let help = HelpView {
        hints_html: v.hints.iter().take(h.hints_opened as usize).map(|t| markdown::render(t, &w.assets)).collect(),
        hints_total: u32::try_from(v.hints.len()).unwrap_or(u32::MAX),
        hint_ready: h.hints_opened < h.hints_available,
        failures: result.map_or(0, |c| c.failures),
        solution_after: if v.shown_solution().is_some() { w.meta.solution_after } else { 0 },
        solution_ready: h.solution_available && !h.solution_shown,
        solution_html: if h.solution_shown { v.shown_solution().map(|text| solution_html(w, v, &text)) } else { None },
    };
    CheckView {
        id: v.id.clone(),
        kind: v.rule.kind().to_owned(),
        prompt_html: markdown::render(&v.prompt, &w.assets),
        options,
        multiple,
        help,
        runner,
        spec,
        result: result.map(|c| CheckState {
            passed: c.passed,
            message: c.message.clone(),
            feedback_html: rules::shows_feedback(v, c.passed, &c.message, c.input.as_deref())
                .then(|| v.feedback.as_deref().map(|f| markdown::render(f, &w.assets)))
                .flatten(),
            input: c.input.clone(),
        }),
    }
}

/// A solution as the learner sees it: statements as an SQL code block (with Run and Copy on
/// the page), an answer as code, a choice's correct options as a list.
fn solution_html(w: &Workshop, v: &Validation, text: &str) -> String {
    let markdown = match &v.rule {
        Rule::Sql { .. } => fenced("sql", text),
        Rule::Choice { .. } => text.lines().map(|l| format!("- {l}\n")).collect(),
        _ => fenced("text", text),
    };
    markdown::render(&markdown, &w.assets)
}

/// `text` as a fenced code block whose fence no line of it can close.
fn fenced(language: &str, text: &str) -> String {
    let longest = text.lines().map(|l| l.trim_start().chars().take_while(|c| *c == '`').count()).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}\n", text.trim_end())
}

/// The workspace's tables and views with their columns, for the editor's completion.
/// The statements are cached on the workspace's connection: every player view lists them.
fn workspace_tables(conn: &Connection) -> Vec<WorkspaceTable> {
    let names: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' \
             ORDER BY type, name",
        )
        .and_then(|mut stmt| stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .unwrap_or_default();
    names
        .into_iter()
        .map(|(name, kind)| {
            let columns = conn
                .prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .and_then(|mut stmt| stmt.query_map([&name], |r| r.get(0))?.collect())
                .unwrap_or_default();
            WorkspaceTable { name, kind, columns }
        })
        .collect()
}
