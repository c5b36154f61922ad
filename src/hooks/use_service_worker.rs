//! Registers the service worker (`static/sw.js`) and reports when a new version of the app waits.
//!
//! The service worker keeps the app shell so the app starts offline. A new version (a new build
//! deployed to the host) installs in the background and then *waits*: it takes over only when the
//! user chooses to reload ([`apply_update`]), never in the middle of a step.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};
use yew::prelude::*;

use super::use_online::Listener;
use super::use_worker::WorkerHandle;

/// The service worker's script, relative to the page: the app works under any sub-path, and the
/// worker's scope is the folder the app is served from.
const SERVICE_WORKER_URL: &str = "./sw.js";

/// Registers the service worker once the database worker is ready, no import or download is
/// under way and no request has waited for the worker for a second, and returns the new version's
/// worker while one is installed and waiting for the user's go-ahead (`None` when there is
/// nothing to update, on the first visit, and where service workers are unavailable: non-secure
/// origins, some private modes).
///
/// Not before: on a first visit its install fetches every file of the app to keep it offline
/// (the editor and the worker's rest among them, which nothing has asked for yet), and on a slow
/// network that would take bandwidth from the files the page is still waiting for and from the
/// learner's first workshop. By then the page's files are in the browser's cache, and the install
/// only revalidates them.
#[hook]
pub fn use_service_worker() -> Option<ServiceWorker> {
    let waiting = use_state(|| None::<ServiceWorker>);
    let library = use_context::<crate::state::library::LibraryContext>();
    let idle = library.is_some_and(|l| !matches!(l.phase, crate::state::library::Phase::Starting(_)) && l.jobs.is_empty());
    // Once idle, registered for good: a later import does not undo it.
    let armed = use_state(|| false);
    if idle && !*armed {
        armed.set(true);
    }
    let ready = *armed;
    let worker = use_context::<WorkerHandle>();
    {
        let set = waiting.setter();
        use_effect_with(ready, move |ready| {
            let listeners: Rc<RefCell<Vec<Listener>>> = Rc::default();
            let mounted = Rc::new(Cell::new(true));
            match container().filter(|_| *ready) {
                Some(container) => {
                    let (listeners, mounted, worker) = (listeners.clone(), mounted.clone(), worker.clone());
                    spawn_local(async move {
                        // Its install reads and stores every file of the app: not while the
                        // learner waits for a workshop being added or opened.
                        if let Some(worker) = &worker {
                            worker.until_quiet().await;
                        }
                        if !mounted.get() {
                            return;
                        }
                        match JsFuture::from(container.register(SERVICE_WORKER_URL)).await {
                            Ok(registration) if mounted.get() => {
                                match registration.dyn_into::<ServiceWorkerRegistration>() {
                                    Ok(registration) => {
                                        // Once the service worker has kept the app: then the page's
                                        // rest comes from its cache, not a second time over the network.
                                        prefetch_rests(container.ready().ok().map(JsValue::from), &worker);
                                        watch(registration, container, set, &listeners)
                                    }
                                    // Not a registration: a browser, or a test harness, that turns
                                    // service workers off answers with nothing. Nothing to watch.
                                    Err(other) => {
                                        web_sys::console::warn_2(
                                            &"Stepwise: no offline support: registering the service worker gave".into(),
                                            &other,
                                        );
                                        prefetch_rests(None, &worker);
                                    }
                                }
                            }
                            Ok(_) => {}
                            // Offline on the very first visit, or sw.js missing on the host: the app
                            // still runs, it just will not start offline.
                            Err(e) => {
                                web_sys::console::warn_2(&"Stepwise: no offline support:".into(), &e);
                                prefetch_rests(None, &worker);
                            }
                        }
                    });
                }
                None if *ready => prefetch_rests(None, &worker),
                None => {}
            }
            move || {
                mounted.set(false);
                listeners.borrow_mut().clear();
            }
        });
    }
    (*waiting).clone()
}

