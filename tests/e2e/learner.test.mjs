// A learner plays the sql-joins sample from its first step to its completion page, on a
// 1280×800 screen: the editor beside the text, Run on a code block, hints one at a time after
// failed checks, the solution after three failures, a choice check's feedback, a step's setup
// SQL run once, the completion page, and the hand-in .db read back with sqlite3 and the CLI.
// Headless Chromium, real worker. The checks' solutions come from the built sample itself.
//
//   node --test tests/e2e/learner.test.mjs        # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium),
// STEPWISE_SCREENSHOTS (default target/e2e), STEPWISE_CLI (default target/release/stepwise).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
const SAMPLE = join(dist, 'samples', 'sql-joins.db');
const WAIT = { timeout: 30_000 };
const SCREEN = { width: 1280, height: 800 };

let server, context, page, profile, work;
let steps = [];
const problems = [];

/** The sample's steps in order, each with its checks (kind, solution, correct options). */
function readSample() {
  const json = execFileSync(
    'sqlite3',
    ['-json', SAMPLE, `SELECT s.slug, s.setup IS NOT NULL AS has_setup, v.id, v.kind, v.solution, v.spec
       FROM step AS s LEFT JOIN validation AS v ON v.step = s.slug ORDER BY s.position, v.position`],
    { encoding: 'utf8' },
  );
  const out = [];
  for (const row of JSON.parse(json)) {
    let step = out.at(-1);
    if (step?.slug !== row.slug) out.push((step = { slug: row.slug, setup: row.has_setup === 1, checks: [] }));
    if (row.id === null) continue;
    const spec = JSON.parse(row.spec);
    const correct = (spec.options ?? []).filter((o) => o.correct).map((o) => o.id);
    step.checks.push({ id: row.id, kind: row.kind, solution: row.solution, correct });
  }
  return out;
}

async function shot(name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `learner-${name}.png`) });
}

