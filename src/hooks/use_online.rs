//! Whether the browser thinks it has a network (`navigator.onLine` and its events).

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::EventTarget;
use yew::prelude::*;

/// `navigator.onLine`, kept current by the window's `online` and `offline` events.
///
/// `false` is reliable (no network interface at all); `true` only means "maybe": a classroom
/// Wi-Fi without a route to the internet still counts as online.
#[hook]
pub fn use_online() -> bool {
    let online = use_state(now_online);
    {
        let set = online.setter();
        use_effect_with((), move |_| {
            let listeners = match web_sys::window() {
                Some(window) => {
                    set.set(now_online());
                    let on = set.clone();
                    vec![
                        Listener::new(&window, "online", move || on.set(true)),
                        Listener::new(&window, "offline", move || set.set(false)),
                    ]
                }
                None => Vec::new(),
            };
            move || drop(listeners)
        });
    }
    *online
}

fn now_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// An event listener that is removed when dropped.
pub(super) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn Fn()>,
}

impl Listener {
    /// Calls `f` on every `kind` event of `target` until the listener is dropped.
    pub(super) fn new(target: &EventTarget, kind: &'static str, f: impl Fn() + 'static) -> Self {
        let callback = Closure::<dyn Fn()>::new(f);
        // Only fails for a target that is not an EventTarget, which the type rules out.
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Self { target: target.clone(), kind, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
