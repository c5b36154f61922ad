// Starts the database worker: loads wasm-bindgen's glue, then the worker's wasm, whose main()
// posts {"kind":"started"} (crates/worker). A failure is told to the page in the same protocol
// (FromWorker::FailedToStart, crates/protocol).
//
// The wasm comes as the build packed it (scripts/trunk-post-build.mjs), unpacked on its way into
// the compiler: a host that serves files as they are sends well under half the bytes, one that
// gzips a little less than its own gzip would. First the xz copy (worker_bg.wasm.xz, a release
// build's; unpacked by xz-decompress, which index.html copies beside this file), then the gzipped
// one (unpacked by the browser's DecompressionStream, or by the browser already where the host
// sent it with Content-Encoding). Anything wrong with both (no decoder, no copies, a host that
// compressed them once more) falls back to the plain worker_bg.wasm.
//
// The worker's wasm comes in two parts (docs/ARCHITECTURE.md, "The page and the worker in two parts"):
// worker_bg.wasm holds what opening and playing a workshop run; worker_rest_bg.wasm the rest
// (authors' text forms, the class, data files), split off by scripts/trunk-post-build.mjs. Each
// moved function left a stub in the first part that calls `load(slot)` below the first time any
// of them runs: it fetches the rest synchronously (a worker may; the service worker answers from
// its cache when it has the file), instantiates it against the first part's exports, which fills
// the first part's table of moved functions, and sets the flag that stops the stubs calling here.
//
// Ahead of that, the page asks for the rest in the background once the service worker has kept
// the app (or at once where there is none: src/hooks/use_service_worker.rs), with a message
// `{ prefetch_rest: true }` (`PREFETCH_REST` in crates/protocol/src/wire.rs) that this loader
// takes before the worker's own handler sees it: the packed copy is fetched and compiled off
// the worker's thread and instantiated between two of its tasks, so the first author's tool or
// playground query runs at once instead of waiting, the worker frozen, for a synchronous request.
// A failed prefetch is silent: the first stub called then loads the rest as above.

// Each part's packed copies, best first (the build writes these lists: the .xz only where it
// made one). The first part's download starts before the scripts below load.
const FIRST_PART = ['./worker_bg.wasm.xz', './worker_bg.wasm.gz'];
const REST_PART = ['./worker_rest_bg.wasm.xz', './worker_rest_bg.wasm.gz'];
const firstPart = fetch(FIRST_PART[0]);
firstPart.catch(() => {}); // its failure is told where it is used
importScripts('./worker.js');
try {
  importScripts('./xz-decompress.min.js');
} catch {
  // Without the decoder, the gzipped copy.
}

let first = null;
const rest = { module: null, compiling: null };
const restLoaded = () => first?.__stepwise_split_loaded.value === 1;
function instantiateRest(module) {
  new WebAssembly.Instance(module, { __stepwise_primary: first });
  first.__stepwise_split_loaded.value = 1;
}
function loadRest(slot) {
  // Names the first moved function called: target/split/worker-slots.txt says which it is.
  console.info(`Stepwise: loading the rest of the database worker (function ${slot})`);
  try {
    let module = rest.module;
    if (!module) {
      const request = new XMLHttpRequest();
      request.open('GET', './worker_rest_bg.wasm', false);
      request.responseType = 'arraybuffer';
      request.send();
      if (request.status !== 200) throw new Error(`HTTP ${request.status}`, { cause: 'status' });
      module = new WebAssembly.Module(request.response);
    }
    instantiateRest(module);
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
// `counted`: the first part's download is told to the page as it arrives (below).
async function packed(path, fetched = fetch(path), counted = false) {
  const response = await fetched;
  if (!response.ok || !response.body) throw new Error(`${path}: HTTP ${response.status}`);
  // The service worker keeps the xz copy unpacked (static/sw.js): compiled as it is.
  if (/^application\/wasm/.test(response.headers.get('content-type') ?? '')) return response;
  const xz = path.endsWith('.xz') ? self['xz-decompress'] : null;
  if (path.endsWith('.xz') && !xz) throw new Error('no xz decoder');
  const encoded = /gzip/i.test(response.headers.get('content-encoding') ?? '');
  const arriving = counted ? told(response) : response.body;
  const body = xz ? new xz.XzReadableStream(arriving)
    : encoded ? arriving : arriving.pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
}

// How much of the first part has arrived, posted to the page ({"kind":"loading"}, `LoadProgress`
// in crates/protocol/src/wire.rs) when it starts, every 64 KB and at its end: on a slow network
// the learner sees the download move. The size is the host's Content-Length, unless the host
// compressed the file on the way, whatever the encoding (then that length is not of the bytes
// counted here, which the browser has decoded).
const TELL_EVERY = 64 << 10;
function told(response) {
  const length = Number(response.headers.get('content-length'));
  const coding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  const total = coding === 'identity' && length > 0 ? length : null;
  let done = 0;
  let last = 0;
  const tell = () => postMessage(JSON.stringify({ kind: 'loading', done, total }));
  tell();
  return response.body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      done += chunk.byteLength;
      if (done - last >= TELL_EVERY) {
        last = done;
        tell();
      }
      controller.enqueue(chunk);
    },
    flush() {
      if (done !== last) tell();
    },
  }));
}

// The plain first part, the last resort, counted as the packed copies are.
async function plain(path) {
  const response = await fetch(path);
  if (!response.ok || !response.body) throw new Error(`${path}: HTTP ${response.status}`);
  return new Response(told(response), { headers: { 'Content-Type': 'application/wasm' } });
}

// (`loaded`: the instantiated first part. The tests and benchmarks reach it by this name.)
const loaded = FIRST_PART.slice(1)
  .reduce((tried, path) => tried.catch(() => wasm_bindgen({ module_or_path: packed(path, fetch(path), true) })),
    wasm_bindgen({ module_or_path: packed(FIRST_PART[0], firstPart, true) }))
  .catch(() => wasm_bindgen({ module_or_path: plain('./worker_bg.wasm') }));
loaded.catch((error) => {
  postMessage(JSON.stringify({ kind: 'failed_to_start', reason: String(error) }));
});

// The page's request for the rest in the background (see the top of this file). Registered
// before the worker's wasm sets its `onmessage`, so it runs first and keeps the message from it.
function prefetchRest() {
  rest.compiling ??= loaded
    .then(() => REST_PART.reduce((tried, path) => tried.catch(() => WebAssembly.compileStreaming(packed(path))),
      Promise.reject(new Error('not tried yet'))))
    .then((module) => {
      rest.module = module;
      // A promise's callback: no wasm of this worker is running, so its table may be filled.
      if (!restLoaded()) {
        instantiateRest(module);
        console.info('Stepwise: the rest of the database worker is loaded (in the background)');
      }
    })
    .catch(() => {});
}
self.addEventListener('message', (event) => {
  if (event.data?.prefetch_rest === true) {
    event.stopImmediatePropagation();
    prefetchRest();
  }
});
