// The database worker in two parts (docs/ARCHITECTURE.md, "The page and the worker in two
// parts"): a first visit that adds, opens and plays the samples never runs worker_rest_bg.wasm;
// once the page is idle the rest comes in the background (its gzipped copy, once), and the first
// author's tool runs at once; a stub called before it came loads the rest itself, once, and it
// works; a host without it gets a clear failure. Service workers are blocked, so every request
// reaches the test server and its log. (With a service worker, the background copy comes from
// its cache; offline, so does the rest: offline.test.mjs.)
//
//   node --test tests/e2e/split.test.mjs        # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { requestLog, serve } from './server.mjs';
import { freshPage, typeSql } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
const REST = 'worker_rest_bg.wasm';
const PACKED_REST = `${REST}.xz`;
const TITLE = 'SQL joins in eight steps';

async function launch(t) {
  // Uncaught errors: with service workers blocked, registering one gives nothing, and the page
  // must take that quietly.
  const { page, errors } = await freshPage(t, chromium, 'stepwise-split-', { viewport: { width: 1100, height: 800 }, serviceWorkers: 'block', acceptDownloads: true });
  // What the worker's loader says: a stub that loaded the rest (`loads`), the rest loaded in
  // the background (`background`).
  const loads = [];
  const background = [];
  let loadedInBackground;
  const inBackground = new Promise((resolve) => { loadedInBackground = resolve; });
  page.on('worker', (worker) => worker.on('console', (m) => {
    if (/loading the rest/.test(m.text())) loads.push(m.text());
    if (/rest of the database worker is loaded \(in the background\)/.test(m.text())) {
      background.push(m.text());
      loadedInBackground();
    }
  }));
  return { page, loads, background, inBackground, errors };
}

/** Options for `serve` that hold the packed rest back until `release()`: the page's request
 *  for it in the background does not finish, so a stub called meanwhile loads the rest itself. */
function holdingPackedRest() {
  let release;
  const until = new Promise((resolve) => { release = resolve; });
  const body = readFileSync(join(dist, PACKED_REST));
  return { files: { [PACKED_REST]: { body, until } }, release };
}

/** Adds the sql-joins sample from the library's sample list and opens it. */
async function addAndOpen(page, url) {
  await page.goto(url);
  await page.locator('button.sample-add[data-sample="sql-joins"]').click();
  await page.getByRole('link', { name: `Open ${TITLE}` }).first().click();
  await page.waitForSelector('article.opened', WAIT);
}

/** A server that logs every request, a browser on it, the sql-joins sample added and opened,
 *  its editor ready. */
async function playing(t, options = {}) {
  const log = requestLog();
  const server = await serve(dist, 0, { log, ...options });
  t.after(() => server.close());
  const launched = await launch(t);
  await addAndOpen(launched.page, server.url);
  await launched.page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  return { server, log, ...launched };
}

const exportButton = (page) => page.getByRole('button', { name: 'Export as YAML/CSV (.zip)' });

