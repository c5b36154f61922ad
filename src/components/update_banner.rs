//! Says when a new version of the app is ready, and reloads into it when the user chooses.

use yew::prelude::*;

use crate::hooks::{apply_update, use_service_worker};

/// Also registers the service worker. Shows nothing until a new version is installed and waiting;
/// then a banner whose Reload button switches to it. The page never reloads on its own, so an
/// update cannot interrupt a step.
#[component]
pub fn UpdateBanner() -> Html {
    let Some(waiting) = use_service_worker() else { return Html::default() };
    let reload = Callback::from(move |_: MouseEvent| apply_update(&waiting));
    html! {
        <div class="update-banner" role="status">
            <p>{ "A new version of Stepwise is ready. Reload when you are done with this step." }</p>
            <button type="button" onclick={reload}>{ "Reload" }</button>
        </div>
    }
}
