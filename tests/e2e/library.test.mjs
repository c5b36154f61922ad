// The library end to end: add workshops by file picker, drag-and-drop, `?src=` and
// refuse broken files; a sample added before the database worker has started; list, reopen after a reload, open, download, remove; duplicates; the
// memory-only fallback on an insecure origin; a second tab. Headless Chromium, real worker.
//
//   node --test tests/e2e/library.test.mjs        # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { requestLog, serve } from './server.mjs';
import { FLAGS } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
const SQL_JOINS = { file: join(dist, 'samples', 'sql-joins.db'), title: 'SQL joins in eight steps', steps: 8 };
const K8S = { file: join(dist, 'samples', 'k8s-first-deploy.db'), title: 'Your first deployment', steps: 4 };

let server, context, page, profile, work;
/** Responses the test server gives instead of files (see server.mjs). */
const served = {};
const problems = [];
const expectedProblems = [/missing-workshop\.db/, /CORS policy|net::ERR_FAILED/];

async function launch(dir, args = []) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, ...args],
    viewport: { width: 1100, height: 800 },
  });
}

function watch(p) {
  const note = (text) => { if (!expectedProblems.some((re) => re.test(text))) problems.push(text); };
  // With the address the message is about: the browser's "Failed to load resource" names none.
  p.on('console', (m) => { if (m.type() === 'error') note(`console: ${m.text()} (${m.location().url})`); });
  p.on('pageerror', (e) => note(`uncaught: ${e.message}`));
  p.on('response', (r) => { if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.url()}`); });
}

const cards = () => page.locator('ul.library > li.card');
const card = (title) => cards().filter({ has: page.locator('.card-title', { hasText: title }) });
async function cardCount(n) {
  await page.waitForFunction((n) => document.querySelectorAll('ul.library > li.card').length === n
    && !document.querySelector('ul.library[aria-busy="true"]'), n, WAIT);
}
async function libraryReady() {
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
}
async function idle() {
  await page.waitForFunction(() => !document.querySelector('.imports .job'), null, WAIT);
}
async function dismissAll() {
  const dismiss = page.getByRole('button', { name: /^Dismiss the message/ });
  while (await dismiss.count() > 0) await dismiss.first().click();
}
async function shot(name, scheme = 'light') {
  mkdirSync(shots, { recursive: true });
  await page.emulateMedia({ colorScheme: scheme });
  await page.screenshot({ path: join(shots, `${name}-${scheme}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist}/index.html missing: run trunk build first`);
  for (const sample of [SQL_JOINS, K8S]) {
    assert.ok(existsSync(sample.file), `${sample.file} missing: run scripts/build-samples.sh before trunk build`);
  }
  work = mkdtempSync(join(tmpdir(), 'stepwise-files-'));
  const bytes = readFileSync(SQL_JOINS.file);
  writeFileSync(join(work, 'sql-joins-damaged.db'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  writeFileSync(join(work, 'notes.txt'), 'These are my notes, not a database.\n');
  execFileSync('sqlite3', [join(work, 'shop.sqlite'),
    'CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);'
    + "INSERT INTO customers(name) VALUES ('Ada'),('Grace'),('Linus');"
    + 'CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER);'
    + 'CREATE VIEW names AS SELECT name FROM customers;']);
  // About 40 MB: big enough for several progress events (the worker reports every MiB).
  execFileSync('sqlite3', [join(work, 'big.sqlite'),
    'CREATE TABLE blobs(b BLOB);'
    + 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 40) '
    + 'INSERT INTO blobs SELECT randomblob(1000000) FROM n;']);
  server = await serve(dist, 0, { files: served });
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(profile);
  page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  await page.goto(server.url);
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an empty library says so and shows the storage in use', async () => {
  await libraryReady();
  assert.match(await page.textContent('p.empty'), /Nothing is stored/);
  await page.waitForFunction(() => /^Using .+ of .+$/.test(document.querySelector('.usage')?.textContent ?? ''), null, WAIT);
  assert.equal(await page.locator('.banner').count(), 0, 'no memory-only banner on a secure origin with OPFS');
});

test('a workshop added with the file picker is listed with title, version, steps and size', async () => {
  await page.setInputFiles('#add-file', SQL_JOINS.file);
  await cardCount(1);
  const facts = await card(SQL_JOINS.title).locator('.card-facts').textContent();
  assert.match(facts, /Version 1\.0\.0/);
  assert.match(facts, new RegExp(`${SQL_JOINS.steps} steps`));
  assert.match(facts, /\d+ KB/);
  assert.match(facts, /Not opened yet/);
  assert.match(await card(SQL_JOINS.title).textContent(), /0 of 8 steps done/);
  assert.match(await page.textContent('.report'), /Added “SQL joins in eight steps” from sql-joins\.db/);
});

test('the library is still there after a reload (kept in OPFS)', async () => {
  await page.reload();
  await libraryReady();
  await cardCount(1);
  assert.equal(await card(SQL_JOINS.title).count(), 1);
});

test('opening a workshop shows its steps at an address of its own; reload and back work', async () => {
  await page.getByRole('link', { name: `Open ${SQL_JOINS.title}` }).click();
  await page.waitForSelector('article.opened[data-kind="workshop"]', WAIT);
  assert.match(page.url(), /#\/w\/[^/]+\/s\/welcome$/, "the player shows the learner's step at its own address");
  assert.equal((await page.textContent('article.opened h1')).trim(), SQL_JOINS.title);
  assert.equal(await page.locator('ol.steps > li').count(), SQL_JOINS.steps);
  assert.match(await page.textContent('ol.steps > li:first-child'), /Welcome and the data/);
  assert.match(await page.title(), /SQL joins in eight steps/);
  const address = page.url();
  await page.reload();
  await page.waitForSelector('article.opened[data-kind="workshop"]', WAIT);
  assert.equal(page.url(), address);
  await shot('workshop');
  await shot('workshop', 'dark');
  await page.goBack();
  await libraryReady();
  assert.equal(new URL(page.url()).hash.replace(/^#\/?$/, ''), '', 'back at the library');
  assert.match(await card(SQL_JOINS.title).locator('.card-facts').textContent(), /Last opened just now/);
});

test('the same workshop again asks what to do; keep both gives two entries', async () => {
  await page.setInputFiles('#add-file', SQL_JOINS.file);
  const dialog = await page.waitForSelector('dialog[open]', WAIT);
  assert.match(await dialog.textContent(), /“SQL joins in eight steps” is already in your library/);
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, 'Replace, keep my progress', 'the dialog takes the focus');
  await shot('duplicate-dialog');
  await shot('duplicate-dialog', 'dark');
  await page.getByRole('button', { name: 'Keep both' }).click();
  await cardCount(2);
  assert.equal(await page.locator('dialog[open]').count(), 0);
  assert.equal(await card(SQL_JOINS.title).count(), 2);
});

test('Escape on the duplicate question cancels the import', async () => {
  await page.setInputFiles('#add-file', SQL_JOINS.file);
  await page.waitForSelector('dialog[open]', WAIT);
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  await idle();
  await cardCount(2);
});

test('removing asks first; Keep it keeps, Remove removes', async () => {
  const remove = page.getByRole('button', { name: `Remove ${SQL_JOINS.title}` }).first();
  await remove.click();
  await page.waitForSelector('dialog[open] >> text=Remove “SQL joins in eight steps”?', WAIT);
  await page.getByRole('button', { name: 'Keep it' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  await cardCount(2);
  await remove.click();
  await page.waitForSelector('dialog[open]', WAIT);
  await page.locator('dialog[open]').getByRole('button', { name: 'Remove', exact: true }).click();
  await cardCount(1);
});

test('a download saves the .db under its file name', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name: 'Download sql-joins.db' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'sql-joins.db');
  const saved = join(work, 'downloaded.db');
  await download.saveAs(saved);
  assert.equal(readFileSync(saved).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
});

test('a damaged file and a file that is no database are refused, naming the file; nothing changes', async () => {
  const before = await cards().allTextContents();
  await page.setInputFiles('#add-file', join(work, 'sql-joins-damaged.db'));
  await page.waitForSelector('.alert >> text=sql-joins-damaged.db', WAIT);
  await page.setInputFiles('#add-file', join(work, 'notes.txt'));
  await page.waitForSelector('.alert >> text=notes.txt', WAIT);
  await idle();
  assert.equal(await page.getAttribute('.alerts', 'role'), 'alert');
  for (const text of await page.locator('.alert .alert-message').allTextContents()) {
    assert.ok(text.length > 30, `a sentence, not a code: ${text}`);
  }
  assert.deepEqual(await cards().allTextContents(), before);
  await shot('refused');
  await shot('refused', 'dark');
  await dismissAll();
});

test('a plain SQLite file is stored too and opens with its tables and row counts', async () => {
  await page.setInputFiles('#add-file', join(work, 'shop.sqlite'));
  await page.waitForSelector('li.card[data-kind="playground"]', WAIT);
  await cardCount(2);
  await page.locator('li.card[data-kind="playground"] .card-title a').click();
  await page.waitForSelector('article.opened[data-kind="playground"]', WAIT);
  const rows = await page.$$eval('table.tables tbody tr', (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, ' ').trim()));
  assert.ok(rows.includes('customers 3'), rows.join(' | '));
  assert.ok(rows.includes('orders 0'), rows.join(' | '));
  assert.ok(rows.includes('names —'), rows.join(' | '));
  assert.match(await page.textContent('article.opened .summary'), /Browse its tables and views and run SQL on it in the playground/);
  assert.equal(await page.getByRole('link', { name: 'Browse and query it' }).count(), 1);
  await shot('playground');
  await page.goBack();
  await libraryReady();
});

test('a large file shows a progress bar while it is copied, and the page stays responsive', async () => {
  await page.evaluate(() => {
    // Record every progress bar the page shows, and the longest pause of the page's main thread.
    const seen = (window.__progress = { bars: [], longestPause: 0 });
    let last = performance.now();
    seen.timer = setInterval(() => {
      const now = performance.now();
      seen.longestPause = Math.max(seen.longestPause, now - last);
      last = now;
    }, 20);
    seen.observer = new MutationObserver(() => {
      for (const job of document.querySelectorAll('.imports .job')) {
        const bar = job.querySelector('progress');
        seen.bars.push({ text: job.textContent, max: bar?.getAttribute('max'), value: bar?.getAttribute('value') });
      }
    });
    seen.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.setInputFiles('#add-file', join(work, 'big.sqlite'));
  await page.waitForSelector('li.card >> text=big.sqlite', WAIT);
  await idle();
  const seen = await page.evaluate(() => {
    clearInterval(window.__progress.timer);
    window.__progress.observer.disconnect();
    return window.__progress;
  });
  const measured = seen.bars.filter((b) => b.max && Number(b.max) > 30_000_000);
  assert.ok(measured.length >= 2, `a progress bar with the file's size, updated: ${JSON.stringify(seen.bars.slice(0, 5))}`);
  assert.ok(measured.some((b) => /big\.sqlite — .+ — [\d.]+ MB of [\d.]+ MB/.test(b.text)), measured.map((b) => b.text).join(' | '));
  assert.ok(seen.longestPause < 1000, `the page's main thread paused for ${seen.longestPause} ms`);
  await cardCount(3);
  await page.getByRole('button', { name: 'Remove big.sqlite' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Remove', exact: true }).click();
  await cardCount(2);
});

test('?src= with a same-origin address imports it and leaves the address clean', async () => {
  await page.goto(`${server.url}?src=samples/k8s-first-deploy.db`);
  await libraryReady();
  await page.waitForSelector(`li.card >> text=${K8S.title}`, WAIT);
  await idle();
  await cardCount(3);
  assert.doesNotMatch(page.url(), /src=/);
  assert.match(await card(K8S.title).locator('.card-facts').textContent(), new RegExp(`${K8S.steps} steps`));
});

test('?src= to an address that answers 404 says so, naming the file', async () => {
  await page.goto(`${server.url}?src=samples/missing-workshop.db`);
  await libraryReady();
  const alert = page.locator('.alert', { hasText: 'missing-workshop.db' });
  await alert.waitFor(WAIT);
  assert.match(await alert.textContent(), /404/);
  await idle();
  await cardCount(3);
  await dismissAll();
});

test('?src= to a gzipped copy unpacks it, however the server sends it; a broken one is refused', async () => {
  const db = readFileSync(SQL_JOINS.file);
  const gz = gzipSync(db, { level: 9 });
  // As static hosts serve a .gz file; as Apache's `AddEncoding` does (the browser unpacks it);
  // and compressed once more on the way (the worker unpacks what the browser leaves).
  served['packed/plain.db.gz'] = gz;
  served['packed/encoded.db.gz'] = { body: gz, headers: { 'content-encoding': 'gzip' } };
  served['packed/twice.db.gz'] = { body: gzipSync(gz), headers: { 'content-encoding': 'gzip' } };
  served['packed/broken.db.gz'] = gz.subarray(0, Math.floor(gz.length / 2));
  const count = await cards().count();
  for (const name of ['plain', 'encoded', 'twice']) {
    await page.goto(`${server.url}?src=packed/${name}.db.gz`);
    await libraryReady();
    // The file was read as the workshop it holds: already in the library, so the question.
    const dialog = await page.waitForSelector('dialog[open]', WAIT);
    assert.match(await dialog.textContent(), /“SQL joins in eight steps” is already in your library/, name);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
    await idle();
  }
  await page.goto(`${server.url}?src=packed/broken.db.gz`);
  await libraryReady();
  const alert = page.locator('.alert', { hasText: 'broken.db.gz' });
  await alert.waitFor(WAIT);
  assert.match(await alert.textContent(), /not a whole gzip file/);
  await idle();
  await cardCount(count);
  await dismissAll();
});

test('?src= to another site that does not allow it (CORS) explains what to do', async () => {
  const elsewhere = await serve(dist); // another port: another origin, and no CORS headers
  try {
    const url = `${elsewhere.url}samples/sql-joins.db`;
    await page.goto(`${server.url}?src=${encodeURIComponent(url)}`);
    await libraryReady();
    const alert = page.locator('.alert', { hasText: 'sql-joins.db' });
    await alert.waitFor(WAIT);
    const text = await alert.textContent();
    assert.match(text, /CORS/);
    assert.equal(text.split('CORS').length - 1, 1, `explained once: ${text}`);
    await shot('cors');
    await idle();
    await cardCount(3);
    await dismissAll();
  } finally {
    await elsewhere.close();
  }
});

test('dropping a file on the page adds it (here: the same workshop, replaced keeping progress)', async () => {
  await page.evaluate(async () => {
    const bytes = await (await fetch('samples/sql-joins.db')).blob();
    window.__transfer = new DataTransfer();
    window.__transfer.items.add(new File([bytes], 'sql-joins.db', { type: 'application/vnd.sqlite3' }));
    for (const type of ['dragenter', 'dragover']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: window.__transfer, bubbles: true, cancelable: true }));
    }
  });
  await page.waitForSelector('.drop-overlay.visible', WAIT);
  await shot('drop-overlay');
  await page.evaluate(() => {
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: window.__transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('dialog[open]', WAIT);
  await page.getByRole('button', { name: 'Replace, keep my progress' }).click();
  await page.waitForSelector('.report >> text=Replaced', WAIT);
  await idle();
  await cardCount(3);
  assert.equal(await card(SQL_JOINS.title).count(), 1, 'the replaced copy is gone');
  assert.equal(await page.locator('.drop-overlay.visible').count(), 0, 'the overlay is gone after the drop');
});

