//! The page under `stepwise preview` (`?preview` in its address): follows the builds of the
//! author's folder. Each build is loaded through the worker's normal import, replacing the
//! previous one and keeping the progress made on steps that still exist; the page stays on its
//! step and scroll position. A build error is shown while the last good build stays on screen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Deserialize;
use stepwise_protocol::{
    DuplicateChoice, Entry, ErrorKind, Import, ImportSource, ResolveDuplicate, Resolved, Stored, WorkerError,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::use_library::Commands;
use crate::hooks::use_route::{Route, absolute, redirect};

/// Where the page under preview stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewState {
    /// Not a preview (no `?preview` in the address).
    Off,
    /// Waiting for the first build.
    Waiting,
    /// Showing build `sequence`.
    Showing {
        /// The preview's build number.
        sequence: u64,
    },
    /// The last save did not build; the last good build stays. The message names the file
    /// and line.
    Broken {
        /// What the build said.
        message: String,
    },
}

#[derive(Deserialize)]
struct BuildEvent {
    sequence: u64,
}

#[derive(Deserialize)]
struct ErrorEvent {
    message: String,
}

thread_local! {
    /// The scroll position to restore once the step shown after a rebuild has rendered.
    static PENDING_SCROLL: Cell<Option<f64>> = const { Cell::new(None) };
}

/// The scroll position a rebuild asked to keep, once (the player restores it when it shows).
pub fn take_pending_scroll() -> Option<f64> {
    PENDING_SCROLL.with(Cell::take)
}

/// Whether this page is a preview (`?preview` in its address).
fn is_preview() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .is_some_and(|p| p.has("preview"))
}

/// Loads the preview's current build: stored as a new entry, or replacing the last one with
/// progress carried over.
async fn load(commands: &Commands) -> Result<Entry, WorkerError> {
    let url = absolute("preview/workshop.db");
    let stored = commands.worker().call(Import { source: ImportSource::Url { url } }).await?;
    let entry = match stored {
        Stored::Imported(imported) => imported.entry,
        Stored::Duplicate(d) => {
            let request = ResolveDuplicate { pending: d.pending, choice: DuplicateChoice::ReplaceKeepProgress };
            match commands.worker().call(request).await? {
                Resolved::Imported(imported) => imported.entry,
                Resolved::Cancelled => return Err(WorkerError::new(ErrorKind::Internal, "the build was not stored")),
            }
        }
        Stored::ZipFound(_) => return Err(WorkerError::new(ErrorKind::Internal, "the preview served a zip")),
        Stored::DataFound(_) => return Err(WorkerError::new(ErrorKind::Internal, "the preview served a data file")),
    };
    commands.refresh();
    Ok(entry)
}

/// Shows `entry` where the page was: the same step of the workshop, the same scroll.
fn follow(entry: &Entry) {
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    let to = match Route::parse(&hash) {
        Route::Step(_, slug) => Route::Step(entry.id.clone(), slug),
        Route::Done(_) => Route::Done(entry.id.clone()),
        _ => Route::Entry(entry.id.clone()),
    };
    if let Ok(y) = window.scroll_y() {
        PENDING_SCROLL.with(|p| p.set(Some(y)));
    }
    redirect(&to);
}

/// Follows the preview's builds while the page lives; `Off` outside a preview.
#[hook]
pub fn use_preview(commands: Commands, ready: bool) -> PreviewState {
    let state = use_state(|| if is_preview() { PreviewState::Waiting } else { PreviewState::Off });
    let started = use_mut_ref(|| false);
    {
        let set = state.setter();
        let off = *state == PreviewState::Off;
        use_effect_with(ready, move |ready| {
            let source = (!off && *ready && !std::mem::replace(&mut *started.borrow_mut(), true))
                .then(|| listen(commands, set))
                .flatten();
            move || {
                if let Some((source, _closures)) = source {
                    source.close();
                }
            }
        });
    }
    (*state).clone()
}

type Listeners = (Closure<dyn Fn(web_sys::MessageEvent)>, Closure<dyn Fn(web_sys::MessageEvent)>);

/// Opens the event stream and loads each build, one at a time: a build that arrives while one
/// is loading is loaded next (only the newest).
fn listen(commands: Commands, set: UseStateSetter<PreviewState>) -> Option<(web_sys::EventSource, Listeners)> {
    let source = web_sys::EventSource::new("preview/events").ok()?;
    let loading = Rc::new(Cell::new(false));
    let next: Rc<RefCell<Option<u64>>> = Rc::new(RefCell::new(None));
    let shown = Rc::new(Cell::new(0u64));

    fn run(
        commands: Commands,
        set: UseStateSetter<PreviewState>,
        loading: Rc<Cell<bool>>,
        next: Rc<RefCell<Option<u64>>>,
        shown: Rc<Cell<u64>>,
    ) {
        let Some(sequence) = next.borrow_mut().take() else {
            loading.set(false);
            return;
        };
        loading.set(true);
        spawn_local(async move {
            match load(&commands).await {
                Ok(entry) => {
                    shown.set(sequence);
                    follow(&entry);
                    set.set(PreviewState::Showing { sequence });
                }
                Err(error) => set.set(PreviewState::Broken { message: error.message }),
            }
            run(commands, set, loading, next, shown);
        });
    }

    let on_build = {
        let (commands, set, loading, next, shown) =
            (commands.clone(), set.clone(), loading.clone(), next.clone(), shown.clone());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data().as_string().unwrap_or_default();
            let Ok(build) = serde_json::from_str::<BuildEvent>(&data) else { return };
            if build.sequence <= shown.get() {
                return;
            }
            *next.borrow_mut() = Some(build.sequence);
            if !loading.get() {
                run(commands.clone(), set.clone(), loading.clone(), next.clone(), shown.clone());
            }
        })
    };
    let on_error = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        if let Ok(error) = serde_json::from_str::<ErrorEvent>(&data) {
            set.set(PreviewState::Broken { message: error.message });
        }
    });
    source.add_event_listener_with_callback("build", on_build.as_ref().unchecked_ref()).ok()?;
    source.add_event_listener_with_callback("broken", on_error.as_ref().unchecked_ref()).ok()?;
    Some((source, (on_build, on_error)))
}
