//! The page's start: index.html's body shows a top bar and a loading message from the first
//! paint until the wasm runs (seconds on a slow network); they go as the app renders.

/// Removes index.html's loading shell (`#boot-bar`, `#boot`) and renders the app into the body.
/// Both happen in the same task, so no frame is painted between them.
pub fn start() {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        for id in ["boot-bar", "boot"] {
            if let Some(element) = document.get_element_by_id(id) {
                element.remove();
            }
        }
    }
    yew::Renderer::<crate::app::App>::new().render();
}
