//! The player's folded tools under a step: reset the workspace to the step's data, reset
//! progress, and the snapshots taken at the end of each step.

use yew::prelude::*;

use stepwise_protocol::SnapshotSummary;

/// An action waiting for the learner's confirmation.
#[derive(Clone, PartialEq)]
pub enum Confirmation {
    /// Replace the workspace with the project of this step.
    ResetWorkspace(String),
    /// Forget progress and check results.
    ResetProgress,
    /// Go back to a snapshot (`id`, label).
    Restore(i64, String),
}

/// Props of [`PlayerTools`].
#[derive(Properties, PartialEq)]
pub struct PlayerToolsProps {
    /// The step shown, when its workspace can be reset to its data.
    pub reset_step: Option<String>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotSummary>,
    /// Ask the learner to confirm this.
    pub on_ask: Callback<Confirmation>,
}

/// The tools, in a `<details>` that stays as the learner left it across renders.
#[component]
pub fn PlayerTools(props: &PlayerToolsProps) -> Html {
    let open = use_state(|| false);
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let now = e.target().and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok()).and_then(|v| v.as_bool());
            if let Some(now) = now
                && now != *open
            {
                open.set(now);
            }
        })
    };
    let ask = |c: Confirmation| {
        let on_ask = props.on_ask.clone();
        Callback::from(move |_: MouseEvent| on_ask.emit(c.clone()))
    };
    html! {
        <details class="tools" open={*open} ontoggle={on_toggle}>
            <summary>{ "Workspace, progress and snapshots" }</summary>
            <div class="tool-actions">
                if let Some(step) = &props.reset_step {
                    <button class="secondary" onclick={ask(Confirmation::ResetWorkspace(step.clone()))}>{ "Reset my workspace to this step" }</button>
                }
                <button class="secondary" onclick={ask(Confirmation::ResetProgress)}>{ "Reset progress" }</button>
            </div>
            <h3>{ "Snapshots" }</h3>
            if props.snapshots.is_empty() {
                <p class="meta">{ "A snapshot is taken each time you finish a step." }</p>
            } else {
                <ol class="snapshots">
                    { for props.snapshots.iter().rev().map(|s| html! {
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
    }
}
