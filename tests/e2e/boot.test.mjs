// The page before its wasm runs: index.html's body shows the app's top bar and a loading
// message from the first paint (seconds before the wasm on a slow network); the app replaces
// them when it starts; should the page's wasm fail to load, the message says so and names what
// failed. While the database worker downloads, an import waiting for it says how much has come,
// and the editor is asked for once the worker is ready. (src/boot.rs; the inline script in
// scripts/trunk-post-build.mjs; static/worker-loader.js; src/editor.rs.)
//
//   node --test tests/e2e/boot.test.mjs        # after trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { requestLog, serve } from './server.mjs';
import { freshPage } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
/** The page's wasm (its first part), whichever copy its loader asks for. */
const PAGE_WASM = /^app-[0-9a-f]+_bg\.wasm(\.xz|\.gz)?$/;

const browser = (t) => freshPage(t, chromium, 'stepwise-boot-', { viewport: { width: 1100, height: 700 } });

test('until the page\'s wasm runs it shows the top bar and a loading message that counts the wasm\'s bytes; the app replaces them', async (t) => {
  // The page's wasm stalls after its first 100,000 bytes.
  const HEAD = 100_000;
  let release;
  const released = new Promise((ok) => { release = ok; });
  const files = {};
  for (const file of readdirSync(dist).filter((f) => PAGE_WASM.test(f))) {
    files[file] = { body: readFileSync(join(dist, file)), until: released, head: HEAD };
  }
  assert.ok(Object.keys(files).length > 0, 'the page\'s wasm is in dist/');
  const log = requestLog();
  const server = await serve(dist, 0, { files, log });
  t.after(() => { release(); return server.close(); });
  const { page, errors } = await browser(t);
  await page.goto(server.url);
  await log.until((path) => PAGE_WASM.test(path));
  // The wasm is asked for and stalls part way: what a learner on a slow network sees meanwhile.
  const fetched = log.find((path) => PAGE_WASM.test(path));
  const size = Math.round(files[fetched].body.length / 1000);
  await page.locator('#boot-status', { hasText: `Loading Stepwise… ${HEAD / 1000} KB of ${size} KB` }).waitFor(WAIT);
  assert.equal(await page.locator('#boot').getAttribute('aria-busy'), 'true');
  assert.equal(await page.locator('#boot-status').getAttribute('role'), 'status');
  assert.deepEqual(await page.locator('.top-bar a').allTextContents(), ['Stepwise', 'Library', 'Class']);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'boot-loading.png') });

  release();
  await page.getByRole('heading', { name: 'Your workshops' }).waitFor(WAIT);
  assert.equal(await page.locator('#boot, #boot-bar, #boot-status').count(), 0, 'the shell is gone');
  assert.equal(await page.locator('header.top-bar').count(), 1, 'one top bar: the app\'s');
  assert.deepEqual(await page.locator('.top-bar a').allTextContents(), ['Stepwise', 'Library', 'Class']);
  assert.equal(await page.locator('main').count(), 1);
  assert.deepEqual(errors, []);
});

test('a page whose script cannot be fetched says that Stepwise could not start, naming it', async (t) => {
  const server = await serve(dist, 0, { missing: (path) => /^app-[0-9a-f]+\.js$/.test(path) });
  t.after(() => server.close());
  const { page } = await browser(t);
  await page.goto(server.url);
  const status = page.locator('#boot-status[role="alert"]');
  await status.waitFor(WAIT);
  assert.match(await status.textContent(), /^Stepwise could not start: a script of the app did not load \(app-[0-9a-f]+\.js\)\. Reload the page to try again\.$/);
});

test('without JavaScript the page says what Stepwise needs, and nothing is said to be loading', async (t) => {
  const server = await serve(dist, 0);
  t.after(() => server.close());
  const { page } = await freshPage(t, chromium, 'stepwise-boot-', { javaScriptEnabled: false });
  await page.goto(server.url);
  // What the page shows, as a reader sees it (the loading message hidden, the <noscript> note).
  assert.equal((await page.locator('#boot').innerText()).trim(), 'Stepwise needs JavaScript and WebAssembly to play workshops.');
  assert.equal(await page.locator('#boot-status').isVisible(), false);
});

test('a page whose wasm cannot be fetched says that Stepwise could not start, and why', async (t) => {
  const server = await serve(dist, 0, { missing: (path) => PAGE_WASM.test(path) });
  t.after(() => server.close());
  const { page } = await browser(t);
  await page.goto(server.url);
  const status = page.locator('#boot-status[role="alert"]');
  await status.waitFor(WAIT);
  const text = await status.textContent();
  assert.match(text, /^Stepwise could not start: .*404.*app-[0-9a-f]+_bg\.wasm.*\. Reload the page to try again\.$/, text);
  assert.equal(await page.locator('#boot').getAttribute('aria-busy'), 'false');
  await page.screenshot({ path: join(shots, 'boot-failed.png') });
});

test('while the database worker downloads, a sample waiting for it and the footer say how much has come; then the editor comes', async (t) => {
  // The worker's wasm stalls after its first 200,000 bytes until `release()`.
  const packed = 'worker_bg.wasm.xz';
  const body = readFileSync(join(dist, packed));
  const HEAD = 200_000;
  let release;
  const released = new Promise((ok) => { release = ok; });
  const log = requestLog();
  const server = await serve(dist, 0, { log, files: { [packed]: { body, until: released, head: HEAD } } });
  t.after(() => { release(); return server.close(); });
  const { page, errors } = await browser(t);
  await page.goto(server.url);
  await page.locator('button.sample-add[data-sample="sql-joins"]').click(WAIT);
  await page.locator('.imports .job', { hasText: 'waiting for the database worker' }).waitFor(WAIT);
  const total = `${Math.round(body.length / 1000)} KB`;
  const line = page.locator('.imports .worker-loading');
  // What has come, as the loader tells it every 64 KB: up to the stall (the first word, before
  // any byte, is "0 bytes").
  const upToStall = new RegExp(`— (6[5-9]|[7-9]\\d|1\\d\\d|200) KB of ${total}$`);
  await line.locator('.job-amount', { hasText: upToStall }).waitFor(WAIT);
  assert.match(await line.locator('.job-text').textContent(), /^The database worker — Loading — /);
  const bar = line.locator('progress');
  assert.equal(await bar.getAttribute('max'), String(body.length));
  assert.ok(Number(await bar.getAttribute('value')) <= HEAD);
  const footer = page.locator('.worker-status[data-state="starting"]', { hasText: /^Database worker: loading — / });
  await footer.filter({ hasText: upToStall }).waitFor(WAIT);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'boot-worker-loading.png'), fullPage: true });

  assert.ok(!log.includes('editor/stepwise-editor.js'), 'the editor waits for the worker\'s download');

  release();
  await page.getByRole('link', { name: /^Open SQL joins/ }).first().waitFor(WAIT);
  await page.locator('.worker-status[data-state="ready"]').waitFor(WAIT);
  assert.equal(await line.count(), 0, 'the line goes once the worker has started');
  // The player's editor is asked for once the worker is ready, before the workshop is opened:
  // nothing on the library's page uses it.
  await log.until((path) => path === 'editor/stepwise-editor.js');
  assert.equal(await page.locator('article.opened').count(), 0);
  assert.deepEqual(errors, []);
});
