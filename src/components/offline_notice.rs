//! Says plainly when the browser is offline, and what does and does not work then.

use yew::prelude::*;

use crate::hooks::use_online;

/// Shown only while the browser reports no network.
#[component]
pub fn OfflineNotice() -> Html {
    if use_online() {
        return Html::default();
    }
    html! {
        <div class="offline-notice" role="status">
            <p>
                <strong>{ "You are offline: " }</strong>
                { "workshops you stored still work; loading by URL does not." }
            </p>
        </div>
    }
}
