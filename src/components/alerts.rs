//! The alert region: every refusal, naming its file, until the user dismisses it.

use yew::prelude::*;

use crate::hooks::use_library;

/// Lists the library's alerts in a `role="alert"` region (always present, so every new alert is
/// announced).
#[component]
pub fn Alerts() -> Html {
    let (library, commands) = use_library();
    html! {
        <div class="alerts" role="alert">
            { for library.alerts.iter().map(|alert| {
                let commands = commands.clone();
                let id = alert.id;
                let on_dismiss = Callback::from(move |_: MouseEvent| commands.dismiss(id));
                html! {
                    <div class="alert" key={alert.id} data-alert={alert.id.to_string()}>
                        <p>
                            <strong class="alert-subject">{ alert.subject.clone() }</strong>{ ": " }
                            <span class="alert-message">{ alert.message.clone() }</span>
                        </p>
                        <button class="quiet small" onclick={on_dismiss}
                                aria-label={format!("Dismiss the message about {}", alert.subject)}>{ "Dismiss" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