test('adding, opening and playing the samples never runs the rest; an export before it came in the background loads it once', async (t) => {
  assert.ok(existsSync(join(dist, REST)), `${dist}/${REST} missing: run trunk build first`);
  // A learner's whole first session: the step's text, its workspace (built from the step's
  // project: YAML and CSV), a query, a failed and a passed check, the next step. The page asks
  // for the rest in the background once it is idle; held back here, so that any function of
  // the rest this session ran would load it through its stub, which the worker's console says.
  const held = holdingPackedRest();
  t.after(held.release);
  const { server, page, loads, log, errors } = await playing(t, held);
  await typeSql(page, 'SELECT count(*) FROM customers');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForSelector('.sql-box .sql-result table', WAIT);
  const answer = page.locator('section.check[data-check="deleted-product-order"]');
  await answer.getByLabel('Your answer').fill('104');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.fail', WAIT);
  await answer.getByLabel('Your answer').fill('105');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.pass', WAIT);
  // The other sample, added by the file picker: a step's Kubernetes manifests (YAML) and files
  // (a tar in the workshop), and an answer check.
  await page.goto(server.url);
  await page.setInputFiles('#add-file', join(dist, 'samples', 'k8s-first-deploy.db'));
  await page.getByRole('link', { name: 'Open Your first deployment' }).first().click();
  await page.waitForSelector('article.opened', WAIT);
  await page.locator('details.artifacts > summary').click();
  await page.waitForSelector('details.artifacts .artifact-manifests pre code', WAIT);
  await page.locator('.file-list .file-link').first().click();
  const known = page.locator('section.check[data-check="pod-not-recreated"]');
  await known.getByLabel('Your answer').fill('no');
  await known.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="pod-not-recreated"] .result.pass', WAIT);
  assert.ok(log.some((p) => p.endsWith('worker_bg.wasm.xz')), 'the first part was fetched');
  // The worker's console names the slot of the function that asked (target/split/worker-slots.txt).
  assert.deepEqual(loads, [], 'no stub asked for the rest');
  assert.deepEqual(log.filter((p) => p === REST), [], 'the rest was not fetched');
  // Once the worker has been quiet for a second (the background work waits for the learner's).
  await log.until((p) => p === PACKED_REST);
  assert.ok(log.includes(PACKED_REST), 'the page asked for the rest in the background');

  // An author's tool before the background copy came: the text form comes from the rest,
  // fetched now by the stub, and is a workshop zip.
  await page.goto(server.url);
  await page.getByRole('link', { name: `Open ${TITLE}` }).first().click();
  await page.waitForSelector('article.opened', WAIT);
  const [file] = await Promise.all([page.waitForEvent('download', WAIT), exportButton(page).click()]);
  assert.equal(file.suggestedFilename(), 'sql-joins-1.0.0.zip');
  const saved = join(mkdtempSync(join(tmpdir(), 'stepwise-split-zip-')), file.suggestedFilename());
  await file.saveAs(saved);
  const names = execFileSync('unzip', ['-Z1', saved], { encoding: 'utf8' }).split('\n');
  assert.ok(names.includes('workshop.yaml'), `a workshop's text form: ${names.slice(0, 5).join(', ')}`);
  assert.deepEqual(log.filter((p) => p === REST), [REST], 'the rest was fetched once');
  assert.equal(loads.length, 1);

  // Loaded once: a second export does not fetch it again, nor does the background copy, when
  // it comes, load it a second time.
  const [again] = await Promise.all([page.waitForEvent('download', WAIT), exportButton(page).click()]);
  assert.equal(again.suggestedFilename(), 'sql-joins-1.0.0.zip');
  held.release();
  const [third] = await Promise.all([page.waitForEvent('download', WAIT), exportButton(page).click()]);
  assert.equal(third.suggestedFilename(), 'sql-joins-1.0.0.zip');
  assert.equal(log.filter((p) => p === REST).length, 1);
  assert.equal(loads.length, 1);
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test('the rest comes in the background once the page is idle, packed and once: the first export runs it at once', async (t) => {
  const { page, loads, background, inBackground, log, errors } = await playing(t);
  await inBackground;
  const [file] = await Promise.all([page.waitForEvent('download', WAIT), exportButton(page).click()]);
  assert.equal(file.suggestedFilename(), 'sql-joins-1.0.0.zip');
  assert.equal(background.length, 1);
  assert.deepEqual(loads, [], 'no stub had to load it');
  assert.deepEqual(log.filter((p) => p.includes(REST)), [PACKED_REST], 'only the packed copy, once');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test('SQL the first part leaves out (dates, window functions, ALTER TABLE, ANALYZE) loads the rest once and answers as SQLite does', async (t) => {
  const held = holdingPackedRest();
  t.after(held.release);
  const { page, loads, log, errors } = await playing(t, held);
  await typeSql(page, [
    'CREATE TABLE split_t(a);',
    'ALTER TABLE split_t RENAME TO split_u;',
    'ALTER TABLE split_u ADD COLUMN b;',
    'ANALYZE;',
    "SELECT date('2024-02-28', '+1 day') AS d, strftime('%Y', '2024-05-06') AS y,",
    '  (SELECT group_concat(r) FROM (SELECT row_number() OVER (ORDER BY x DESC) AS r FROM (SELECT 1 AS x UNION ALL SELECT 2))) AS w,',
    "  (SELECT group_concat(name) FROM pragma_table_info('split_u')) AS c",
  ].join(' '));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForSelector('.sql-box .sql-result table', WAIT);
  const cells = await page.locator('.sql-box .sql-result table tbody td').allTextContents();
  assert.deepEqual(cells, ['2024-02-29', '2024', '1,2', 'a,b']);
  assert.equal(loads.length, 1, 'one stub asked for the rest');
  assert.deepEqual(log.filter((p) => p === REST), [REST], 'the rest was fetched once');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test("the SQL playground loads the rest once: a workspace's tables, then the workshop file's own, a table browsed, a query", async (t) => {
  const log = [];
  const held = holdingPackedRest();
  t.after(held.release);
  const server = await serve(dist, 0, { log, files: held.files });
  t.after(() => server.close());
  const { page, loads, errors } = await launch(t);
  await addAndOpen(page, server.url);
  assert.deepEqual(loads, [], 'adding and opening the sample did not ask for the rest');
  // The playground opens on the learner's workspace; its tables come from the rest.
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  await page.getByLabel("The workshop file's own tables").check();
  await page.waitForSelector('.pg-tables li[data-table="step"]', WAIT);
  await page.click('.pg-tables li[data-table="step"] button.linkish');
  await page.waitForSelector('.pg-range', WAIT);
  const steps = execFileSync('sqlite3', [join(dist, 'samples', 'sql-joins.db'), 'SELECT count(*) FROM step']).toString().trim();
  assert.equal((await page.textContent('.pg-range')).trim(), `rows 1–${steps} of ${steps}`);
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  await typeSql(page, 'SELECT count(*) AS n FROM step', '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  await page.waitForSelector('.query-result tbody tr:only-child td', WAIT);
  assert.equal((await page.textContent('.query-result tbody tr:only-child td')).trim(), steps);
  assert.equal(loads.length, 1, 'one stub asked for the rest');
  assert.deepEqual(log.filter((p) => p === REST), [REST], 'the rest was fetched once');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test('a host without the rest: playing works, and an export says which file did not load', async (t) => {
  const server = await serve(dist, 0, { missing: (path) => path.includes(REST) });
  t.after(() => server.close());
  const { page } = await launch(t);

  await addAndOpen(page, server.url);
  await page.waitForSelector('section.check[data-check="deleted-product-order"]', WAIT);
  await exportButton(page).click();
  await page.waitForSelector('.worker-status[data-state="failed"]', WAIT);
  const status = await page.textContent('.worker-status');
  assert.match(status, /part of the database worker \(worker_rest_bg\.wasm\) did not load: HTTP 404/);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'split-rest-missing.png'), fullPage: true });
});

/** The sections of a wasm module: `{ id, name }` (name for custom sections). */
function sections(bytes) {
  const leb = (at) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return [value, at];
  };
  const out = [];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, start] = leb(at + 1);
    let name = null;
    if (id === 0) {
      const [length, from] = leb(start);
      name = bytes.subarray(from, from + length).toString('utf8');
    }
    out.push({ id, name });
    at = start + size;
  }
  return out;
}

test('both parts of the worker and of the page leave out function names, and each rest brings no data of its own', () => {
  const page = readdirSync(dist).find((f) => /^app-.*_rest_bg\.wasm$/.test(f));
  assert.ok(page, `${dist} has no app-…_rest_bg.wasm: run trunk build first`);
  for (const [first, rest] of [['worker_bg.wasm', REST], [page.replace('_rest_bg.wasm', '_bg.wasm'), page]]) {
    for (const file of [first, rest]) {
      const custom = sections(readFileSync(join(dist, file))).filter((s) => s.id === 0).map((s) => s.name);
      assert.deepEqual(custom.filter((n) => n === 'name' || n === 'producers'), [], `${file}: ${custom}`);
    }
    // The rest is instantiated against the first part's memory, which is in use by then: a data
    // segment of its own would overwrite it.
    const bytes = readFileSync(join(dist, rest));
    assert.deepEqual(sections(bytes).filter((s) => s.id === 11), [], `${rest}: no data section`);
    const module = new WebAssembly.Module(bytes);
    const imports = WebAssembly.Module.imports(module);
    assert.ok(imports.every((i) => i.module === '__stepwise_primary'), `${rest}: everything it uses comes from the first part`);
    assert.ok(imports.some((i) => i.kind === 'memory'));
    assert.deepEqual(WebAssembly.Module.exports(module), [], `${rest} exports nothing: it fills the split table`);
  }
});
