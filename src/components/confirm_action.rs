//! Asks before an action that replaces the learner's work (reset workspace, reset progress, go
//! back to a snapshot).

use yew::prelude::*;

use super::modal::Modal;

/// Props of [`ConfirmAction`].
#[derive(Properties, PartialEq)]
pub struct ConfirmActionProps {
    /// The question (`Reset your workspace?`).
    pub title: AttrValue,
    /// What will happen.
    pub text: AttrValue,
    /// The button that does it (`Reset`).
    pub action: AttrValue,
    /// Do it.
    pub on_confirm: Callback<()>,
    /// Don't (also Escape).
    pub on_cancel: Callback<()>,
}

/// A `<dialog>` with Cancel as the default.
#[component]
pub fn ConfirmAction(props: &ConfirmActionProps) -> Html {
    let on_confirm = {
        let cb = props.on_confirm.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_keep = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <Modal labelled_by="confirm-title" described_by="confirm-text" on_cancel={props.on_cancel.clone()}>
            <h2 id="confirm-title">{ props.title.clone() }</h2>
            <p id="confirm-text">{ props.text.clone() }</p>
            <div class="dialog-actions">
                <button autofocus=true onclick={on_keep}>{ "Cancel" }</button>
                <button class="danger" onclick={on_confirm}>{ props.action.clone() }</button>
            </div>
        </Modal>
    }
}
