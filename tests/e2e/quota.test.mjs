// Storage full: with the origin's quota lowered through Chromium's DevTools protocol
// (Storage.overrideQuotaForOrigin: the browser's real quota, not a mock), an import that does not
// fit is refused with a sentence, whether its size is known up front (a picked file) or only
// found out while writing (a download without Content-Length), and what was stored stays as it was.
//
//   node --test tests/e2e/quota.test.mjs        # after scripts/build-samples.sh and trunk build
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const WAIT = { timeout: 30_000 };
const SAMPLE = join(dist, 'samples', 'sql-joins.db');
const TITLE = 'SQL joins in eight steps';

let server, chunked, context, page, cdp, profile, work, origin;

before(async () => {
  assert.ok(existsSync(SAMPLE), `${SAMPLE} missing: run scripts/build-samples.sh before trunk build`);
  work = mkdtempSync(join(tmpdir(), 'stepwise-quota-'));
  execFileSync('sqlite3', [join(work, 'big.sqlite'),
    'CREATE TABLE blobs(b BLOB);'
    + 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 24) '
    + 'INSERT INTO blobs SELECT randomblob(1000000) FROM n;']);
  server = await serve(dist);
  origin = new URL(server.url).origin;
  // Another origin that allows cross-origin reads and streams the file with no Content-Length,
  // so the worker cannot know the size before it writes.
  chunked = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.sqlite3', 'access-control-allow-origin': '*' });
    createReadStream(join(work, 'big.sqlite')).pipe(res);
  });
  await new Promise((ok) => chunked.listen(0, '127.0.0.1', ok));
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  cdp = await context.newCDPSession(page);
  await page.goto(server.url);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.setInputFiles('#add-file', SAMPLE);
  await page.waitForSelector(`li.card >> text=${TITLE}`, WAIT);
  await page.waitForFunction(() => !document.querySelector('.imports .job'), null, WAIT);
});

after(async () => {
  await cdp?.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
  await context?.close();
  await server?.close();
  await new Promise((done) => (chunked ? chunked.close(done) : done()));
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Lowers this origin's quota to what it uses now plus `room` bytes. */
async function leaveRoom(room) {
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + room });
  await page.waitForFunction((q) => navigator.storage.estimate().then((e) => e.quota <= q), usage + room, WAIT);
}

async function libraryTitles() {
  return page.locator('ul.library > li.card .card-title').allTextContents();
}

async function refusedWithStorageFull(name) {
  const alert = page.locator('.alert', { hasText: name });
  await alert.waitFor(WAIT);
  await page.waitForFunction(() => !document.querySelector('.imports .job'), null, WAIT);
  const text = await alert.textContent();
  assert.match(text, /storage|space|full/i, `a storage-full sentence: ${text}`);
  const dismiss = page.getByRole('button', { name: /^Dismiss the message/ });
  while (await dismiss.count() > 0) await dismiss.first().click();
}

test('a picked file that does not fit is refused before anything is written', async () => {
  const before = await libraryTitles();
  await leaveRoom(2_000_000);
  await page.setInputFiles('#add-file', join(work, 'big.sqlite'));
  await refusedWithStorageFull('big.sqlite');
  assert.deepEqual(await libraryTitles(), before);
});

test('a download that runs out of room while writing is refused, and nothing half-written stays', async () => {
  const before = await libraryTitles();
  const url = `http://127.0.0.1:${chunked.address().port}/big.sqlite`;
  await page.fill('#add-url', url);
  await page.getByRole('button', { name: 'Add from address' }).click();
  await refusedWithStorageFull('big.sqlite');
  assert.deepEqual(await libraryTitles(), before);
  // With the quota back, storage holds no leftovers and the stored workshop still opens.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await page.reload();
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.waitForFunction((n) => document.querySelectorAll('ul.library > li.card').length === n, before.length, WAIT);
  assert.deepEqual(await libraryTitles(), before);
  await page.locator('li.card .card-title a', { hasText: TITLE }).click();
  await page.waitForSelector('article.opened[data-kind="workshop"]', WAIT);
});
