// Data files into tables end to end: a CSV added to the library is previewed (delimiter,
// header, column types, first rows) and becomes a new database; in a database's playground a
// TSV, a semicolon file and a JSON file go into new or existing tables after their preview;
// ragged, non-UTF-8 and constraint-breaking files are refused in one line with nothing written;
// a data file at an address (?src=, with &sql=) is fetched by the worker and previewed the same.
//
//   node --test tests/e2e/data.test.mjs   # after trunk build
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const WAIT = { timeout: 60_000 };

let server, context, page, profile, work;
const problems = [];

async function home() {
  await page.goto(`${server.url}#/`);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
  await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
}
async function cardCount(n) {
  await page.waitForFunction((n) => document.querySelectorAll('ul.library > li.card').length === n
    && !document.querySelector('ul.library[aria-busy="true"]'), n, WAIT);
}
async function query(sql) {
  await page.waitForSelector('.pg-query .sql-editor[data-editor="ready"]', WAIT);
  const before = await page.getAttribute('.pg-query', 'data-runs');
  await typeSql(page, sql, '#pg-sql');
  await page.press('#pg-sql', 'Control+Enter');
  await page.waitForFunction((n) => document.querySelector('.pg-query')?.getAttribute('data-runs') !== n, before, WAIT);
  return page.textContent('.query-result, .query-error');
}
/** Waits until the preview's summary line says `expected` (a string or a pattern), the worker
 * done reading the file. */
