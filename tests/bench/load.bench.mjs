// Loading a big workshop from a file until its first step shows, in the real app, against a
// plain OPFS write of the same bytes in the same browser (target ≤ 1.5×).
//
//   node tests/bench/load.bench.mjs --dist dist --data target/bench/data [--quick]
//
// Ours: the built app (dist/) in a fresh Chromium profile, its worker ready; timed from
// `setInputFiles('#add-file', workshop-500.db)` (the file picker, as a user picks the file)
// until the library lists it, then a click on its Open button as soon as it shows (by the page
// itself, `clickShown` in lib.mjs: Playwright's own click took 57–68 ms of its checks), until
// the player shows the first step's heading (`#step-title`) with the player no longer busy
// (seen by the page on its next animation frame, `shown` in lib.mjs, as the reference's end is
// seen by the page when its worker answers): the import (streamed into OPFS, sniffed,
// `quick_check`, content digest, catalog), the library's refresh, the open and the first step
// rendered.
// The reference: in a fresh profile too, a plain page of the same origin picks the same file
// with a file input; its change handler posts the File to a dedicated worker that writes it to
// an OPFS file through a sync access handle (opened before the clock starts, as the app's pool
// has its files open), 4 MiB at a time (the chunk size our import reads
// with), each slice read with `await blob.arrayBuffer()`, then `flush()` and `close()`; timed from
// `setInputFiles` until the worker says it is done. Of the plain writes tried on this machine —
// the sync access handle with slices read by `FileReaderSync` or `arrayBuffer()` at 1, 4 and
// 16 MiB, and `File.stream().pipeTo(createWritable())` — this one was the fastest.
// A fresh profile per run, runs in turns (ours, reference), each browser started after `sync`
// (`settle` in lib.mjs: the run before wrote the same 108 MB); medians of 7 runs each (quick:
// workshop-quick.db, 1 run each).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { args, clickShown, dataLabel, figure, freshBrowser, log, median, PAGE, run, serveDist, settle, shown } from './lib.mjs';

const TITLE = 'A big workshop for the benchmarks';
const WAIT = { timeout: 300_000 };
const CHUNK = 4 << 20;

// The reference's worker: opens its OPFS file and a sync access handle at once (as the app's
// pool has its slot files open before a file is picked) and says so; then writes the posted
// File, and says how many bytes are there.
const WRITER = `
const ready = (async () => {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle('plain-write.db', { create: true });
  return handle.createSyncAccessHandle();
})();
ready.then(() => postMessage({ ready: true }), (error) => postMessage({ error: String(error) }));
onmessage = async (e) => {
  try {
    const { file, chunk } = e.data;
    const access = await ready;
    for (let at = 0; at < file.size; at += chunk) {
      const bytes = new Uint8Array(await file.slice(at, at + chunk).arrayBuffer());
      if (access.write(bytes, { at }) !== bytes.length) throw new Error('short write at ' + at);
    }
    access.flush();
    const size = access.getSize();
    access.close();
    postMessage({ size });
  } catch (error) {
    postMessage({ error: String(error) });
  }
};
`;

run(async () => {
  const opts = args();
  const name = opts.quick ? 'workshop-quick.db' : 'workshop-500.db';
  const firstStep = opts.quick ? 'step-01' : 'step-001';
  const db = join(opts.data, name);
  const bytes = statSync(db).size;
  const runs = opts.quick ? 1 : 7;
  const server = await serveDist(opts.dist, { '__bench/opfs-write.js': WRITER });
  try {
    const ours = [];
    const theirs = [];
    for (let i = 0; i < runs; i++) {
      ours.push(await loadInApp(server, db, firstStep));
      theirs.push(await plainWrite(server, db, bytes));
      log(`run ${i + 1} of ${runs}: app ${ours.at(-1).toFixed(0)} ms, plain OPFS write ${theirs.at(-1).toFixed(0)} ms`);
    }
    figure({
      figure: opts.quick ? 'load_workshop_quick' : 'load_workshop_500',
      label: 'load a workshop from a file into OPFS until its first step shows (the app)',
      value: median(ours), unit: 'ms',
      reference: median(theirs), reference_label: 'a plain OPFS write of the same File (sync access handle, 4 MiB slices)',
      target: opts.quick ? null : { max: 1.5, of: 'ratio' }, runs, data: dataLabel(name, bytes),
    });
  } finally {
    await server.close();
  }
});

/** The app in a fresh profile: pick the file, open it, until the first step shows. */
async function loadInApp(server, db, firstStep) {
  settle();
  const browser = await freshBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const { page } = browser;
    await page.goto(server.url);
    await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
    const t0 = performance.now();
    await page.setInputFiles('#add-file', db);
    const open = `a[aria-label="Open ${TITLE}"]`;
    await clickShown(page, open);
    await shown(page, `article.player[aria-busy="false"] article.step-article[data-step="${firstStep}"] #step-title`);
    const ms = performance.now() - t0;
    const heading = (await page.textContent('#step-title')).trim();
    if (!/^Step 1:/.test(heading)) throw new Error(`the first step's heading is ${JSON.stringify(heading)}`);
    return ms;
  } finally {
    await browser.close();
  }
}

/** The reference in a fresh profile: the same File written to OPFS by a plain worker. */
async function plainWrite(server, db, bytes) {
  settle();
  const browser = await freshBrowser();
  try {
    const { page } = browser;
    await page.goto(new URL(PAGE, server.url).href);
    const started = await page.evaluate(async (chunk) => {
      const writer = new Worker('/__bench/opfs-write.js');
      const first = await new Promise((res) => { writer.onmessage = (e) => res(e.data); });
      window.written = new Promise((res) => { writer.onmessage = (e) => res(e.data); });
      document.getElementById('pick').onchange = (e) => writer.postMessage({ file: e.target.files[0], chunk });
      return first;
    }, CHUNK);
    if (!started.ready) throw new Error(`plain OPFS write: ${started.error}`);
    const t0 = performance.now();
    await page.setInputFiles('#pick', db);
    const done = await page.evaluate(() => window.written);
    const ms = performance.now() - t0;
    if (done.error) throw new Error(`plain OPFS write: ${done.error}`);
    if (done.size !== bytes) throw new Error(`plain OPFS write stored ${done.size} bytes of ${bytes}`);
    return ms;
  } finally {
    await browser.close();
  }
}
