//! The sample workshops served with the app (`samples/index.json`): add one to the library, or
//! download its `.db`.

use yew::prelude::*;

use crate::hooks::{SamplesState, absolute, use_library, use_samples};
use crate::samples::{SampleEntry, human_size};

/// Lists the sample workshops served with the app, each with an "Add" button.
#[component]
pub fn SampleList() -> Html {
    let (_, commands) = use_library();
    match use_samples() {
        SamplesState::Loading => html! {
            <p class="samples samples-loading" aria-busy="true">{ "Looking for sample workshops…" }</p>
        },
        SamplesState::Failed(reason) => html! {
            <p class="samples notice">{ format!("The sample workshops could not be listed: {reason}.") }</p>
        },
        SamplesState::Loaded(index) if index.workshops.is_empty() => html! {
            <p class="samples notice">
                { "No sample workshop was built with this copy of the app. Run " }
                <code>{ "scripts/serve.sh" }</code>{ " to build them and serve them here." }
            </p>
        },
        SamplesState::Loaded(index) => html! {
            <ul class="samples">
                { for index.workshops.iter().map(|entry| sample(entry, &commands)) }
            </ul>
        },
    }
}

fn sample(entry: &SampleEntry, commands: &crate::hooks::Commands) -> Html {
    match (&entry.file, &entry.error) {
        (Some(file), _) => {
            let file_name = file.rsplit('/').next().unwrap_or(file).to_owned();
            let on_add = {
                let (commands, url) = (commands.clone(), absolute(entry.packed.as_deref().unwrap_or(file)));
                Callback::from(move |_: MouseEvent| commands.import_url(url.clone()))
            };
            html! {
                <li>
                    // The name screen readers give is the visible text, continued (speech input
                    // users say what they see).
                    <button class="sample-add" onclick={on_add} data-sample={entry.name.clone()}>
                        { format!("Add {}", entry.name) }<span class="visually-hidden">{ " (a sample workshop)" }</span>
                    </button>
                    <span class="meta">
                        if let Some(bytes) = entry.bytes { { format!("{} · ", human_size(bytes)) } }
                        <a class="sample-link" href={file.clone()} download={file_name.clone()}
                           aria-label={format!("Download {file_name}")}>{ "download" }</a>
                    </span>
                </li>
            }
        }
        (None, error) => html! {
            <li>
                <span class="sample-missing">{ format!("{}.db", entry.name) }</span>
                <span class="meta">
                    { format!(" — not built: {}", error.as_deref().unwrap_or("no reason given")) }
                </span>
            </li>
        },
    }
}
