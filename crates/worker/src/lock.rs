//! The Web Lock that says which tab owns the storage: taken with `ifAvailable` and held for the
//! worker's whole life, so a second tab learns at once that another one is open (instead of
//! OPFS's raw `NoModificationAllowedError`).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What asking for the lock gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockOutcome {
    /// This worker holds it until it ends.
    Held,
    /// Another tab (or worker) holds it.
    Taken,
    /// This browser has no Web Locks; proceed without (OPFS still refuses a second owner).
    Unsupported,
}

/// Asks for the exclusive lock `name` and keeps it forever when granted: at once or not at all,
/// or (`wait`) as soon as its holder lets go (this tab's previous worker, being stopped).
pub async fn acquire_forever(name: &str, wait: bool) -> LockOutcome {
    let global = js_sys::global();
    let locks = Reflect::get(&global, &"navigator".into())
        .and_then(|nav| Reflect::get(&nav, &"locks".into()))
        .unwrap_or(JsValue::UNDEFINED);
    let request = Reflect::get(&locks, &"request".into()).unwrap_or(JsValue::UNDEFINED);
    let Some(request) = request.dyn_ref::<Function>().cloned() else {
        return LockOutcome::Unsupported;
    };

    // Resolved with `true` when the callback gets the lock, `false` when it gets `null`.
    let mut resolve_granted: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _reject| resolve_granted = Some(resolve));
    let Some(resolve_granted) = resolve_granted else {
        return LockOutcome::Unsupported;
    };
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let held = !lock.is_null() && !lock.is_undefined();
        let _ = resolve_granted.call1(&JsValue::NULL, &JsValue::from_bool(held));
        if held {
            // Never settles: the lock is released only when the worker ends.
            Promise::new(&mut |_, _| {}).into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = Object::new();
    if !wait {
        let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    }
    if request.call3(&locks, &name.into(), &options, &callback).is_err() {
        return LockOutcome::Unsupported;
    }
    match JsFuture::from(granted).await {
        Ok(v) if v.as_bool() == Some(true) => LockOutcome::Held,
        Ok(_) => LockOutcome::Taken,
        Err(_) => LockOutcome::Unsupported,
    }
}
