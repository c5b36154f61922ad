// The page's wasm in two parts (docs/ARCHITECTURE.md, "The page and the worker in two parts"): a
// first visit that adds, opens and plays a sample never runs app-…_rest_bg.wasm; once the library
// is idle the page fetches and compiles it (packed), and the SQL playground runs it from there;
// a playground opened straight from its address waits for it; without the packed copies a moved
// function loads the plain file synchronously; a host without it gets a note naming the file.
// Service workers are blocked, so every request reaches the test server and its log. (The
// worker's own split, and what the parts of both hold: split.test.mjs; offline, the rest comes
// from the service worker's cache: offline.test.mjs.)
//
//   node --test tests/e2e/split-page.test.mjs   # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { freshPage, typeSql } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
const TITLE = 'SQL joins in eight steps';
/** The page's rest, by the name the build gave it (app-<hash>_rest_bg.wasm). */
const REST = readdirSync(dist).find((f) => /^app-.*_rest_bg\.wasm$/.test(f));

async function launch(t) {
  const { page, errors } = await freshPage(t, chromium, 'stepwise-split-page-', { viewport: { width: 1100, height: 800 }, serviceWorkers: 'block' });
  // The page's loader names the slot of the first moved function called
  // (target/split/page-slots.txt).
  const loads = [];
  page.on('console', (m) => {
    if (/loading the rest of the page/.test(m.text())) loads.push(m.text());
  });
  return { page, loads, errors };
}

/** Requests of the page's rest in the server's log: the packed copies and the plain file. */
const restRequests = (log) => ({
  packed: log.filter((p) => p.endsWith(`${REST}.xz`) || p.endsWith(`${REST}.gz`)).length,
  plain: log.filter((p) => p.endsWith(REST)).length,
});

async function addAndOpen(page, url) {
  await page.goto(url);
  await page.locator('button.sample-add[data-sample="sql-joins"]').click();
  await page.getByRole('link', { name: `Open ${TITLE}` }).first().click();
  await page.waitForSelector('article.opened', WAIT);
}

test('a first visit never runs the page\'s rest; it is compiled once the library is idle, and the playground runs it', async (t) => {
  assert.ok(REST, `${dist} has no app-…_rest_bg.wasm: run trunk build first`);
  const log = [];
  const server = await serve(dist, 0, { log });
  t.after(() => server.close());
  const { page, loads, errors } = await launch(t);
  await addAndOpen(page, server.url);
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  await typeSql(page, 'SELECT count(*) FROM customers');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForSelector('.sql-box .sql-result table', WAIT);
  const answer = page.locator('section.check[data-check="deleted-product-order"]');
  await answer.getByLabel('Your answer').fill('105');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.pass', WAIT);
  assert.deepEqual(loads, [], 'nothing a learner did ran a moved function');

  // Fetched packed and compiled in the background, once the library was idle.
  await page.waitForSelector('html[data-page-rest="compiled"]', WAIT);
  assert.deepEqual(restRequests(log), { packed: 1, plain: 0 });

  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  await typeSql(page, 'SELECT count(*) AS n FROM customers', '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  await page.waitForSelector('.query-result tbody tr:only-child td', WAIT);
  assert.equal(loads.length, 1, 'the first moved function called loaded the rest');
  assert.equal(await page.getAttribute('html', 'data-page-rest'), 'loaded');
  assert.deepEqual(restRequests(log), { packed: 1, plain: 0 }, 'from what was compiled: no second download');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

/** Adds and opens the sample, then opens its playground's address in a new page (a reload): the
 *  log and the loads from then on. */
async function playgroundFromAddress(page, url, log, loads) {
  await addAndOpen(page, url);
  const id = /#\/w\/([^/]+)/.exec(page.url())?.[1];
  assert.ok(id, `an opened workshop's address: ${page.url()}`);
  await page.goto('about:blank');
  log.length = 0;
  loads.length = 0;
  await page.goto(`${url}#/p/${id}`);
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  await typeSql(page, 'SELECT count(*) AS n FROM orders', '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  await page.waitForSelector('.query-result tbody tr:only-child td', WAIT);
  assert.equal(await page.getAttribute('html', 'data-page-rest'), 'loaded');
}

test('a playground opened from its address waits for the rest, fetched packed there and then', async (t) => {
  const log = [];
  const server = await serve(dist, 0, { log });
  t.after(() => server.close());
  const { page, loads, errors } = await launch(t);
  await playgroundFromAddress(page, server.url, log, loads);
  assert.deepEqual(loads, ['Stepwise: loading the rest of the page (for the screen shown)']);
  assert.deepEqual(restRequests(log), { packed: 1, plain: 0 });
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test('without the packed copies, a moved function loads the plain rest synchronously', async (t) => {
  // The copy fails to load, so nothing is compiled ahead: the playground's first moved function
  // fetches the plain file itself, in the middle of its call.
  const log = [];
  const packed = (path) => path.endsWith(`${REST}.gz`) || path.endsWith(`${REST}.xz`);
  const server = await serve(dist, 0, { log, missing: packed });
  t.after(() => server.close());
  const { page, loads, errors } = await launch(t);
  await playgroundFromAddress(page, server.url, log, loads);
  assert.equal(loads.length, 1);
  assert.match(loads[0], /^Stepwise: loading the rest of the page \(function \d+\)$/);
  assert.equal(restRequests(log).plain, 1, 'the plain file, fetched synchronously, once');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

test('a host without the page\'s rest: the library and the player work, the playground names the file it lacks', async (t) => {
  const server = await serve(dist, 0, { missing: (path) => path.includes(REST) });
  t.after(() => server.close());
  const { page } = await launch(t);

  await addAndOpen(page, server.url);
  await page.waitForSelector('section.check[data-check="deleted-product-order"]', WAIT);
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  const note = page.locator('.page-rest-failed[role="alert"]');
  await note.waitFor(WAIT);
  assert.match(await note.textContent(), new RegExp(`Part of the app \\(${REST.replace(/[.]/g, '\\.')}\\) did not load: .*HTTP 404`));
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'split-page-rest-missing.png'), fullPage: true });
});
