// The teacher's class view end to end: 30 hand-ins of the sql-joins sample made here (the
// sample's runtime tables filled as the player fills them: progress, check results with hints
// and solutions, the learner's name), one whose checks were edited inside the file, and a file
// that is not a database, dropped on the class page; the counts, the flag, a learner's answers,
// sorting, the filter and the CSV download; nothing is added to the library.
//
//   node --test tests/e2e/class.test.mjs   # after scripts/build-samples.sh and trunk build
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS } from './browser.mjs';
import { makeHandIns } from './handins.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const SAMPLE = join(dist, 'samples', 'sql-joins.db');
const WAIT = { timeout: 60_000 };
const LEARNERS = 30;

let server, context, page, profile, work;
const problems = [];

/** Drops the files at `paths` on the page, the way a browser delivers a drop. */
async function drop(paths) {
  const files = paths.map((p) => ({ name: p.split('/').pop(), base64: readFileSync(p).toString('base64') }));
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) {
      transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    }
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

const row = (name) => page.locator(`table.class-table tbody tr[data-learner="${name}"]`);

before(async () => {
  for (const f of [join(dist, 'index.html'), SAMPLE]) assert.ok(existsSync(f), `${f} missing`);
  work = mkdtempSync(join(tmpdir(), 'stepwise-class-'));
  makeHandIns(SAMPLE, work, LEARNERS);
  writeFileSync(join(work, 'notes.txt'), 'not a database at all\n');
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: FLAGS,
    viewport: { width: 1280, height: 900 }, acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`${server.url}#/`);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Class' }).click();
  await page.waitForSelector('article.class-page', WAIT);
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('30 hand-ins dropped on the class page: counts per step, the edited one flagged, a file refused', async () => {
  const paths = Array.from({ length: LEARNERS }, (_, i) => join(work, `learner-${String(i).padStart(2, '0')}.db`));
  await drop([...paths, join(work, 'notes.txt')]);
  await page.waitForSelector('table.class-table', WAIT);
  assert.equal(await page.locator('table.class-table tbody tr').count(), LEARNERS);
  const summary = await page.textContent('.class-summary');
  assert.match(summary, /SQL joins/);
  assert.match(summary, /30 hand-ins/);
  assert.match(summary, /1 flagged/);
  assert.match(summary, /1 file not read/);
  await page.click('.class-unread summary');
  assert.match(await page.textContent('.class-unread'), /notes\.txt/);

  // The edited hand-in is flagged and kept out of the totals.
  assert.match(await row('Learner 07').textContent(), /definition edited/);
  assert.equal(await page.locator('tr.flagged').count(), 1);
  // The learner without a name is shown by the file's.
  assert.equal(await row('learner-03.db').count(), 1);

  // Totals of the first step: every unflagged learner with done > 0 finished it; those with
  // done == 0 started it.
  const steps = Number(execFileSync('sqlite3', [SAMPLE, 'SELECT count(*) FROM step']).toString());
  const others = Array.from({ length: LEARNERS }, (_, i) => i).filter((i) => i !== 7);
  const firstDone = others.filter((i) => i % (steps + 1) > 0).length;
  const firstStarted = others.length - firstDone;
  const first = page.locator('tfoot td.step-total').first();
  assert.equal((await first.textContent()).trim(), String(firstDone));
  assert.equal((await page.locator('tfoot td.step-stuck').first().textContent()).trim(), String(firstStarted));
  assert.match(await page.textContent('tfoot th'), new RegExp(`of ${others.length}`));
  // A step's mark is read out in words (the cell's accessible name), not as its symbol.
  const marks = (name) => row(name).locator('td.mark');
  assert.equal(await marks('Learner 00').first().getAttribute('aria-label'), 'started, not done, solution shown');
  assert.equal(await row('Learner 00').getByRole('cell', { name: /^started, not done/ }).count(), 1);
  assert.match(await marks('Learner 02').first().getAttribute('aria-label'), /^done/);
  assert.equal(await row('Learner 02').getByRole('cell', { name: 'not started' }).count(), steps - 3);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'class-view.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test("a learner's row opens their answers", async () => {
  await row('Learner 05').getByRole('button').click();
  const answers = page.locator('tr.class-answers');
  await answers.waitFor(WAIT);
  assert.match(await answers.textContent(), /SELECT name FROM customers -- learner 5/);
  assert.match(await answers.textContent(), /1 failed before/);
  await row('Learner 05').getByRole('button').click();
  await answers.waitFor({ state: 'detached', ...WAIT });
});

test('sorting and filtering: most done first, by name, flagged only', async () => {
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.waitForSelector('th[aria-sort="descending"]', WAIT);
  const top = await page.locator('table.class-table tbody tr th button').first().textContent();
  const steps = Number(execFileSync('sqlite3', [SAMPLE, 'SELECT count(*) FROM step']).toString());
  const most = Array.from({ length: LEARNERS }, (_, i) => i).reduce((a, i) => (i % (steps + 1) > a % (steps + 1) ? i : a), 0);
  assert.equal(top, `Learner ${String(most).padStart(2, '0')}`);
  await page.fill('#class-filter', 'learner 1');
  await page.waitForFunction(() => document.querySelectorAll('table.class-table tbody tr').length === 10, null, WAIT);
  await page.fill('#class-filter', '');
  await page.getByLabel('Flagged only').check();
  await page.waitForFunction(() => document.querySelectorAll('table.class-table tbody tr').length === 1, null, WAIT);
  await page.getByLabel('Flagged only').uncheck();
});

test('Save as CSV gives a grade book with one row per learner; the library is unchanged', async () => {
  const [file] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name: 'Save as CSV' }).click(),
  ]);
  assert.equal(file.suggestedFilename(), 'sql-joins-class.csv');
  const saved = join(work, 'class.csv');
  await file.saveAs(saved);
  const lines = readFileSync(saved, 'utf8').trim().split('\n');
  assert.equal(lines.length, LEARNERS + 1);
  assert.match(lines[0], /^learner,file,flag,steps_done,steps_verified,hints_opened,solutions_shown,last_activity,welcome,/);
  assert.equal(lines.filter((l) => l.includes('definition edited')).length, 1);
  assert.ok(lines.some((l) => l.startsWith(',learner-03.db,')), 'no name: the learner cell is empty');
  await page.getByRole('link', { name: 'Library' }).first().click();
  await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
  assert.equal(await page.locator('ul.library > li.card').count(), 0, 'nothing was stored');
  assert.deepEqual(problems, []);
});
