// End-to-end tests of offline use: the service worker (with the server gone, a stored
// workshop opens, passes a check and keeps its progress across a reload), hosting under a
// sub-path, installability and updates, against the built app (dist/) in headless Chromium.
//
//   node --test tests/e2e/offline.test.mjs        # after `trunk build --release --offline`
//
// Environment as for app.test.mjs: STEPWISE_DIST (default dist), CHROMIUM (default
// /usr/bin/chromium), STEPWISE_SCREENSHOTS (default target/e2e). Every test starts a fresh browser
// profile, since a service worker outlives its page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
const OFFLINE_TEXT = 'You are offline: workshops you stored still work; loading by URL does not.';
const UPDATE_TEXT = 'A new version of Stepwise is ready. Reload when you are done with this step.';

/** The list scripts/trunk-post-build.mjs wrote into sw.js. */
function precacheOf(sw) {
  const found = /\/\* STEPWISE_PRECACHE \*\/ (\{.*\}) \/\* END_STEPWISE_PRECACHE \*\//.exec(sw);
  assert.ok(found, 'sw.js carries a filled-in precache list');
  return JSON.parse(found[1]);
}

function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
    .sort();
}

/** A browser with a fresh profile; `problems` collects console errors and failed requests. */
async function launch(t) {
  const profile = mkdtempSync(join(tmpdir(), 'stepwise-offline-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 760 },
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { context, page, problems };
}

/** Waits until the app has started and its database worker answered the ping. */
async function appStarted(page) {
  await page.waitForSelector('.top-bar .brand', WAIT);
  const status = await page.waitForSelector('.worker-status:not([data-state="starting"])', WAIT);
  assert.equal(await status.getAttribute('data-state'), 'ready', await status.textContent());
}

/** Waits for the service worker to be active and to control the page; returns its registration. */
function controlled(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
    }
    return { scope: registration.scope, script: navigator.serviceWorker.controller.scriptURL };
  });
}

/** Every cache of the origin and the URLs it holds. */
function caches(page) {
  return page.evaluate(async () => {
    const all = {};
    for (const name of await self.caches.keys()) {
      all[name] = (await (await self.caches.open(name)).keys()).map((r) => r.url).sort();
    }
    return all;
  });
}

/** The service worker's cached answer for `url`: its type and its text. */
function cachedText(page, url) {
  return page.evaluate(async (url) => {
    const hit = await (await self.caches.open((await self.caches.keys())[0])).match(url);
    return { type: hit.headers.get('content-type'), text: await hit.text() };
  }, url);
}

/** Adds the SQL joins sample through the library's file picker; returns its title. */
async function importSample(t, page, url) {
  const title = 'SQL joins in eight steps';
  await page.setInputFiles('#add-file', join(dist, 'samples', 'sql-joins.db'));
  await page.waitForSelector(`li.card >> text=${title}`, WAIT);
  t.diagnostic(`imported samples/sql-joins.db ("${title}") from ${url}`);
  return title;
}

/** Offline: opens the workshop, passes an answer check, and finds the progress after a reload. */
async function playOffline(page, title) {
  await page.getByRole('link', { name: `Open ${title}` }).first().click();
  // The SQL editor's bundle comes from the cache too.
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  const answer = page.locator('section.check[data-check="deleted-product-order"]');
  await answer.getByLabel('Your answer').fill('105');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.pass', WAIT);
  await page.reload();
  await appStarted(page);
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.pass', WAIT);
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  assert.equal(await answer.getByLabel('Your answer').inputValue(), '105', 'the answer is still there');
}

