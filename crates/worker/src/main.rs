//! Entry point of the worker binary, loaded by `static/worker-loader.js` in a dedicated worker.

#[cfg(target_arch = "wasm32")]
fn main() {
    stepwise_worker::serve::start();
}

/// The worker runs in a browser only.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Stepwise worker runs in a browser: build it with trunk");
}
