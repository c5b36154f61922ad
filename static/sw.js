// Stepwise's service worker: keeps the app shell so the app starts with no network at all.
//
// - install:  precaches every file of the app shell (the list below, written by
//             scripts/trunk-post-build.mjs from the files of the build; hashed names); the
//             editor's script as the page's own copy when it has fetched it already.
// - fetch:    same-origin GETs of those files are answered from the cache first (a .wasm kept
//             only as its .xz or .gz copy, and the editor's script kept as its .xz copy, are
//             answered with the copy unpacked, and an xz copy is kept unpacked from its first
//             use: see `unpackedXz`); opening the app
//             (a navigation to this folder or its index.html, with any query such as ?src=) gets the
//             cached index.html. Nothing else is touched: workshop .db files, ?src= downloads,
//             samples/ and every other host go to the network as usual and are never cached.
// - activate: deletes this copy's older caches, and takes control of open pages.
// - message:  'skipWaiting' from the page (the user pressed Reload in the update banner)
//             activates a waiting new version; it never activates on its own while a page is open.
//
// The list carries a content hash of the build: any change to the app gives a new sw.js byte for
// byte, which is how the browser notices an update.
'use strict';

const PRECACHE = /* STEPWISE_PRECACHE */ { version: 'unbuilt', files: [] } /* END_STEPWISE_PRECACHE */;

// This script sits at the root of the app: its folder is the scope, wherever the app is hosted.
const SCOPE = new URL('./', self.location.href);
// Several copies of the app can live on one origin (/course-a/, /course-b/): each keeps its own
// caches, named after its folder, and only ever deletes its own.
const PREFIX = `stepwise:${SCOPE.pathname}:`;
const CACHE = PREFIX + PRECACHE.version;
const INDEX = new URL('index.html', SCOPE).href;
const SHELL = new Set(PRECACHE.files.map((file) => new URL(file, SCOPE).href));
const WASM = 'application/wasm';
const SCRIPT = 'text/javascript';

// The decoder the loaders unpack the wasm's xz copies with, for `unpackedXz`. Without it they
// are kept as they came, and the loaders unpack them.
try {
  importScripts('./xz-decompress.min.js');
} catch {
  // Kept packed.
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => {
      // `no-cache` asks the server whether the browser's copy is current before using it:
      // index.html, worker.js and worker_bg.wasm keep their names from build to build, so a
      // copy could be an older version's, but a current one (the page has just fetched it) is
      // not downloaded again (a 304 from any host that sends ETag or Last-Modified).
      const scripts = [...SHELL].filter((url) => url.endsWith('.js.xz'));
      const rest = [...SHELL].filter((url) => !url.endsWith('.js.xz'));
      return Promise.all([
        cache.addAll(rest.map((url) => new Request(url, { cache: 'no-cache' }))),
        ...scripts.map((url) => keepScript(cache, url)),
      ]);
    }),
  );
});