test('the precache list names exactly the app shell of the build', () => {
  assert.ok(existsSync(join(dist, 'sw.js')), `${dist}/sw.js missing: run trunk build first`);
  const { version, files } = precacheOf(readFileSync(join(dist, 'sw.js'), 'utf8'));
  assert.match(version, /^[0-9a-f]{16}$/, 'the version is a content hash of the build');
  // A plain .wasm with a gzipped copy is its loader's fallback, and so is a gzipped copy with an
  // xz one: the loaders fetch the best copy. A script with an xz copy (the editor's bundle) is
  // kept as that copy, which the service worker answers the script's address with.
  const fallback = (f) => (f.endsWith('.wasm') && existsSync(join(dist, `${f}.gz`)))
    || (f.endsWith('.wasm.gz') && existsSync(join(dist, f.replace(/\.gz$/, '.xz'))))
    || (f.endsWith('.js') && existsSync(join(dist, `${f}.xz`)));
  const shell = filesBelow(dist).filter((f) => f !== 'sw.js' && !f.startsWith('samples/') && !fallback(f));
  assert.deepEqual(files, shell, 'every file of dist/ except sw.js, samples/ and the fallbacks, and nothing else');
  assert.ok(files.includes('worker_bg.wasm.xz'), 'the worker\'s wasm, as its loader fetches it, is precached');
  assert.ok(files.some((f) => /^app-[0-9a-f]+_bg\.wasm\.xz$/.test(f)), 'the page\'s wasm, as its loader fetches it, is precached');
  assert.ok(files.includes('xz-decompress.min.js'), 'so is the decoder they unpack it with');
  assert.ok(files.includes('worker_rest_bg.wasm.xz'), 'so is the rest of the worker\'s wasm');
  assert.ok(files.some((f) => /^app-[0-9a-f]+_rest_bg\.wasm\.xz$/.test(f)), 'so is the rest of the page\'s wasm');
  assert.ok(files.includes('editor/stepwise-editor.js.xz'), 'and the editor\'s bundle, as its xz copy');
  assert.ok(!files.includes('editor/stepwise-editor.js'), 'not also as the script itself');

  // Everything index.html, the manifest and the worker loader refer to is listed, by a relative URL.
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:href|src)="([^"]+)"|from '([^']+)'|module_or_path: '([^']+)'/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.webmanifest'), 'utf8'));
  refs.push(...manifest.icons.map((icon) => icon.src));
  const loader = readFileSync(join(dist, 'worker-loader.js'), 'utf8');
  refs.push(...[...loader.matchAll(/'(\.\/[^']+)'/g)].map((m) => m[1]));
  assert.ok(refs.length >= 8, `found the references: ${refs}`);
  for (const ref of refs) {
    assert.doesNotMatch(ref, /^\/|^[a-z]+:/i, `${ref} is relative to the page, so sub-paths work`);
    const file = new URL(ref, 'http://host/app/').pathname.slice('/app/'.length);
    if (fallback(file)) continue;
    assert.ok(files.includes(file), `${ref} is precached`);
  }
});

test('the Content-Security-Policy allows the service worker and the manifest, and nothing looser', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  // The tag as written, or minified (attributes in any order, quotes dropped where HTML allows).
  const tag = /<meta\b[^>]*http-equiv="?Content-Security-Policy"?[^>]*>/.exec(html)?.[0] ?? '';
  const csp = /\bcontent="([^"]+)"/.exec(tag)?.[1];
  assert.ok(csp, `no Content-Security-Policy in ${html.slice(0, 300)}`);
  const policy = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy['default-src'], ["'self'"]);
  assert.ok(policy['worker-src'].includes("'self'"), 'the database worker and sw.js');
  assert.deepEqual(policy['manifest-src'], ["'self'"]);
  assert.deepEqual(policy['script-src'].slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  for (const source of policy['script-src'].slice(2)) assert.match(source, /^'sha256-[A-Za-z0-9+/=]{44}'$/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\*|https?:/, 'no inline code, no eval, no other host');
});

/** The smallest worker the post-build hook can split: `run` (exported) calls a function named as
 *  crates/worker/split.rules moves, and a name section says so. */
