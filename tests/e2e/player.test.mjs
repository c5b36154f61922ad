// The player end to end: open a workshop from the library, its table of contents and
// step addresses, the SQL box against the learner's workspace, sql and answer checks (pass and
// fail with the reason), locked steps, keyboard navigation, progress kept across a reload, and
// the downloaded .db verified by the CLI (digest unchanged, progress in its runtime tables).
// Headless Chromium, real worker.
//
//   node --test tests/e2e/player.test.mjs        # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e), STEPWISE_CLI (default target/release/stepwise,
// built with cargo when missing).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch, typeSql } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 30_000 };
const SQL_JOINS = { file: join(dist, 'samples', 'sql-joins.db'), title: 'SQL joins in eight steps', steps: 8 };

let server, context, page, profile, work;
const problems = [];

function watch(p) {
  p.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  p.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  p.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
}

async function shot(name, scheme = 'light') {
  mkdirSync(shots, { recursive: true });
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `${name}-${scheme}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
}

const stepTitle = () => page.textContent('#step-title');
async function onStep(slug) {
  await page.waitForSelector(`article.step-article[data-step="${slug}"]`, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
}
const check = (id) => page.locator(`section.check[data-check="${id}"]`);
// Below the widest screens the contents start folded above the text: open them to click a step.
async function openContents() {
  if (!(await page.locator('nav.toc ol.steps').isVisible())) await page.locator('nav.toc summary').click();
}
const editorReady = () => page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);

function cli() {
  const path = resolve(root, process.env.STEPWISE_CLI ?? 'target/release/stepwise');
  if (!existsSync(path)) {
    execFileSync('cargo', ['build', '--release', '--offline', '-p', 'stepwise-cli'], { cwd: root, stdio: 'inherit' });
  }
  return path;
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `${dist}/index.html missing: run trunk build first`);
  assert.ok(existsSync(SQL_JOINS.file), `${SQL_JOINS.file} missing: run scripts/build-samples.sh before trunk build`);
  work = mkdtempSync(join(tmpdir(), 'stepwise-player-'));
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, {
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  await page.goto(server.url);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('opening a workshop shows its contents beside the first step, at the step\'s own address', async () => {
  await page.setInputFiles('#add-file', SQL_JOINS.file);
  await page.waitForSelector(`ul.library .card-title >> text=${SQL_JOINS.title}`, WAIT);
  await page.locator('ul.library .card-title a, ul.library a.card-title', { hasText: SQL_JOINS.title }).first().click();
  await onStep('welcome');
  assert.match(page.url(), /#\/w\/[^/]+\/s\/welcome$/);
  assert.equal((await page.textContent('article.opened h1')).trim(), SQL_JOINS.title);
  assert.equal(await page.locator('nav.toc ol.steps > li').count(), SQL_JOINS.steps);
  assert.match(await page.textContent('nav.toc li:first-child'), /Welcome and the data.*10 min/);
  assert.equal(await page.locator('nav.toc li.locked').count(), SQL_JOINS.steps - 1, 'after_previous locks the rest');
  assert.equal((await stepTitle()).trim(), 'Welcome and the data');
  // Rendered Markdown: code blocks get a language class and a Copy button; no script anywhere.
  assert.ok(await page.locator('.markdown pre code').count() > 0);
  assert.ok(await page.locator('.code-block button.copy').count() > 0);
  assert.equal(await page.locator('article.step-article script').count(), 0);
  await page.locator('.code-block button.copy').first().click();
  await page.waitForSelector('.code-block button.copy >> text=Copied', WAIT);
  assert.match(await page.textContent('.keys'), /Alt\+→/);
});

test('a locked step says why; the next button waits until the step is done', async () => {
  const url = page.url().replace(/s\/welcome$/, 's/inner-join');
  await page.goto(url);
  await onStep('inner-join');
  assert.match(await page.textContent('.notice.locked'), /opens once you have finished the step before it, “Welcome and the data”/);
  assert.equal(await page.locator('section.check').count(), 0);
  await page.goBack();
  await onStep('welcome');
  assert.match(await page.textContent('.next-locked'), /opens when this step is done/);
});

test('the SQL box runs SQL on the workspace; checks pass and fail with their reason', async () => {
  await editorReady();
  const sql = page.locator('#sql-input');
  await typeSql(page, 'SELECT * FROM nope');
  await sql.press('Control+Enter');
  await page.waitForSelector('.sql-box .sql-error', WAIT);
  assert.equal((await page.textContent('.sql-box .sql-error')).trim(), 'no such table: nope');
  await typeSql(page, 'SELECT id, name FROM customers ORDER BY id');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForSelector('.sql-result table', WAIT);
  assert.match(await page.textContent('.sql-result thead'), /id.*name/);

  // The sql check before the view exists fails, saying why.
  await check('london-customers').getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .result.fail', WAIT);
  assert.match(await check('london-customers').locator('.result').textContent(), /no such table: london_customers/);
  assert.equal(await check('london-customers').getByRole('button', { name: 'Show hint 1 of 3' }).count(), 1, 'a hint after a failure');

  await typeSql(page, "CREATE VIEW london_customers AS SELECT id, name FROM customers WHERE city = 'London'");
  await sql.press('Control+Enter');
  await page.waitForSelector('.sql-box .result.pass', WAIT);
  await page.waitForSelector('.workspace-tables >> text=london_customers', WAIT);
  await check('london-customers').getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .result.pass', WAIT);

  const answer = check('deleted-product-order');
  await answer.getByLabel('Your answer').fill('104');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.fail', WAIT);
  assert.ok((await answer.locator('.result').textContent()).length > 12, 'a reason, not just a cross');
  await shot('player-failed');
  await answer.getByLabel('Your answer').fill(' 105 ');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="deleted-product-order"] .result.pass', WAIT);
  await page.waitForSelector('.step-complete', WAIT);
  await page.waitForSelector('nav.toc li.done >> text=Welcome and the data', { state: 'attached', ...WAIT });
  assert.equal(await page.locator('nav.toc li.locked').count(), SQL_JOINS.steps - 2, 'the next step opened');
  assert.match(await page.textContent('.player-progress'), /1 of 8 steps done/);
  await shot('player');
  await shot('player', 'dark');
});

test('keyboard and links move between steps; focus goes to the heading; back works', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Alt+ArrowRight');
  await onStep('inner-join');
  assert.match(page.url(), /s\/inner-join$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-title');
  // The image of the step comes from the workshop's own assets, as a data: URL.
  const src = await page.getAttribute('.markdown img', 'src');
  assert.match(src, /^data:image\/svg\+xml;base64,/);
  await shot('player-step2');
  await page.keyboard.press('k');
  await onStep('welcome');
  await page.goBack();
  await onStep('inner-join');
  await openContents();
  await page.locator('nav.toc a', { hasText: 'Welcome and the data' }).click();
  await onStep('welcome');
});

test('a reload comes back to the same step, answers, progress and workspace', async () => {
  await page.reload();
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await onStep('welcome');
  assert.match(await check('london-customers').locator('.result').textContent(), /Passed/);
  assert.equal(await check('deleted-product-order').getByLabel('Your answer').inputValue(), ' 105 ');
  await page.waitForSelector('.workspace-tables >> text=london_customers', WAIT);
  await editorReady();
  await typeSql(page, 'SELECT count(*) AS n FROM london_customers');
  await page.locator('#sql-input').press('Control+Enter');
  await page.waitForSelector('.sql-result td >> text=2', WAIT);
  // The library's address opens the learner's current step.
  const library = page.url().replace(/#.*$/, '#/');
  await page.goto(library);
  await page.waitForSelector('ul.library', WAIT);
  await page.locator('ul.library a', { hasText: SQL_JOINS.title }).first().click();
  await onStep('welcome');
  await page.waitForSelector('nav.toc li.done >> text=Welcome and the data', { state: 'attached', ...WAIT });
});

test('reset workspace and snapshots ask first, then do what they say', async () => {
  await page.locator('details.tools > summary').click();
  assert.match(await page.textContent('.snapshots'), /Finished Welcome and the data/);
  await page.getByRole('button', { name: 'Reset my workspace to this step' }).click();
  await page.waitForSelector('dialog[open] >> text=Reset your workspace?', WAIT);
  await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  assert.match(await page.textContent('.workspace-tables'), /london_customers/);

  // Reset: the workspace is rebuilt from the step's project, so the learner's view is gone.
  assert.notEqual(await page.locator('details.tools').getAttribute('open'), null, 'the panel stays open after the dialog');
  await page.getByRole('button', { name: 'Reset my workspace to this step' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Reset workspace' }).click();
  await page.waitForFunction(() => !/london_customers/.test(document.querySelector('.workspace-tables')?.textContent ?? ''), null, WAIT);
  assert.match(await page.textContent('.workspace-tables'), /customers/);

  // Going back to the snapshot brings the workspace of that moment back.
  await page.getByRole('button', { name: 'Go back to Finished Welcome and the data' }).click();
  await page.waitForSelector('dialog[open] >> text=Go back to this snapshot?', WAIT);
  await page.locator('dialog[open]').getByRole('button', { name: 'Go back', exact: true }).click();
  await page.waitForSelector('.workspace-tables >> text=london_customers', WAIT);
  await onStep('welcome');
  assert.match(await check('london-customers').locator('.result').textContent(), /Passed/);
});

test('on a small laptop or phone screen the contents fold above the step and the workspace follows the text', async () => {
  await page.setViewportSize({ width: 700, height: 800 });
  const toc = await page.locator('nav.toc').boundingBox();
  const step = await page.locator('#step-title').boundingBox();
  const workspace = await page.locator('#workspace').boundingBox();
  assert.ok(toc.y < step.y && toc.width > 600, `the contents sit above the step: ${JSON.stringify({ toc, step })}`);
  assert.ok(workspace.y > step.y && workspace.width > 600, `the workspace comes after the text: ${JSON.stringify(workspace)}`);
  await openContents();
  await page.locator('nav.toc summary').click();
  assert.equal(await page.locator('nav.toc ol.steps').isVisible(), false, 'the contents fold away');
  // A quick way between text and workspace.
  await page.getByRole('button', { name: '↓ Go to the workspace' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'workspace', null, WAIT);
  await page.getByRole('button', { name: '↑ Back to the text' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'step-title', null, WAIT);
  await shot('player-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the downloaded .db keeps its digest and holds the progress', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name: 'Download sql-joins.db' }).click(),
  ]);
  const saved = join(work, 'played.db');
  await download.saveAs(saved);
  const verify = spawnSync(cli(), ['verify', saved], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `stepwise verify: ${verify.stdout}${verify.stderr}`);
  const progress = execFileSync('sqlite3', [saved, 'SELECT step, status FROM progress ORDER BY step'], { encoding: 'utf8' });
  assert.match(progress, /^welcome\|done$/m);
  const checks = execFileSync('sqlite3', [saved, 'SELECT validation, passed, input FROM check_result ORDER BY validation'], { encoding: 'utf8' });
  assert.match(checks, /deleted-product-order\|1\| 105 /);
  assert.match(checks, /london-customers\|1\|/);
  const cursor = execFileSync('sqlite3', [saved, 'SELECT current_step, workspace IS NOT NULL FROM cursor'], { encoding: 'utf8' });
  assert.equal(cursor.trim(), 'welcome|1');
  // The workspace image inside is a database with the learner's view.
  const ws = join(work, 'workspace.db');
  execFileSync('sqlite3', [saved, `SELECT writefile('${ws}', data) FROM runtime_blob WHERE sha256 = (SELECT workspace FROM cursor)`]);
  assert.match(execFileSync('sqlite3', [ws, 'SELECT count(*) FROM london_customers'], { encoding: 'utf8' }), /^2$/m);
});

test('a workshop of ninety steps lists every one; the first ones come with the step', async () => {
  // Built here: ninety one-line steps, free to visit in any order.
  const project = join(work, 'long');
  const steps = Array.from({ length: 90 }, (_, i) => String(i + 1).padStart(2, '0'));
  for (const n of steps) {
    mkdirSync(join(project, 'steps', `${n}-step-${n}`), { recursive: true });
    writeFileSync(join(project, 'steps', `${n}-step-${n}`, 'content.md'), `Step ${Number(n)} of 90.\n`);
  }
  writeFileSync(join(project, 'workshop.yaml'), [
    'version: 2', 'workshop:', '  slug: long-list', '  title: A long list of steps', '  version: 1.0.0',
    '  summary: Ninety short steps.', '  authors: [Stepwise tests]', '  language: en', '  license: CC0-1.0',
    '  unlock: free', 'steps:', ...steps.flatMap((n) => [`  - slug: step-${n}`, `    title: Step number ${Number(n)}`]),
  ].join('\n'));
  const db = join(work, 'long-list.db');
  execFileSync(cli(), ['build', project, '-o', db]);
  await page.goto(server.url);
  await page.setInputFiles('#add-file', db);
  await page.getByRole('link', { name: 'Open A long list of steps' }).click();
  await onStep('step-01');
  await openContents();
  await page.waitForFunction(() => document.querySelectorAll('nav.toc ol.steps > li').length === 90, null, WAIT);
  assert.match(await page.textContent('nav.toc ol.steps > li:last-child'), /Step number 90/);
  // Opened afresh on a step far down the list: its entry is there and marked as the one shown.
  await page.goto(page.url().replace(/s\/step-01$/, 's/step-85'));
  await page.reload();
  await onStep('step-85');
  assert.match(await page.textContent('nav.toc li.shown'), /Step number 85/);
});

test('no errors in the console', () => {
  assert.deepEqual(problems, []);
});
