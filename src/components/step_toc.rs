//! The player's table of contents: every step with its order, minutes and done/current/locked mark.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::hooks::Route;
use stepwise_protocol::{StepState, TocStep};

/// Props of [`StepToc`].
#[derive(Properties, PartialEq)]
pub struct StepTocProps {
    /// The entry's id (for the links).
    pub entry: AttrValue,
    /// The steps, in order.
    pub steps: Vec<TocStep>,
    /// Index of the step shown.
    pub shown: usize,
    /// The learner's current step.
    pub current: Option<String>,
    /// The player shows a workspace beside the text: below the widest screens the contents
    /// then sit above the text, folded.
    #[prop_or_default]
    pub beside_workspace: bool,
}

/// Entries rendered with the player's first paint (more when the step shown is further down).
/// A longer list gets its other entries once that paint is done, so a workshop of hundreds of
/// steps shows the step's text without first building every entry of the list.
const FIRST_ENTRIES: usize = 60;

/// Runs `then` once the browser has painted the current frame: at the next animation frame,
/// in a task of its own after it.
fn after_paint(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let later = window.clone();
    let frame = Closure::once_into_js(move || {
        let task = Closure::once_into_js(then);
        // Neither call fails in a window; the list would then stay at its first entries.
        let _ = later.set_timeout_with_callback(task.unchecked_ref());
    });
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// A small padlock, drawn (emoji fonts are not everywhere).
pub fn lock_icon() -> Html {
    html! {
        <svg class="lock" viewBox="0 0 16 16" width="11" height="11" aria-hidden="true" focusable="false">
            <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" stroke-width="1.6" />
            <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
        </svg>
    }
}

/// Whether the screen is wide enough for the contents to stand in their own column (the width
/// of `player.css`'s wide layout); narrower, they start folded above the text.
fn wide_screen() -> bool {
    web_sys::window().and_then(|w| w.match_media("(min-width: 90.01rem)").ok().flatten()).is_none_or(|m| m.matches())
}

/// `<nav>` with one link per step.
#[component]
pub fn StepToc(props: &StepTocProps) -> Html {
    let done = props.steps.iter().filter(|s| s.state == StepState::Done).count();
    // Decided once: afterwards the learner's own opening and folding stand.
    let open = use_state(|| !props.beside_workspace || wide_screen());
    let total = props.steps.len();
    let first = FIRST_ENTRIES.max(props.shown + 1).min(total);
    let built = use_state(|| first);
    {
        let built = built.clone();
        use_effect_with(total, move |&total| {
            if *built < total {
                after_paint(move || built.set(total));
            }
        });
    }
    let entries = (*built).max(first).min(total);
    html! {
        <nav class="toc" aria-labelledby="toc-title">
            <details open={*open}>
                <summary id="toc-title">
                    { "Steps " }<span class="meta">{ format!("{done} of {} done", props.steps.len()) }</span>
                </summary>
                <ol class="steps">
                    { for props.steps.iter().take(entries).enumerate().map(|(i, step)| {
                        let shown = i == props.shown;
                        let current = props.current.as_deref() == Some(step.slug.as_str());
                        let (mark, state) = match step.state {
                            StepState::Done => (html! { "✓" }, "done"),
                            StepState::Locked => (lock_icon(), "locked"),
                            StepState::Open => (html! {}, "open"),
                        };
                        let href = Route::Step(props.entry.to_string(), step.slug.clone()).href();
                        html! {
                            <li class={classes!("step", state, current.then_some("current"), shown.then_some("shown"))}>
                                <a {href} aria-current={shown.then_some("step")}>
                                    <span class="step-mark" aria-hidden="true">{ mark }</span>
                                    <span class="step-title">{ step.title.clone() }</span>
                                    <span class="visually-hidden">{ match step.state {
                                        StepState::Done => " (done)",
                                        StepState::Locked => " (locked)",
                                        StepState::Open => "",
                                    } }</span>
                                    if let Some(m) = step.minutes { <span class="step-minutes meta">{ format!("{m} min") }</span> }
                                </a>
                            </li>
                        }
                    }) }
                </ol>
            </details>
        </nav>
    }
}
