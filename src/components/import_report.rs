//! Says what the last import did: added, and whether progress carried over from the older version.

use yew::prelude::*;

use crate::format::count;
use crate::hooks::{Route, use_library};

/// "Added “SQL joins”. Your progress carried over: 3 steps kept, 1 no longer exists."
#[component]
pub fn ImportReport() -> Html {
    let (library, commands) = use_library();
    let Some(report) = library.report.clone() else { return html! {} };
    let on_dismiss = Callback::from(move |_: MouseEvent| commands.dismiss_report());
    let carried = report.carried.filter(|&(kept, dropped)| kept + dropped > 0).map(|(kept, dropped)| {
        let mut text =
            format!("Your progress carried over from the older version: {} kept", count(kept, "step", "steps"));
        if dropped > 0 {
            text.push_str(&format!(", {} no longer in the workshop", count(dropped, "step", "steps")));
        }
        text.push('.');
        text
    });
    html! {
        <div class="report" role="status" data-entry={report.entry.id.clone()}>
            <p>
                { if report.replaced { "Replaced " } else { "Added " } }<a href={Route::Entry(report.entry.id.clone()).href()}>{ format!("“{}”", report.entry.title) }</a>
                { format!(" {} {}.", if report.replaced { "with" } else { "from" }, report.entry.file_name) }
                if let Some(carried) = carried {
                    <span class="carried">{ " " }{ carried }</span>
                }
            </p>
            <button class="quiet small" onclick={on_dismiss}>{ "OK" }<span class="visually-hidden">{ ", dismiss this message" }</span></button>
        </div>
    }
}
