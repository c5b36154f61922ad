//! The player's table of contents: every step with its order, minutes and done/current/locked mark.

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
    html! {
        <nav class="toc" aria-labelledby="toc-title">
            <details open={*open}>
                <summary id="toc-title">
                    { "Steps " }<span class="meta">{ format!("{done} of {} done", props.steps.len()) }</span>
                </summary>
                <ol class="steps">
                    { for props.steps.iter().enumerate().map(|(i, step)| {
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