function workerWasm() {
  const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const section = (id, body) => bytes([id, body.length], body);
  const moved = 'stepwise_worker::deferred::handle';
  const names = bytes([2, 0, 3], 'run', [1, moved.length], moved);
  return bytes(
    '\0asm', [1, 0, 0, 0],
    section(1, bytes([1, 0x60, 0, 0])), // one type: [] -> []
    section(3, bytes([2, 0, 0])), // two functions of it
    section(5, bytes([1, 0, 1])), // a memory of one page
    section(7, bytes([1, 3], 'run', [0, 0])), // export "run" = function 0
    section(10, bytes([2, 4, 0, 0x10, 1, 0x0b, 2, 0, 0x0b])), // run: call 1; the other: nothing
    section(0, bytes([4], 'name', [1, names.length], names)),
  );
}

test('the post-build hook gives every different build a different sw.js, and the same build the same', (t) => {
  // Runs scripts/trunk-post-build.mjs as Trunk does, on a small staging directory.
  const WASM = workerWasm();
  const build = (app) => {
    const staging = mkdtempSync(join(tmpdir(), 'stepwise-staging-'));
    t.after(() => rmSync(staging, { recursive: true, force: true }));
    t.after(() => rmSync(`${staging}.slots.txt`, { force: true }));
    copyFileSync(join(root, 'index.html'), join(staging, 'index.html'));
    copyFileSync(join(root, 'static/sw.js'), join(staging, 'sw.js'));
    mkdirSync(join(staging, 'icons'));
    writeFileSync(join(staging, 'icons/a.png'), 'png');
    writeFileSync(join(staging, 'app-0123.js'), app);
    writeFileSync(join(staging, 'worker_bg.wasm'), WASM);
    execFileSync(process.execPath, [join(root, 'scripts/trunk-post-build.mjs')], {
      env: {
        ...process.env, TRUNK_STAGING_DIR: staging, TRUNK_SOURCE_DIR: root, STEPWISE_SAMPLES_DIR: join(staging, 'none'),
        STEPWISE_SPLIT_SLOTS: `${staging}.slots.txt`,
      },
      stdio: 'pipe',
    });
    for (const wasm of ['worker_bg.wasm', 'worker_rest_bg.wasm']) {
      const gz = gunzipSync(readFileSync(join(staging, `${wasm}.gz`)));
      assert.deepEqual(gz, readFileSync(join(staging, wasm)), `the gzipped ${wasm} is the wasm`);
    }
    assert.notDeepEqual(readFileSync(join(staging, 'worker_bg.wasm')), WASM, 'the worker\'s wasm was split');
    return readFileSync(join(staging, 'sw.js'), 'utf8');
  };
  const first = build('one');
  assert.deepEqual(precacheOf(first).files,
    ['app-0123.js', 'icons/a.png', 'index.html', 'worker_bg.wasm.gz', 'worker_rest_bg.wasm.gz'],
    'nested files, no samples/, no sw.js, the worker\'s two parts only gzipped');
  assert.equal(build('one'), first, 'the same build gives the same sw.js');
  assert.notEqual(precacheOf(build('two')).version, precacheOf(first).version, 'a changed file gives a new version');
});

