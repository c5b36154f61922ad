//! The end of a workshop at `#/w/<id>/done`: steps done, checks Stepwise verified against those
//! the learner confirmed, hints and solutions used, time; and the hand-in: the learner's name
//! (asked once, stored in the workshop's runtime tables) and the download of the `.db`.

use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{Completion as CompletionRequest, CompletionView, Entry, SetLearner, StepState};

use crate::hooks::{Commands, Route};
use crate::state::library::Job;

use super::job_progress::JobProgress;

/// Props of [`Completion`].
#[derive(Properties, PartialEq)]
pub struct CompletionProps {
    /// The stored workshop.
    pub entry: Entry,
    /// The library's commands (worker, download).
    pub commands: Commands,
    /// Its download, while one is being prepared.
    #[prop_or_default]
    pub download: Option<Job>,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The completion page.
#[component]
pub fn Completion(props: &CompletionProps) -> Html {
    let view = use_state(|| None::<CompletionView>);
    let error = use_state(|| None::<String>);
    let name = use_state(String::new);
    let editing = use_state(|| false);
    // Download once the name is saved, when the learner asked for the download first.
    let download_after_name = use_state(|| false);
    let id = props.entry.id.clone();
    {
        let (view, error, name, commands, id) =
            (view.clone(), error.clone(), name.clone(), props.commands.clone(), id.clone());
        use_effect_with(id.clone(), move |_| {
            spawn_local(async move {
                match commands.worker().call(CompletionRequest { entry: id }).await {
                    Ok(v) => {
                        name.set(v.learner.clone().unwrap_or_default());
                        view.set(Some(v));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        });
    }
    let Some(v) = (*view).clone() else {
        return match &*error {
            Some(message) => html! { <p class="notice" role="alert">{ message.clone() }</p> },
            None => html! { <div class="opened skeleton" aria-busy="true"><p class="meta">{ "Opening…" }</p></div> },
        };
    };
    let download = {
        let (commands, entry) = (props.commands.clone(), props.entry.clone());
        move || commands.download(entry.clone())
    };
    let asking = v.learner.is_none() || *editing;
    let on_download = {
        let (download, download_after_name) = (download.clone(), download_after_name.clone());
        let named = v.learner.is_some();
        Callback::from(move |_: MouseEvent| {
            if named {
                download();
            } else {
                download_after_name.set(true);
                focus("learner-name");
            }
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                name.set(input.value());
            }
        })
    };
    let on_save = {
        let (view, error, editing, name, commands, id) =
            (view.clone(), error.clone(), editing.clone(), name.clone(), props.commands.clone(), id.clone());
        let (download, download_after_name) = (download.clone(), download_after_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (view, error, editing, commands, id) =
                (view.clone(), error.clone(), editing.clone(), commands.clone(), id.clone());
            let (download, download_after_name) = (download.clone(), download_after_name.clone());
            let typed = (*name).clone();
            spawn_local(async move {
                match commands.worker().call(SetLearner { entry: id, name: typed }).await {
                    Ok(v) => {
                        error.set(None);
                        editing.set(false);
                        view.set(Some(v));
                        if *download_after_name {
                            download_after_name.set(false);
                            download();
                        }
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let on_change_name = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            editing.set(true);
            focus("learner-name");
        })
    };
    let done = v.steps.iter().filter(|s| s.state == StepState::Done).count();
    let total = v.steps.len();
    let heading =
        if v.finished { format!("You finished “{}”", v.title) } else { format!("Your work on “{}”", v.title) };
    html! {
        <article class="opened completion" aria-labelledby="completion-title">
            <p class="eyebrow meta">{ if v.finished { "Workshop complete" } else { "Workshop in progress" } }</p>
            <h1 id="completion-title" tabindex="-1">{ heading }</h1>
            if !v.finished {
                <p class="notice">{ format!("{} still to do. You can hand in what you have so far, or ", plural(u32::try_from(total - done).unwrap_or(0), "step is", "steps are")) }
                    <a href={Route::Entry(id.clone()).href()}>{ "go back to the workshop" }</a>{ "." }</p>
            }
            <dl class="summary">
                <div><dt>{ "Steps done" }</dt><dd>{ format!("{done} of {total}") }</dd></div>
                <div><dt>{ "Checks verified by Stepwise" }</dt><dd>{ v.checks_verified }</dd></div>
                <div><dt>{ "Checks you confirmed yourself" }</dt><dd>{ v.checks_confirmed }</dd></div>
                <div><dt>{ "Hints opened" }</dt><dd>{ v.hints_opened }</dd></div>
                <div><dt>{ "Solutions shown" }</dt><dd>{ v.solutions_shown }</dd></div>
                if let Some(m) = v.minutes {
                    <div><dt>{ "Time" }</dt><dd>{ format!("{m} min") }<span class="meta">{ " from your first step to your last" }</span></dd></div>
                }
            </dl>
            <table class="step-report">
                <caption class="visually-hidden">{ "Every step" }</caption>
                <thead><tr><th scope="col">{ "Step" }</th><th scope="col">{ "Done" }</th><th scope="col">{ "Help used" }</th></tr></thead>
                <tbody>
                    { for v.steps.iter().map(|s| html! {
                        <tr>
                            <th scope="row"><a href={Route::Step(id.clone(), s.slug.clone()).href()}>{ s.title.clone() }</a></th>
                            <td>{ match (s.state, s.verified) {
                                (StepState::Done, true) => "✓ verified",
                                (StepState::Done, false) => "✓ on your word",
                                _ => "not yet",
                            } }</td>
                            <td>{ match (s.hints_opened, s.solutions_shown) {
                                (0, 0) => "—".to_owned(),
                                (h, 0) => plural(h, "hint", "hints"),
                                (0, n) => plural(n, "solution", "solutions"),
                                (h, n) => format!("{}, {}", plural(h, "hint", "hints"), plural(n, "solution", "solutions")),
                            } }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <section class="hand-in" aria-labelledby="hand-in-title">
                <h2 id="hand-in-title">{ "Hand in your work" }</h2>
                <p>{ "The download is this workshop's file with your progress, your answers, your workspace and your name in it: send it to your teacher as they asked." }</p>
                if asking {
                    <form class="learner-name" onsubmit={on_save}>
                        <label for="learner-name">{ "Your name, as your teacher knows you" }</label>
                        <div class="answer-row">
                            <input id="learner-name" type="text" autocomplete="name" maxlength="100" value={(*name).clone()} oninput={on_name} />
                            <button type="submit" class="primary">{ if *download_after_name { "Save and download" } else { "Save" } }</button>
                        </div>
                    </form>
                } else if let Some(learner) = &v.learner {
                    <p>{ "Handing in as " }<strong>{ learner.clone() }</strong>{ " " }
                        <button class="secondary small" onclick={on_change_name}>{ "Change" }</button></p>
                }
                if let Some(e) = &*error { <p class="result fail" role="alert">{ e.clone() }</p> }
                <p class="view-actions">
                    <button class="primary" onclick={on_download} disabled={props.download.is_some()}>
                        { format!("Download {} to hand in", v.file_name) }
                    </button>
                    if let Some(job) = &props.download { <JobProgress job={job.clone()} /> }
                </p>
            </section>
            <p class="back"><a href={Route::Entry(id.clone()).href()}>{ "← Back to the workshop" }</a></p>
        </article>
    }
}

/// Moves the focus to the element with `id` once it is on the page.
fn focus(id: &'static str) {
    yew::platform::spawn_local(async move {
        // The element may appear with the next render.
        for _ in 0..10 {
            if let Some(e) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = e.focus();
                return;
            }
            yew::platform::time::sleep(std::time::Duration::from_millis(16)).await;
        }
    });
}
