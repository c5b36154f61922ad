// Starts the database worker (a dedicated Worker created by the page with this URL): loads
// wasm-bindgen's no-modules glue, then the worker's wasm, whose main() installs the message
// handler and posts {"kind":"started"} (crates/worker/src/serve.rs). If loading fails, says so to
// the page in the same protocol (FromWorker::FailedToStart in crates/protocol/src/wire.rs).
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' }).catch((error) => {
  postMessage(JSON.stringify({ kind: 'failed_to_start', reason: String(error) }));
});
