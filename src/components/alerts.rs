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
                        <p class="alert-message">{ message(&alert.subject, &alert.message) }</p>
                        <button class="quiet small" onclick={on_dismiss}
                                aria-label={format!("Dismiss the message about {}", alert.subject)}>{ "Dismiss" }</button>
                    </div>
                }
            }) }
        </div>
    }
}

/// The message with its subject (the file) in bold: where the message names it, or in front.
fn message(subject: &str, message: &str) -> Html {
    match message.split_once(subject).filter(|_| !subject.is_empty()) {
        Some((before, after)) => html! {
            <>{ before.to_owned() }<strong class="alert-subject">{ subject.to_owned() }</strong>{ after.to_owned() }</>
        },
        None => html! {
            <><strong class="alert-subject">{ subject.to_owned() }</strong>{ ": " }{ message.to_owned() }</>
        },
    }
}
