//! The root component: starts the worker, holds the library, and shows the page the address names.

use yew::prelude::*;

use crate::components::{Alerts, DropZone, DuplicateDialog, PreviewBanner, StorageBanner, TopBar, WorkerStatusLine};
use crate::hooks::{
    Commands, Route, WorkerHandle, WorkerStatus, request_persistence, use_page_rest, use_preview, use_route, use_worker,
};
use crate::pages::{LibraryPage, OtherTabPage, WorkshopPage};
use crate::state::library::{Action, LibraryContext, LibraryState, Phase};
use stepwise_protocol::DuplicateChoice;

/// The Stepwise page.
#[component]
pub fn App() -> Html {
    let (status, worker) = use_worker();
    let library = use_reducer(LibraryState::default);
    let commands = Commands::new(library.dispatcher(), worker.clone());
    let route = use_route();
    // The playground, the class view, the completion page and the zip and data dialogs are in the
    // rest of the page's wasm: shown once it is in (hooks/use_page_rest.rs).
    let of_rest = matches!(route, Route::Class | Route::Playground(_) | Route::Done(_))
        || library.zip().is_some()
        || library.data_prompt().is_some();
    let rest = use_page_rest(of_rest);
    let listed = use_mut_ref(|| false);
    let preview = use_preview(commands.clone(), matches!(status, WorkerStatus::Ready { .. }));

    use_effect_with((), |_| request_persistence());
    {
        let commands = commands.clone();
        let dispatch = library.dispatcher();
        // A workshop added before the worker could take it (a first visit): the editor its
        // player needs downloads as soon as the worker is ready, beside the worker's storing
        // and opening it rather than after, and not while the worker still downloads.
        let importing = library.imports().next().is_some();
        use_effect_with(status.clone(), move |status| match status {
            WorkerStatus::Starting(loaded) => dispatch.dispatch(Action::WorkerLoading(loaded.clone())),
            WorkerStatus::Ready { storage, .. } => {
                if importing {
                    crate::editor::prefetch();
                }
                dispatch.dispatch(Action::Ready(storage.clone()));
                if !std::mem::replace(&mut *listed.borrow_mut(), true) {
                    commands.refresh();
                    import_from_address(&commands);
                }
            }
            WorkerStatus::Unavailable(error) => dispatch.dispatch(Action::Unavailable(error.clone())),
            WorkerStatus::Failed(reason) => dispatch.dispatch(Action::Broken(reason.clone())),
        });
    }

    if let Phase::OtherTab(message) = &library.phase {
        return html! { <OtherTabPage message={message.clone()} /> };
    }

    let duplicate = library.duplicate().cloned().map(|prompt| {
        let commands = commands.clone();
        let on_choose = {
            let prompt = prompt.clone();
            Callback::from(move |choice: DuplicateChoice| commands.resolve(prompt.clone(), choice))
        };
        let key = prompt.pending.clone();
        html! { <DuplicateDialog {key} {prompt} {on_choose} /> }
    });
    // A zip added by picker or drop: what it holds, asked before it is built.
    let zip = library.zip().cloned().filter(|_| rest).map(|prompt| {
        let commands = commands.clone();
        let on_answer = {
            let prompt = prompt.clone();
            Callback::from(move |build: bool| commands.answer_zip(prompt.clone(), build))
        };
        let key = format!("zip{}", prompt.job);
        html! { <crate::components::ZipDialog {key} {prompt} {on_answer} /> }
    });
    // A data file added by picker or drop: its preview, before a database is made of it.
    let data = library.data_prompt().cloned().filter(|_| rest).map(|prompt| {
        let on_done = {
            let (commands, prompt) = (commands.clone(), prompt.clone());
            Callback::from(move |done| commands.data_answered(&prompt, Some(done)))
        };
        let on_cancel = {
            let (commands, prompt) = (commands.clone(), prompt.clone());
            Callback::from(move |()| commands.data_answered(&prompt, None))
        };
        let key = format!("data{}", prompt.job);
        let (file, preview) = (prompt.file, prompt.preview);
        html! { <crate::components::data_dialog::DataDialog {key} {file} {preview} {on_done} {on_cancel} /> }
    });
    let page = match route {
        Route::Class | Route::Playground(_) | Route::Done(_) if !rest => {
            html! { <p class="meta" aria-busy="true">{ "Loading…" }</p> }
        }
        Route::Library => html! { <LibraryPage /> },
        Route::Class => html! { <crate::pages::ClassPage /> },
        Route::Entry(id) => {
            let key = id.clone();
            html! { <WorkshopPage {key} {id} /> }
        }
        Route::Playground(id) => {
            let key = format!("p/{id}");
            html! { <crate::pages::PlaygroundPage {key} {id} /> }
        }
        Route::Step(id, step) => {
            let key = id.clone();
            html! { <WorkshopPage {key} {id} step={Some(AttrValue::from(step))} /> }
        }
        Route::Done(id) => {
            let key = id.clone();
            html! { <WorkshopPage {key} {id} done=true /> }
        }
    };
    html! {
        <ContextProvider<LibraryContext> context={library.clone()}>
            <ContextProvider<WorkerHandle> context={worker}>
                <TopBar />
                <crate::components::OfflineNotice />
                <crate::components::UpdateBanner />
                <StorageBanner />
                <PreviewBanner state={preview} />
                <main class="page">
                    <Alerts />
                    { page }
                </main>
                <footer class="page-footer">
                    <WorkerStatusLine {status} />
                </footer>
                if let Some(duplicate) = duplicate { { duplicate } }
                if let Some(zip) = zip { { zip } }
                if let Some(data) = data { { data } }
                <DropZone />
            </ContextProvider<WorkerHandle>>
        </ContextProvider<LibraryContext>>
    }
}

/// `?src=<url>`: imports the database at that address once, then drops the parameter from the
/// address so a reload does not import it again.
fn import_from_address(commands: &Commands) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let Ok(search) = location.search() else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    let Some(src) = params.get("src").filter(|s| !s.trim().is_empty()) else { return };
    // `&sql=`: the database's playground opens with the statement run once it is stored.
    if let Some(sql) = params.get("sql").filter(|s| !s.trim().is_empty()) {
        crate::shared_query::wait_for_database(&sql);
    }
    commands.import_url(crate::hooks::absolute(src.trim()));
    params.delete("src");
    params.delete("sql");
    let rest = params.to_string().as_string().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let url = if rest.is_empty() { format!("{path}{hash}") } else { format!("{path}?{rest}{hash}") };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
