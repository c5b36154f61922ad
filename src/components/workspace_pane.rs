//! The player's workspace, beside the step's text on a wide screen and under it on a narrow
//! one: what the step's setup did, the SQL editor with its results, and the step's checks.

use yew::prelude::*;

use stepwise_protocol::{PlayerView, SetupNote, SqlTable, StepState};

use crate::hooks::Route;

use super::check_card::CheckCard;
use super::sql_box::SqlBox;
use super::sql_editor::Load;

/// Props of [`WorkspacePane`].
#[derive(Properties, PartialEq)]
pub struct WorkspacePaneProps {
    /// The player's view of the step shown.
    pub view: PlayerView,
    /// Whether the SQL editor belongs here (the step has SQL to run).
    pub with_sql: bool,
    /// The editor's last result.
    pub sql_result: Option<Result<SqlTable, String>>,
    /// How many results the editor has had.
    pub runs: u32,
    /// Text to load into the editor (and maybe run).
    pub load: Option<Load>,
    /// A request is running.
    pub busy: bool,
    /// Run SQL on the workspace.
    pub on_run: Callback<String>,
    /// Put SQL into the editor and run it.
    pub on_run_sql: Callback<String>,
    /// Run a check with this input.
    pub on_check: Callback<(String, Option<String>)>,
    /// Open a check's next hint.
    pub on_hint: Callback<String>,
    /// Show a check's solution.
    pub on_solution: Callback<String>,
    /// Scroll back to the text (narrow screens).
    pub on_back_to_text: Callback<MouseEvent>,
}

/// The workspace pane, an `<aside>`.
#[component]
pub fn WorkspacePane(props: &WorkspacePaneProps) -> Html {
    let v = &props.view;
    let step = &v.steps[v.index];
    let next = v.steps.get(v.index + 1);
    let step_done = step.state == StepState::Done;
    let setup = v.setup.as_ref().map(|note| match note {
        SetupNote::Ran { .. } => html! {
            <p class="setup-note meta" role="note">{ "This step prepared your workspace when you first opened it." }</p>
        },
        SetupNote::Failed { message } => html! {
            <p class="notice setup-note" role="alert">{ format!("This step could not prepare your workspace: {message}") }</p>
        },
        SetupNote::FilesUnreadable { message } => html! {
            <p class="notice setup-note" role="alert">{ format!("This step's files could not be read: {message}") }</p>
        },
    });
    html! {
        <aside id="workspace" class="workspace-pane" aria-label="Workspace" tabindex="-1">
            <p class="jump narrow-only"><button class="link" onclick={props.on_back_to_text.clone()}>{ "↑ Back to the text" }</button></p>
            if let Some(setup) = setup { { setup } }
            if props.with_sql {
                <SqlBox tables={v.workspace_tables.clone()} result={props.sql_result.clone()} runs={props.runs} busy={props.busy}
                        history_key={AttrValue::from(v.entry.clone())} load={props.load.clone()} on_run={props.on_run.clone()} />
            }
            if !v.checks.is_empty() {
                <section class="checks" aria-labelledby="checks-title">
                    <h2 id="checks-title">{ if v.checks.len() == 1 { "Check" } else { "Checks" } }</h2>
                    { for v.checks.iter().enumerate().map(|(i, c)| html! {
                        <CheckCard key={c.id.clone()} check={c.clone()} number={i + 1} busy={props.busy}
                                   on_check={props.on_check.clone()} on_hint={props.on_hint.clone()}
                                   on_solution={props.on_solution.clone()} on_run_sql={props.on_run_sql.clone()} />
                    }) }
                </section>
            }
            if step_done {
                <p class="result pass step-complete" role="status">{ "✓ Step complete." }
                    { " " }
                    if let Some(n) = next {
                        <a href={Route::Step(v.entry.clone(), n.slug.clone()).href()}>{ format!("Continue with “{}”", n.title) }</a>
                    } else {
                        <a href={Route::Done(v.entry.clone()).href()}>{ "See what you did and hand it in" }</a>
                    }
                </p>
            }
        </aside>
    }
}
