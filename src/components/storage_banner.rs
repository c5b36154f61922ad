//! The banner shown for as long as the worker keeps databases in memory only.

use yew::prelude::*;

use crate::hooks::use_library;
use crate::state::library::Phase;
use stepwise_protocol::Storage;

/// "This browser will not keep your progress…" with the reason, when storage is memory only.
#[component]
pub fn StorageBanner() -> Html {
    let (library, _) = use_library();
    let Phase::Ready(Storage::Memory { reason }) = &library.phase else { return html! {} };
    html! {
        <div class="banner" role="status" data-storage="memory">
            <p>
                <strong>{ "This browser will not keep your progress — download your workshops before closing the tab." }</strong>
                { " " }<span class="banner-reason">{ reason.clone() }</span>
            </p>
        </div>
    }
}