test('two files dropped at once that are both stored already: asked one after the other', async () => {
  await page.evaluate(async () => {
    const transfer = new DataTransfer();
    for (const name of ['sql-joins.db', 'k8s-first-deploy.db']) {
      const bytes = await (await fetch(`samples/${name}`)).blob();
      transfer.items.add(new File([bytes], name));
    }
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  const titles = [];
  for (let i = 0; i < 2; i++) {
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor(WAIT);
    titles.push(await dialog.locator('h2').textContent());
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction((seen) => {
      const h2 = document.querySelector('dialog[open] h2');
      return !h2 || !seen.includes(h2.textContent);
    }, titles, WAIT);
  }
  assert.deepEqual(titles.sort(), [SQL_JOINS.title, K8S.title].map((t) => `“${t}” is already in your library`));
  await idle();
  await cardCount(3);
});

test('keyboard: every control is named, reachable with Tab, and shows its focus', async () => {
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, a[href]')]
    .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || el.labels?.length))
    .map((el) => el.outerHTML));
  assert.deepEqual(unnamed, [], 'controls without a name');
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { what: `${el.tagName} ${el.textContent.trim().slice(0, 30)}`, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    }));
  }
  for (const s of seen) assert.ok(s.outline !== 'none' && s.width >= 2, `visible focus on ${s.what}: ${s.outline} ${s.width}px`);
  const names = seen.map((s) => s.what).join(' | ');
  for (const control of ['BUTTON Choose a file', 'INPUT', 'BUTTON Add from address', 'BUTTON Add sql-joins', 'A Open']) {
    assert.ok(names.includes(control), `${control} is reached by Tab: ${names}`);
  }
});

