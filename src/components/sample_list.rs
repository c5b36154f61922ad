//! The sample workshops built by `scripts/serve.sh`, each a download link to its `.db`.

use yew::prelude::*;

use crate::hooks::{SamplesState, use_samples};
use crate::samples::{SampleEntry, human_size};

/// Lists the sample workshops served with the app.
#[component]
pub fn SampleList() -> Html {
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
                { for index.workshops.iter().map(sample) }
            </ul>
        },
    }
}

fn sample(entry: &SampleEntry) -> Html {
    match (&entry.file, &entry.error) {
        (Some(file), _) => {
            let file_name = file.rsplit('/').next().unwrap_or(file).to_owned();
            html! {
                <li>
                    <a class="sample-link" href={file.clone()} download={file_name.clone()}>{ file_name }</a>
                    if let Some(bytes) = entry.bytes {
                        <span class="meta">{ format!(" — {}", human_size(bytes)) }</span>
                    }
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
