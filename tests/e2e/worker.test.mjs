// End-to-end tests of the built worker (dist/worker_bg.wasm) through its message protocol
// (crates/protocol), in headless Chromium on real OPFS: Init, import of a posted File with
// progress, List, Download as a blob: URL, refusals, URL import errors, Remove, and a second
// worker (a second tab) told that the storage is taken.
//
//   node --test tests/e2e/worker.test.mjs     # after `trunk build --release --offline`
//
// The page is a plain document of the app's origin (not the app, whose own worker would hold
// the storage), so these workers are the only ones.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const TINY = readFileSync(join(root, 'crates/artifact/tests/fixtures/v2-tiny.db'));

let server, context, page, profile;

before(async () => {
  assert.ok(existsSync(join(dist, 'worker_bg.wasm')), `${dist}/worker_bg.wasm missing: run trunk build first`);
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-worker-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(new URL('worker-loader.js', server.url).href);
  // Helpers in the page: start a worker, ask it one request and collect what it posts.
  await page.evaluate(() => {
    window.startWorker = () => new Promise((res, rej) => {
      const w = new Worker('/worker-loader.js');
      w.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.kind === 'started') res(w);
        if (m.kind === 'failed_to_start') rej(new Error(m.reason));
      };
      w.onerror = (e) => rej(new Error(`worker error: ${e.message}`));
    });
    let next = 1;
    window.ask = (w, body, file) => new Promise((res) => {
      const id = next++;
      const progress = [];
      w.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.kind === 'progress' && m.id === id) progress.push(m);
        // A response holds the answer (`ok`) or the refusal (`error`): see crates/protocol/src/wire.rs.
        if (m.kind === 'response' && m.id === id) res({ body: 'error' in m ? { error: m.error } : JSON.parse(m.ok ?? 'null'), progress });
      };
      const request = JSON.stringify({ id, body });
      w.postMessage(file ? { request, file } : { request });
    });
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the worker stores, lists, downloads and removes a workshop on OPFS', async () => {
  const result = await page.evaluate(async (tiny) => {
    const w = await startWorker();
    const out = {};
    out.pong = (await ask(w, { kind: 'ping' })).body;
    out.ready = (await ask(w, { kind: 'init' })).body;
    const file = new File([new Uint8Array(tiny)], 'tiny.db');
    out.imported = await ask(w, { kind: 'import', source: { kind: 'file', name: 'tiny.db', bytes: file.size } }, file);
    out.list = (await ask(w, { kind: 'list' })).body;
    const id = out.imported.body.entry?.id;
    out.opened = (await ask(w, { kind: 'open', entry: id })).body;
    out.download = await ask(w, { kind: 'download', entry: id });
    const blob = await (await fetch(out.download.body.url)).arrayBuffer();
    out.downloaded = Array.from(new Uint8Array(blob));
    out.text = (await ask(w, { kind: 'import', source: { kind: 'file', name: 'notes.db', bytes: 6 } },
      new File(['hello\n'], 'notes.db'))).body;
    out.missing = (await ask(w, { kind: 'import', source: { kind: 'url', url: `${location.origin}/nope.db` } })).body;
    out.notDb = (await ask(w, { kind: 'import', source: { kind: 'url', url: `${location.origin}/worker-loader.js` } })).body;
    out.noFile = (await ask(w, { kind: 'import', source: { kind: 'file', name: 'x.db', bytes: 1 } })).body;
    out.bad = await new Promise((res) => {
      w.onmessage = (e) => res(JSON.parse(e.data));
      w.postMessage({ request: '{"id": 99, "body": {"kind": "fly"}}' });
    });

    // A second tab: its worker cannot take the storage and says so, yet answers pings.
    const second = await startWorker();
    out.secondInit = (await ask(second, { kind: 'init' })).body;
    out.secondPong = (await ask(second, { kind: 'ping' })).body;
    out.secondList = (await ask(second, { kind: 'list' })).body;
    second.terminate();

    out.removed = (await ask(w, { kind: 'remove', entry: id })).body;
    out.after = (await ask(w, { kind: 'list' })).body;
    w.terminate();
    return out;
  }, Array.from(TINY));

  assert.match(result.pong.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(result.ready, { kind: 'opfs' });

  const { body, progress } = result.imported;
  assert.equal(body.kind, 'imported', JSON.stringify(body));
  assert.equal(body.entry.title, 'A tiny workshop that uses every feature');
  assert.equal(body.entry.steps, 2);
  assert.equal(body.entry.done, 1);
  assert.equal(body.entry.file_name, 'tiny.db');
  assert.ok(progress.some((p) => p.stage === 'Copying into storage' && p.done === TINY.length && p.total === TINY.length),
    JSON.stringify(progress));
  assert.ok(progress.some((p) => p.stage === 'Checking'), JSON.stringify(progress));

  assert.equal(result.list.length, 1);
  assert.equal(result.opened.entry.id, body.entry.id);
  assert.deepEqual(result.opened.view, { kind: 'workshop' }, "the outline comes with the player's answer, not twice");

  assert.match(result.download.body.url, /^blob:/);
  assert.equal(result.download.body.file_name, 'tiny.db');
  assert.equal(result.download.body.bytes, TINY.length);
  assert.ok(Buffer.from(result.downloaded).equals(TINY), 'the download is byte-identical to the file imported');

  assert.deepEqual(result.text.error, { kind: 'not_sqlite', message: 'notes.db is not an SQLite database: it is a text file.' });
  assert.equal(result.missing.error.kind, 'network');
  assert.match(result.missing.error.message, /nope\.db.*404/);
  assert.equal(result.notDb.error.kind, 'not_sqlite');
  assert.match(result.notDb.error.message, /^worker-loader\.js is not an SQLite database/);
  assert.equal(result.noFile.error.kind, 'bad_request');
  assert.equal(result.bad.kind, 'response');
  assert.equal(result.bad.id, 99);
  assert.equal(result.bad.error.kind, 'bad_request');

  assert.deepEqual(result.secondInit, {
    error: { kind: 'other_tab', message: 'Stepwise is already open in another tab of this browser; close it or use that tab.' },
  });
  assert.match(result.secondPong.version, /^\d+\.\d+\.\d+/);
  assert.equal(result.secondList.error.kind, 'other_tab');

  assert.equal(result.removed, null);
  assert.deepEqual(result.after, []);
});

test('the library survives a new worker (a reload)', async () => {
  const result = await page.evaluate(async (tiny) => {
    const w = await startWorker();
    await ask(w, { kind: 'init' });
    const file = new File([new Uint8Array(tiny)], 'kept.db');
    const imported = (await ask(w, { kind: 'import', source: { kind: 'file', name: 'kept.db', bytes: file.size } }, file)).body;
    w.terminate(); // ends the worker: its lock and OPFS handles go with it
    const again = await startWorker();
    // The old worker's lock is released when the browser has torn it down, which may finish
    // just after the new worker asks: ask again (each try is a full round trip) until it is.
    let ready = (await ask(again, { kind: 'init' })).body;
    for (let tries = 0; ready.error?.kind === 'other_tab' && tries < 50; tries++) {
      ready = (await ask(again, { kind: 'init' })).body;
    }
    const list = (await ask(again, { kind: 'list' })).body;
    again.terminate();
    return { imported, ready, list };
  }, Array.from(TINY));
  assert.equal(result.imported.kind, 'imported', JSON.stringify(result.imported));
  assert.deepEqual(result.ready, { kind: 'opfs' });
  assert.deepEqual(result.list.map((e) => e.file_name), ['kept.db']);
});
