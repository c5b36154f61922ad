// Accessibility: axe-core (npm) on every screen a learner or author meets — the library, the
// player in light and dark (with a failed check, a hint and a solution open), the playground,
// a confirmation dialog, the completion page — with no violation. Headless Chromium, real worker.
//
//   node --test tests/e2e/a11y.test.mjs        # after scripts/build-samples.sh and trunk build
//
// Environment: STEPWISE_DIST (default dist), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const SAMPLE = join(dist, 'samples', 'sql-joins.db');
const WAIT = { timeout: 30_000 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server, context, page, profile;

/** The violations axe finds on the page as it is now, one line each. */
async function violations() {
  // Through the DevTools protocol, as the page's Content-Security-Policy would refuse a script tag.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

async function noViolations(what) {
  const found = await violations();
  assert.deepEqual(found, [], `${what}:\n${found.join('\n')}`);
}

async function onStep(slug) {
  await page.waitForSelector(`article.step-article[data-step="${slug}"]`, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
}

before(async () => {
  assert.ok(existsSync(SAMPLE), `${SAMPLE} missing: run scripts/build-samples.sh before trunk build`);
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-a11y-'));
  context = await launch(chromium, profile, { viewport: { width: 1280, height: 800 } });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the library, empty and with the samples listed', async () => {
  await page.waitForSelector('#try-sample', WAIT);
  await noViolations('the library');
  await page.setInputFiles('#add-file', SAMPLE);
  await page.waitForSelector('ul.library .card-title', WAIT);
  await noViolations('the library with a workshop');
});

test('the player in light and dark, with a failed check, a hint and the solution open', async () => {
  await page.locator('ul.library a', { hasText: 'SQL joins' }).first().click();
  await onStep('welcome');
  const card = page.locator('section.check[data-check="london-customers"]');
  for (let i = 0; i < 3; i++) {
    await card.getByRole('button', { name: 'Check' }).click();
    await page.waitForSelector(`section.check[data-check="london-customers"] .result.fail`, WAIT);
    await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
    const hint = card.getByRole('button', { name: /Show hint/ });
    if (await hint.count()) {
      await hint.click();
      await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
    }
  }
  await card.getByRole('button', { name: 'Show the solution' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .solution', WAIT);
  await page.waitForSelector('.step-article pre code[data-highlighted]', WAIT);
  await noViolations('the player (light)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations('the player (dark)');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a confirmation dialog, a locked step and a choice check', async () => {
  await page.locator('details.tools > summary').click();
  await page.getByRole('button', { name: 'Reset progress' }).click();
  await page.waitForSelector('dialog[open]', WAIT);
  await noViolations('the confirmation dialog');
  await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  // A locked step, through its address.
  const step1 = page.url();
  await page.goto(step1.replace(/s\/[^/]+$/, 's/inner-join'));
  await page.waitForSelector('.notice.locked', WAIT);
  await noViolations('a locked step');
  // Finish the first step (its solution is open), then the choice of the second.
  await page.goto(step1);
  await onStep('welcome');
  const card = page.locator('section.check[data-check="london-customers"]');
  await card.locator('.solution').getByRole('button', { name: 'Put this SQL in the editor and run it' }).click();
  await page.waitForSelector('.workspace-tables >> text=london_customers', WAIT);
  await card.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="london-customers"] .result.pass', WAIT);
  const answer = page.locator('section.check[data-check="deleted-product-order"]');
  await answer.getByLabel('Your answer').fill('105');
  await answer.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('.step-complete', WAIT);
  await page.locator('a[rel="next"]').click();
  await onStep('inner-join');
  const choice = page.locator('section.check[data-check="why-nine"]');
  await choice.locator('input').first().check();
  await choice.getByRole('button', { name: 'Check' }).click();
  await page.waitForSelector('section.check[data-check="why-nine"] .result.fail', WAIT);
  await noViolations('a choice check');
});

test('the playground', async () => {
  await page.goto(page.url().replace(/#\/w\/([^/]+).*$/, '#/p/$1'));
  await page.waitForSelector('.pg-layout[data-target="workspace"] .pg-tables li', WAIT);
  await noViolations("the playground on the learner's workspace");
  await page.getByLabel("The workshop file's own tables").check();
  await page.waitForSelector('.playground .pg-side button, .playground .pg-side a', WAIT);
  await page.locator('.playground .pg-side button, .playground .pg-side a').first().click();
  await page.waitForSelector('.playground table.result', WAIT);
  await page.waitForSelector('.sql-editor[data-editor="ready"]', WAIT);
  await page.locator('details.pg-structure > summary').click();
  await page.waitForSelector('details.pg-structure[open] table.structure-columns', WAIT);
  await noViolations('the playground, with the schema panel open');
});

test('the completion page', async () => {
  await page.goto(page.url().replace(/#\/p\/([^/]+).*$/, '#/w/$1/done'));
  await page.waitForSelector('.completion .hand-in', WAIT);
  await noViolations('the completion page');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations('the completion page (dark)');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the class view, a row opened, light and dark', async () => {
  await page.goto(`${server.url}#/class`);
  await page.waitForSelector('article.class-page', WAIT);
  await noViolations('the empty class view');
  await page.setInputFiles('#class-files', SAMPLE);
  await page.waitForSelector('table.class-table', WAIT);
  await page.locator('table.class-table tbody th button').first().click();
  await page.waitForSelector('tr.class-answers', WAIT);
  await noViolations('the class view');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations('the class view (dark)');
  await page.emulateMedia({ colorScheme: 'light' });
});

test("a data file's preview before it is imported", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-a11y-data-'));
  try {
    const csv = join(dir, 'cities.csv');
    writeFileSync(csv, 'name,country,people\nBerlin,DE,3850809\nParis,FR,\n');
    await page.goto(page.url().replace(/#.*$/, '#/'));
    await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
    await page.setInputFiles('#add-file', csv);
    await page.waitForSelector('dialog[open] form.data-dialog[aria-busy="false"]', WAIT);
    await noViolations("a data file's preview");
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
