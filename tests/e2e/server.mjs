// A tiny static file server for the built app (dist/), on 127.0.0.1 only.
//
//   node tests/e2e/server.mjs [dir=dist] [port=8080] [prefix=/]   # serve by hand
//   import { serve } from './server.mjs'                  # from a test; port 0 = a free one
//
// Serves files with their MIME type (application/wasm matters for streaming compilation), `/`
// as index.html, and never anything outside the directory. Options for the tests: `prefix`
// serves the directory under a sub-path only (`/course/stepwise/`, like an instructor's host),
// and `files` maps paths below it to contents served instead of the files on disk (a test may
// change it while serving, e.g. to publish a new sw.js; `{ body, headers }` adds headers,
// `until`, a promise, holds the response back until it settles, and `head` sends that many bytes
// of it first); `log`, an array, receives the
// path of every request, and `revalidated` the path of every one answered 304 (below); `missing`,
// a predicate on a path below the prefix, answers 404 for the files it names, as a host without
// them (no copy of the directory needed); `types` overrides MIME types by
// extension (a host that does not know `.wasm`); `gzip` compresses text, scripts and wasm for a
// client that accepts it, as a host that gzips does (level 6, nginx's and most hosts' default).
// Files from disk carry `ETag` and `Last-Modified`, and a request that names the current ETag
// gets `304 Not Modified`, as from nginx, GitHub Pages and every static host.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.db': 'application/vnd.sqlite3',
  '.zip': 'application/zip',
};

/** Serves `dir` on 127.0.0.1:`port`; resolves to `{ url, close }` once listening. */
export function serve(dir, port = 0, { prefix = '/', files = {}, types = {}, gzip = false, log = null, revalidated = null, missing = null } = {}) {
  const base = resolve(dir);
  const mime = { ...MIME, ...types };
  const zipped = new Map();
  const server = createServer(async (req, res) => {
    try {
      const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!pathname.startsWith(prefix)) return send(res, 404, 'not found');
      const path = pathname.slice(prefix.length);
      log?.push(path);
      if (missing?.(path)) return send(res, 404, 'not found');
      const replaced = files[path === '' ? 'index.html' : path];
      if (replaced !== undefined) {
        // A string or bytes, or `{ body, headers, until, head }` for a response with headers of
        // its own, held back until `until` settles; with `head`, that many bytes of it are sent
        // at once and the rest then (a download that stalls part way).
        const { body: content, headers = {}, until, head = 0 } = replaced?.body !== undefined ? replaced : { body: replaced };
        const body = Buffer.from(content);
        const respond = () => res.writeHead(200, {
          'content-type': mime[extname(path || 'index.html')] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-cache',
          ...headers,
        });
        if (head > 0 && req.method !== 'HEAD') {
          respond();
          res.write(body.subarray(0, head));
          await until;
          return res.end(body.subarray(head));
        }
        await until;
        respond();
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      let file = resolve(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) return send(res, 403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(res, 404, 'not found');
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const validators = { etag, 'last-modified': info.mtime.toUTCString() };
      if ((req.headers['if-none-match'] ?? '').split(/,\s*/).some((t) => t.replace(/^W\//, '') === etag)) {
        revalidated?.push(path);
        res.writeHead(304, { ...validators, 'cache-control': 'no-cache' });
        return res.end();
      }
      const compressible = ['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.webmanifest'].includes(extname(file));
      if (gzip && compressible && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        if (!zipped.has(file)) zipped.set(file, gzipSync(await readFile(file), { level: 6 }));
        const body = zipped.get(file);
        res.writeHead(200, {
          'content-type': mime[extname(file)] ?? 'application/octet-stream',
          'content-encoding': 'gzip',
          'content-length': body.length,
          'cache-control': 'no-cache',
          ...validators,
          etag: `W/${etag}`,
          'vary': 'accept-encoding',
          'x-content-type-options': 'nosniff',
        });
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      res.writeHead(200, {
        'content-type': mime[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-cache',
        ...validators,
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      send(res, 400, String(e));
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address();
      ok({
        url: `http://127.0.0.1:${port}${prefix}`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(done); }),
      });
    });
  });
}

/** An array to pass as `serve`'s `log`, with `until(test)`: a promise that resolves once a
 *  logged path passes `test` (at once if one already has), or rejects after `timeout` ms. The
 *  server logs a request when it reaches it, which can be after the browser's own `request`
 *  event: a test that asserts on the log waits here, not on the browser. */
export function requestLog() {
  const log = [];
  const waiting = new Set();
  log.push = (...paths) => {
    const length = Array.prototype.push.apply(log, paths);
    for (const w of waiting) if (paths.some(w.test)) w.resolve();
    return length;
  };
  log.until = (test, timeout = 30_000) => {
    if (log.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { test };
      const timer = setTimeout(() => {
        waiting.delete(w);
        reject(new Error(`no request matching ${test} within ${timeout} ms; requests: ${log.slice(-8).join(', ')}`));
      }, timeout);
      w.resolve = () => { clearTimeout(timer); waiting.delete(w); resolve(); };
      waiting.add(w);
    });
  };
  return log;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8080', prefix = '/'] = process.argv.slice(2);
  const { url } = await serve(dir, Number(port), { prefix });
  console.log(`serving ${resolve(dir)} on ${url}`);
}
