//! Asks what to do when an added workshop is already in the library.

use yew::prelude::*;

use crate::format::count;
use crate::state::library::DuplicatePrompt;
use stepwise_protocol::{DuplicateChoice, Entry};

use super::modal::Modal;

/// Props of [`DuplicateDialog`].
#[derive(Properties, PartialEq)]
pub struct DuplicateDialogProps {
    /// The import waiting for an answer.
    pub prompt: DuplicatePrompt,
    /// The user's answer (Escape is [`DuplicateChoice::Cancel`]).
    pub on_choose: Callback<DuplicateChoice>,
}

fn describe(entry: &Entry) -> String {
    let version = entry.version.as_deref().map(|v| format!("version {v}, ")).unwrap_or_default();
    format!("{version}{} of {} done", entry.done, count(entry.steps, "step", "steps"))
}

/// Replace (keeping or discarding progress), keep both, or cancel.
#[component]
pub fn DuplicateDialog(props: &DuplicateDialogProps) -> Html {
    let DuplicatePrompt { existing, incoming, .. } = &props.prompt;
    let choose = |choice: DuplicateChoice| {
        let on_choose = props.on_choose.clone();
        Callback::from(move |_: MouseEvent| on_choose.emit(choice))
    };
    let on_cancel = {
        let on_choose = props.on_choose.clone();
        Callback::from(move |()| on_choose.emit(DuplicateChoice::Cancel))
    };
    let same_version = existing.version == incoming.version;
    html! {
        <Modal labelled_by="duplicate-title" described_by="duplicate-text" {on_cancel}>
            <h2 id="duplicate-title">{ format!("“{}” is already in your library", existing.title) }</h2>
            <div id="duplicate-text">
                <p>
                    { "Stored: " }{ describe(existing) }{ ". " }
                    { "Added: " }<strong>{ incoming.file_name.clone() }</strong>
                    { incoming.version.as_deref().map(|v| format!(", version {v}")).unwrap_or_default() }
                    { if same_version { " (the same version)." } else { "." } }
                </p>
                <p class="meta">
                    { "Replacing keeps your progress for every step that still exists, unless you start over." }
                </p>
            </div>
            <div class="dialog-actions">
                <button class="primary" autofocus=true onclick={choose(DuplicateChoice::ReplaceKeepProgress)}>
                    { "Replace, keep my progress" }
                </button>
                <button onclick={choose(DuplicateChoice::ReplaceDiscardProgress)}>{ "Replace and start over" }</button>
                <button onclick={choose(DuplicateChoice::KeepBoth)}>{ "Keep both" }</button>
                <button class="quiet" onclick={choose(DuplicateChoice::Cancel)}>{ "Cancel" }</button>
            </div>
        </Modal>
    }
}