test('after one visit the app starts with the server gone and the network off', async (t) => {
  const log = [];
  const revalidated = [];
  const server = await serve(dist, 0, { log, revalidated });
  t.after(() => server.close());
  const { context, page, problems } = await launch(t);
  const background = new Promise((resolve) => page.on('worker', (worker) => worker.on('console', (m) => {
    if (/rest of the database worker is loaded \(in the background\)/.test(m.text())) resolve();
  })));

  await page.goto(server.url);
  await appStarted(page);
  const sw = await controlled(page);
  assert.equal(sw.scope, server.url);
  assert.equal(sw.script, `${server.url}sw.js`);
  assert.equal(await page.$('.offline-notice'), null, 'no offline notice while online');
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  const title = await importSample(t, page, server.url);
  // Once the service worker has kept the app, the worker's rest comes in the background. The
  // network sends it once, to the service worker: the worker started before the service worker
  // existed, so it does not control the worker's requests, which the browser's own cache answers
  // (here after asking the server whether its copy is current, as this server's `no-cache` says).
  await background;
  const rest = (list) => list.filter((p) => p.startsWith('worker_rest_bg'));
  assert.deepEqual(rest(log), ['worker_rest_bg.wasm.xz', 'worker_rest_bg.wasm.xz']);
  assert.deepEqual(rest(revalidated), ['worker_rest_bg.wasm.xz'], 'the second time, no bytes: a 304');

  // Only the app shell is cached: samples and workshop files go to the network, never the cache.
  const { version, files } = precacheOf(readFileSync(join(dist, 'sw.js'), 'utf8'));
  await page.evaluate(() => fetch('samples/index.json').then((r) => r.text()));
  assert.deepEqual(await caches(page), { [`stepwise:/:${version}`]: files.map((f) => server.url + f).sort() });

  await server.close();
  await context.setOffline(true);
  problems.length = 0;
  await page.reload();
  await appStarted(page);
  assert.equal((await page.textContent('.offline-notice p')).trim(), OFFLINE_TEXT);
  await page.waitForFunction((text) => document.body.innerText.includes(text), title, WAIT);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'offline.png'), fullPage: true });
  // The stored workshop plays fully offline, checks included, and keeps its progress.
  await playOffline(page, title);
  // The plain file of a part, which a stub asks for when the background copy has not come (the
  // worker's loader, synchronously): offline, the service worker answers it from its copy.
  const plain = await page.evaluate(async () => {
    const response = await fetch('worker_rest_bg.wasm');
    return { type: response.headers.get('content-type'), bytes: [...new Uint8Array(await response.arrayBuffer())] };
  });
  assert.equal(plain.type, 'application/wasm');
  assert.deepEqual(Buffer.from(plain.bytes), readFileSync(join(dist, 'worker_rest_bg.wasm')));
  // An author's tool offline: the worker's rest comes from the cache, in the background or
  // through that synchronous request.
  const [zip] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name: 'Export as YAML/CSV (.zip)' }).click(),
  ]);
  assert.equal(zip.suggestedFilename(), 'sql-joins-1.0.0.zip');

  // The SQL playground opened straight from its address, offline: the page's rest, which that
  // screen is made of, comes from the cache (the service worker's gzipped copy).
  const id = /#\/w\/([^/]+)/.exec(page.url())?.[1];
  assert.ok(id, `an opened workshop's address: ${page.url()}`);
  await page.goto('about:blank');
  await page.goto(`${server.url}#/p/${id}`);
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  assert.equal(await page.getAttribute('html', 'data-page-rest'), 'loaded');

  // From its first use on, an xz copy is kept unpacked, so that a start from the cache unpacks
  // nothing: the wasm itself, typed so that the loaders compile it as it is.
  const packedCopies = files.filter((f) => f.endsWith('_bg.wasm.xz'));
  assert.equal(packedCopies.length, 4, `${packedCopies}`);
  await page.goto(server.url);
  await appStarted(page);
  for (const file of packedCopies) {
    const kept = await page.evaluate(async (url) => {
      const hit = await (await self.caches.open((await self.caches.keys())[0])).match(url);
      return { type: hit.headers.get('content-type'), bytes: [...new Uint8Array(await hit.arrayBuffer())] };
    }, server.url + file);
    assert.equal(kept.type, 'application/wasm', file);
    assert.deepEqual(Buffer.from(kept.bytes), readFileSync(join(dist, file.replace(/\.xz$/, ''))), `${file} is kept unpacked`);
  }
  // So is the editor's bundle, which the player above imported offline: the script itself.
  const editor = await cachedText(page, `${server.url}editor/stepwise-editor.js.xz`);
  assert.equal(editor.type, 'text/javascript');
  assert.equal(editor.text, readFileSync(join(dist, 'editor', 'stepwise-editor.js'), 'utf8'), 'the editor is kept unpacked');

  // Opening the app with ?src= offline still starts it (loading that URL is what cannot work).
  await page.goto(`${server.url}?src=${encodeURIComponent(`${server.url}samples/none.db`)}`);
  await appStarted(page);
  assert.equal((await page.textContent('.offline-notice p')).trim(), OFFLINE_TEXT);

  // Offline, only the samples list (network content) may fail to load; nothing of the app.
  const unexpected = problems.filter((p) => !p.includes('samples/') && !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(p));
  assert.deepEqual(unexpected, []);

  // The notice goes away when the network returns.
  await context.setOffline(false);
  await page.waitForSelector('.offline-notice', { state: 'detached', ...WAIT });
});

