// Text forms and the SQL playground end to end: export a workshop as YAML/CSV and
// decompiled zips (real downloads, checked with the CLI: same bytes as `stepwise export`, same
// digest after `stepwise build`), import zips after a preview, refuse bad zips with the file and
// line and without changing the library, browse and query in the playground (a write to a
// workshop's definition refused until write mode), CSV of a table, export and rebuild a project.
//
//   node --test tests/e2e/textforms.test.mjs   # after scripts/build-samples.sh, trunk build and
//                                              # cargo build --release -p stepwise-cli
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { FLAGS, makeZip, typeSql } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const shots = resolve(root, process.env.STEPWISE_SCREENSHOTS ?? 'target/e2e');
const cli = resolve(root, process.env.STEPWISE_CLI ?? 'target/release/stepwise');
const WAIT = { timeout: 60_000 };
const SQL_JOINS = join(dist, 'samples', 'sql-joins.db');
const K8S = join(dist, 'samples', 'k8s-first-deploy.db');

let server, context, page, profile, work;
const problems = [];

const run = (...args) => execFileSync(cli, args, { encoding: 'utf8' });
const digestOf = (text) => text.match(/sha256:[0-9a-f]{64}/)?.[0];

const cards = () => page.locator('ul.library > li.card');
async function cardCount(n) {
  await page.waitForFunction((n) => document.querySelectorAll('ul.library > li.card').length === n
    && !document.querySelector('ul.library[aria-busy="true"]'), n, WAIT);
}
async function home() {
  await page.goto(`${server.url}#/`);
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
async function openCard(title) {
  await page.getByRole('link', { name: `Open ${title}` }).first().click();
  await page.waitForSelector('article.opened', WAIT);
}
async function download(name) {
  const [file] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.getByRole('button', { name }).click(),
  ]);
  const saved = join(work, file.suggestedFilename());
  await file.saveAs(saved);
  return { name: file.suggestedFilename(), path: saved };
}
function unzipList(path) {
  return execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
}
async function shot(name, scheme) {
  mkdirSync(shots, { recursive: true });
  await page.emulateMedia({ colorScheme: scheme });
  await page.screenshot({ path: join(shots, `${name}-${scheme}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
}
async function query(sql) {
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  const before = await page.getAttribute('.pg-query', 'data-runs');
  await typeSql(page, sql, '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  await page.waitForFunction((n) => document.querySelector('.pg-query')?.getAttribute('data-runs') !== n, before, WAIT);
}
/** Runs a statement that does not end, stops it with Stop, and waits for the restarted worker. */
async function runAndStop(sql) {
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  const before = await page.getAttribute('.pg-query', 'data-runs');
  await typeSql(page, sql, '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  const stop = page.getByRole('button', { name: 'Stop', exact: true });
  await stop.waitFor(WAIT);
  assert.match(await page.textContent('.pg-running'), /stops by itself after 30 s/);
  await stop.click();
  await page.waitForFunction((n) => document.querySelector('.pg-query')?.getAttribute('data-runs') !== n, before, WAIT);
  assert.match(await page.textContent('.query-error'), /^Stopped\. The database worker was restarted/);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
}
/** Adds a zip by the file picker and answers the preview; returns the dialog's text. */
async function addZip(path, answer = 'Build and add') {
  await page.setInputFiles('#add-file', path);
  const dialog = await page.waitForSelector('dialog[open]', WAIT);
  const text = await dialog.textContent();
  await page.getByRole('button', { name: answer }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  return text;
}

before(async () => {
  for (const f of [join(dist, 'index.html'), SQL_JOINS, K8S, cli]) assert.ok(existsSync(f), `${f} missing`);
  work = mkdtempSync(join(tmpdir(), 'stepwise-textforms-'));
  execFileSync('sqlite3', [join(work, 'shop.sqlite'),
    'CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, note TEXT);'
    + "INSERT INTO customers(name, note) VALUES ('Ada', NULL),('Grace', ''),('Linus', 'a \"quoted\", text');"
    + 'CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id));'
    + 'INSERT INTO orders(customer) VALUES (1),(1),(3);'
    + 'CREATE VIEW names AS SELECT name FROM customers;']);
  execFileSync('sqlite3', [join(work, 'million.sqlite'),
    'CREATE TABLE n(x INTEGER PRIMARY KEY, sq INTEGER);'
    + 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) '
    + 'INSERT INTO n SELECT x, (x * 7919) % 1000003 FROM c;']);
  // A full-text index (FTS5, which the worker's SQLite has).
  execFileSync('sqlite3', [join(work, 'search.sqlite'),
    "CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('hello world');"
    + 'CREATE TABLE plain(x INTEGER); INSERT INTO plain VALUES (1), (2);']);
  run('export', K8S, '-o', join(work, 'k8s-first-deploy.zip'));
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: FLAGS,
    viewport: { width: 1200, height: 850 }, acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await home();
  await page.setInputFiles('#add-file', SQL_JOINS);
  await cardCount(1);
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('Export as YAML/CSV downloads the same zip as `stepwise export`, and it builds to the same digest', async () => {
  await openCard('SQL joins in eight steps');
  const zip = await download('Export as YAML/CSV (.zip)');
  assert.equal(zip.name, 'sql-joins-1.0.0.zip');
  // Opening the workshop started it (the player records the current step and the workspace), so
  // the same .db is the one stored in the browser now: download it and export it with the CLI.
  const stored = await download(/^Download sql-joins/);
  run('export', stored.path, '-o', join(work, 'cli.zip'));
  assert.ok(readFileSync(zip.path).equals(readFileSync(join(work, 'cli.zip'))), 'byte-identical to the CLI export');
  assert.ok(unzipList(zip.path).includes('data/cursor.csv'), 'the runtime state travels in data/');
  const built = run('build', zip.path, '-o', join(work, 'rebuilt.db'));
  assert.equal(digestOf(built), digestOf(run('info', SQL_JOINS)));
});

test('Decompile downloads <slug>-<version>-decompiled.zip, as the CLI makes it', async () => {
  const zip = await download('Decompile (.zip)');
  assert.equal(zip.name, 'sql-joins-1.0.0-decompiled.zip');
  const stored = await download(/^Download sql-joins/);
  run('decompile', stored.path, '-o', join(work, 'cli-decompiled.zip'));
  assert.ok(readFileSync(zip.path).equals(readFileSync(join(work, 'cli-decompiled.zip'))));
});

test('a workshop zip is previewed, confirmed, built and opened', async () => {
  await home();
  const text = await addZip(join(work, 'k8s-first-deploy.zip'));
  assert.match(text, /Your first deployment/);
  assert.match(text, /4 steps, \d+ artifacts?/);
  await cardCount(2);
  await idle();
  await openCard('Your first deployment');
  assert.equal(await page.locator('ol.steps > li').count(), 4);
});

test('a zip dropped on the page is known by its bytes (no .zip in its name); Cancel stores nothing', async () => {
  await home();
  const base64 = readFileSync(join(work, 'k8s-first-deploy.zip')).toString('base64');
  await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'k8s-text-form'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, base64);
  const dialog = await page.waitForSelector('dialog[open]', WAIT);
  assert.match(await dialog.textContent(), /Build “Your first deployment” from k8s-text-form/);
  for (const scheme of ['light', 'dark']) await shot('zip-dialog', scheme);
  await page.keyboard.press('Escape');
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  await idle();
  await cardCount(2);
});

test('bad zips are refused naming the file inside and the line; the library does not change', async () => {
  await home();
  await dismissAll();
  makeZip(join(work, 'evil.zip'), { '../evil': 'x', 'workshop.yaml': 'version: 1\n' });
  makeZip(join(work, 'badcsv.zip'), {
    'project.yaml': 'version: 1\nproject:\n  name: bad\ntables:\n  - name: t\n    columns:\n      - name: a\n        type: TEXT\n',
    'data/t.csv': 'a\n"ok"\n"broken\n',
  });
  makeZip(join(work, 'future.zip'), { 'workshop.yaml': 'version: 99\nworkshop:\n  slug: x\n  title: X\n' });
  for (const [file, pattern] of [
    ['evil.zip', /evil\.zip.*\.\.\/evil/],
    ['badcsv.zip', /data\/t\.csv:\d+/],
    ['future.zip', /workshop\.yaml.*version 99/],
  ]) {
    await page.setInputFiles('#add-file', join(work, file));
    await page.waitForSelector(`.alert >> text=${file}`, WAIT);
    const message = await page.locator('.alert .alert-message').last().textContent();
    assert.match(message, pattern, message);
    await idle();
    await cardCount(2);
  }
  assert.equal(await page.locator('dialog[open]').count(), 0);
  await dismissAll();
});

test('the playground lists tables, pages through a million rows and sorts by a column', async () => {
  await page.setInputFiles('#add-file', join(work, 'million.sqlite'));
  await cardCount(3);
  await openCard('million.sqlite');
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="n"]', WAIT);
  assert.match(await page.textContent('.pg-tables li[data-table="n"]'), /1,000,000/);
  await page.click('.pg-tables li[data-table="n"] button.linkish');
  await page.waitForSelector('.pg-range >> text=rows 1–50 of 1,000,000', WAIT);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForSelector('.pg-range >> text=rows 51–100 of 1,000,000', WAIT);
  assert.equal(await page.textContent('table.result tbody tr:first-child td:first-child'), '51');
  await page.click('th >> button.sort:has-text("sq")');
  await page.waitForSelector('th[aria-sort="ascending"]', WAIT);
  await page.waitForSelector('.pg-range >> text=rows 1–50 of 1,000,000', WAIT);
  const first = Number(await page.textContent('table.result tbody tr:first-child td:nth-child(2)'));
  const least = Number(execFileSync('sqlite3', [join(work, 'million.sqlite'), 'SELECT min(sq) FROM n']).toString());
  assert.equal(first, least, 'smallest sq first');
  await page.click('th >> button.sort:has-text("sq")');
  await page.waitForSelector('th[aria-sort="descending"]', WAIT);
  for (const scheme of ['light', 'dark']) await shot('playground-browse', scheme);
});

test('a query runs with Ctrl+Enter, errors come as SQLite says them, history reuses a query', async () => {
  await query('SELECT count(*) AS rows FROM n WHERE x <= 10');
  assert.match(await page.textContent('.query-result'), /10/);
  await query('SELECT * FROM nowhere');
  assert.equal(await page.textContent('.query-error'), 'no such table: nowhere');
  await page.click('.pg-history li:nth-child(2) button');
  await page.waitForFunction(() => document.querySelector('#pg-sql')?.textContent === 'SELECT count(*) AS rows FROM n WHERE x <= 10', null, WAIT);
});

test('results align numbers right, mark NULL, fold long text and copy as CSV or Markdown', async () => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await query("SELECT x, NULL AS empty, 'a | b' AS text, printf('%.300c', 'y') AS long FROM n WHERE x <= 2");
  const result = page.locator('.query-result');
  assert.equal(await result.locator('tbody tr:first-child td.num').textContent(), '1');
  assert.equal(await result.locator('tbody tr:first-child td.null').textContent(), 'NULL');
  const long = result.locator('tbody tr:first-child td.long');
  assert.match(await long.locator('summary').textContent(), /^y{120}… \(300 characters\)$/);
  await long.locator('summary').click();
  assert.equal((await long.locator('.whole').textContent()).length, 300);
  await result.getByRole('button', { name: 'Copy as Markdown' }).click();
  await page.waitForSelector('.copy-result >> text=Copied as Markdown.', WAIT);
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(markdown, /^\| x \| empty \| text \| long \|\n\| ---: \| --- \| --- \| --- \|\n\| 1 \| NULL \| a \\\| b \| y{300} \|\n/);
  await result.getByRole('button', { name: 'Copy as CSV' }).click();
  await page.waitForSelector('.copy-result >> text=Copied as CSV.', WAIT);
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^x,empty,text,long\r\n1,,a \| b,y{300}\r\n2,/);
});

test('a statement saved by name comes back into the editor, also after a reload, and can be removed', async () => {
  await query('SELECT max(sq) AS top FROM n');
  await page.fill('#pg-save-name', 'Top square');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForSelector('.pg-saved li >> text=Top square', WAIT);
  await page.reload();
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  await page.click('.pg-saved li button.linkish >> text=Top square');
  await page.waitForFunction(() => document.querySelector('#pg-sql')?.textContent === 'SELECT max(sq) AS top FROM n', null, WAIT);
  await page.getByRole('button', { name: 'Remove the saved query Top square' }).click();
  await page.waitForSelector('.pg-saved >> text=None yet', WAIT);
});

test('a runaway query can be stopped while it runs, and the next query runs', async () => {
  await runAndStop('SELECT count(*) FROM n a, n b');
  await query('SELECT count(*) AS rows FROM n WHERE x <= 10');
  assert.match(await page.textContent('.query-result'), /10/);
});

test('the playground of a workshop refuses writing its definition until write mode is on', async () => {
  await home();
  await openCard('Your first deployment');
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  // A workshop's playground starts on the learner's workspace; the file is the other choice.
  await page.waitForSelector('.pg-layout[data-target="workspace"]', WAIT);
  await page.getByLabel("The workshop file's own tables").check();
  await page.waitForSelector('.pg-tables li[data-table="step"]', WAIT);
  await query('SELECT count(*) AS n FROM step');
  assert.match(await page.textContent('.query-result table'), /4/);
  await query("UPDATE workshop SET title = 'Changed'");
  assert.match(await page.textContent('.query-error'), /workshop belongs to the workshop's definition.*write mode/);
  await query('SELECT title FROM workshop');
  assert.match(await page.textContent('.query-result table'), /Your first deployment/);
  for (const scheme of ['light', 'dark']) await shot('playground', scheme);
  await page.check('.write-mode input');
  await query("UPDATE workshop SET title = 'Changed'");
  assert.match(await page.textContent('.query-done'), /1 row changed/);
  await page.waitForSelector('.notice.changed', WAIT);
  assert.match(await page.textContent('.notice.changed'), /no longer matches its digest/);
  // The opened view says so too, and still leads to the playground.
  await page.click('p.back a');
  await page.waitForSelector('.notice >> text=could not be opened', WAIT);
  assert.match(await page.textContent('.notice'), /no longer matches the fingerprint/);
  assert.equal(await page.getByRole('link', { name: 'Open the SQL playground' }).count(), 1);
});

test('a table downloads as project CSV; a project exports and rebuilds after a confirmation', async () => {
  await home();
  await page.setInputFiles('#add-file', join(work, 'shop.sqlite'));
  await cardCount(4);
  await openCard('shop.sqlite');
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  const csv = await download('Download customers as CSV');
  assert.equal(csv.name, 'customers.csv');
  const exported = readFileSync(csv.path, 'utf8');
  assert.match(exported, /^id,name,note\r?\n/);
  assert.match(exported, /a ""quoted"", text/);
  // The schema panel of a table with a foreign key, and its CREATE statement.
  await page.click('.pg-tables li[data-table="orders"] button.linkish');
  const panel = page.locator('details.pg-structure[data-table="orders"]');
  await panel.waitFor(WAIT);
  assert.match(await panel.locator('summary').textContent(), /Structure of orders \(table\): 2 columns, 1 foreign key/);
  await panel.locator('summary').click();
  assert.match(await panel.textContent(), /customer → customers\(id\)/);
  assert.match(await panel.locator('.structure-sql').last().textContent(), /CREATE TABLE orders/);
  await page.click('.pg-tables li[data-table="names"] button.linkish');
  await page.waitForSelector('details.pg-structure[data-table="names"] >> text=Structure of names (view): 1 column', WAIT);
  await query("INSERT INTO customers(name) VALUES ('Temporary')");
  await page.goBack();
  await page.waitForSelector('article.opened', WAIT);
  const project = await download('Export as project (.zip)');
  assert.equal(project.name, 'shop-project.zip');
  const entries = execFileSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', project.path], { encoding: 'utf8' });
  assert.match(entries, /project\.yaml/);
  assert.match(entries, /data\/customers\.csv/);
  // Rebuild from the project as it was before the insert: made by the CLI from the original file.
  run('project', 'export', join(work, 'shop.sqlite'), '-o', join(work, 'shop-original.zip'));
  const opened = page.url();
  await page.setInputFiles('.text-forms input[type="file"]', join(work, 'shop-original.zip'));
  await page.waitForSelector('.rebuild-confirm', WAIT);
  assert.match(await page.textContent('.rebuild-summary'),
    /2 tables, 6 rows will be recreated; the stored \.db will be replaced/);
  await page.getByRole('button', { name: 'Replace the stored database' }).click();
  await page.waitForURL((u) => u.toString() !== opened, WAIT);
  await page.waitForSelector('article.opened', WAIT);
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="customers"]', WAIT);
  assert.equal(await page.textContent('.pg-tables li[data-table="customers"] .num'), '3');
  await home();
  await cardCount(4);
});

test('a rebuild from a malformed project changes nothing', async () => {
  await openCard('shop.sqlite');
  const before = page.url();
  await page.setInputFiles('.text-forms input[type="file"]', join(work, 'badcsv.zip'));
  await page.waitForSelector('.alert >> text=badcsv.zip', WAIT);
  assert.equal(page.url(), before);
  await home();
  await cardCount(4);
});

test('a file with an FTS5 table opens in the playground, answers full-text searches and exports as a project', async () => {
  await home();
  await page.setInputFiles('#add-file', join(work, 'search.sqlite'));
  await cardCount(5);
  await openCard('search.sqlite');
  const project = await download('Export as project (.zip)');
  const files = unzipList(project.path);
  assert.ok(files.some((f) => f.endsWith('data/docs.csv')), files.join(' '));
  assert.ok(!files.some((f) => f.includes('docs_data')), 'no shadow table in the project');
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  await page.waitForSelector('.pg-tables li[data-table="plain"]', WAIT);
  assert.equal(await page.textContent('.pg-tables li[data-table="plain"] .num'), '2');
  assert.equal(await page.textContent('.pg-tables li[data-table="docs"] .num'), '1');
  await query("SELECT highlight(docs, 0, '[', ']') AS hit FROM docs WHERE docs MATCH 'hello'");
  assert.match(await page.textContent('.query-result'), /\[hello\] world/);
  await query('SELECT sum(x) AS total FROM plain');
  assert.match(await page.textContent('.query-result'), /3/);
  await home();
  await cardCount(5);
});

test('a link with ?src= and &sql= adds the database and opens its playground with the statement run', async () => {
  // Another port: another origin, so a library of its own (the link's first visit).
  const shared = await serve(dist, 0, { files: { 'data/shop.sqlite': readFileSync(join(work, 'shop.sqlite')) } });
  try {
    const sql = "SELECT count(*) AS customers FROM customers WHERE note IS NOT NULL";
    await page.goto(`${shared.url}?src=data/shop.sqlite&sql=${encodeURIComponent(sql)}`);
    await page.waitForSelector('article.playground', WAIT);
    await page.waitForFunction(() => document.querySelector('.pg-query')?.getAttribute('data-runs') === '1', null, WAIT);
    assert.match(await page.textContent('.query-result'), /customers\s*2/);
    assert.doesNotMatch(page.url(), /sql=|src=/, 'the address is clean');
    assert.match(page.url(), /#\/p\//);
    // Share: the last statement as a link that adds the same database and runs it.
    const next = 'SELECT name FROM customers ORDER BY name DESC LIMIT 1';
    await query(next);
    await page.getByRole('button', { name: 'Share a link to the last statement' }).click();
    const link = await page.inputValue('#share-link');
    assert.equal(link, `${shared.url}?src=data%2Fshop.sqlite&sql=${encodeURIComponent(next)}`);
    await page.goto(link);
    await page.waitForFunction(() => document.querySelector('.pg-query')?.getAttribute('data-runs') === '1'
      && document.querySelector('.query-result'), null, WAIT);
    assert.match(await page.textContent('.query-result'), /name\s*Linus/);
  } finally {
    await page.goto(`${server.url}#/`);
    await shared.close();
  }
});

test('an empty database starts from the library and takes tables in its playground', async () => {
  await home();
  await page.fill('#add-new', 'scratch');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForSelector('article.playground', WAIT);
  assert.equal(await page.textContent('article.playground h1'), 'scratch.db');
  await page.waitForSelector('.pg-tables', { state: 'attached', ...WAIT });
  await query('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  await page.waitForSelector('.pg-tables li[data-table="notes"]', WAIT);
  await query("INSERT INTO notes (body) VALUES ('first')");
  await page.getByRole('button', { name: 'Share a link to the last statement' }).click();
  assert.match(await page.textContent('.share-link'), /A link needs a database on the web/);
  await page.waitForFunction(() => document.querySelector('.pg-tables li[data-table="notes"] .num')?.textContent === '1', null, WAIT);
  await home();
  await cardCount(6);
  await page.fill('#add-new', 'a/b');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForSelector('.alert >> text=without / or', WAIT);
  await idle();
  await cardCount(6);
  await dismissAll();
});

test("a workshop's playground queries the learner's workspace, and what it makes is kept", async () => {
  await home();
  await openCard('SQL joins in eight steps');
  await page.getByRole('link', { name: 'Open the SQL playground' }).click();
  // The workspace a learner starts the workshop with: its sample tables.
  await page.waitForSelector('.pg-layout[data-target="workspace"] .pg-tables li[data-table="customers"]', WAIT);
  assert.equal(await page.locator('.pg-tables li[data-table="step"]').count(), 0, 'the workshop file is the other view');
  await query("CREATE TABLE tried (x); INSERT INTO tried VALUES (1), (2); SELECT count(*) AS n FROM tried");
  assert.match(await page.textContent('.query-result'), /n\s*2/);
  await page.waitForSelector('.pg-tables li[data-table="tried"]', WAIT);
  await page.click('.pg-tables li[data-table="tried"] button');
  await page.waitForFunction(() => document.querySelector('.query-done')?.textContent === '2 rows'
    && document.querySelector('#pg-sql')?.textContent.startsWith('SELECT * FROM "tried"'), null, WAIT);
  await page.click('.pg-tables li[data-table="customers"] button');
  await page.waitForFunction(() => document.querySelector('#pg-sql')?.textContent.startsWith('SELECT * FROM "customers"')
    && /^\d+ rows?$/.test(document.querySelector('.query-done')?.textContent ?? ''), null, WAIT);
  // A runaway statement on the workspace stops with Stop; what was saved before stays.
  await runAndStop('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
  await query('SELECT count(*) AS n FROM tried');
  assert.match(await page.textContent('.query-result'), /n\s*2/);
  await page.reload();
  await page.waitForSelector('.pg-layout[data-target="workspace"] .pg-tables li[data-table="tried"]', WAIT);
  await page.goto(`${server.url}#/`);
});

test('no uncaught errors', () => {
  assert.deepEqual(problems, []);
});
