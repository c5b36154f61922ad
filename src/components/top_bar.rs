//! The bar across the top of every page: the app's name (later: the workshop, progress, actions).

use yew::prelude::*;

/// The top bar.
#[component]
pub fn TopBar() -> Html {
    html! {
        <header class="top-bar">
            <a class="brand" href="./">{ "Stepwise" }</a>
        </header>
    }
}
