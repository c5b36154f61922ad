//! Loads the index of sample workshops served next to the app.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::samples::{INDEX_URL, SampleIndex};

/// Where loading the sample index stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SamplesState {
    /// Not answered yet.
    Loading,
    /// The index as served.
    Loaded(SampleIndex),
    /// Could not be fetched or read; says why.
    Failed(String),
}

/// Fetches `samples/index.json` once and returns where that stands.
#[hook]
pub fn use_samples() -> SamplesState {
    let state = use_state(|| SamplesState::Loading);
    {
        let set = state.setter();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                set.set(match fetch_index().await {
                    Ok(index) => SamplesState::Loaded(index),
                    Err(reason) => SamplesState::Failed(reason),
                });
            });
        });
    }
    (*state).clone()
}

/// Where the page's first inline script keeps its request for the index
/// (scripts/trunk-post-build.mjs): made as soon as the html is read, beside the wasm downloads.
const EARLY_SAMPLES: &str = "stepwiseEarlySamples";

/// The request the page's first script made for the index, taken once: a library shown again
/// later asks afresh.
fn early_request(window: &web_sys::Window) -> Option<js_sys::Promise> {
    let key = JsValue::from_str(EARLY_SAMPLES);
    let request = js_sys::Reflect::get(window, &key).ok()?;
    js_sys::Reflect::delete_property(window, &key).ok()?;
    request.dyn_into().ok()
}

async fn fetch_index() -> Result<SampleIndex, String> {
    let window = web_sys::window().ok_or("no window to fetch from")?;
    let request = early_request(&window).unwrap_or_else(|| window.fetch_with_str(INDEX_URL));
    let response: web_sys::Response = JsFuture::from(request)
        .await
        .and_then(JsValue::dyn_into)
        .map_err(|e| format!("could not fetch {INDEX_URL}: {}", describe(&e)))?;
    if !response.ok() {
        return Err(format!("{INDEX_URL} answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| describe(&e))?)
        .await
        .map_err(|e| format!("could not read {INDEX_URL}: {}", describe(&e)))?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("{INDEX_URL} is not a sample index: {e}"))
}

fn describe(error: &JsValue) -> String {
    // A JS Error (offline: "TypeError: Failed to fetch") by its message, not its stack trace.
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}
