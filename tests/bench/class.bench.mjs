// The teacher's class view: 300 hand-ins of the sql-joins sample (quick: 30) picked on the
// app's Class page, timed in the page from the picker's change event until the table shows
// every learner; the reference is reading the same files' bytes in the same page (the floor any
// reader pays). Also the longest main-thread task meanwhile (the page must stay responsive).
//
//   node tests/bench/class.bench.mjs --dist dist --data target/bench/data --cli target/release/stepwise [--quick]
//
// The hand-ins are made by tests/e2e/handins.mjs from a sample built with the CLI, with
// different progress, hints and solutions (one with an edited definition, which the view flags).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeHandIns } from '../e2e/handins.mjs';
import { args, figure, freshBrowser, log, median, root, run, serveDist } from './lib.mjs';

const WAIT = { timeout: 120_000 };

run(async () => {
  const opts = args();
  const count = opts.quick ? 30 : 300;
  const runs = opts.quick ? 1 : 3;
  const work = mkdtempSync(join(tmpdir(), 'stepwise-class-bench-'));
  const server = await serveDist(opts.dist);
  const browser = await freshBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const sample = join(work, 'sql-joins.db');
    execFileSync(opts.cli, ['build', join(root, 'samples', 'sql-joins'), '-o', sample], { stdio: 'ignore' });
    const dir = join(work, 'hand-ins');
    mkdirSync(dir);
    makeHandIns(sample, dir, count);
    const files = readdirSync(dir).map((f) => join(dir, f));
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    log(`${files.length} hand-ins, ${(bytes / 1e6).toFixed(1)} MB`);
    const { page } = browser;
    const loads = [];
    const reads = [];
    const longest = [];
    for (let i = 0; i < runs; i++) {
      await page.goto(`${server.url}#/class`);
      await page.reload();
      await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
      await page.waitForSelector('article.class-page', WAIT);
      await page.evaluate(() => {
        window.longest = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
        }).observe({ type: 'longtask' });
        // On the window, capturing: before the app's own listener empties the picker.
        window.addEventListener('change', (e) => {
          if (e.target.id !== 'class-files') return;
          window.t0 = e.timeStamp;
          window.picked = [...e.target.files];
        }, { capture: true });
      });
      await page.setInputFiles('#class-files', files);
      await page.waitForFunction(
        (n) => document.querySelectorAll('table.class-table tbody tr').length === n,
        files.length, { polling: 'raf', ...WAIT },
      );
      const ms = await page.evaluate(() => performance.now() - window.t0);
      // The floor: the same files' bytes read in the same page, one after the other.
      const floor = await page.evaluate(async () => {
        const t = performance.now();
        let total = 0;
        for (const f of window.picked) total += (await f.arrayBuffer()).byteLength;
        if (total === 0) throw new Error(`the picked files were not kept: ${window.picked?.length} files, sizes ${window.picked?.slice(0, 3).map((f) => f.size)}`);
        return performance.now() - t;
      });
      const task = await page.evaluate(() => window.longest);
      log(`run ${i + 1}: ${ms.toFixed(0)} ms (reading the bytes alone: ${floor.toFixed(0)} ms), longest task ${task.toFixed(0)} ms`);
      loads.push(ms);
      reads.push(floor);
      longest.push(task);
    }
    const data = `${files.length} hand-ins of sql-joins (${(bytes / 1e6).toFixed(1)} MB)`;
    figure({
      figure: 'class_load',
      label: 'class view: hand-ins picked until the table shows them all',
      value: median(loads) / 1000,
      unit: 's',
      reference: median(reads) / 1000,
      reference_label: 'reading the same files in the page',
      target: { max: 5, of: 'value' },
      runs,
      data,
    });
    figure({
      figure: 'class_longest_task',
      label: 'class view: longest main-thread task while the hand-ins load',
      value: median(longest),
      unit: 'ms',
      target: { max: 200, of: 'value' },
      runs,
      data,
    });
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
