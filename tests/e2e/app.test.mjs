// End-to-end tests of the built web app (dist/) in headless Chromium: the page itself, its CSP, the
// worker, the samples and the UI wasm. The library's features are in library.test.mjs.
//
//   node --test tests/e2e/app.test.mjs        # after `trunk build --release --offline`
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e), STEPWISE_EXPECT_SAMPLES=1 to require that every
// samples/*/workshop.yaml of the repository was built and is served.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };

let server, context, page, profile;
const problems = []; // console errors, uncaught exceptions, failed requests

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist}/index.html missing: run trunk build first`);
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, {
    viewport: { width: 1100, height: 760 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(server.url);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the page renders its title, top bar and explanation', async () => {
  await page.waitForSelector('.top-bar .brand', WAIT);
  assert.match(await page.title(), /^(Your workshops — )?Stepwise$/);
  assert.equal((await page.textContent('.top-bar .brand')).trim(), 'Stepwise');
  assert.equal((await page.textContent('main h1')).trim(), 'Your workshops');
  assert.equal(await page.textContent('main #try-sample'), 'Try the sample');
  assert.equal(await page.getAttribute('#add-file', 'type'), 'file');
  assert.ok(await page.isVisible('label[for="add-url"]'), 'the address field has a visible label');
});

test('index.html asks for at most six files as it loads: the connections a browser opens to a host over HTTP/1.1', () => {
  // Chromium opens six connections to a host over HTTP/1.1; a seventh file asked for at once
  // waits a round trip for one (0.56 s on Fast 3G), which delayed the page's wasm in some first
  // visits (docs/performance.md, "The first visit on a slow network"). The favicon comes later.
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const tags = html.match(/<(?:link|script)\b[^>]*>/g);
  const fetched = tags.filter((tag) => /^<script\b[^>]*\bsrc=/.test(tag)
    || /\brel=["']?(?:stylesheet|modulepreload|preload|manifest)\b/.test(tag));
  const workers = html.match(/new Worker\(/g) ?? [];
  assert.equal(workers.length, 1, 'the database worker, started by the html');
  assert.ok(fetched.length + workers.length <= 6, `${fetched.length + workers.length} files: ${fetched.join(' ')}`);
});

test('the Content-Security-Policy names the inline loader by its hash', async () => {
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]{44}'/);
  assert.doesNotMatch(csp, /STEPWISE_|unsafe-inline/);
});

test('the page\'s glue is minified, its integrity is its own, and the wasm copies are packed tighter than gzip -9, the first parts tighter still', async () => {
  const glue = readdirSync(dist).find((f) => /^app-[0-9a-f]+\.js$/.test(f));
  const code = readFileSync(join(dist, glue));
  assert.ok(code.length < 40_000 && !/\n {4}/.test(code.toString()), `${glue}: ${code.length} bytes, minified`);
  const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const link = html.match(/<link\b[^>]*>/g).find((tag) => tag.includes(`./${glue}`));
  assert.ok(link?.includes(integrity), `${link} carries ${integrity}`);
  // A wrong integrity makes the browser refuse the preload with a console error (none: see below).
  for (const wasm of readdirSync(dist).filter((f) => f.endsWith('_bg.wasm') && existsSync(join(dist, `${f}.gz`)))) {
    const plain = readFileSync(join(dist, wasm));
    const packed = readFileSync(join(dist, `${wasm}.gz`));
    assert.deepEqual(gunzipSync(packed), plain, `${wasm}.gz unpacks to ${wasm}`);
    assert.ok(packed.length < gzipSync(plain, { level: 9 }).length, `${wasm}.gz is smaller than gzip -9's`);
  }
  // Each part also packed with xz: a copy smaller still, whose header asks the decoder for a
  // dictionary of 4 MiB, not xz's 64.
  const parts = readdirSync(dist).filter((f) => f.endsWith('_bg.wasm'));
  assert.equal(parts.length, 4, `${parts}`);
  for (const wasm of parts) {
    const xz = join(dist, `${wasm}.xz`);
    assert.deepEqual(execFileSync('xz', ['-dc', xz], { maxBuffer: 64 << 20 }), readFileSync(join(dist, wasm)), `${wasm}.xz unpacks to ${wasm}`);
    assert.ok(readFileSync(xz).length < 0.9 * readFileSync(join(dist, `${wasm}.gz`)).length, `${wasm}.xz is >10% smaller than ${wasm}.gz`);
    assert.match(execFileSync('xz', ['-lvv', xz], { encoding: 'utf8' }), /Memory needed:\s+5 MiB/);
  }
  // The editor's bundle too, for the service worker to keep (the page imports the script itself).
  const editor = join(dist, 'editor', 'stepwise-editor.js');
  const editorXz = readFileSync(`${editor}.xz`);
  assert.deepEqual(execFileSync('xz', ['-dc', `${editor}.xz`], { maxBuffer: 64 << 20 }), readFileSync(editor));
  assert.ok(editorXz.length < 0.9 * gzipSync(readFileSync(editor), { level: 9 }).length, 'the editor\'s xz copy is >10% smaller than gzip -9');
});

