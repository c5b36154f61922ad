//! Adding a workshop: a file picker, an address field, and the samples served with the app.
//! (Dropping a file anywhere on the page is [`super::drop_zone::DropZone`].)

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{absolute, use_library};

use super::sample_list::SampleList;

/// The "Add a workshop" panel.
#[component]
pub fn AddWorkshop() -> Html {
    let (_, commands) = use_library();
    let picker = use_node_ref();
    let address = use_node_ref();
    let new_name = use_node_ref();

    let on_choose = opens_picker(&picker);
    let on_picked = {
        let commands = commands.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            if let Some(files) = input.files() {
                for i in 0..files.length() {
                    if let Some(file) = files.get(i) {
                        commands.import_file(file);
                    }
                }
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_submit = {
        let (commands, address) = (commands.clone(), address.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(input) = address.cast::<HtmlInputElement>() else { return };
            let text = input.value().trim().to_owned();
            if text.is_empty() {
                return;
            }
            commands.import_url(absolute(&text));
            input.set_value("");
        })
    };

    let on_new = {
        let (commands, new_name) = (commands.clone(), new_name.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(input) = new_name.cast::<HtmlInputElement>() else { return };
            let name = input.value().trim().to_owned();
            if name.is_empty() {
                return;
            }
            commands.new_database(name);
            input.set_value("");
        })
    };

    html! {
        <section class="add" aria-labelledby="add-title">
            <h2 id="add-title">{ "Add a workshop" }</h2>
            <div class="add-file">
                <button class="primary" onclick={on_choose}>{ "Choose a file…" }</button>
                <input ref={picker} id="add-file" class="visually-hidden" type="file" multiple=true tabindex="-1"
                       aria-label="Workshop file to add" onchange={on_picked} />
                <span class="meta">{ "or drop a " }<code>{ ".db" }</code>{ " (or " }<code>{ ".db.gz" }</code>{ ") file anywhere on this page; a " }<code>{ ".zip" }</code>
                    { " of a workshop, a project or a Killercoda scenario, or a Codelab's " }<code>{ ".md" }</code>{ ", is built into one; a " }
                    <code>{ ".csv" }</code>{ ", " }<code>{ ".tsv" }</code>{ " or " }<code>{ ".json" }</code>{ " file becomes a new database, after a preview." }</span>
            </div>
            <form class="add-url" onsubmit={on_submit}>
                <label for="add-url">{ "Or give the address of a " }<code>{ ".db" }</code>{ " or " }<code>{ ".db.gz" }</code>{ " file" }</label>
                <div class="add-url-row">
                    <input ref={address} id="add-url" type="url" inputmode="url" autocomplete="url"
                           placeholder="https://example.org/workshop.db" required=true />
                    <button type="submit">{ "Add from address" }</button>
                </div>
            </form>
            <form class="add-url add-new" onsubmit={on_new}>
                <label for="add-new">{ "Or start an empty SQLite database, to build tables in the playground" }</label>
                <div class="add-url-row">
                    <input ref={new_name} id="add-new" type="text" autocomplete="off" maxlength="100"
                           placeholder="my-database" required=true />
                    <button type="submit">{ "Create" }</button>
                </div>
            </form>
            <div class="add-samples">
                <h3 id="try-sample">{ "Try the sample" }</h3>
                <SampleList />
            </div>
        </section>
    }
}

/// A button's click that opens the hidden file input `picker` (a styled button in its place).
pub(crate) fn opens_picker(picker: &NodeRef) -> Callback<MouseEvent> {
    let picker = picker.clone();
    Callback::from(move |_: MouseEvent| {
        if let Some(input) = picker.cast::<HtmlInputElement>() {
            input.click();
        }
    })
}
