//! The bar across the top of every page: the app's name, the library and the class view.

use yew::prelude::*;

use crate::hooks::Route;

/// The top bar.
#[component]
pub fn TopBar() -> Html {
    html! {
        <header class="top-bar">
            <a class="brand" href={Route::Library.href()}>{ "Stepwise" }</a>
            <nav aria-label="Main">
                <a href={Route::Library.href()}>{ "Library" }</a>
                <a href={Route::Class.href()}>{ "Class" }</a>
            </nav>
        </header>
    }
}
