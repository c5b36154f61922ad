//! One opened database at `#/w/<id>` (or one of its steps, `#/w/<id>/s/<slug>`, or a workshop's
//! completion page, `#/w/<id>/done`): asks the worker to open it and shows what it holds: the
//! player for a workshop, the tables of a playground.

use yew::prelude::*;

use crate::components::{Completion, DatabaseView, Player};
use crate::hooks::{Route, use_library};
use crate::state::library::Phase;
use stepwise_protocol::{Entry, ErrorKind, Open, OpenedView};

use super::library_page::set_title;

/// Props of [`WorkshopPage`].
#[derive(Properties, PartialEq)]
pub struct WorkshopPageProps {
    /// The entry's id, from the address.
    pub id: AttrValue,
    /// The step the address names (`#/w/<id>/s/<slug>`), for a workshop.
    #[prop_or_default]
    pub step: Option<AttrValue>,
    /// The address names the workshop's completion page (`#/w/<id>/done`).
    #[prop_or_default]
    pub done: bool,
}

// One per page; boxing the opened view would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq)]
enum Opening {
    Loading,
    Opened(Entry, OpenedView),
    Missing(String),
    Failed(String),
}

/// The page at `#/w/<id>`.
#[component]
pub fn WorkshopPage(props: &WorkshopPageProps) -> Html {
    let (library, commands) = use_library();
    let opening = use_state(|| Opening::Loading);
    let ready = matches!(library.phase, Phase::Ready(_));
    {
        let (set, commands) = (opening.setter(), commands.clone());
        use_effect_with((props.id.clone(), ready), move |(id, ready)| {
            set.set(Opening::Loading);
            if *ready {
                let id = id.to_string();
                yew::platform::spawn_local(async move {
                    set.set(match commands.worker().call(Open { entry: id }).await {
                        Ok(opened) => {
                            let (entry, view) = (opened.entry, opened.view);
                            set_title(&format!("{} — Stepwise", entry.title));
                            commands.opened(entry.clone());
                            Opening::Opened(entry, view)
                        }
                        Err(error) if error.kind == ErrorKind::NotFound => Opening::Missing(error.message),
                        Err(error) => Opening::Failed(error.message),
                    });
                });
            }
        });
    }
    let on_download = {
        let commands = commands.clone();
        Callback::from(move |entry: Entry| commands.download(entry))
    };
    let back = html! { <p class="back"><a href={Route::Library.href()}>{ "← Your workshops" }</a></p> };
    let body = match &*opening {
        Opening::Loading => html! {
            <div class="opened skeleton" aria-busy="true"><p class="meta">{ "Opening…" }</p></div>
        },
        Opening::Opened(entry, OpenedView::Workshop) if props.done => html! {
            <Completion entry={entry.clone()} commands={commands.clone()} download={library.download_of(&entry.id).cloned()} />
        },
        Opening::Opened(entry, OpenedView::Workshop) => html! {
            <Player entry={entry.clone()} step={props.step.clone()} commands={commands.clone()}
                    download={library.download_of(&entry.id).cloned()} />
        },
        Opening::Opened(entry, OpenedView::Playground { tables }) => html! {
            <DatabaseView entry={entry.clone()} tables={tables.clone()}
                          download={library.download_of(&entry.id).cloned()} {on_download} />
        },
        Opening::Missing(message) => html! {
            <div class="notice">
                <p><strong>{ "This workshop is not in this browser's library." }</strong>{ " " }{ message.clone() }</p>
                <p><a href={Route::Library.href()}>{ "See the workshops that are stored here" }</a></p>
            </div>
        },
        Opening::Failed(message) => html! {
            <div class="notice">
                <p>{ format!("It could not be opened: {message}") }</p>
                // A workshop changed in the playground's write mode no longer matches its digest:
                // its tables can still be looked at.
                <p><a href={Route::Playground(props.id.to_string()).href()}>{ "Open the SQL playground" }</a></p>
            </div>
        },
    };
    html! { <>{ back }{ body }</> }
}
