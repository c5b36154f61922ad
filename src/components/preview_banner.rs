//! Under `stepwise preview`: says that the page follows the author's folder, and when the last
//! save did not build, what is wrong and where (the last good build stays on screen).

use yew::prelude::*;

use crate::hooks::PreviewState;

/// Props of [`PreviewBanner`].
#[derive(Properties, PartialEq)]
pub struct PreviewBannerProps {
    /// Where the preview stands.
    pub state: PreviewState,
}

/// The preview's status line, or its build error.
#[component]
pub fn PreviewBanner(props: &PreviewBannerProps) -> Html {
    match &props.state {
        PreviewState::Off => html! {},
        PreviewState::Waiting => html! {
            <div class="preview-banner" role="status">{ "Preview: waiting for the first build of your workshop…" }</div>
        },
        PreviewState::Showing { sequence } => html! {
            <div class="preview-banner" role="status" data-sequence={sequence.to_string()}>
                { "Preview: this page follows your workshop's folder and reloads it on every save." }
            </div>
        },
        PreviewState::Broken { message } => html! {
            <div class="preview-banner broken" role="alert">
                <strong>{ "Your last save did not build. " }</strong>
                <code class="preview-error">{ message.clone() }</code>
                <span>{ " The page shows the last build that worked." }</span>
            </div>
        },
    }
}
