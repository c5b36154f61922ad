//! The step player: the table of contents, the step's text and, beside it on a wide screen
//! (a resizable split) or under it on a narrow one, the workspace: SQL editor, results and the
//! step's checks. Previous/next (also Alt+←/Alt+→, or j/k outside text fields), reset and
//! snapshots, the minutes left, and the completion page after the last step. Every change is
//! saved by the worker as it happens.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{
    Check, Entry, OpenHint, Play, PlayerView, ResetProgress, ResetWorkspace, RestoreSnapshot, RunSql, ShowSolution,
    SqlTable, StepState, WorkerError,
};

use crate::hooks::{Commands, Route, WorkerHandle, navigate, replace};
use crate::state::library::Job;

use super::confirm_action::ConfirmAction;
use super::job_progress::JobProgress;
use super::player_tools::{Confirmation, PlayerTools};
use super::splitter::{Splitter, apply_split, remembered_split};
use super::sql_editor::Load;
use super::step_artifacts::StepArtifacts;
use super::step_content::StepContent;
use super::step_toc::StepToc;
use super::step_toc::lock_icon;
use super::text_form_actions::TextFormActions;
use super::workspace_pane::WorkspacePane;

/// Props of [`Player`].
#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    /// The stored workshop.
    pub entry: Entry,
    /// The step the address names (`None`: the learner's current one).
    pub step: Option<AttrValue>,
    /// The library's commands (worker, download).
    pub commands: Commands,
    /// Its download, while one is being prepared.
    #[prop_or_default]
    pub download: Option<Job>,
}

/// A request answered with the player's view.
#[derive(Clone, PartialEq)]
enum Move {
    Play(Play),
    Check(Check),
    Hint(OpenHint),
    Solution(ShowSolution),
    ResetWorkspace(ResetWorkspace),
    ResetProgress(ResetProgress),
    Restore(RestoreSnapshot),
}

impl Move {
    async fn send(self, worker: &WorkerHandle) -> Result<PlayerView, WorkerError> {
        match self {
            Move::Play(r) => worker.call(r).await,
            Move::Check(r) => worker.call(r).await,
            Move::Hint(r) => worker.call(r).await,
            Move::Solution(r) => worker.call(r).await,
            Move::ResetWorkspace(r) => worker.call(r).await,
            Move::ResetProgress(r) => worker.call(r).await,
            Move::Restore(r) => worker.call(r).await,
        }
    }
}

