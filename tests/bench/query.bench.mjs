// An aggregate query over the 1M-row database in the worker, against the same query in sql.js
// (npm `sql.js`, its wasm build) in the same headless Chromium on the same `.db` (target ≤ 1.0×).
//
//   node tests/bench/query.bench.mjs --dist dist --data target/bench/data [--quick]
//
// Ours: the playground's `Query` request on the stored rows-1m.db (imported first, not timed),
// timed in the page from postMessage to the answer: the worker opens the stored file on OPFS,
// hardens the connection, runs the statement, keeps the first 500 rows and closes it, as the
// playground does for every statement. The reference: sql.js 1.17.0 in the page (served from
// node_modules by the bench's server, no CDN), the same file loaded into its in-memory database
// from the same File (not timed), `db.exec(sql)` timed. One warm-up each, then runs in turns;
// medians. Both answers must agree (counts exactly, sums to 1e-6). Quick: rows-10k.db, 3 runs.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  args, dataLabel, figure, importPicked, log, median, pick, plainPage, root, run, serveDist, sqlJsFiles,
} from './lib.mjs';

const SQL = 'SELECT category, count(*), sum(qty), avg(price) FROM items GROUP BY category ORDER BY category';

run(async () => {
  const opts = args();
  const name = opts.quick ? 'rows-10k.db' : 'rows-1m.db';
  const db = join(opts.data, name);
  const runs = opts.quick ? 3 : 7;
  const server = await serveDist(opts.dist, sqlJsFiles());
  const browser = await plainPage(server);
  try {
    const { page } = browser;
    await page.evaluate(async () => { window.w = await initWorker(); });
    await pick(page, db);
    const entry = await importPicked(page);
    log(`stored ${name} as ${entry}`);
    // sql.js: its script, then the same File into its in-memory database.
    await page.addScriptTag({ url: '/__bench/sql-wasm.js' });
    await page.evaluate(async () => {
      const SQL = await initSqlJs({ locateFile: (f) => `/__bench/${f}` });
      window.sqljs = new SQL.Database(new Uint8Array(await window.picked.arrayBuffer()));
    });
    log('sql.js has the database in memory');

    const ours = () => page.evaluate(async ([entry, sql]) => {
      const t0 = performance.now();
      const a = await ask(w, { kind: 'query', entry, sql, write: false });
      const ms = performance.now() - t0;
      if (a.error) throw new Error(`query: ${JSON.stringify(a).slice(0, 300)}`);
      return { ms, rows: a.rows.map((r) => r.map((c) => (c === null ? null : Number.isNaN(Number(c)) ? c : Number(c)))) };
    }, [entry, SQL]);
    const theirs = () => page.evaluate((sql) => {
      const t0 = performance.now();
      const [result] = sqljs.exec(sql);
      const ms = performance.now() - t0;
      return { ms, rows: result.values };
    }, SQL);

    const a = await ours();
    const b = await theirs();
    if (a.rows.length !== b.rows.length) throw new Error(`ours gives ${a.rows.length} groups, sql.js ${b.rows.length}`);
    for (const [i, row] of a.rows.entries()) {
      const other = b.rows[i];
      const same = row.every((v, j) => (typeof v === 'number' && typeof other[j] === 'number'
        ? Math.abs(v - other[j]) <= 1e-6 * Math.max(1, Math.abs(v))
        : v === other[j]));
      if (!same) throw new Error(`group ${i}: ours ${JSON.stringify(row)}, sql.js ${JSON.stringify(other)}`);
    }
    log(`both give the same ${a.rows.length} groups; warm-up: ours ${a.ms.toFixed(1)} ms, sql.js ${b.ms.toFixed(1)} ms`);
    const times = { ours: [], theirs: [] };
    for (let i = 0; i < runs; i++) {
      times.ours.push((await ours()).ms);
      times.theirs.push((await theirs()).ms);
      log(`run ${i + 1} of ${runs}: ours ${times.ours.at(-1).toFixed(1)} ms, sql.js ${times.theirs.at(-1).toFixed(1)} ms`);
    }
    const version = JSON.parse(readFileSync(join(root, 'node_modules/sql.js/package.json'), 'utf8')).version;
    figure({
      figure: opts.quick ? 'query_worker_10k' : 'query_worker_1m',
      label: `aggregate query (GROUP BY category: count, sum, avg) over every row in the worker`,
      value: median(times.ours), unit: 'ms',
      reference: median(times.theirs), reference_label: `sql.js ${version} in the same page, the .db in its memory`,
      target: { max: 1.0, of: 'ratio' }, runs, data: dataLabel(name, statSync(db).size),
    });
  } finally {
    await browser.close();
    await server.close();
  }
});