test('a first visit that opened a workshop before the service worker came keeps the page\'s copy of the editor, not a second one', async (t) => {
  // The service worker's script is held back until the player's editor has loaded from the
  // network, so the install sees the page's copy of the editor's script in the browser's cache.
  const log = [];
  const revalidated = [];
  let release;
  const released = new Promise((ok) => { release = ok; });
  const swBody = readFileSync(join(dist, 'sw.js'));
  const server = await serve(dist, 0, { log, revalidated, files: { 'sw.js': { body: swBody, until: released } } });
  t.after(() => { release(); return server.close(); });
  const { context, page } = await launch(t);
  await page.goto(server.url);
  await appStarted(page);
  const title = await importSample(t, page, server.url);
  await page.getByRole('link', { name: `Open ${title}` }).first().click();
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  assert.deepEqual(log.filter((p) => p.startsWith('editor/')), ['editor/stepwise-editor.js'], 'the page fetched the script');
  release();
  await controlled(page);

  // The install asked whether that copy is current (a 304), and downloaded no packed copy.
  assert.deepEqual(log.filter((p) => p.startsWith('editor/')), ['editor/stepwise-editor.js', 'editor/stepwise-editor.js']);
  assert.deepEqual(revalidated.filter((p) => p.startsWith('editor/')), ['editor/stepwise-editor.js']);
  const kept = await cachedText(page, `${server.url}editor/stepwise-editor.js.xz`);
  assert.equal(kept.type, 'text/javascript');
  assert.equal(kept.text, readFileSync(join(dist, 'editor', 'stepwise-editor.js'), 'utf8'), 'the page\'s copy, as it is');

  // Offline, the editor comes from that copy.
  await context.setOffline(true);
  await page.reload();
  await appStarted(page);
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  await context.setOffline(false);
});

test('served under a sub-path, the app loads, registers its service worker there and is installable', async (t) => {
  const server = await serve(dist, 0, { prefix: '/course/stepwise/' });
  t.after(() => server.close());
  const { context, page, problems } = await launch(t);

  await page.goto(server.url);
  await appStarted(page);
  const sw = await controlled(page);
  assert.equal(sw.scope, server.url, 'the scope is the sub-path');
  assert.equal(sw.script, `${server.url}sw.js`);
  const { version } = precacheOf(readFileSync(join(dist, 'sw.js'), 'utf8'));
  assert.deepEqual(Object.keys(await caches(page)), [`stepwise:/course/stepwise/:${version}`]);

  // The manifest: every field installation needs, and icons that load from the sub-path.
  const cdp = await context.newCDPSession(page);
  const { url: manifestUrl, errors, data } = await cdp.send('Page.getAppManifest');
  assert.equal(manifestUrl, `${server.url}manifest.webmanifest`);
  assert.deepEqual(errors, []);
  const manifest = JSON.parse(data);
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '.');
  assert.equal(manifest.scope, '.');
  assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
  for (const icon of manifest.icons) {
    const { status, type } = await page.evaluate(async (src) => {
      const r = await fetch(src);
      return { status: r.status, type: r.headers.get('content-type') };
    }, icon.src);
    assert.equal(status, 200, icon.src);
    assert.equal(type, icon.type, icon.src);
  }
  const sizes = manifest.icons.map((i) => i.sizes);
  assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), `icons of 192 and 512 pixels: ${sizes}`);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], 'Chromium finds the app installable');

  assert.deepEqual(problems, [], 'nothing failed to load under the sub-path');

  // And it starts there offline too.
  await server.close();
  await context.setOffline(true);
  await page.reload();
  await appStarted(page);
  assert.equal((await page.textContent('.offline-notice p')).trim(), OFFLINE_TEXT);
});

