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
//
// The worker's wasm comes in two parts (docs/ARCHITECTURE.md, "The page and the worker in two parts"):
// worker_bg.wasm holds what opening and playing a workshop run; worker_rest_bg.wasm the rest
// (authors' text forms, the class, data files), split off by scripts/trunk-post-build.mjs. Each
// moved function left a stub in the first part that calls `load(slot)` below the first time any
// of them runs: it fetches the rest synchronously (a worker may; the service worker answers from
// its cache when it has the file), instantiates it against the first part's exports, which fills
// the first part's table of moved functions, and sets the flag that stops the stubs calling here.
importScripts('./worker.js');

let first = null;
function loadRest(slot) {
  // Names the first moved function called: target/split/worker-slots.txt says which it is.
  console.info(`Stepwise: loading the rest of the database worker (function ${slot})`);
  try {
    const request = new XMLHttpRequest();
    request.open('GET', './worker_rest_bg.wasm', false);
    request.responseType = 'arraybuffer';
    request.send();
    if (request.status !== 200) throw new Error(`HTTP ${request.status}`, { cause: 'status' });
    new WebAssembly.Instance(new WebAssembly.Module(request.response), { __stepwise_primary: first });
    first.__stepwise_split_loaded.value = 1;
  } catch (error) {
    const why = error.cause === 'status' ? error.message : String(error);
    const reason = `part of the database worker (worker_rest_bg.wasm) did not load: ${why}`;
    postMessage(JSON.stringify({ kind: 'failed_to_start', reason }));
    throw error;
  }
}
// wasm-bindgen's glue instantiates the first part with its own imports: the loader adds its one.
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = async (source, imports) => {
    const result = await original(source, { ...imports, __stepwise_split: { load: loadRest } });
    first = (result.instance ?? result).exports;
    return result;
  };
}

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