test('screenshots of the library, light and dark', async () => {
  await page.evaluate(() => document.activeElement?.blur());
  await shot('library');
  await shot('library', 'dark');
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(background, 'rgb(253, 253, 252)', 'dark mode changes the background');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a second tab is told that Stepwise is open in another tab', async () => {
  const second = await context.newPage();
  try {
    await second.goto(server.url);
    await second.waitForSelector('[data-page="other-tab"]', WAIT);
    assert.match(await second.textContent('h1'), /open in another tab/);
    await second.screenshot({ path: join(shots, 'other-tab-light.png'), fullPage: true });
  } finally {
    await second.close();
  }
  // The first tab still works.
  await page.getByRole('link', { name: `Open ${K8S.title}` }).click();
  await page.waitForSelector('article.opened[data-kind="workshop"]', WAIT);
  await page.goBack();
});

test('without OPFS (an insecure origin) a banner says progress will not be kept; file and sample imports still work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-e2e-insecure-'));
  const port = new URL(server.url).port;
  const insecure = await launch(dir, ['--host-resolver-rules=MAP stepwise.test 127.0.0.1']);
  try {
    const p = insecure.pages()[0] ?? (await insecure.newPage());
    watch(p);
    await p.goto(`http://stepwise.test:${port}/`);
    assert.equal(await p.evaluate(() => window.isSecureContext), false);
    const banner = await p.waitForSelector('.banner[data-storage="memory"]', WAIT);
    assert.match(await banner.textContent(),
      /This browser will not keep your progress — download your workshops before closing the tab\./);
    assert.ok((await p.textContent('.banner-reason')).trim().length > 0, 'the reason is given');
    assert.match(await p.textContent('.lede'), /stay in this tab until it closes/);
    await p.setInputFiles('#add-file', K8S.file);
    await p.waitForSelector(`li.card >> text=${K8S.title}`, WAIT);
    // "Try the sample": the app fetches its own sample by URL.
    await p.getByRole('button', { name: 'Add sql-joins (a sample workshop)' }).click();
    await p.waitForSelector(`li.card >> text=${SQL_JOINS.title}`, WAIT);
    assert.equal(await p.locator('ul.library > li.card').count(), 2);
    mkdirSync(shots, { recursive: true });
    await p.screenshot({ path: join(shots, 'memory-banner-light.png'), fullPage: true });
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.screenshot({ path: join(shots, 'memory-banner-dark.png'), fullPage: true });
  } finally {
    await insecure.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The worker's wasm, whichever copy its loader asks for. */
const WORKER_WASM = /^worker_bg\.wasm(\.xz|\.gz)?$/;

/** Serves dist/, holding back the files of dist/ whose names `held` matches until `release()`
 *  (at least one must match); every path asked for goes to `log`. */
async function holding(log, held) {
  let release;
  const released = new Promise((ok) => { release = ok; });
  const files = {};
  for (const file of readdirSync(dist).filter((f) => held.test(f))) {
    files[file] = { body: readFileSync(join(dist, file)), until: released };
  }
  assert.ok(Object.keys(files).length > 0, `dist/ has no file matching ${held}`);
  return { server: await serve(dist, 0, { files, log }), release };
}

/** `body` on the first page, watched, of a browser with a fresh profile (a temporary folder
 *  named from `prefix`); then `release()`, and the browser, `server` and profile go. */
async function inFreshBrowser(prefix, server, release, body) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const browser = await launch(dir);
  try {
    const p = browser.pages()[0] ?? (await browser.newPage());
    watch(p);
    await body(p);
  } finally {
    release();
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the sample index is asked for as soon as the html is read, beside the wasm, and listed from that answer', async () => {
  // The page's wasm is held back by the server until the index has been asked for: the page's
  // first inline script asked, not its wasm.
  const log = requestLog();
  const { server: own, release } = await holding(log, /^app-[0-9a-f]+_bg\.wasm(\.xz|\.gz)?$/);
  await inFreshBrowser('stepwise-index-', own, release, async (p) => {
    await p.goto(own.url);
    await log.until((path) => path === 'samples/index.json');
    assert.equal(await p.locator('button.sample-add').count(), 0, 'the page\'s wasm has not run yet');
    release();
    await p.locator('button.sample-add[data-sample="sql-joins"]').waitFor(WAIT);
    assert.deepEqual(log.filter((path) => path === 'samples/index.json'), ['samples/index.json'], 'asked for once');
  });
});

