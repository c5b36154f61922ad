// Starts the database worker: loads wasm-bindgen's glue, then the worker's wasm, whose main()
// posts {"kind":"started"} (crates/worker). A failure is told to the page in the same protocol
// (FromWorker::FailedToStart, crates/protocol).
//
// The wasm comes as the build gzipped it (worker_bg.wasm.gz, written by
// scripts/trunk-post-build.mjs), unpacked by the browser on its way into the compiler: a host
// that serves files as they are sends well under half the bytes, one that gzips the same. A
// host that sends it with Content-Encoding has had the browser unpack it already. Anything
// wrong with that way (no DecompressionStream, no .gz, a host that compressed it once more)
// falls back to the plain worker_bg.wasm.
importScripts('./worker.js');

// The page's loader does the same (`unpacked` in scripts/trunk-post-build.mjs): change both.
async function packed() {
  const response = await fetch('./worker_bg.wasm.gz');
  if (!response.ok || !response.body) throw new Error(`worker_bg.wasm.gz: HTTP ${response.status}`);
  const encoded = /gzip/i.test(response.headers.get('content-encoding') ?? '');
  const body = encoded ? response.body : response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
}

const loaded = wasm_bindgen({ module_or_path: packed() })
  .catch(() => wasm_bindgen({ module_or_path: './worker_bg.wasm' }));
loaded.catch((error) => {
  postMessage(JSON.stringify({ kind: 'failed_to_start', reason: String(error) }));
});
