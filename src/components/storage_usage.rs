//! How much of the browser's storage the site uses: "Using 3.2 MB of 1.2 GB".

use yew::prelude::*;

use crate::format::human_size;
use crate::hooks::use_library;

/// One line from `navigator.storage.estimate()`; keeps its height while unknown.
#[component]
pub fn StorageUsage() -> Html {
    let (library, _) = use_library();
    let text = library
        .estimate
        .map(|e| format!("Using {} of {}", human_size(e.usage as u64), human_size(e.quota as u64)))
        .unwrap_or_default();
    html! { <p class="usage meta" aria-live="polite">{ text }</p> }
}