test('a sample added before the database worker has started is fetched meanwhile, once, and stored when it starts', async () => {
  // The worker's wasm is held back by the server until the sample's download has been seen.
  const log = [];
  const { server: own, release } = await holding(log, WORKER_WASM);
  await inFreshBrowser('stepwise-early-', own, release, async (p) => {
    await p.goto(own.url);
    const fetched = p.waitForRequest(/samples\/sql-joins\.db(\.gz)?$/, WAIT);
    await p.locator('button.sample-add[data-sample="sql-joins"]').click(WAIT);
    await fetched;
    assert.notEqual(await p.locator('.worker-status').getAttribute('data-state'), 'ready');
    // The page counts the bytes as they arrive, against the size the host gave, then says what
    // it waits for.
    const size = statSync(join(dist, 'samples', 'sql-joins.db.gz')).size;
    const kb = `${Math.round(size / 1000)} KB`;
    const job = p.locator('.imports .job', { hasText: 'sql-joins.db.gz — Downloaded; waiting for the database worker' });
    await job.locator('.job-amount', { hasText: `${kb} of ${kb}` }).waitFor(WAIT);
    assert.equal(await job.locator('progress').getAttribute('value'), String(size));
    release();
    const open = p.getByRole('link', { name: /^Open SQL joins/ }).first();
    await open.waitFor(WAIT);
    await open.click();
    await p.waitForSelector('article.opened', WAIT);
    const downloads = log.filter((path) => /samples\/sql-joins\.db(\.gz)?$/.test(path));
    assert.equal(downloads.length, 1, `the sample was downloaded once: ${downloads.join(', ')}`);
  });
});

