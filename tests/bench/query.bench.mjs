// Queries over the 1M-row database in the worker, against the same queries in two references
// in the same headless Chromium on the same `.db`: sql.js (npm `sql.js`, the database in its
// memory) and sqlite.org's official wasm build (npm `@sqlite.org/sqlite-wasm`, the database in
// its OPFS sahpool VFS, in a module worker as ours is). Target: no slower than the faster one.
//
//   node tests/bench/query.bench.mjs --dist dist --data target/bench/data [--quick]
//
// The queries: a GROUP BY over every row (count, sum, avg), a join of 200k rows to the 1M by
// primary key, and a `LIKE` scan of a text column. Ours: the playground's `Query` request on the
// stored rows-1m.db (imported first, not timed), timed in the page from postMessage to the
// answer. sql.js: the same file loaded into its in-memory database from the same File (not
// timed), `db.exec(sql)` timed. sqlite.org: the File imported into its pool (not timed), timed
// in the page from postMessage to the answer. One warm-up each, then runs in turns; medians. All
// three answers must agree (counts exactly, sums to 1e-6). Quick: rows-10k.db (a 2k-row join),
// 3 runs.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  args, dataLabel, figure, importPicked, log, median, pick, plainPage, root, run, serveDist, sqlJsFiles,
} from './lib.mjs';

/** The queries; `joined` rows of the left side (200k of 1M; 2k of the quick 10k). */
const queries = (joined) => [
  {
    figure: 'query', label: 'aggregate query (GROUP BY category: count, sum, avg) over every row',
    sql: 'SELECT category, count(*), sum(qty), avg(price) FROM items GROUP BY category ORDER BY category',
  },
  {
    figure: 'query_join', label: `join of ${joined / 1000}k rows to every row by primary key (count, sum)`,
    sql: `SELECT count(*), sum(a.qty), sum(b.price) FROM items a JOIN items b ON b.id = a.id * 5 WHERE a.id <= ${joined}`,
  },
  {
    figure: 'query_like', label: "LIKE scan of a text column over every row (note LIKE '%ab%')",
    sql: "SELECT count(*), min(id), max(id) FROM items WHERE note LIKE '%ab%'",
  },
];

/** sqlite.org's wasm files and the bench's worker for them, under `__bench/`. */
function sqliteOrgFiles() {
  const dir = join(root, 'node_modules', '@sqlite.org', 'sqlite-wasm', 'dist');
  const files = { '__bench/sqlite-org-worker.mjs': readFileSync(join(root, 'tests', 'bench', 'sqlite-org-worker.mjs')) };
  for (const f of readdirSync(dir)) files[`__bench/sqlite-wasm/${f}`] = readFileSync(join(dir, f));
  return files;
}

const number = (c) => (c === null ? null : Number.isNaN(Number(c)) ? c : Number(c));

function same(a, b) {
  if (a.length !== b.length) return false;
  return a.every((row, i) => row.length === b[i].length && row.every((v, j) => {
    const w = b[i][j];
    return typeof v === 'number' && typeof w === 'number' ? Math.abs(v - w) <= 1e-6 * Math.max(1, Math.abs(v)) : v === w;
  }));
}

