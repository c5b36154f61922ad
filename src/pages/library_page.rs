//! The library: every database stored in this browser, and the ways to add one.

use yew::prelude::*;

use crate::components::{AddWorkshop, ConfirmRemove, ImportProgress, ImportReport, StorageUsage, WorkshopCard};
use crate::hooks::use_library;
use crate::state::library::Phase;
use stepwise_protocol::{Entry, Storage};

/// The page at `#/`.
#[component]
pub fn LibraryPage() -> Html {
    let (library, commands) = use_library();
    let removing = use_state(|| None::<Entry>);
    use_effect_with((), |_| set_title("Your workshops — Stepwise"));

    let on_remove = {
        let removing = removing.setter();
        Callback::from(move |entry: Entry| removing.set(Some(entry)))
    };
    let on_download = {
        let commands = commands.clone();
        Callback::from(move |entry: Entry| commands.download(entry))
    };
    let on_confirm = {
        let (commands, removing) = (commands.clone(), removing.setter());
        Callback::from(move |entry: Entry| {
            removing.set(None);
            commands.remove(entry);
        })
    };
    let on_cancel = {
        let removing = removing.setter();
        Callback::from(move |()| removing.set(None))
    };

    let list = match (&library.phase, &library.entries) {
        (Phase::Broken(reason), _) => html! {
            <p class="notice">{ format!("Your library cannot be opened: {reason}. Reload the page to try again.") }</p>
        },
        (_, None) => html! {
            <ul class="library" aria-busy="true" aria-label="Stored workshops">
                <li class="card skeleton"><p class="meta">{ "Opening your library…" }</p></li>
            </ul>
        },
        (_, Some(entries)) if entries.is_empty() => html! {
            <p class="empty">{ "Nothing is stored in this browser yet. Add a workshop above, or try the sample." }</p>
        },
        (_, Some(entries)) => html! {
            <ul class="library" aria-label="Stored workshops">
                { for entries.iter().map(|entry| html! {
                    <WorkshopCard key={entry.id.clone()} entry={entry.clone()}
                                  download={library.download_of(&entry.id).cloned()}
                                  on_download={on_download.clone()} on_remove={on_remove.clone()} />
                }) }
            </ul>
        },
    };
    let count = library.entries.as_ref().map(Vec::len);
    let memory_only = matches!(library.phase, Phase::Ready(Storage::Memory { .. }));

    html! {
        <>
            <h1>{ "Your workshops" }</h1>
            <p class="lede">
                if memory_only {
                    { "Workshops you add stay in this tab until it closes. Nothing is sent to a server." }
                } else {
                    { "Workshops you add are kept in this browser, with your progress. Nothing is sent to a server." }
                }
            </p>
            <AddWorkshop />
            // One slot, its height reserved, for the imports under way and then their report.
            <div class="import-status">
                <ImportProgress />
                <ImportReport />
            </div>
            <section class="stored" aria-labelledby="stored-title">
                <div class="stored-head">
                    <h2 id="stored-title">
                        { "In this browser" }
                        if let Some(n) = count { <span class="meta count">{ format!(" ({n})") }</span> }
                    </h2>
                    <StorageUsage />
                </div>
                { list }
            </section>
            if let Some(entry) = (*removing).clone() {
                <ConfirmRemove {entry} {on_confirm} {on_cancel} />
            }
        </>
    }
}

/// Sets the tab's title.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}
