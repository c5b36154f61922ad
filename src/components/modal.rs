//! A modal `<dialog>`: opened with `showModal()` when it mounts (the browser traps focus in it
//! and makes the page behind it inert), Escape cancels, and focus goes back to where it was.

use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};
use yew::prelude::*;

/// Props of [`Modal`].
#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The id of the element that names the dialog (its heading).
    pub labelled_by: AttrValue,
    /// The id of the element that describes it.
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    /// Escape was pressed.
    pub on_cancel: Callback<()>,
    /// Wider than a question (a preview with a table).
    #[prop_or_default]
    pub wide: bool,
    /// The dialog's content: a heading, text and buttons.
    pub children: Html,
}

/// A modal dialog shown for as long as it is rendered.
#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            let before = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(dialog) = dialog.cast::<HtmlDialogElement>().filter(|d| !d.open()) {
                let _ = dialog.show_modal();
            }
            move || {
                if let Some(dialog) = dialog.cast::<HtmlDialogElement>() {
                    dialog.close();
                }
                if let Some(before) = before.filter(|e| e.is_connected()) {
                    let _ = before.focus();
                }
            }
        });
    }
    let on_cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |event: Event| {
            // Keep the dialog in the page: the owner removes it once the choice is handled.
            event.prevent_default();
            on_cancel.emit(());
        })
    };
    html! {
        <dialog ref={dialog} class={classes!("modal", props.wide.then_some("wide"))} aria-labelledby={props.labelled_by.clone()}
                aria-describedby={props.described_by.clone()} oncancel={on_cancel}>
            { props.children.clone() }
        </dialog>
    }
}
