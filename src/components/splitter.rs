//! The handle between the step's text and the workspace on a wide screen: drag it, or focus it
//! and use ←/→ (Home/End for the extremes), to give one side more room. The split is
//! remembered in this browser (`localStorage`) for every workshop.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Share of the width the text gets, in percent, when nothing is remembered.
pub const DEFAULT_SPLIT: u32 = 50;
/// The narrowest share either side may get, in percent.
const MIN_SPLIT: u32 = 30;
const MAX_SPLIT: u32 = 70;
/// Where the split is remembered.
const KEY: &str = "stepwise.split";

/// The remembered split, or the default.
pub fn remembered_split() -> u32 {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(DEFAULT_SPLIT, |v| v.clamp(MIN_SPLIT, MAX_SPLIT))
}

fn remember(split: u32) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(KEY, &split.to_string());
    }
}

/// Applies `split` to the layout element (two custom properties its grid reads). Set through the
/// CSS object model: the page's Content-Security-Policy allows no `style` attribute.
pub fn apply_split(layout: &NodeRef, split: u32) {
    if let Some(element) = layout.cast::<web_sys::HtmlElement>() {
        let style = element.style();
        let _ = style.set_property("--text-share", &format!("{split}fr"));
        let _ = style.set_property("--work-share", &format!("{}fr", 100 - split));
    }
}

/// Props of [`Splitter`].
#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    /// The text's share, in percent.
    pub value: u32,
    /// A new share (while dragging too).
    pub on_change: Callback<u32>,
}

/// The handle, a focusable `separator`.
#[component]
pub fn Splitter(props: &SplitterProps) -> Html {
    let dragging = use_mut_ref(|| false);
    let on_pointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = target.set_pointer_capture(e.pointer_id());
                *dragging.borrow_mut() = true;
                e.prevent_default();
            }
        })
    };
    let on_pointermove = {
        let (dragging, on_change) = (dragging.clone(), props.on_change.clone());
        Callback::from(move |e: PointerEvent| {
            if !*dragging.borrow() {
                return;
            }
            let Some(handle) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let (Some(text), Some(work)) = (handle.previous_element_sibling(), handle.next_element_sibling()) else {
                return;
            };
            let (left, right) = (text.get_bounding_client_rect().left(), work.get_bounding_client_rect().right());
            if right - left < 1.0 {
                return;
            }
            let share = ((f64::from(e.client_x()) - left) / (right - left) * 100.0).round();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let share = share.clamp(f64::from(MIN_SPLIT), f64::from(MAX_SPLIT)) as u32;
            on_change.emit(share);
        })
    };
    let on_pointerup = {
        let (dragging, value) = (dragging.clone(), props.value);
        Callback::from(move |_: PointerEvent| {
            if std::mem::replace(&mut *dragging.borrow_mut(), false) {
                remember(value);
            }
        })
    };
    let on_keydown = {
        let (value, on_change) = (props.value, props.on_change.clone());
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowLeft" => value.saturating_sub(5).max(MIN_SPLIT),
                "ArrowRight" => (value + 5).min(MAX_SPLIT),
                "Home" => MIN_SPLIT,
                "End" => MAX_SPLIT,
                _ => return,
            };
            e.prevent_default();
            remember(next);
            on_change.emit(next);
        })
    };
    html! {
        <div class="splitter" role="separator" tabindex="0" aria-orientation="vertical"
             aria-label="Width of the text and the workspace" aria-controls="step-text workspace"
             aria-valuemin={MIN_SPLIT.to_string()} aria-valuemax={MAX_SPLIT.to_string()}
             aria-valuenow={props.value.to_string()} aria-valuetext={format!("text {}%, workspace {}%", props.value, 100 - props.value)}
             onpointerdown={on_pointerdown} onpointermove={on_pointermove} onpointerup={on_pointerup.clone()}
             onpointercancel={on_pointerup} onkeydown={on_keydown}>
            <span class="grip" aria-hidden="true"></span>
        </div>
    }
}
