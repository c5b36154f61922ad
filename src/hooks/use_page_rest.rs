//! Waits for the rest of the page's wasm before a screen made of it shows.
//!
//! The build splits the page's wasm in two (`split.rules`, docs/ARCHITECTURE.md): the SQL
//! playground, the class view, data files, a zip's dialog and the completion page are in the
//! rest. Its first function called loads it synchronously unless it is compiled already, and a
//! synchronous request reaches the network only (never the service worker's cache). So a screen
//! of the rest is shown once the page's loader (`stepwiseLoadRest`, scripts/trunk-post-build.mjs)
//! has fetched, compiled and instantiated it: offline, from the cache.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

/// Whether the rest of the page's wasm is in, once `needed`: `true` at once where it already is or
/// where the build has no loader for it. A loader that fails answers `true` too: the screen then
/// runs the synchronous load, which names the file it could not load.
#[hook]
pub fn use_page_rest(needed: bool) -> bool {
    let ready = use_state(loaded);
    {
        let ready = ready.clone();
        use_effect_with(needed && !*ready, move |wait| {
            if *wait {
                match loader() {
                    Some(load) => spawn_local(async move {
                        if let Ok(promise) = load.call0(&wasm_bindgen::JsValue::NULL) {
                            let _ = JsFuture::from(js_sys::Promise::resolve(&promise)).await;
                        }
                        ready.set(true);
                    }),
                    None => ready.set(true),
                }
            }
        });
    }
    *ready || !needed
}

/// The loader's `stepwiseLoadRest`, when the page has one.
fn loader() -> Option<js_sys::Function> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"stepwiseLoadRest".into()).ok()?.dyn_into().ok()
}

/// Whether the rest is in already (the loader marks the page's `<html data-page-rest="loaded">`),
/// or there is nothing to wait for.
fn loaded() -> bool {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return true;
    };
    loader().is_none() || root.get_attribute("data-page-rest").as_deref() == Some("loaded")
}
