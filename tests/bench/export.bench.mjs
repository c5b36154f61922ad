// The project export (YAML/CSV zip) of the 1M-row database in the browser's worker, against
// the native CLI's `stepwise project export` of the same file timed here (target ≤ 3×), and the
// worker's peak wasm heap while exporting, against the size of the `.db` (target ≤ 1.5×).
//
//   node tests/bench/export.bench.mjs --dist dist --data target/bench/data [--quick] [--cli PATH]
//
// The worker's wasm memory never shrinks, so its size after the export is the peak of the wasm
// heap. To read it the bench serves its own copy of dist/worker-loader.js that also keeps the
// wasm exports (`self.benchWasm`, the worker's code is unchanged), and reads
// `benchWasm.memory.buffer.byteLength` in the worker through playwright. The file is stored by a
// first worker, which is then terminated; a fresh worker (Init only) does the exports, so the
// peak is the export's and not the import's.
//
// Ours: `ExportText { form: project }` timed in the page from postMessage to `DownloadReady`
// (the zip ready as a `blob:` URL). The reference: `stepwise project export FILE -o ZIP` (release
// build, `--cli`), spawn to exit, in turns with ours; medians of 3 runs (quick: rows-10k.db,
// 1 run). The zip must be byte-identical to the CLI's (SHA-256), or the bench fails.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { args, dataLabel, figure, importPicked, log, mb, median, pick, plainPage, run, serveDist } from './lib.mjs';

run(async () => {
  const opts = args();
  const name = opts.quick ? 'rows-10k.db' : 'rows-1m.db';
  const label = opts.quick ? '10k' : '1m';
  const db = join(opts.data, name);
  const runs = opts.quick ? 1 : 3;
  if (!existsSync(opts.cli)) throw new Error(`${opts.cli} is missing: build it (cargo build --release -p stepwise-cli) or pass --cli`);
  const dbBytes = statSync(db).size;

  const loaderPath = join(opts.dist, 'worker-loader.js');
  const loader = readFileSync(loaderPath, 'utf8');
  const init = 'const loaded = ';
  if (!loader.includes(init)) throw new Error(`${loaderPath} no longer names its promise \`loaded\`: update the bench`);
  const keeping = `${loader}\nloaded.then((exports) => { self.benchWasm = exports; });\n`;
  const server = await serveDist(opts.dist, { 'worker-loader.js': keeping });
  const browser = await plainPage(server);
  const work = mkdtempSync(join(tmpdir(), 'stepwise-bench-export-'));
  try {
    const { page } = browser;
    await pick(page, db);
    await page.evaluate(async () => { window.w = await initWorker(); });
    const entry = await importPicked(page);
    log(`stored ${name} as ${entry}; a fresh worker exports it`);
    await page.evaluate(() => { w.terminate(); });
    const started = page.waitForEvent('worker');
    await page.evaluate(async () => { window.w = await initWorker(); });
    const worker = await started;
    const heap = () => worker.evaluate(() => self.benchWasm.memory.buffer.byteLength);
    const before = await heap();
    log(`wasm memory of the fresh worker after Init: ${mb(before).toFixed(1)} MB`);

    const cliZip = join(work, 'cli.zip');
    const ours = [];
    const theirs = [];
    let peak = null;
    for (let i = 0; i < runs; i++) {
      const got = await page.evaluate(async ([entry]) => {
        const t0 = performance.now();
        const a = await ask(w, { kind: 'export_text', entry, form: 'project' });
        const ms = performance.now() - t0;
        if (!a.url) throw new Error(`export: ${JSON.stringify(a).slice(0, 300)}`);
        const zip = await (await fetch(a.url)).arrayBuffer();
        return { ms, bytes: a.bytes, file: a.file_name, sha: await sha(zip) };
      }, [entry]);
      ours.push(got.ms);
      if (peak === null) peak = await heap();
      rmSync(cliZip, { force: true });
      const t0 = performance.now();
      const cli = spawnSync(opts.cli, ['project', 'export', db, '-o', cliZip], { stdio: ['ignore', 'ignore', 'inherit'] });
      theirs.push(performance.now() - t0);
      if (cli.status !== 0) throw new Error(`${opts.cli} project export failed (${cli.status ?? cli.signal})`);
      const cliSha = createHash('sha256').update(readFileSync(cliZip)).digest('hex');
      if (cliSha !== got.sha) {
        throw new Error(`the worker's ${got.file} (${got.bytes} bytes, ${got.sha}) differs from the CLI's zip `
          + `(${statSync(cliZip).size} bytes, ${cliSha})`);
      }
      log(`run ${i + 1} of ${runs}: worker ${got.ms.toFixed(0)} ms, CLI ${theirs.at(-1).toFixed(0)} ms; `
        + `${got.file} ${mb(got.bytes).toFixed(1)} MB, byte-identical to the CLI's`);
    }
    log(`wasm memory after ${runs} export(s): ${mb(await heap()).toFixed(1)} MB`);
    const data = dataLabel(name, dbBytes);
    figure({
      figure: `export_worker_${label}`,
      label: `project export of the ${label}-row db to a YAML/CSV zip in the browser worker`,
      value: median(ours), unit: 'ms',
      reference: median(theirs), reference_label: 'the native CLI (stepwise project export) in the same run',
      target: opts.quick ? null : { max: 3, of: 'ratio' }, runs, data,
    });
    figure({
      figure: `export_worker_heap_${label}`,
      label: `peak wasm heap of the worker exporting the ${label}-row db`,
      value: mb(peak), unit: 'MB',
      reference: mb(dbBytes), reference_label: 'size of the .db',
      target: opts.quick ? null : { max: 1.5, of: 'ratio' }, runs: 1, data,
    });
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
