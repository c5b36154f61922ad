//! Fault injection for `tests/e2e/faults.test.mjs`: named points inside imports and progress
//! writes where a test build of the worker can be made to stop dead, so the test terminates the
//! worker exactly there (the tab closed mid-transaction) and checks what the next start finds.
//!
//! Compiled in only with the `faults` cargo feature, which no release build enables: the app's
//! worker (Trunk, `data-cargo-features="worker"`) has [`point`] as an empty function and ignores
//! the arming message (it answers it as a bad request), so neither a workshop nor a URL nor a page can trigger it.
//! `scripts/test.sh` builds a separate test worker with `--features worker,faults`.
//!
//! Arming: the page posts `{fault: "<point>"}` to the worker. When the worker reaches that
//! point it posts `{"kind":"fault","point":"<point>"}` and spins until it is terminated (a
//! dedicated worker cannot block on `Atomics.wait` without cross-origin isolation; a busy loop
//! needs nothing, and `Worker.terminate()` interrupts it).

#[cfg(feature = "faults")]
thread_local! {
    static ARMED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Arms `name`: the next time the worker reaches [`point`]`(name)` it stops there.
#[cfg(feature = "faults")]
pub fn arm(name: &str) {
    ARMED.with(|a| *a.borrow_mut() = Some(name.to_owned()));
}

/// A place where a test may stop the worker (see the module's documentation).
#[cfg(feature = "faults")]
pub fn point(name: &str) {
    if !ARMED.with(|a| a.borrow().as_deref() == Some(name)) {
        return;
    }
    if let Ok(scope) = wasm_bindgen::JsCast::dyn_into::<web_sys::DedicatedWorkerGlobalScope>(js_sys::global()) {
        let message = serde_json::json!({ "kind": "fault", "point": name }).to_string();
        let _ = scope.post_message(&message.into());
    }
    #[allow(clippy::empty_loop)]
    loop {
        std::hint::spin_loop();
    }
}

/// A place where a test build may stop the worker; nothing in this build.
#[cfg(not(feature = "faults"))]
#[inline(always)]
pub fn point(_name: &str) {}