run(async () => {
  const opts = args();
  const name = opts.quick ? 'rows-10k.db' : 'rows-1m.db';
  const db = join(opts.data, name);
  const runs = opts.quick ? 3 : 7;
  const server = await serveDist(opts.dist, { ...sqlJsFiles(), ...sqliteOrgFiles() });
  const browser = await plainPage(server);
  try {
    const { page } = browser;
    await page.evaluate(async () => { window.w = await initWorker(); });
    await pick(page, db);
    const entry = await importPicked(page);
    log(`stored ${name} as ${entry}`);
    await page.addScriptTag({ url: '/__bench/sql-wasm.js' });
    await page.evaluate(async () => {
      const SQL = await initSqlJs({ locateFile: (f) => `/__bench/${f}` });
      window.sqljs = new SQL.Database(new Uint8Array(await window.picked.arrayBuffer()));
    });
    log('sql.js has the database in memory');
    const official = await page.evaluate(() => new Promise((ok, fail) => {
      window.org = new Worker('/__bench/sqlite-org-worker.mjs', { type: 'module' });
      window.org.onmessage = ({ data }) => (data.error ? fail(new Error(data.error)) : ok(data.ok));
      window.org.onerror = (e) => fail(new Error(e.message));
      window.org.postMessage({ kind: 'load', file: window.picked });
    }));
    log(`sqlite.org's wasm ${official} has the database in its sahpool VFS`);
    const sqlJsVersion = JSON.parse(readFileSync(join(root, 'node_modules/sql.js/package.json'), 'utf8')).version;
    const orgVersion = JSON.parse(readFileSync(join(root, 'node_modules/@sqlite.org/sqlite-wasm/package.json'), 'utf8')).version;

    const engines = {
      ours: (sql) => page.evaluate(async ([entry, sql]) => {
        const t0 = performance.now();
        const a = await ask(w, { kind: 'query', entry, sql, write: false });
        const ms = performance.now() - t0;
        if (a.error) throw new Error(`query: ${JSON.stringify(a).slice(0, 300)}`);
        return { ms, rows: a.rows };
      }, [entry, sql]),
      sqljs: (sql) => page.evaluate((sql) => {
        const t0 = performance.now();
        const [result] = sqljs.exec(sql);
        return { ms: performance.now() - t0, rows: result.values };
      }, sql),
      org: (sql) => page.evaluate((sql) => new Promise((ok, fail) => {
        const t0 = performance.now();
        org.onmessage = ({ data }) => (data.error ? fail(new Error(data.error)) : ok({ ms: performance.now() - t0, rows: data.rows }));
        org.postMessage({ kind: 'query', sql });
      }), sql),
    };

    for (const q of queries(opts.quick ? 2000 : 200_000)) {
      const warm = {};
      for (const [k, f] of Object.entries(engines)) {
        warm[k] = await f(q.sql);
        warm[k].rows = warm[k].rows.map((r) => r.map(number));
      }
      for (const k of ['sqljs', 'org']) {
        if (!same(warm.ours.rows, warm[k].rows)) {
          throw new Error(`${q.figure}: ours ${JSON.stringify(warm.ours.rows).slice(0, 200)}, ${k} ${JSON.stringify(warm[k].rows).slice(0, 200)}`);
        }
      }
      log(`${q.figure}: the three agree (${warm.ours.rows.length} rows); warm-up: ours ${warm.ours.ms.toFixed(1)} ms, `
        + `sql.js ${warm.sqljs.ms.toFixed(1)} ms, sqlite.org ${warm.org.ms.toFixed(1)} ms`);
      const times = { ours: [], sqljs: [], org: [] };
      for (let i = 0; i < runs; i++) {
        for (const [k, f] of Object.entries(engines)) times[k].push((await f(q.sql)).ms);
        log(`  run ${i + 1} of ${runs}: ours ${times.ours.at(-1).toFixed(1)} ms, sql.js ${times.sqljs.at(-1).toFixed(1)} ms, `
          + `sqlite.org ${times.org.at(-1).toFixed(1)} ms`);
      }
      const sqljs = median(times.sqljs);
      const org = median(times.org);
      const [reference, label] = sqljs <= org
        ? [sqljs, `sql.js ${sqlJsVersion} in the same page, the .db in its memory (the faster reference; sqlite.org's wasm ${orgVersion} on OPFS: ${org.toFixed(1)} ms)`]
        : [org, `sqlite.org's wasm ${orgVersion} in a worker on its OPFS sahpool VFS (the faster reference; sql.js ${sqlJsVersion}: ${sqljs.toFixed(1)} ms)`];
      figure({
        figure: `${q.figure}_worker_${opts.quick ? '10k' : '1m'}`,
        label: `${q.label} in the worker`,
        value: median(times.ours), unit: 'ms',
        reference, reference_label: label,
        target: { max: 1.0, of: 'ratio' }, runs, data: dataLabel(name, statSync(db).size),
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