async function summaryIs(expected) {
  const source = expected instanceof RegExp ? expected.source : null;
  await page.waitForFunction(([text, source]) => {
    const line = document.querySelector('dialog[open] form.data-dialog[aria-busy="false"] .data-summary')?.textContent;
    return line !== undefined && (source ? new RegExp(source).test(line) : line === text);
  }, [expected instanceof RegExp ? null : expected, source], WAIT);
}
async function headers() {
  return page.$$eval('dialog[open] .data-preview thead th', (ths) => ths.map((th) =>
    `${th.querySelector('.data-col').textContent}:${th.querySelector('select').value}`));
}
async function shot(name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
function file(name, text) {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), 'dist/index.html missing');
  work = mkdtempSync(join(tmpdir(), 'stepwise-data-'));
  execFileSync('sqlite3', [join(work, 'shop.sqlite'),
    'CREATE TABLE cities(name TEXT PRIMARY KEY, country TEXT NOT NULL, people INTEGER);'
    + "INSERT INTO cities VALUES ('Berlin', 'DE', 3850809);"]);
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, { viewport: { width: 1200, height: 850 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await home();
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a CSV added to the library is previewed, its types chosen, and becomes a new database', async () => {
  const csv = file('Shop items.csv', '\ufeffid,name,price,zip,note\r\n'
    + '1,"Ada, Countess",12.5,02134,"two\r\nlines"\r\n2,Bob,3,10115,\r\n3,"Cé ""Q""",,00501,x\r\n');
  await page.setInputFiles('#add-file', csv);
  await summaryIs('Comma-separated · 3 rows · 5 columns');
  assert.equal(await page.textContent('dialog[open] h2'), 'Import Shop items.csv');
  assert.ok(await page.isChecked('#data-header'), 'the header is detected');
  assert.deepEqual(await headers(), ['id:INTEGER', 'name:TEXT', 'price:REAL', 'zip:TEXT', 'note:TEXT']);
  const firstRow = await page.$$eval('dialog[open] .data-preview tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
  assert.equal(firstRow[1], 'Ada, Countess');
  assert.equal(firstRow[3], '02134', 'a leading zero keeps a postcode text');
  assert.match(await page.textContent('dialog[open] .data-target legend'), /A new database, Shop_items\.db/);
  await shot('data-preview-library');
  // The learner wants the ids as text.
  await page.selectOption('dialog[open] select[aria-label="Type of id"]', 'TEXT');
  await page.getByRole('button', { name: 'Import 3 rows' }).click();
  await page.waitForSelector('article.playground', WAIT);
  assert.equal(await page.textContent('article.playground h1'), 'Shop_items.db');
  await page.waitForSelector('.pg-tables li[data-table="Shop_items"]', WAIT);
  const out = await query("SELECT group_concat(typeof(id) || ':' || quote(zip) || ':' || quote(price), ' ') AS t FROM Shop_items");
  assert.match(out, /text:'02134':12\.5 text:'10115':3\.0 text:'00501':NULL/);
  await home();
  await cardCount(1);
});

test('a data file goes into a new or an existing table of a database, after its preview', async () => {
  await page.setInputFiles('#add-file', join(work, 'shop.sqlite'));
  await cardCount(2);
  await page.getByRole('link', { name: 'Open shop.sqlite' }).first().click();
  await page.getByRole('link', { name: /playground/i }).first().click();
  await page.waitForSelector('.pg-tables li[data-table="cities"]', WAIT);

  // Semicolons, detected; read as commas it is one column, and back.
  await page.setInputFiles('#data-file', file('prices.csv', 'item;price\nbread;2,5\nmilk;1,25\n'));
  await summaryIs('Semicolon-separated · 2 rows · 2 columns');
  await page.selectOption('#data-delimiter', ',');
  await summaryIs(/^Comma-separated · 2 rows · 1 column$/);
  assert.match(await page.textContent('dialog[open] .data-problem'), /prices\.csv:2: 2 fields, but the header has 1/);
  assert.ok(await page.isDisabled('dialog[open] button[type="submit"]'), 'nothing is written as read');
  await page.selectOption('#data-delimiter', ';');
  await summaryIs('Semicolon-separated · 2 rows · 2 columns');
  // The header unticked: the first row becomes data.
  await page.uncheck('#data-header');
  await summaryIs('Semicolon-separated · 3 rows · 2 columns');
  assert.deepEqual(await headers(), ['column1:TEXT', 'column2:TEXT']);
  await page.check('#data-header');
  await summaryIs('Semicolon-separated · 2 rows · 2 columns');
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await page.waitForSelector('.data-status >> text=Imported 2 rows into prices.', WAIT);
  await page.waitForSelector('.pg-tables li[data-table="prices"]', WAIT);

  // A TSV added to the existing table.
  await page.setInputFiles('#data-file', file('more cities.tsv', 'name\tcountry\tpeople\nParis\tFR\t2102650\nRome\tIT\t2748109\n'));
  await summaryIs('Tab-separated · 2 rows · 3 columns');
  await page.check('#data-append');
  await page.selectOption('#data-append-to', 'cities');
  await shot('data-preview-append');
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await page.waitForSelector('.data-status >> text=Imported 2 rows into cities.', WAIT);
  assert.match(await query('SELECT count(*) AS n, sum(people) AS p FROM cities'), /n\s*p\s*3\s*8701568/);

  // The same rows again break the primary key: refused in the dialog, nothing written.
  await page.setInputFiles('#data-file', join(work, 'more cities.tsv'));
  await summaryIs('Tab-separated · 2 rows · 3 columns');
  await page.check('#data-append');
  await page.selectOption('#data-append-to', 'cities');
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await page.waitForSelector('dialog[open] .data-error', WAIT);
  assert.equal(await page.textContent('dialog[open] .data-error'),
    'more cities.tsv:2: UNIQUE constraint failed: cities.name. Nothing was written to shop.sqlite.');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
  assert.match(await query('SELECT count(*) AS n FROM cities'), /n\s*3/);

  // JSON: an array of objects, keys in their order, nested values as JSON text.
  await page.setInputFiles('#data-file', file('people.json', JSON.stringify([
    { name: 'Ada', born: 1815, tags: ['math'] }, { born: 1906, name: 'Grace', active: true }])));
  await summaryIs('A JSON array · 2 rows · 4 columns');
  assert.deepEqual(await headers(), ['name:TEXT', 'born:INTEGER', 'tags:TEXT', 'active:INTEGER']);
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await page.waitForSelector('.pg-tables li[data-table="people"]', WAIT);
  assert.match(await query("SELECT group_concat(quote(tags) || '/' || quote(active), ' ') AS t FROM people"),
    /'\["math"\]'\/NULL NULL\/1/);
});

test('a file that is not UTF-8 is refused with its line, and nothing is stored', async () => {
  await home();
  await cardCount(2);
  const latin1 = join(work, 'latin1.csv');
  writeFileSync(latin1, Buffer.from('name\nJos\xe9\n', 'latin1'));
  await page.setInputFiles('#add-file', latin1);
  await page.waitForSelector('.alert >> text=latin1.csv:2: not UTF-8 text', WAIT);
  assert.equal(await page.locator('dialog[open]').count(), 0);
  await cardCount(2);
});

test('a data file at an address (?src=) is previewed, imported, and a shared statement runs on it', async () => {
  // Another port: another origin, so a library of its own.
  const csv = 'name,born\nAda,1815\nGrace,1906\n';
  const shared = await serve(dist, 0, { files: { 'data/people.csv': csv } });
  try {
    // Cancelled: nothing is stored.
    await page.goto(`${shared.url}?src=data/people.csv`);
    await summaryIs('Comma-separated · 2 rows · 2 columns');
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    await page.waitForSelector('dialog[open]', { state: 'detached', ...WAIT });
    await page.waitForSelector('ul.library:not([aria-busy="true"]), p.empty', WAIT);
    assert.equal(await page.locator('ul.library > li.card').count(), 0);
    // With a statement: imported, then its playground runs it.
    const sql = 'SELECT count(*) AS n, min(born) AS first FROM people';
    await page.goto(`${shared.url}?src=data/people.csv&sql=${encodeURIComponent(sql)}`);
    await summaryIs('Comma-separated · 2 rows · 2 columns');
    assert.deepEqual(await headers(), ['name:TEXT', 'born:INTEGER']);
    await page.getByRole('button', { name: 'Import 2 rows' }).click();
    await page.waitForSelector('article.playground', WAIT);
    await page.waitForFunction(() => document.querySelector('.pg-query')?.getAttribute('data-runs') === '1'
      && document.querySelector('.query-result'), null, WAIT);
    assert.match(await page.textContent('.query-result'), /n\s*first\s*2\s*1815/);
    assert.equal(await page.textContent('article.playground h1'), 'people.db');
  } finally {
    await page.goto(`${server.url}#/`);
    await shared.close();
  }
});

test('no uncaught errors', () => {
  assert.deepEqual(problems, []);
});
