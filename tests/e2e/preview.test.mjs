// `stepwise new` then `stepwise preview` end to end: the CLI serves the app inside it and the
// workshop built from a new folder; the open page follows every save on the same step (title and
// text change without touching the page), keeps the progress made while previewing, shows a
// build error with its file and line while the last good build stays, and recovers when the
// error is fixed.
//
//   node --test tests/e2e/preview.test.mjs   # after trunk build, then `cargo build -p stepwise-cli`
//
// Environment: STEPWISE_PREVIEW_CLI (default target/debug/stepwise: a CLI built after dist/, so
// that the app is inside it), CHROMIUM, STEPWISE_SCREENSHOTS (default target/e2e).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launch } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const cli = resolve(root, process.env.STEPWISE_PREVIEW_CLI ?? 'target/debug/stepwise');
const WAIT = { timeout: 30_000 };

let preview, context, page, profile, work, address;
const output = [];

/** Starts `stepwise preview` on `dir` and resolves with the first line it prints: the address. */
function start(dir) {
  return new Promise((res, rej) => {
    const child = spawn(cli, ['preview', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    child.stdout.on('data', (d) => {
      first += d.toString();
      const line = first.split('\n')[0];
      if (first.includes('\n')) res({ child, line });
    });
    child.stderr.on('data', (d) => output.push(d.toString()));
    child.on('exit', (code) => rej(new Error(`stepwise preview exited (${code}): ${output.join('')}`)));
  });
}

function edit(file, from, to) {
  const path = join(work, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} has no ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

const stepTitle = () => page.textContent('#step-title');

before(async () => {
  assert.ok(existsSync(cli), `${cli} missing: build the CLI after the app (cargo build -p stepwise-cli)`);
  work = join(mkdtempSync(join(tmpdir(), 'stepwise-preview-')), 'first-workshop');
  execFileSync(cli, ['new', work], { encoding: 'utf8' });
  // The author opens every step while writing: no step waits for the one before.
  edit('workshop.yaml', 'unlock: after_previous', 'unlock: free');
  const started = await start(work);
  preview = started.child;
  address = started.line;
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, { viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  await context?.close();
  preview?.kill();
  for (const dir of [profile, work && resolve(work, '..')]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// Below the widest screens the contents start folded above the text: open them, then click.
async function goTo(slug) {
  if (!(await page.locator('nav.toc ol.steps').isVisible())) await page.locator('nav.toc summary').click();
  await page.click(`nav.toc a[href$="/s/${slug}"]`);
}

test('the first line is the address to open, on loopback', () => {
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/\?preview$/);
});

test('the page opens the workshop built from the folder and follows every save on the same step', async () => {
  await page.goto(address);
  await page.waitForSelector('.preview-banner[data-sequence]', WAIT);
  await page.waitForSelector('article.step-article[data-step="meet-the-data"]', WAIT);
  // Progress on step 1: its answer check passed.
  const answer = page.locator('section.check[data-check="how-many-customers"]');
  await answer.getByLabel('Your answer').fill('5');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="how-many-customers"] .result.pass', WAIT);

  await goTo('filter-rows');
  await page.waitForSelector('article.step-article[data-step="filter-rows"]', WAIT);
  assert.equal(await stepTitle(), 'Filter rows');
  const hash = await page.evaluate(() => location.hash);

  // The step's title in workshop.yaml and its text in content.md, changed on disk.
  edit('workshop.yaml', 'title: Filter rows', 'title: Filter rows (edited)');
  edit('steps/02-filter-rows/content.md', '## Keep the rows you need', '## Keep the rows you need\n\nAdded while previewing.');
  await page.waitForFunction(() => document.querySelector('#step-title')?.textContent === 'Filter rows (edited)', null, WAIT);
  await page.waitForFunction(() => document.querySelector('article.step-article .markdown')?.textContent
    .includes('Added while previewing.'), null, WAIT);
  const now = await page.evaluate(() => location.hash);
  assert.ok(now.endsWith('/s/filter-rows'), `${hash} became ${now}: not the same step`);
  assert.notEqual(now, hash, 'the rebuilt workshop is a new entry');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'preview-followed.png') });

  // The progress made before the rebuild is in the new build.
  await goTo('meet-the-data');
  await page.waitForSelector('section.check[data-check="how-many-customers"] .result.pass', WAIT);
  await goTo('filter-rows');
  await page.waitForSelector('article.step-article[data-step="filter-rows"]', WAIT);
});

test('a broken save shows its file and line, the last good build stays, and a fix recovers', async () => {
  const good = readFileSync(join(work, 'workshop.yaml'), 'utf8');
  writeFileSync(join(work, 'workshop.yaml'), good.replace('steps:\n', 'steps: [\n'));
  await page.waitForSelector('.preview-banner.broken', WAIT);
  const message = await page.textContent('.preview-error');
  assert.match(message, /workshop\.yaml:\d+/, message);
  assert.ok(await page.isVisible('#step-title'), 'the last good build stays on screen');
  await page.screenshot({ path: join(shots, 'preview-broken.png') });
  assert.ok(output.join('').includes('workshop.yaml:'), 'the terminal says it too');

  writeFileSync(join(work, 'workshop.yaml'), good.replace('(edited)', '(fixed)'));
  await page.waitForSelector('.preview-banner:not(.broken)', WAIT);
  await page.waitForFunction(() => document.querySelector('#step-title')?.textContent.endsWith('(fixed)'), null, WAIT);
});
