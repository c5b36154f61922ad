//! Shown instead of everything else when another tab of Stepwise holds the storage.

use yew::prelude::*;

/// Props of [`OtherTabPage`].
#[derive(Properties, PartialEq)]
pub struct OtherTabPageProps {
    /// What the worker said.
    pub message: AttrValue,
}

/// "Stepwise is open in another tab", with a way to try again.
#[component]
pub fn OtherTabPage(props: &OtherTabPageProps) -> Html {
    let on_reload = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    html! {
        <main class="page full-message" data-page="other-tab">
            <h1>{ "Stepwise is open in another tab" }</h1>
            <p>
                { "Your workshops can be used in one tab at a time, so that no progress is lost. \
                   Go back to the other tab, or close it and then reload this one." }
            </p>
            if !props.message.is_empty() { <p class="meta">{ props.message.clone() }</p> }
            <p><button class="primary" onclick={on_reload}>{ "Reload this tab" }</button></p>
        </main>
    }
}