/// Has the rest of the page's wasm and of the database worker's fetched and compiled in the
/// background after `after` settles (the service worker is ready) and the worker is quiet
/// ([`WorkerHandle::until_quiet`]: not while a workshop is being added or opened): the page's by
/// its loader ([`prefetch_page_rest`]), the worker's by the worker's
/// ([`WorkerHandle::prefetch_rest`]).
fn prefetch_rests(after: Option<JsValue>, worker: &Option<WorkerHandle>) {
    let worker = worker.clone();
    spawn_local(async move {
        if let Some(after) = after {
            let _ = JsFuture::from(js_sys::Promise::resolve(&after)).await;
        }
        if let Some(worker) = &worker {
            worker.until_quiet().await;
        }
        prefetch_page_rest();
        if let Some(worker) = worker {
            worker.prefetch_rest();
        }
    });
}

/// Has the page's loader fetch and compile the rest of the page's wasm (what the first visit
/// does not run: the playground, the class view, data files; scripts/trunk-post-build.mjs), so
/// that its first use does not wait for the network. A build without the split has no such
/// loader.
fn prefetch_page_rest() {
    let Some(window) = web_sys::window() else { return };
    let prefetch = js_sys::Reflect::get(&window, &"stepwisePrefetchRest".into()).ok();
    if let Some(prefetch) = prefetch.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = prefetch.call0(&JsValue::NULL);
    }
}

/// Lets the waiting new version take over and reloads the page once it has (on the service
/// worker's `controllerchange`). Call it only on the user's request.
pub fn apply_update(waiting: &ServiceWorker) {
    let Some(window) = web_sys::window() else { return };
    let page = window.clone();
    let reload = move || {
        let _ = page.location().reload();
    };
    match (waiting.state(), container()) {
        (ServiceWorkerState::Installed, Some(container)) => {
            // Reload once the new version controls this page, and after a few seconds regardless,
            // so the button never does nothing (had that version gone, the page reloads as is).
            // The closure lives until the page goes away.
            let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(reload).into_js_value();
            let reload: &js_sys::Function = reload.unchecked_ref();
            let _ = container.add_event_listener_with_callback("controllerchange", reload);
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(reload, 5_000);
            let _ = waiting.post_message(&JsValue::from_str("skipWaiting"));
        }
        // Already taken over (the user reloaded in another tab): this page only needs reloading.
        _ => reload(),
    }
}

/// `navigator.serviceWorker`, where the browser offers it (secure contexts only).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false).then(|| navigator.service_worker())
}

fn watch(
    registration: ServiceWorkerRegistration,
    container: ServiceWorkerContainer,
    set: UseStateSetter<Option<ServiceWorker>>,
    listeners: &Rc<RefCell<Vec<Listener>>>,
) {
    // Offers `worker` once it is installed, if it is an update: a page the service worker does not
    // control yet is the first visit (or a forced reload), where the version being installed is
    // the one running.
    let offer = {
        let all = Rc::downgrade(listeners);
        move |worker: ServiceWorker| {
            let ready = {
                let (worker, set, container) = (worker.clone(), set.clone(), container.clone());
                move || {
                    if worker.state() == ServiceWorkerState::Installed && container.controller().is_some() {
                        set.set(Some(worker.clone()));
                    }
                }
            };
            ready();
            if let Some(all) = all.upgrade() {
                all.borrow_mut().push(Listener::new(&worker, "statechange", ready));
            }
        }
    };
    // Already waiting (found on an earlier visit), or being installed now: the browser looks for
    // a new sw.js as the page opens, possibly before this code runs.
    if let Some(worker) = registration.waiting().or_else(|| registration.installing()) {
        offer(worker);
    }
    let on_update_found = {
        let registration = registration.clone();
        move || {
            if let Some(installing) = registration.installing() {
                offer(installing);
            }
        }
    };
    let mut all = listeners.borrow_mut();
    all.push(Listener::new(&registration, "updatefound", on_update_found));
    // Browsers look for a new sw.js when the app is opened; also look when the network returns.
    if let Some(window) = web_sys::window() {
        all.push(Listener::new(&window, "online", move || {
            if let Ok(check) = registration.update() {
                spawn_local(async move {
                    let _ = JsFuture::from(check).await;
                });
            }
        }));
    }
}
