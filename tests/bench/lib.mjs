// What the browser benchmarks (tests/bench/*.bench.mjs) share: their arguments, the figure line
// of the benchmark contract (docs/performance.md; checked by scripts/bench-report.mjs), medians
// and percentiles, and a headless Chromium on a plain page of the app's origin with the
// worker's protocol helpers (tests/e2e/workerpage.mjs) and a file picker.
//
// Every benchmark prints only figure lines on stdout; `log` writes everything else to stderr.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launch } from '../e2e/browser.mjs';
import { serve } from '../e2e/server.mjs';
import { installHelpers } from '../e2e/workerpage.mjs';

export const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** `--dist DIR --data DIR [--quick] [--cli PATH]`, as scripts/bench.sh passes them. */
export function args(argv = process.argv.slice(2)) {
  const out = { dist: 'dist', data: 'target/bench/data', quick: false, cli: 'target/release/stepwise' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') out.quick = true;
    else if (['--dist', '--data', '--cli'].includes(a) && argv[i + 1] !== undefined) out[a.slice(2)] = argv[++i];
    else {
      console.error(`bench: unknown argument ${a} (want --dist DIR --data DIR [--quick] [--cli PATH])`);
      process.exit(2);
    }
  }
  for (const k of ['dist', 'data', 'cli']) out[k] = resolve(out[k]);
  return out;
}

/**
 * Writes what earlier runs left in the kernel's cache to the disk (`sync`), outside any clock:
 * a run that writes a big file would otherwise share the disk with the writeback of the one
 * before it.
 */
export function settle() {
  execFileSync('sync');
}

/** Everything but figures goes to stderr. */
export const log = (...parts) => console.error('  ', ...parts);

/** Three decimals are plenty for a noisy measurement (as crates/bench/src/figure.rs). */
const round = (x) => Math.round(x * 1000) / 1000;

/**
 * Prints one figure line. `target` is `{ max, of: 'value' | 'ratio' }` or null; `reference`
 * null for a figure without one.
 */
export function figure({ figure, label, value, unit, reference = null, reference_label = null, target = null, runs, data }) {
  const v = round(value);
  const ratio = reference === null ? null : reference > 0 ? Math.round((v / reference) * 100) / 100 : null;
  let met = null;
  if (target) {
    const measured = target.of === 'ratio' ? ratio : v;
    met = measured !== null && measured <= target.max;
  }
  const line = {
    figure, label, value: v, unit,
    reference: reference === null ? null : round(reference),
    reference_label: reference === null ? null : reference_label,
    ratio, target, met, runs, data,
  };
  console.log(JSON.stringify(line));
  log(`${figure}: ${v} ${unit}` + (reference === null ? '' : ` against ${round(reference)} ${unit} (${ratio}×)`));
}

/** The median (mean of the middle two for an even count). */
export function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? NaN : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** The `p`-th percentile (0–100), nearest rank. */
export function percentile(xs, p) {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

export const mb = (bytes) => bytes / 1e6;

/** `name (12.5 MB)`, the `data` of a figure. */
export const dataLabel = (name, bytes) => `${name} (${mb(bytes).toFixed(1)} MB)`;

/** The plain page of the bench's origin: no app, no service worker, one file picker. */
export const PAGE = '__bench/page.html';
const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>bench</title><input type="file" id="pick">\n';

/**
 * Serves `dist` with the bench's own files beside it (`__bench/…`, see `extra`): the plain
 * page, plus whatever the benchmark adds (`{ 'path/below/root': string | Buffer }`).
 */
export function serveDist(dist, extra = {}) {
  return serve(dist, 0, { files: { [PAGE]: PAGE_HTML, ...extra } });
}

/** sql.js's files, served from node_modules under `__bench/`. */
export function sqlJsFiles() {
  const dir = join(root, 'node_modules', 'sql.js', 'dist');
  return {
    '__bench/sql-wasm.js': readFileSync(join(dir, 'sql-wasm.js')),
    '__bench/sql-wasm.wasm': readFileSync(join(dir, 'sql-wasm.wasm')),
  };
}

/**
 * A fresh headless Chromium (its own profile, removed by `close`) on the plain page of
 * `server`, with the worker helpers of tests/e2e/workerpage.mjs installed.
 */
export async function plainPage(server, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'stepwise-bench-'));
  const context = await launch(chromium, profile, options);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
  await page.goto(new URL(PAGE, server.url).href);
  await installHelpers(page);
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once `selector` matches an element of `page`, checked by the page itself on every
 * animation frame (at most ~16 ms late). Timed waits use this rather than Playwright's own
 * `waitFor`, `waitForSelector` or a click's wait, which poll from the test's side at 0, 20, 50,
 * 100 and 100 ms and then every 500 ms (playwright-core's `Frame.waitForSelector`): a wait of
 * more than ~0.3 s would end up to half a second after the element showed, and the figure would
 * count the harness instead of the app.
 */
export async function shown(page, selector, timeout = 300_000) {
  await page.waitForFunction((sel) => document.querySelector(sel) !== null, selector, { polling: 'raf', timeout });
}

/**
 * Clicks the element `selector` matches as soon as it shows and can be clicked (not
 * `:disabled`, not `aria-disabled="true"`), from the page itself on every animation frame, with the element's own `click()`:
 * the app's handler runs as for a click of the mouse (but without pointer events, focus or user
 * activation: only for clicks that need none and do not load another document, where
 * Playwright would run this check again in the new one). Timed paths click this way rather than with
 * Playwright's `click`, which first checks from the test's side that the element is visible,
 * stable over two animation frames, enabled and the target of a hit test, then moves the mouse
 * and presses it, each a round trip of the DevTools protocol: 57–68 ms between the element
 * showing and the app's handler running, measured on the load benchmark, none of it the app's.
 */
export async function clickShown(page, selector, timeout = 300_000) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    if (el === null || el.matches(':disabled') || el.getAttribute('aria-disabled') === 'true') return false;
    el.click();
    return true;
  }, selector, { polling: 'raf', timeout });
}

/** A fresh Chromium profile and context with nothing loaded (`close` removes the profile). */
export async function freshBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'stepwise-bench-'));
  const context = await launch(chromium, profile, options);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Picks `path` with the page's file picker and keeps the `File` as `window[name]` (a File
 * backed by the disk file, as a user's pick is).
 */
export async function pick(page, path, name = 'picked') {
  await page.setInputFiles('#pick', path);
  await page.evaluate((name) => { window[name] = document.getElementById('pick').files[0]; }, name);
}

/**
 * Stores `window[fileVar]` through worker `window[workerVar]` (an Import of a posted File) and
 * returns the entry's id. Fails unless the worker answers `imported`.
 */
export async function importPicked(page, workerVar = 'w', fileVar = 'picked') {
  const body = await page.evaluate(async ([wv, fv]) => {
    const file = window[fv];
    return ask(window[wv], { kind: 'import', source: { kind: 'file', name: file.name, bytes: file.size } }, file);
  }, [workerVar, fileVar]);
  if (body.kind !== 'imported') throw new Error(`import: ${JSON.stringify(body).slice(0, 400)}`);
  return body.entry.id;
}

/** Runs `main`; on an error says so on stderr and exits 1. */
export function run(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`bench: ${e?.stack ?? e}`);
      process.exit(1);
    },
  );
}