// A script kept as its xz copy (the SQL editor's bundle), which the page may have fetched itself
// on this visit before the service worker was installed (a first visit that opened a workshop):
// that copy is kept under the xz copy's name (as the fetch handler keeps an unpacked copy) when
// the server says, by a 304 to a request that names the copy's ETag or date, that it is the
// current one; otherwise (no copy, a changed script, a host that sends neither) the xz copy is
// downloaded, as the other files are. So the same script is never downloaded a second time, and
// no copy is kept unchecked.
async function keepScript(cache, xzUrl) {
  const url = xzUrl.slice(0, -'.xz'.length);
  const inBrowser = await fetch(url, { cache: 'only-if-cached', mode: 'same-origin' }).catch(() => null);
  const etag = inBrowser?.ok ? inBrowser.headers.get('etag') : null;
  const date = inBrowser?.ok ? inBrowser.headers.get('last-modified') : null;
  if (etag || date) {
    const headers = etag ? { 'If-None-Match': etag } : { 'If-Modified-Since': date };
    const answer = await fetch(url, { cache: 'no-store', headers }).catch(() => null);
    if (answer?.status === 304 && /javascript/.test(inBrowser.headers.get('content-type') ?? '')) {
      return cache.put(xzUrl, new Response(inBrowser.body, { headers: { 'Content-Type': SCRIPT } }));
    }
  }
  return cache.add(new Request(xzUrl, { cache: 'no-cache' }));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  const path = url.origin + url.pathname;
  if (request.mode === 'navigate') {
    if (path === SCOPE.href || path === INDEX) {
      event.respondWith(fromCache(INDEX, request));
    } else if (path.startsWith(SCOPE.href) && /(^|\/)[^/.]*(\.html)?$/.test(url.pathname)) {
      // Another page of the app's folder (no file extension, or .html): the network when there is
      // one, else the app. A file such as a .db opened by a link is left to the network.
      event.respondWith(fetch(request).catch(() => fromCache(INDEX, request)));
    }
    return;
  }
  if (url.search !== '') return;
  if (SHELL.has(path) && path.endsWith('.wasm.xz')) {
    event.respondWith(unpackedXz(path, WASM, event).then((kept) => kept ?? fetch(request)));
  } else if (SHELL.has(path)) {
    event.respondWith(fromCache(path, request));
  } else if (path.endsWith('.wasm') && (SHELL.has(`${path}.xz`) || SHELL.has(`${path}.gz`))) {
    event.respondWith(unpacked(path, event));
  } else if (path.endsWith('.js') && SHELL.has(`${path}.xz`)) {
    event.respondWith(unpackedScript(path, event));
  }
});


// An xz copy from the cache, unpacked and typed `type` (application/wasm: the loaders compile
// such an answer as it is), or null when the cache lost it. The cache keeps it unpacked from its
// first use on: unpacking costs ~80 ms for the worker's first part, which a start from the cache
// then no longer pays. Not at install: that comes while the page may be busy with the learner's
// first workshop. Without the decoder, the copy as it came, for the loaders to unpack.
async function unpackedXz(key, type, event) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  if (!hit?.body || (hit.headers.get('content-type') ?? '').startsWith(type)) return hit ?? null;
  const xz = self['xz-decompress'];
  if (!xz) return hit;
  const headers = { 'Content-Type': type };
  const [answer, keep] = new xz.XzReadableStream(hit.body).tee();
  event.waitUntil(cache.put(key, new Response(keep, { headers })).catch(() => {}));
  return new Response(answer, { headers });
}

// A script kept as its xz copy (the SQL editor's bundle): that copy unpacked, or the network when
// the cache lost it or there is no decoder to unpack it with.
async function unpackedScript(path, event) {
  const kept = await unpackedXz(`${path}.xz`, SCRIPT, event);
  return (kept?.headers.get('content-type') ?? '').startsWith(SCRIPT) ? kept : fetch(event.request);
}

// A .wasm kept as its xz copy or its gzipped one (the precache list has only those): that copy
// unpacked, or the network when the cache lost it (or has no decoder for it). The worker's
// loader asks for worker_rest_bg.wasm this way.
async function unpacked(path, event) {
  const request = event.request;
  if (SHELL.has(`${path}.xz`)) {
    const kept = await unpackedXz(`${path}.xz`, WASM, event);
    return (kept?.headers.get('content-type') ?? '').startsWith(WASM) ? kept : fetch(request);
  }
  const cache = await caches.open(CACHE);
  const hit = await cache.match(`${path}.gz`);
  if (!hit?.body) return fetch(request);
  // A copy a host sent with Content-Encoding was unpacked by the browser on its way in.
  const encoded = /gzip/i.test(hit.headers.get('content-encoding') ?? '');
  const body = encoded ? hit.body : hit.body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
}

// The cached copy, or the network if the cache lost it (storage pressure, a failed install).
async function fromCache(key, request) {
  const hit = await caches.open(CACHE).then((cache) => cache.match(key));
  return hit ?? fetch(request);
}