test('a new version waits for the user, then takes over when they press Reload', async (t) => {
  const files = {};
  const server = await serve(dist, 0, { files });
  t.after(() => server.close());
  const { page, problems } = await launch(t);

  await page.goto(server.url);
  await appStarted(page);
  await controlled(page);
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const { version } = precacheOf(sw);

  // Publish a new version: a service worker that differs byte for byte (another build). The open
  // app finds it when it looks (here on demand; browsers look when the app is opened, and the app
  // also looks when the network comes back).
  files['sw.js'] = sw.replace(`"version":"${version}"`, '"version":"e2e-new-version"');
  await page.evaluate(() => { window.stepwiseBeforeUpdate = true; });
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('.update-banner', WAIT);
  assert.equal((await page.textContent('.update-banner p')).trim(), UPDATE_TEXT);
  assert.equal((await page.textContent('.update-banner button')).trim(), 'Reload');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'update-banner.png') });
  // The new version is installed but waits: the page was not reloaded, the old version still runs.
  assert.equal(await page.evaluate(() => window.stepwiseBeforeUpdate), true);
  assert.deepEqual(Object.keys(await caches(page)).sort(), [`stepwise:/:${version}`, 'stepwise:/:e2e-new-version'].sort());
  // No fixed wait: the new version sits in `waiting` (it took no control), which is the state
  // that would have to change for the page to reload on its own.
  assert.equal(await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return Boolean(reg?.waiting) && reg.active !== reg.waiting && navigator.serviceWorker.controller === reg.active;
  }), true, 'the new version waits and does not control the page');
  assert.equal(await page.evaluate(() => window.stepwiseBeforeUpdate), true, 'an update never reloads on its own');

  // Reloading by hand does not switch versions either; the banner is offered again.
  await page.reload();
  await appStarted(page);
  await page.waitForSelector('.update-banner', WAIT);
  assert.equal(Object.keys(await caches(page)).length, 2, 'both versions are kept until the user chooses');
  await page.evaluate(() => { window.stepwiseBeforeUpdate = true; });

  await page.click('.update-banner button');
  await page.waitForFunction(() => window.stepwiseBeforeUpdate === undefined, null, WAIT);
  await appStarted(page);
  assert.equal(await page.$('.update-banner'), null, 'no banner once the new version runs');
  assert.deepEqual(Object.keys(await caches(page)), ['stepwise:/:e2e-new-version'], 'the old cache is gone');
  const waiting = await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting));
  assert.equal(waiting, false);
  assert.deepEqual(problems, []);
});

test('a host that serves .wasm without application/wasm runs the app as well (the README says so)', async (t) => {
  const server = await serve(dist, 0, { types: { '.wasm': 'application/octet-stream', '.gz': 'application/octet-stream', '.xz': 'application/octet-stream' } });
  t.after(() => server.close());
  const { page, problems } = await launch(t);
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(server.url);
  await appStarted(page);
  await controlled(page);
  // The loaders fetch the gzipped copies and give the unpacked stream its type themselves, so
  // the browser compiles as the bytes arrive whatever the host calls them: no slower fallback.
  assert.ok(!warnings.some((w) => w.includes('application/wasm')), `no fallback: ${warnings}`);
  assert.deepEqual(problems, []);
});