test('the worker answers the ping', async () => {
  const status = await page.waitForSelector('.worker-status:not([data-state="starting"])', WAIT);
  assert.equal(await status.getAttribute('data-state'), 'ready', await status.textContent());
  assert.match(await status.textContent(), /ready \(version \d+\.\d+\.\d+/);
});

test('the page and the worker load their wasm packed with xz, the gzipped copy when that is broken, and the plain file when both are', async (t) => {
  const requested = async (files) => {
    const other = await serve(dist, 0, { files });
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
    const ctx = await launch(chromium, dir, {});
    t.after(async () => { await ctx.close(); await other.close(); rmSync(dir, { recursive: true, force: true }); });
    const p = ctx.pages()[0] ?? (await ctx.newPage());
    const paths = [];
    p.on('request', (r) => paths.push(new URL(r.url()).pathname));
    await p.goto(other.url);
    await p.waitForSelector('.worker-status[data-state="ready"]', WAIT);
    return paths.filter((path) => /_bg\.wasm/.test(path));
  };
  const app = readdirSync(dist).find((f) => /^app-[0-9a-f]+_bg\.wasm$/.test(f));
  const usual = await requested({});
  for (const wasm of [app, 'worker_bg.wasm']) {
    const asked = usual.filter((path) => path.startsWith(`/${wasm}`));
    assert.deepEqual(asked, [`/${wasm}.xz`], `${wasm}: ${usual}`);
  }
  // Not xz (a host that compressed it once more, or changed it): each loader takes the gzipped
  // copy; not gzip either: the plain file.
  const notXz = await requested({ 'worker_bg.wasm.xz': 'not xz at all', [`${app}.xz`]: 'nor this' });
  for (const wasm of [app, 'worker_bg.wasm']) {
    const asked = notXz.filter((path) => path.startsWith(`/${wasm}`));
    assert.deepEqual(asked, [`/${wasm}.xz`, `/${wasm}.gz`], `${wasm}: ${notXz}`);
  }
  const broken = await requested({
    'worker_bg.wasm.xz': 'not xz at all', [`${app}.xz`]: 'nor this',
    'worker_bg.wasm.gz': 'not gzip at all', [`${app}.gz`]: 'nor this',
  });
  for (const wasm of [app, 'worker_bg.wasm']) {
    const asked = broken.filter((path) => path.startsWith(`/${wasm}`));
    assert.deepEqual(asked, [`/${wasm}.xz`, `/${wasm}.gz`, `/${wasm}`], `${wasm}: ${broken}`);
  }
});

test('the database worker starts before the page\'s wasm has arrived, and the page takes it over', async (t) => {
  // The page's wasm is held back at the server: the worker, started by index.html, fetches its
  // own meanwhile, and has sent `started` before the page can listen; the page gets it all the same.
  const app = readdirSync(dist).find((f) => /^app-[0-9a-f]+_bg\.wasm$/.test(f));
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const log = [];
  const files = { [`${app}.xz`]: { body: readFileSync(join(dist, `${app}.xz`)), until: released } };
  const other = await serve(dist, 0, { files, log });
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  // No service worker: its install, once the app is idle, would fetch the wasm again to keep it.
  const ctx = await launch(chromium, dir, { serviceWorkers: 'block' });
  t.after(async () => { await ctx.close(); await other.close(); rmSync(dir, { recursive: true, force: true }); });
  const p = ctx.pages()[0] ?? (await ctx.newPage());
  const started = new Promise((resolve) => p.on('worker', (w) => resolve(w)));
  await p.goto(other.url, { waitUntil: 'commit' });
  const worker = await started;
  // The worker's wasm runs (wasm-bindgen's glue is loaded) while the page's is still held.
  // (`loaded`: static/worker-loader.js's promise of the instantiated wasm, whose main() then posts
  // `started`.)
  assert.ok(await worker.evaluate(() => loaded.then(() => true)));
  assert.equal(await p.evaluate(() => typeof window.wasmBindings), 'undefined', 'the page\'s wasm has not run yet');
  release();
  await p.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  assert.equal(await p.evaluate(() => window.stepwiseEarlyWorker), undefined, 'taken over');
  assert.equal(p.workers().length, 1, 'one worker: the one index.html started');
  assert.equal(log.filter((path) => path.startsWith('worker_bg.wasm')).length, 1, `${log}`);
});

test('the sample workshops are listed and each link serves an SQLite file', async (t) => {
  await page.waitForSelector('ul.samples, p.samples.notice', WAIT);
  const index = await (await fetch(new URL('samples/index.json', server.url))).json();
  const expected = existsSync(join(root, 'samples'))
    ? readdirSync(join(root, 'samples')).filter((d) => existsSync(join(root, 'samples', d, 'workshop.yaml'))).sort()
    : [];
  if (process.env.STEPWISE_EXPECT_SAMPLES === '1') {
    assert.deepEqual(index.workshops.map((w) => w.name), expected, 'samples/index.json lists every sample source');
    for (const w of index.workshops) assert.ok(w.file, `sample ${w.name} was not built: ${w.error}`);
  }
  const built = index.workshops.filter((w) => w.file);
  if (built.length === 0) {
    assert.match(await page.textContent('main'), /No sample workshop was built|not built/);
    t.skip('no sample workshop was built into this dist/');
    return;
  }
  for (const w of built) {
    const link = await page.waitForSelector(`a.sample-link[href="${w.file}"]`, WAIT);
    assert.equal(await link.getAttribute('download'), `${w.name}.db`);
    const response = await fetch(new URL(w.file, server.url));
    assert.equal(response.status, 200, w.file);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0', `${w.file} is an SQLite file`);
    assert.equal(bytes.length, w.bytes, `${w.file} has the size the index says`);
  }
});

test('the UI wasm links no SQLite; the worker wasm does (the search finds what it looks for)', () => {
  const apps = readdirSync(dist).filter((f) => /^app-.*_bg\.wasm$/.test(f)).sort();
  assert.equal(apps.length, 2, `the app's wasm in two parts in dist/: ${apps}`);
  assert.match(apps[1], /_rest_bg\.wasm$/);
  const count = (file) => readFileSync(join(dist, file)).toString('latin1').split('sqlite3_').length - 1;
  for (const app of apps) assert.equal(count(app), 0, `${app} contains sqlite3_ symbols`);
  assert.ok(count('worker_bg.wasm') > 0, 'worker_bg.wasm has no sqlite3_ in it: the search would find nothing anywhere');
});

test('screenshots, light and dark', async () => {
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  mkdirSync(shots, { recursive: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: join(shots, 'home-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(background, 'rgb(253, 253, 252)', 'dark mode changes the background');
  await page.screenshot({ path: join(shots, 'home-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('no console errors, failed requests or CSP violations', async () => {
  // Reload once more so errors raised while loading are seen after every listener is attached.
  await page.reload();
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  assert.deepEqual(problems, []);
});
