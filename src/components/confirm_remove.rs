//! Asks before a stored database is deleted.

use yew::prelude::*;

use stepwise_protocol::Entry;

use super::modal::Modal;

/// Props of [`ConfirmRemove`].
#[derive(Properties, PartialEq)]
pub struct ConfirmRemoveProps {
    /// What would be removed.
    pub entry: Entry,
    /// Remove it.
    pub on_confirm: Callback<Entry>,
    /// Keep it (also Escape).
    pub on_cancel: Callback<()>,
}

/// "Remove “SQL joins”?" with Keep as the default.
#[component]
pub fn ConfirmRemove(props: &ConfirmRemoveProps) -> Html {
    let on_confirm = {
        let (on_confirm, entry) = (props.on_confirm.clone(), props.entry.clone());
        Callback::from(move |_: MouseEvent| on_confirm.emit(entry.clone()))
    };
    let on_keep = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    html! {
        <Modal labelled_by="remove-title" described_by="remove-text" on_cancel={props.on_cancel.clone()}>
            <h2 id="remove-title">{ format!("Remove “{}”?", props.entry.title) }</h2>
            <p id="remove-text">
                { "It is deleted from this browser together with your progress in it. " }
                { "Download it first if you want to keep a copy." }
            </p>
            <div class="dialog-actions">
                <button autofocus=true onclick={on_keep}>{ "Keep it" }</button>
                <button class="danger" onclick={on_confirm}>{ "Remove" }</button>
            </div>
        </Modal>
    }
}
