//! Asks before a database is built from an added zip: what the worker found in it.

use yew::prelude::*;

use crate::state::library::ZipPrompt;
use stepwise_protocol::TextForm;

use super::modal::Modal;

/// Props of [`ZipDialog`].
#[derive(Properties, PartialEq)]
pub struct ZipDialogProps {
    /// The zip waiting for an answer.
    pub prompt: ZipPrompt,
    /// `true`: build and add it; `false`: drop it (also Escape).
    pub on_answer: Callback<bool>,
}

/// "sql-joins.zip holds a workshop: 8 steps, 3 artifacts. Build and add it?"
#[component]
pub fn ZipDialog(props: &ZipDialogProps) -> Html {
    let contents = &props.prompt.contents;
    let answer = |build: bool| {
        let on_answer = props.on_answer.clone();
        Callback::from(move |_: MouseEvent| on_answer.emit(build))
    };
    let on_cancel = {
        let on_answer = props.on_answer.clone();
        Callback::from(move |()| on_answer.emit(false))
    };
    let (what, item_head, count_head) = match (contents.form, &contents.source) {
        (TextForm::Project, _) => ("a project (project.yaml and CSV data)".to_owned(), "Table", "Rows"),
        (_, Some(source)) => (format!("a {source}, imported as a workshop"), "Step", "Artifacts"),
        _ => ("a workshop in its text form (workshop.yaml)".to_owned(), "Step", "Artifacts"),
    };
    let not_carried = (!contents.not_carried.is_empty()).then(|| {
        html! {
            <details class="not-carried" open={contents.not_carried.len() <= 5}>
                <summary>{ format!("Not carried over ({})", contents.not_carried.len()) }</summary>
                <ul>{ for contents.not_carried.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul>
            </details>
        }
    });
    html! {
        <Modal labelled_by="zip-title" described_by="zip-text" {on_cancel}>
            <h2 id="zip-title">{ format!("Build “{}” from {}?", contents.title, contents.name) }</h2>
            <div id="zip-text">
                <p>{ format!("{} holds {what}: ", contents.name) }<strong class="zip-counts">{ contents.counts.clone() }</strong>{ "." }</p>
                <div class="zip-items">
                    <table class="tables">
                        <thead><tr><th scope="col">{ item_head }</th><th scope="col" class="num">{ count_head }</th></tr></thead>
                        <tbody>
                            { for contents.items.iter().map(|(name, n)| html! {
                                <tr><th scope="row">{ name.clone() }</th><td class="num">{ n.to_string() }</td></tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                if let Some(list) = not_carried { { list } }
                <p class="meta">{ "Stepwise builds a new database from it and checks it; nothing stored changes if it fails." }</p>
            </div>
            <div class="dialog-actions">
                <button class="primary" autofocus=true onclick={answer(true)}>{ "Build and add" }</button>
                <button class="quiet" onclick={answer(false)}>{ "Cancel" }</button>
            </div>
        </Modal>
    }
}