/// The player.
#[component]
pub fn Player(props: &PlayerProps) -> Html {
    let view = use_state(|| None::<PlayerView>);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sql_result = use_state(|| None::<Result<SqlTable, String>>);
    // How many answers the editor has had (tests wait for the next one).
    let runs = use_state(|| 0_u32);
    let pending = use_state(|| None::<Confirmation>);
    let load = use_state(|| None::<Load>);
    let split = use_state(remembered_split);
    let layout = use_node_ref();
    let id = props.entry.id.clone();
    let worker = props.commands.worker().clone();

    // Sends a request answered with the player's view.
    let request = {
        let (view, error, busy, id) = (view.clone(), error.clone(), busy.clone(), id.clone());
        let worker = worker.clone();
        Rc::new(move |step: Move, follow: bool| {
            let (view, error, busy, worker, id) =
                (view.clone(), error.clone(), busy.clone(), worker.clone(), id.clone());
            busy.set(true);
            spawn_local(async move {
                match step.send(&worker).await {
                    Ok(v) => {
                        if follow {
                            replace(&Route::Step(id, v.steps[v.index].slug.clone()));
                        }
                        error.set(None);
                        view.set(Some(v));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
                busy.set(false);
            });
        })
    };

    {
        let request = request.clone();
        let id = id.clone();
        let sql_result = sql_result.clone();
        use_effect_with(props.step.clone(), move |step| {
            sql_result.set(None);
            request(Move::Play(Play { entry: id, step: step.as_ref().map(|s| s.to_string()) }), step.is_none());
        });
    }

    // A rebuild under `stepwise preview` keeps the scroll position once the step shows again.
    {
        let shown = view.as_ref().map(|v| (v.entry.clone(), v.index));
        use_effect_with(shown, move |shown| {
            if shown.is_some()
                && let Some(y) = crate::hooks::take_pending_scroll()
                && let Some(window) = web_sys::window()
            {
                window.scroll_to_with_x_and_y(0.0, y);
            }
        });
    }

    // Focus moves to the step's heading when another step is shown.
    let shown_slug = view.as_ref().map(|v| v.steps[v.index].slug.clone());
    {
        let first = use_mut_ref(|| true);
        use_effect_with(shown_slug.clone(), move |slug| {
            if slug.is_some()
                && !std::mem::replace(&mut *first.borrow_mut(), false)
                && let Some(h) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("step-title"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = h.focus();
            }
        });
    }

    // Keyboard: Alt+→ / Alt+← anywhere, j / k outside text fields.
    let neighbours: Rc<RefCell<(Option<Route>, Option<Route>)>> = use_mut_ref(|| (None, None));
    if let Some(v) = view.as_ref() {
        let prev = v.index.checked_sub(1).map(|i| Route::Step(id.clone(), v.steps[i].slug.clone()));
        let next = v
            .steps
            .get(v.index + 1)
            .filter(|s| s.state != StepState::Locked)
            .map(|s| Route::Step(id.clone(), s.slug.clone()));
        *neighbours.borrow_mut() = (prev, next);
    }
    {
        let neighbours = neighbours.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|document| {
                let options = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(&document, "keydown", options, move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                    let typing = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| {
                        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                            || e.closest("dialog[open]").ok().flatten().is_some()
                    });
                    let plain = !event.ctrl_key() && !event.meta_key() && !event.alt_key() && !typing;
                    let go = match event.key().as_str() {
                        "ArrowRight" if event.alt_key() => neighbours.borrow().1.clone(),
                        "ArrowLeft" if event.alt_key() => neighbours.borrow().0.clone(),
                        "j" if plain => neighbours.borrow().1.clone(),
                        "k" if plain => neighbours.borrow().0.clone(),
                        _ => return,
                    };
                    if let Some(route) = go {
                        event.prevent_default();
                        navigate(&route);
                    }
                })
            });
            move || drop(listener)
        });
    }

    // The split between text and workspace, applied through the CSS object model.
    {
        let layout = layout.clone();
        use_effect_with((*split, view.is_some()), move |(split, _)| apply_split(&layout, *split));
    }

    let Some(v) = (*view).clone() else {
        return match &*error {
            Some(message) => {
                html! { <p class="notice" role="alert">{ format!("This workshop could not be played: {message}") }</p> }
            }
            None => html! { <div class="opened skeleton" aria-busy="true"><p class="meta">{ "Opening…" }</p></div> },
        };
    };

    let step = &v.steps[v.index];
    let done = v.steps.iter().filter(|s| s.state == StepState::Done).count();
    let total = v.steps.len();
    let on_check = {
        let (request, id, slug) = (request.clone(), id.clone(), step.slug.clone());
        Callback::from(move |(validation, input): (String, Option<String>)| {
            request(Move::Check(Check { entry: id.clone(), step: slug.clone(), validation, input }), false)
        })
    };
    let on_hint = {
        let (request, id, slug) = (request.clone(), id.clone(), step.slug.clone());
        Callback::from(move |validation: String| {
            request(Move::Hint(OpenHint { entry: id.clone(), step: slug.clone(), validation }), false)
        })
    };
    let on_solution = {
        let (request, id, slug) = (request.clone(), id.clone(), step.slug.clone());
        Callback::from(move |validation: String| {
            request(Move::Solution(ShowSolution { entry: id.clone(), step: slug.clone(), validation }), false)
        })
    };
    let on_run = {
        let (worker, id, busy, sql_result, request, slug) =
            (worker.clone(), id.clone(), busy.clone(), sql_result.clone(), request.clone(), step.slug.clone());
        let runs = runs.clone();
        Callback::from(move |sql: String| {
            let (worker, id, busy, sql_result, request, slug) =
                (worker.clone(), id.clone(), busy.clone(), sql_result.clone(), request.clone(), slug.clone());
            let runs = runs.clone();
            busy.set(true);
            spawn_local(async move {
                let answer = worker.call(RunSql { entry: id.clone(), sql, seconds: None }).await;
                busy.set(false);
                runs.set(*runs + 1);
                match answer {
                    Ok(result) => {
                        let changed = matches!(&result, Ok(t) if t.changed);
                        sql_result.set(Some(result));
                        if changed {
                            request(Move::Play(Play { entry: id, step: Some(slug) }), false);
                        }
                    }
                    Err(error) => sql_result.set(Some(Err(error.message))),
                }
            });
        })
    };
    // A Run button in the text or a solution: into the editor, run, and the workspace in view.
    let on_run_sql = {
        let load = load.clone();
        Callback::from(move |sql: String| {
            let serial = load.as_ref().map_or(1, |l| l.serial + 1);
            load.set(Some(Load { serial, text: AttrValue::from(sql), run: true }));
            reveal("workspace", false);
        })
    };
    let on_ask = {
        let pending = pending.clone();
        Callback::from(move |c: Confirmation| pending.set(Some(c)))
    };
    let dialog = (*pending).clone().map(|p| {
        let on_cancel = {
            let pending = pending.clone();
            Callback::from(move |_| pending.set(None))
        };
        let (title, text, action, body) = match &p {
            Confirmation::ResetWorkspace(slug) => (
                "Reset your workspace?",
                format!("Your workspace database is replaced by the data of “{}”. Tables and views you created are lost.", step.title),
                "Reset workspace",
                Move::ResetWorkspace(ResetWorkspace { entry: id.clone(), step: slug.clone() }),
            ),
            Confirmation::ResetProgress => (
                "Reset your progress?",
                "Every step goes back to not done and your check results are forgotten. Your workspace and snapshots are kept.".to_owned(),
                "Reset progress",
                Move::ResetProgress(ResetProgress { entry: id.clone() }),
            ),
            Confirmation::Restore(snapshot, label) => (
                "Go back to this snapshot?",
                format!("Your progress, check results and workspace go back to “{label}”. What you did since is replaced."),
                "Go back",
                Move::Restore(RestoreSnapshot { entry: id.clone(), snapshot: *snapshot }),
            ),
        };
        let follow = !matches!(p, Confirmation::ResetWorkspace(_));
        let on_confirm = {
            let (pending, request) = (pending.clone(), request.clone());
            Callback::from(move |_| {
                pending.set(None);
                request(body.clone(), follow);
            })
        };
        html! { <ConfirmAction title={title} text={text} action={action} {on_confirm} {on_cancel} /> }
    });

    let prev = v.index.checked_sub(1).map(|i| &v.steps[i]);
    let next = v.steps.get(v.index + 1);
    let pager = html! {
        <nav class="pager" aria-label="Previous and next step">
            if let Some(p) = prev {
                <a class="button secondary" rel="prev" href={Route::Step(id.clone(), p.slug.clone()).href()}>
                    { "← " }{ p.title.clone() }
                </a>
            } else { <span></span> }
            if let Some(n) = next {
                if n.state == StepState::Locked {
                    <span class="next-locked meta">{ lock_icon() }{ format!(" “{}” opens when this step is done", n.title) }</span>
                } else {
                    <a class="button primary" rel="next" href={Route::Step(id.clone(), n.slug.clone()).href()}>
                        { n.title.clone() }{ " →" }
                    </a>
                }
            } else {
                <a class={classes!("button", if v.finished { "primary" } else { "secondary" })} href={Route::Done(id.clone()).href()}>
                    { if v.finished { "Finish: your summary →" } else { "Your progress so far →" } }
                </a>
            }
        </nav>
    };
    let on_download = {
        let (commands, entry) = (props.commands.clone(), props.entry.clone());
        Callback::from(move |_: MouseEvent| commands.download(entry.clone()))
    };
    let step_done = step.state == StepState::Done;
    let with_sql = v.locked.is_none()
        && (v.checks.iter().any(|c| c.kind == "sql") || v.has_workspace || v.html.contains("language-sql"));
    let with_pane = v.locked.is_none() && (with_sql || !v.checks.is_empty());
    let on_split = {
        let split = split.clone();
        Callback::from(move |value: u32| split.set(value))
    };
    let to_workspace = Callback::from(|_: MouseEvent| reveal("workspace", true));
    let to_text = Callback::from(|_: MouseEvent| reveal("step-title", true));
    html! {
        <article class="opened player" data-kind="workshop" aria-busy={(*busy).to_string()}>
            <header class="player-head">
                <div>
                    <p class="eyebrow meta">{ "Workshop" }</p>
                    <h1>{ v.title.clone() }</h1>
                </div>
                <div class="player-progress">
                    <progress max={total.to_string()} value={done.to_string()} aria-label="Steps done"></progress>
                    <span class="meta">{ format!("{done} of {total} steps done") }</span>
                </div>
                <div class="view-actions">
                    <button class="secondary" onclick={on_download} disabled={props.download.is_some()}
                            aria-label={format!("Download {}", v.file_name)}>{ "Download" }</button>
                    if let Some(job) = &props.download { <JobProgress job={job.clone()} /> }
                </div>
                <TextFormActions entry={props.entry.clone()} busy={props.download.is_some()} />
            </header>
            <div ref={layout} class={classes!("player-layout", with_pane.then_some("split"))}>
                <StepToc entry={AttrValue::from(id.clone())} steps={v.steps.clone()} shown={v.index} current={v.current_step.clone()}
                         beside_workspace={with_pane} />
                <article id="step-text" class="step-article" aria-labelledby="step-title" data-step={step.slug.clone()}>
                    <p class="eyebrow meta">
                        { format!("Step {} of {total}", v.index + 1) }
                        if let Some(m) = step.minutes { { format!(" · about {m} min") } }
                        if let Some(left) = v.minutes_left.filter(|m| *m > 0) { { format!(" · {left} min left in the workshop") } }
                        if step_done { <span class="done-badge">{ " · ✓ done" }</span> }
                    </p>
                    <h2 id="step-title" tabindex="-1">{ step.title.clone() }</h2>
                    if let Some(e) = &*error { <p class="notice" role="alert">{ e.clone() }</p> }
                    if let Some(reason) = &v.locked {
                        <div class="notice locked" role="note">
                            <p><strong>{ lock_icon() }{ " This step is locked. " }</strong>{ reason.clone() }</p>
                            if let Some(p) = prev {
                                <p><a href={Route::Step(id.clone(), p.slug.clone()).href()}>{ format!("Go to “{}”", p.title) }</a></p>
                            }
                        </div>
                    } else {
                        <StepContent html={AttrValue::from(v.html.clone())} on_run={with_sql.then(|| on_run_sql.clone())} />
                        if v.has_artifacts {
                            <StepArtifacts entry={AttrValue::from(id.clone())} step={AttrValue::from(step.slug.clone())} worker={props.commands.worker().clone()} />
                        }
                    }
                    if with_pane {
                        <p class="jump narrow-only"><button class="link" onclick={to_workspace}>{ "↓ Go to the workspace" }</button></p>
                    }
                    { pager }
                    <PlayerTools reset_step={(v.has_project && v.locked.is_none()).then(|| step.slug.clone())}
                                 snapshots={v.snapshots.clone()} {on_ask} />
                    <p class="keys meta">{ "Keys: Alt+→ next step, Alt+← previous step (or j / k outside text fields). In the editor, Ctrl+Enter runs." }</p>
                </article>
                if with_pane {
                    <Splitter value={*split} on_change={on_split} />
                    <WorkspacePane view={v.clone()} {with_sql} sql_result={(*sql_result).clone()} runs={*runs} load={(*load).clone()}
                                   busy={*busy} {on_run} {on_run_sql} {on_check} {on_hint} {on_solution} on_back_to_text={to_text} />
                }
            </div>
            if let Some(dialog) = dialog { { dialog } }
        </article>
    }
}

/// Brings the element with `id` into view when it is not (on a narrow screen the workspace is
/// under the text), moving the focus there when `focus`.
fn reveal(id: &str, focus: bool) {
    let Some(window) = web_sys::window() else { return };
    let Some(element) = window.document().and_then(|d| d.get_element_by_id(id)) else { return };
    let rect = element.get_bounding_client_rect();
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    if focus || rect.top() > height || rect.bottom() < 0.0 {
        element.scroll_into_view();
    }
    if focus && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}
