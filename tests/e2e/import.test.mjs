// Workshops of other players brought in through the app, end to end: a Killercoda scenario's
// folder, zipped, dropped on the library (the dialog names it and lists what does not carry
// over), built, opened and played at its first steps (a run marker became a Run button); a
// Codelab's Markdown picked by the file picker; a hostile scenario refused with one line and
// the library unchanged.
//
//   node --test tests/e2e/import.test.mjs   # after trunk build
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS, makeZip } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const WAIT = { timeout: 60_000 };

let server, context, page, profile, work;
const problems = [];


const SCENARIO = {
  'index.json': JSON.stringify({
    title: 'Shell first steps',
    description: 'Make a folder, fill it and check it.',
    details: {
      intro: { text: 'intro.md', background: 'background.sh' },
      steps: [
        { title: 'Make a folder', text: 'step1/text.md', verify: 'step1/verify.sh' },
        { title: 'Fill it', text: 'step2/text.md', verify: 'step2/verify.sh', foreground: 'step2/fg.sh' },
      ],
      finish: { text: 'finish.md' },
    },
    backend: { imageid: 'ubuntu' },
    interface: { layout: 'ide' },
  }),
  'intro.md': 'Welcome: in two steps you will **make and fill a folder**.\n',
  'background.sh': 'mkdir -p /root/work\n',
  'finish.md': 'Well done.\n',
  'step1/text.md': 'Make it:\n\n`mkdir -p /root/demo`{{exec}}\n\n<script>alert(1)</script>\n',
  'step1/verify.sh': '#!/bin/bash\ntest -d /root/demo\n',
  'step2/text.md': 'Fill it:\n\n```\ntouch /root/demo/a.txt\n```{{copy}}\n',
  'step2/verify.sh': '#!/bin/bash\ntest -f /root/demo/a.txt\n',
  'step2/fg.sh': 'cd /root/demo\n',
};

const CODELAB = `summary: Three quick queries.
id: three_queries
categories: sql
status: Published
authors: Grace Hopper

# Three queries

## Count
Duration: 2:00

Count the rows.

Positive
: Every table has a count.

## Filter
Duration: 3:00

Filter them.
`;

async function home() {
  await page.goto(`${server.url}#/`);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
}
async function cardCount(n) {
  await page.waitForFunction((n) => document.querySelectorAll('ul.library > li.card').length === n
    && !document.querySelector('ul.library[aria-busy="true"]'), n, WAIT);
}
async function idle() {
  await page.waitForFunction(() => !document.querySelector('.imports .job'), null, WAIT);
}
async function shot(name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
/** Drops `path` on the page as the file `name`, the way a browser delivers a drop. */
async function drop(path, name) {
  const base64 = readFileSync(path).toString('base64');
  await page.evaluate(([base64, name]) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [base64, name]);
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'dist/index.html missing: run trunk build');
  work = mkdtempSync(join(tmpdir(), 'stepwise-import-'));
  makeZip(join(work, 'shell-first-steps.zip'),
    Object.fromEntries(Object.entries(SCENARIO).map(([p, t]) => [`shell-first-steps/${p}`, t])));
  writeFileSync(join(work, 'three-queries.md'), CODELAB);
  makeZip(join(work, 'escaping.zip'), {
    'index.json': JSON.stringify({ title: 'Escaping', details: { steps: [{ title: 'Out', text: '../../etc/passwd' }] } }),
  });
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: FLAGS,
    viewport: { width: 1200, height: 850 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`a script opened a dialog: ${d.message()}`); d.dismiss(); });
  await home();
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a Killercoda scenario dropped as a zip is named, its leftovers listed, built and played', async () => {
  await drop(join(work, 'shell-first-steps.zip'), 'shell-first-steps.zip');
  const dialog = await page.waitForSelector('dialog[open]', WAIT);
  const text = await dialog.textContent();
  assert.match(text, /Build “Shell first steps” from shell-first-steps\.zip/);
  assert.match(text, /a Killercoda scenario, imported as a workshop/);
  assert.match(text, /4 steps/, 'intro, two steps and finish');
  assert.match(text, /Not carried over/);
  assert.match(text, /interface/, 'the page layout it cannot honour is listed');
  await shot('import-killercoda-dialog');
  await page.getByRole('button', { name: 'Build and add' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  await cardCount(1);
  await idle();
  await page.getByRole('link', { name: 'Open Shell first steps' }).click();
  await page.waitForSelector('article.opened', WAIT);
  assert.equal(await page.locator('ol.steps > li').count(), 4);
  await page.locator('ol.steps > li a').first().click();
  await page.waitForSelector('#step-text', WAIT);
  assert.match(await page.textContent('#step-text'), /make and fill a folder/);
  await page.click('nav.pager a[rel="next"]');
  await page.waitForFunction(() => /mkdir -p \/root\/demo/.test(document.querySelector('#step-text')?.textContent ?? ''), null, WAIT);
  assert.equal(await page.locator('#step-text script').count(), 0, 'no script from the source');
  assert.match(await page.textContent('article.player'), /test -d \/root\/demo/, 'the verify script is shown as its check');
  await shot('import-killercoda-step');
  assert.deepEqual(problems, []);
});

test('a Codelab picked as a .md file becomes a workshop with its minutes', async () => {
  await home();
  await page.setInputFiles('#add-file', join(work, 'three-queries.md'));
  const dialog = await page.waitForSelector('dialog[open]', WAIT);
  const text = await dialog.textContent();
  assert.match(text, /Build “Three queries” from three-queries\.md/);
  assert.match(text, /a Codelab, imported as a workshop/);
  assert.match(text, /2 steps/);
  await page.getByRole('button', { name: 'Build and add' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  await cardCount(2);
  await idle();
  await page.getByRole('link', { name: 'Open Three queries' }).click();
  await page.waitForSelector('article.opened', WAIT);
  assert.equal(await page.locator('ol.steps > li').count(), 2);
  await page.locator('ol.steps > li a').first().click();
  await page.waitForSelector('#step-text', WAIT);
  assert.match(await page.textContent('#step-text'), /Count the rows/);
  assert.match(await page.textContent('article.player'), /about 2 min/);
  assert.ok(await page.locator('#step-text aside.admonition').count() >= 1, 'the Positive box is an admonition');
  assert.deepEqual(problems, []);
});

test('a scenario naming a file outside itself is refused in one line; nothing is stored', async () => {
  await home();
  await page.setInputFiles('#add-file', join(work, 'escaping.zip'));
  await page.waitForSelector('.alert >> text=escaping.zip', WAIT);
  const message = await page.locator('.alert .alert-message').last().textContent();
  assert.match(message, /escaping\.zip/);
  assert.ok(!message.includes('\n') && message.length < 400, message);
  await idle();
  await cardCount(2);
  assert.equal(await page.locator('dialog[open]').count(), 0);
});
