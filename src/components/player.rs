//! The step player: table of contents beside the step, its checks and SQL box, previous/next
//! (also Alt+←/Alt+→, or j/k outside text fields), reset and snapshots. Every change is saved by
//! the worker as it happens.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{
    Check, Entry, Play, PlayerView, ResetProgress, ResetWorkspace, RestoreSnapshot, RunSql, SqlTable, StepState,
    WorkerError,
};

use crate::hooks::{Commands, Route, WorkerHandle, navigate, replace};
use crate::state::library::Job;

use super::check_card::CheckCard;
use super::confirm_action::ConfirmAction;
use super::job_progress::JobProgress;
use super::sql_box::SqlBox;
use super::step_artifacts::StepArtifacts;
use super::step_content::StepContent;
use super::step_toc::StepToc;
use super::step_toc::lock_icon;
use super::text_form_actions::TextFormActions;

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

/// An action waiting for the learner's confirmation.
#[derive(Clone, PartialEq)]
enum Confirmation {
    ResetWorkspace(String),
    ResetProgress,
    Restore(i64, String),
}

/// A request answered with the player's view.
#[derive(Clone, PartialEq)]
enum Move {
    Play(Play),
    Check(Check),
    ResetWorkspace(ResetWorkspace),
    ResetProgress(ResetProgress),
    Restore(RestoreSnapshot),
}

impl Move {
    async fn send(self, worker: &WorkerHandle) -> Result<PlayerView, WorkerError> {
        match self {
            Move::Play(r) => worker.call(r).await,
            Move::Check(r) => worker.call(r).await,
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
    let pending = use_state(|| None::<Confirmation>);
    // Kept in state: a re-render (after a dialog) must not fold the panel the learner opened.
    let tools_open = use_state(|| false);
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
    let on_run = {
        let (worker, id, busy, sql_result, request, slug) =
            (worker.clone(), id.clone(), busy.clone(), sql_result.clone(), request.clone(), step.slug.clone());
        Callback::from(move |sql: String| {
            let (worker, id, busy, sql_result, request, slug) =
                (worker.clone(), id.clone(), busy.clone(), sql_result.clone(), request.clone(), slug.clone());
            busy.set(true);
            spawn_local(async move {
                let answer = worker.call(RunSql { entry: id.clone(), sql }).await;
                busy.set(false);
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
    let ask = |p: Confirmation| {
        let pending = pending.clone();
        Callback::from(move |_: MouseEvent| pending.set(Some(p.clone())))
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
            }
        </nav>
    };
    let on_download = {
        let (commands, entry) = (props.commands.clone(), props.entry.clone());
        Callback::from(move |_: MouseEvent| commands.download(entry.clone()))
    };
    let step_done = step.state == StepState::Done;
    let on_tools_toggle = {
        let tools_open = tools_open.clone();
        Callback::from(move |e: Event| {
            let open = e.target().and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok()).and_then(|v| v.as_bool());
            if let Some(open) = open
                && open != *tools_open
            {
                tools_open.set(open);
            }
        })
    };
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
            <div class="player-layout">
                <StepToc entry={AttrValue::from(id.clone())} steps={v.steps.clone()} shown={v.index} current={v.current_step.clone()} />
                <article class="step-article" aria-labelledby="step-title" data-step={step.slug.clone()}>
                    <p class="eyebrow meta">
                        { format!("Step {} of {total}", v.index + 1) }
                        if let Some(m) = step.minutes { { format!(" · about {m} min") } }
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
                        <StepContent html={AttrValue::from(v.html.clone())} />
                        if v.has_artifacts {
                            <StepArtifacts entry={AttrValue::from(id.clone())} step={AttrValue::from(step.slug.clone())} worker={props.commands.worker().clone()} />
                        }
                        if !v.checks.is_empty() {
                            <section class="checks" aria-labelledby="checks-title">
                                <h2 id="checks-title">{ "Checks" }</h2>
                                if v.checks.iter().any(|c| c.kind == "sql") || v.has_workspace {
                                    <SqlBox tables={v.workspace_tables.clone()} result={(*sql_result).clone()} busy={*busy} on_run={on_run} />
                                }
                                { for v.checks.iter().enumerate().map(|(i, c)| html! {
                                    <CheckCard key={c.id.clone()} check={c.clone()} number={i + 1} busy={*busy} on_check={on_check.clone()} />
                                }) }
                                if step_done {
                                    <p class="result pass step-complete" role="status">{ "✓ Step complete." }
                                        if let Some(n) = next { { " " }<a href={Route::Step(id.clone(), n.slug.clone()).href()}>{ format!("Continue with “{}”", n.title) }</a> }
                                    </p>
                                }
                            </section>
                        }
                    }
                    { pager }
                    <details class="tools" open={*tools_open} ontoggle={on_tools_toggle}>
                        <summary>{ "Workspace, progress and snapshots" }</summary>
                        <div class="tool-actions">
                            if v.has_project && v.locked.is_none() {
                                <button class="secondary" onclick={ask(Confirmation::ResetWorkspace(step.slug.clone()))}>{ "Reset my workspace to this step" }</button>
                            }
                            <button class="secondary" onclick={ask(Confirmation::ResetProgress)}>{ "Reset progress" }</button>
                        </div>
                        <h3>{ "Snapshots" }</h3>
                        if v.snapshots.is_empty() {
                            <p class="meta">{ "A snapshot is taken each time you finish a step." }</p>
                        } else {
                            <ol class="snapshots">
                                { for v.snapshots.iter().rev().map(|s| html! {
                                    <li>
                                        <span>{ s.label.clone() }</span>{ " " }
                                        <time class="meta" datetime={s.taken_at.clone()}>{ s.taken_at.replace('T', " ").trim_end_matches('Z').to_owned() }</time>{ " " }
                                        <button class="secondary small" onclick={ask(Confirmation::Restore(s.id, s.label.clone()))}
                                                aria-label={format!("Go back to {}", s.label)}>{ "Go back" }</button>
                                    </li>
                                }) }
                            </ol>
                        }
                    </details>
                    <p class="keys meta">{ "Keys: Alt+→ next step, Alt+← previous step (or j / k outside text fields). Ctrl+Enter runs the SQL." }</p>
                </article>
            </div>
            { for dialog }
        </article>
    }
}
