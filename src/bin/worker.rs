//! Entry point of the worker binary, loaded by Trunk's `worker_loader.js` in a dedicated worker.

fn main() {
    stepwise_app::worker::start();
}
