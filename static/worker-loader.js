// Starts the database worker: loads wasm-bindgen's glue, then the worker's wasm, whose main()
// posts {"kind":"started"} (crates/worker). A failure is told to the page in the same protocol
// (FromWorker::FailedToStart, crates/protocol).
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' }).catch((error) => {
  postMessage(JSON.stringify({ kind: 'failed_to_start', reason: String(error) }));
});