test('an address that fails before the database worker has started: this site\'s is reported at once, another\'s by the worker, each asked for once', async () => {
  // The worker's wasm is held back: the page downloads an address of its own site given
  // meanwhile, and reports a failure itself; another site's (which the page's CSP does not let
  // it fetch) waits for the worker.
  const log = [];
  const { server: own, release } = await holding(log, WORKER_WASM);
  const elsewhereLog = [];
  const elsewhere = await serve(dist, 0, { log: elsewhereLog }); // another origin, no CORS headers
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-early-fail-'));
  const early = await launch(dir);
  try {
    const p = early.pages()[0] ?? (await early.newPage());
    watch(p);
    await p.goto(own.url);
    const add = async (src) => {
      await p.fill('#add-url', src);
      await p.getByRole('button', { name: 'Add from address' }).click();
    };
    await add(`${own.url}samples/missing-workshop.db`);
    await p.locator('.alert', { hasText: /could not download missing-workshop\.db: the server answered 404 Not Found\. The address may be wrong/ }).waitFor(WAIT);
    assert.notEqual(await p.locator('.worker-status').getAttribute('data-state'), 'ready', 'said before the worker started');
    assert.deepEqual(log.filter((q) => q.includes('missing-workshop')), ['samples/missing-workshop.db'], 'asked for once');

    await add(`${elsewhere.url}samples/sql-joins.db`);
    await p.locator('.imports .job', { hasText: 'sql-joins.db' }).waitFor(WAIT);
    assert.deepEqual(elsewhereLog, [], 'not tried by the page');
    release();
    const alert = p.locator('.alert', { hasText: /could not download sql-joins\.db from .*CORS/ });
    await alert.waitFor(WAIT);
    const text = await alert.textContent();
    assert.equal(text.split('CORS').length - 1, 1, `explained once: ${text}`);
    assert.deepEqual(elsewhereLog, ['samples/sql-joins.db'], 'asked for once, by the worker');
  } finally {
    release();
    await early.close();
    await own.close();
    await elsewhere.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no unexpected console errors, failed requests or CSP violations', () => {
  assert.deepEqual(problems, []);
});