const check = (id) => page.locator(`section.check[data-check="${id}"]`);
async function onStep(slug) {
  await page.waitForSelector(`article.step-article[data-step="${slug}"]`, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
}
async function result(id, outcome) {
  await page.waitForSelector(`section.check[data-check="${id}"] .result.${outcome}`, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
  return (await check(id).locator('.result').textContent()).trim();
}
/** Runs `sql` in the editor as a learner types it (Ctrl+Enter), and waits for its answer. */
async function run(sql) {
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  const before = await page.locator('.sql-box').getAttribute('data-runs');
  await typeSql(page, sql);
  await page.locator('#sql-input').press('Control+Enter');
  await page.waitForFunction((n) => document.querySelector('.sql-box')?.getAttribute('data-runs') !== n, before, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
}
/** Passes check `c` with its solution. */
async function pass(c) {
  const card = check(c.id);
  switch (c.kind) {
    case 'sql':
      await run(c.solution);
      await card.getByRole('button', { name: 'Check' }).click();
      break;
    case 'answer':
      await card.getByLabel('Your answer').fill(c.solution);
      await card.getByRole('button', { name: 'Check' }).click();
      break;
    case 'choice':
      for (const id of c.correct) await card.locator(`input[value="${id}"]`).check();
      await card.getByRole('button', { name: 'Check' }).click();
      break;
    case 'manual':
      await card.getByRole('button', { name: 'I have done this' }).click();
      break;
    default:
      await card.getByRole('button', { name: 'Mark as done (unverified)' }).click();
  }
  const said = await result(c.id, 'pass');
  assert.match(said, /Passed|Right/, `${c.id}: ${said}`);
}

before(async () => {
  assert.ok(existsSync(SAMPLE), `${SAMPLE} missing: run scripts/build-samples.sh before trunk build`);
  steps = readSample();
  work = mkdtempSync(join(tmpdir(), 'stepwise-learner-'));
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, { viewport: SCREEN });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(server.url);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.setInputFiles('#add-file', SAMPLE);
  await page.locator('ul.library a', { hasText: 'SQL joins' }).first().click();
  await onStep('welcome');
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('on a 1280×800 screen the editor stands beside the text and stays in view while the text scrolls', async () => {
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  const text = await page.locator('#step-text').boundingBox();
  const editor = await page.locator('.sql-editor').boundingBox();
  assert.ok(editor.x >= text.x + text.width, `beside, not under: ${JSON.stringify({ text, editor })}`);
  assert.ok(editor.y + editor.height <= SCREEN.height, `in view without scrolling: ${JSON.stringify(editor)}`);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const scrolled = await page.locator('.sql-editor').boundingBox();
  assert.ok(scrolled.y >= 0 && scrolled.y + scrolled.height <= SCREEN.height, `still in view: ${JSON.stringify(scrolled)}`);
  await page.evaluate(() => window.scrollTo(0, 0));

  // The split can be moved with the keyboard, and is remembered.
  const handle = page.getByRole('separator', { name: 'Width of the text and the workspace' });
  await handle.focus();
  await handle.press('ArrowRight');
  await handle.press('ArrowRight');
  assert.equal(await handle.getAttribute('aria-valuenow'), '60');
  const wider = await page.locator('#step-text').boundingBox();
  assert.ok(wider.width > text.width + 40, `the text got wider: ${text.width} → ${wider.width}`);
  assert.equal(await page.evaluate(() => localStorage.getItem('stepwise.split')), '60');
  await shot('side-by-side');
});

test('Run on a code block of the text puts it in the editor and shows its rows', async () => {
  const block = page.locator('.step-article .code-block', { hasText: 'email IS NULL' });
  assert.equal(await page.locator('.step-article .code-block', { hasText: 'kubectl' }).count(), 0);
  await block.getByRole('button', { name: 'Put this SQL in the editor and run it' }).click();
  await page.waitForSelector('.sql-result table', WAIT);
  assert.match(await page.textContent('#sql-input'), /SELECT \* FROM customers WHERE email IS NULL/);
  assert.match(await page.textContent('.sql-result thead'), /email/);
  assert.match(await page.textContent('.sql-result .meta'), /^\d+ rows?/);
  // The code is highlighted once the editor's bundle is there.
  await page.waitForSelector('.step-article pre code[data-highlighted] .tok-keyword', WAIT);
});

test('a failed check offers the first hint, then the second; after three failures the solution can be shown', async () => {
  const card = check('london-customers');
  await card.getByRole('button', { name: 'Check' }).click();
  assert.match(await result('london-customers', 'fail'), /no such table: london_customers/);
  assert.equal(await card.locator('.hint').count(), 0, 'hints wait to be asked for');
  await card.getByRole('button', { name: 'Show hint 1 of 3' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .hint', WAIT);
  assert.match(await card.locator('.hint').first().textContent(), /Hint 1 of 3.*SELECT/s);
  assert.equal(await card.getByRole('button', { name: /Show hint/ }).count(), 0, 'one hint per failed try');
  assert.match(await card.locator('.help-actions').textContent(), /solution can be shown after 2 more tries/);

  // A wrong view: the author's feedback comes with Stepwise's reason.
  await run("CREATE VIEW london_customers AS SELECT id, name FROM customers WHERE city = 'london'");
  await card.getByRole('button', { name: 'Check' }).click();
  const said = await result('london-customers', 'fail');
  assert.match(said, /Text comparisons are exact/);
  assert.match(said, /expected 2 rows, got none|expected/);
  await card.getByRole('button', { name: 'Show hint 2 of 3' }).click();
  await page.waitForFunction(() => document.querySelectorAll('section.check[data-check="london-customers"] .hint').length === 2, null, WAIT);
  assert.equal(await card.getByRole('button', { name: 'Show the solution' }).count(), 0);

  await card.getByRole('button', { name: 'Check' }).click();
  await result('london-customers', 'fail');
  await card.getByRole('button', { name: 'Show the solution' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .solution', WAIT);
  assert.match(await card.locator('.solution').textContent(), /CREATE VIEW london_customers AS/);
  await shot('solution');
  // The solution's own Run button, then the check passes.
  await card.locator('.solution').getByRole('button', { name: 'Put this SQL in the editor and run it' }).click();
  await page.waitForSelector('.workspace-tables >> text=london_customers', WAIT);
  await card.getByRole('button', { name: 'Check' }).click();
  await result('london-customers', 'pass');

  // A wrong answer: the author's feedback (Markdown) with the reason; then the right one.
  const answer = check('deleted-product-order');
  await answer.getByLabel('Your answer').fill('11');
  await answer.getByRole('button', { name: 'Check' }).click();
  assert.match(await result('deleted-product-order', 'fail'), /give the row's order_id/);
  await answer.getByLabel('Your answer').fill('105');
  await answer.getByRole('button', { name: 'Check' }).click();
  await result('deleted-product-order', 'pass');
  await page.waitForSelector('.step-complete', WAIT);
});

test('a choice check fails with the feedback of the wrong pick and passes with the right one', async () => {
  await page.locator('a[rel="next"]').click();
  await onStep('inner-join');
  const card = check('why-nine');
  assert.equal(await card.locator('input[type="radio"]').count(), 3, 'one answer: radio buttons');
  await card.getByLabel('The inner join removes duplicate rows.').check();
  await card.getByRole('button', { name: 'Check' }).click();
  assert.match(await result('why-nine', 'fail'), /A join never removes duplicates/);
  assert.equal(await card.getByLabel('The inner join removes duplicate rows.').isChecked(), true, 'the pick is kept');
  await shot('choice');
  await card.getByLabel(/NULL/).check();
  await card.getByRole('button', { name: 'Check' }).click();
  assert.match(await result('why-nine', 'pass'), /Right\./);
});

test('every other step passes with its solutions; a step\'s setup ran once when first opened', async () => {
  for (const step of steps.slice(1)) {
    if (step.slug !== 'inner-join') {
      await page.locator('a[rel="next"]').click();
      await onStep(step.slug);
    }
    if (step.setup) {
      assert.match(await page.textContent('.setup-note'), /prepared your workspace when you first opened it/);
      await page.waitForSelector('.workspace-tables >> text=wishlist', WAIT);
    }
    for (const c of step.checks) {
      if ((await check(c.id).locator('.result.pass').count()) === 0) await pass(c);
    }
    await page.waitForSelector('.step-complete', WAIT);
  }
  // Back on the step with a setup: it did not run again (the learner's rows are kept).
  const withSetup = steps.find((s) => s.setup);
  assert.ok(withSetup, 'the sample has a step with setup SQL');
  await page.goto(page.url().replace(/s\/[^/]+$/, `s/${withSetup.slug}`));
  await onStep(withSetup.slug);
  await run('INSERT INTO wishlist SELECT 1, id, date(\'now\') FROM products WHERE id NOT IN (SELECT product_id FROM wishlist WHERE customer_id = 1) LIMIT 1');
  const count = async () => {
    await run('SELECT count(*) AS n FROM wishlist');
    return Number((await page.textContent('.sql-result tbody td')).trim());
  };
  const before = await count();
  await page.goto(page.url().replace(/s\/[^/]+$/, `s/${steps[0].slug}`));
  await onStep(steps[0].slug);
  await page.goto(page.url().replace(/s\/[^/]+$/, `s/${withSetup.slug}`));
  await onStep(withSetup.slug);
  assert.equal(await count(), before, 'the setup did not run over the learner\'s rows');
});

test('after the last step the completion page sums up, asks the name once and hands in the .db', async () => {
  await page.goto(page.url().replace(/s\/[^/]+$/, `s/${steps.at(-1).slug}`));
  await onStep(steps.at(-1).slug);
  await page.getByRole('link', { name: 'Finish: your summary →' }).click();
  await page.waitForSelector('.completion', WAIT);
  assert.match(await page.textContent('.completion h1'), /You finished “SQL joins in eight steps”/);
  const summary = await page.textContent('dl.summary');
  assert.match(summary, /Steps done\s*8 of 8/);
  assert.match(summary, /Hints opened\s*2/);
  assert.match(summary, /Solutions shown\s*1/);
  assert.match(summary, /Time\s*\d+ min/);
  assert.equal(await page.locator('table.step-report tbody tr').count(), steps.length);
  await shot('completion');

  // Download first: the name is asked, then the download follows.
  await page.getByRole('button', { name: /Download sql-joins\.db to hand in/ }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'learner-name', null, WAIT);
  await page.fill('#learner-name', '  Ada Lovelace ');
  const [download] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name: 'Save and download' }).click(),
  ]);
  await page.waitForSelector('.hand-in >> text=Handing in as', WAIT);
  assert.match(await page.textContent('.hand-in'), /Handing in as Ada Lovelace/);
  const saved = join(work, 'handed-in.db');
  await download.saveAs(saved);

  const sql = (query) => execFileSync('sqlite3', [saved, query], { encoding: 'utf8' }).trim();
  assert.equal(sql('SELECT name FROM learner'), 'Ada Lovelace');
  assert.equal(sql("SELECT failures, hints_opened, solution_shown, passed FROM check_result WHERE validation = 'london-customers'"), '3|2|1|1');
  assert.equal(sql("SELECT count(*) FROM step_setup"), '1');
  assert.equal(sql("SELECT count(*) FROM progress WHERE status = 'done'"), String(steps.length));
  const cli = resolve(root, process.env.STEPWISE_CLI ?? 'target/release/stepwise');
  if (!existsSync(cli)) execFileSync('cargo', ['build', '--release', '--offline', '-p', 'stepwise-cli'], { cwd: root, stdio: 'inherit' });
  const verify = spawnSync(cli, ['verify', saved], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `stepwise verify: ${verify.stdout}${verify.stderr}`);

  // Asked once: back on the page, the name is remembered.
  await page.reload();
  await page.waitForSelector('.hand-in >> text=Handing in as Ada Lovelace', WAIT);
});

test('no errors in the console', () => {
  assert.deepEqual(problems, []);
});
