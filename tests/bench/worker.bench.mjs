// The worker's latency as the page sees it: the UI → worker → UI round trip of
// `select 1` (p50 and p99), and recording a passed check durably in OPFS (p50). No references:
// the targets are absolute (≤ 2 ms / 10 ms, ≤ 2 ms).
//
//   node tests/bench/worker.bench.mjs --dist dist --data target/bench/data [--quick]
//
// A plain page of the app's origin starts the built worker (dist/worker_bg.wasm) and talks to it
// through its JSON protocol (crates/protocol), timing each request with performance.now() in the
// page from postMessage to the response's message event.
//
// - Round trip: `Query { sql: "select 1" }` on a stored playground (rows-10k.db): the worker
//   opens the stored file, hardens the connection, runs the statement and closes it, as the
//   playground's SQL box does for every statement. N = 1000 after 50 warm-ups (quick: 100).
// - Check: `Check` of step 2's `answer` check of workshop-quick.db with the right answer
//   (`distinct`), each right after an untimed wrong one (`wrong`), so every timed check turns
//   the stored result from failed to passed: the reply comes after that row is written in one
//   committed transaction on OPFS. N = 200 after 10 warm-ups (quick: 20).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { args, dataLabel, figure, importPicked, log, percentile, pick, plainPage, run, serveDist } from './lib.mjs';

run(async () => {
  const opts = args();
  const rowsDb = join(opts.data, 'rows-10k.db');
  const workshopDb = join(opts.data, 'workshop-quick.db');
  const trips = opts.quick ? 100 : 1000;
  const checks = opts.quick ? 20 : 200;
  const server = await serveDist(opts.dist);
  const browser = await plainPage(server);
  try {
    const { page } = browser;
    await page.evaluate(async () => { window.w = await initWorker(); });
    await pick(page, rowsDb, 'rows');
    const rows = await importPicked(page, 'w', 'rows');
    await pick(page, workshopDb, 'workshop');
    const workshop = await importPicked(page, 'w', 'workshop');
    log(`stored ${rows} (rows-10k.db) and ${workshop} (workshop-quick.db)`);

    // Times `n` requests `body`, one after the other, after `warm` untimed ones; checks each
    // answer with `ok` (a function's source, run in the page).
    const timeRequests = (body, n, warm, ok) => page.evaluate(async ([body, n, warm, ok]) => {
      const good = new Function('answer', `return (${ok})(answer);`);
      const times = [];
      for (let i = 0; i < warm + n; i++) {
        const t0 = performance.now();
        const answer = await ask(w, body);
        const ms = performance.now() - t0;
        if (!good(answer)) throw new Error(`unexpected answer: ${JSON.stringify(answer).slice(0, 300)}`);
        if (i >= warm) times.push(ms);
      }
      return times;
    }, [body, n, warm, ok.toString()]);

    const roundTrips = await timeRequests(
      { kind: 'query', entry: rows, sql: 'select 1', write: false },
      trips, 50,
      (a) => !a.error && a.rows.length === 1 && a.rows[0][0] === '1',
    );
    const pings = await timeRequests({ kind: 'ping' }, trips, 50, (a) => typeof a.version === 'string');
    log(`ping (answered at once, no SQLite): p50 ${percentile(pings, 50).toFixed(3)} ms, p99 ${percentile(pings, 99).toFixed(3)} ms`);
    const data = dataLabel('rows-10k.db', statSync(rowsDb).size);
    figure({
      figure: 'worker_round_trip_p50',
      label: 'UI → worker → UI round trip of `select 1` in the playground, p50',
      value: percentile(roundTrips, 50), unit: 'ms', target: { max: 2, of: 'value' }, runs: trips, data,
    });
    figure({
      figure: 'worker_round_trip_p99',
      label: 'UI → worker → UI round trip of `select 1` in the playground, p99',
      value: percentile(roundTrips, 99), unit: 'ms', target: { max: 10, of: 'value' }, runs: trips, data,
    });

    // The player: open step 2 (it is open: only every tenth step waits for the previous one).
    const played = await page.evaluate(([entry]) => ask(w, { kind: 'play', entry, step: 'step-02' }), [workshop]);
    if (played.error) throw new Error(`play: ${JSON.stringify(played).slice(0, 300)}`);
    // A wrong answer before each timed right one: the save writes only what changed, and a
    // right answer after a right one in the same second changes nothing. So every timed check
    // turns a failed result into a passed one, and its row is written and committed.
    const recorded = await page.evaluate(async ([entry, n, warm]) => {
      const check = (input) => ask(w, { kind: 'check', entry, step: 'step-02', validation: 'answer', input });
      const times = [];
      for (let i = 0; i < warm + n; i++) {
        const failed = await check('wrong');
        if (failed.error || !failed.checks.some((c) => c.id === 'answer' && c.result?.passed === false)) {
          throw new Error(`unexpected answer: ${JSON.stringify(failed).slice(0, 300)}`);
        }
        const t0 = performance.now();
        const passed = await check('distinct');
        const ms = performance.now() - t0;
        if (passed.error || !passed.checks.some((c) => c.id === 'answer' && c.result?.passed === true)) {
          throw new Error(`unexpected answer: ${JSON.stringify(passed).slice(0, 300)}`);
        }
        if (i >= warm) times.push(ms);
      }
      return times;
    }, [workshop, checks, 10]);
    figure({
      figure: 'record_check_p50',
      label: 'record a passed check durably in OPFS (player Check, reply after commit), p50',
      value: percentile(recorded, 50), unit: 'ms', target: { max: 2, of: 'value' }, runs: checks,
      data: dataLabel('workshop-quick.db', statSync(workshopDb).size),
    });
    log(`check: p90 ${percentile(recorded, 90).toFixed(3)} ms, p99 ${percentile(recorded, 99).toFixed(3)} ms`);
    // What one durable write costs on this machine, for the notes: 4 KiB written to an OPFS file
    // through a sync access handle, then flush() (an fsync), in a plain worker of the same page.
    const flushes = await page.evaluate(async (n) => {
      const source = `onmessage = async () => {
        const root = await navigator.storage.getDirectory();
        const file = await root.getFileHandle('bench-flush.bin', { create: true });
        const access = await file.createSyncAccessHandle();
        const bytes = new Uint8Array(4096).fill(7);
        const times = [];
        for (let i = 0; i < ${n}; i++) {
          const t0 = performance.now();
          access.write(bytes, { at: 0 });
          access.flush();
          times.push(performance.now() - t0);
        }
        access.close();
        await root.removeEntry('bench-flush.bin');
        postMessage(times);
      };`;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const times = await new Promise((res) => { worker.onmessage = (e) => res(e.data); worker.postMessage(0); });
      worker.terminate();
      return times;
    }, opts.quick ? 10 : 100);
    log(`one OPFS write of 4 KiB + flush() here: p50 ${percentile(flushes, 50).toFixed(3)} ms `
      + `(recording a check flushes its file and the library's catalog several times each)`);
  } finally {
    await browser.close();
    await server.close();
  }
});
