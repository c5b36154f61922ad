// The first visit as a student on a classroom's Wi-Fi has it: a fresh browser profile, Chromium's
// "Fast 3G" network emulation through the DevTools protocol (DevTools' own preset: 180,000 B/s
// down, 84,375 B/s up, 562.5 ms of latency per request), timed from navigation until a sample
// workshop, added at once with its button, shows its page. Twice: from a host that gzips
// (text, scripts and wasm, as GitHub Pages or nginx with `gzip_types` do) and from one that
// serves files as they are. The Add button is clicked as soon as it shows, whether or not the
// database worker has started. The reference, in the same run and the same emulation: a plain page
// of the same origin fetching the same files the visit needs (the app's html, scripts, styles,
// the page's wasm, the worker's first part and the sample as the app fetches them, gzipped; the
// samples' index) all at once — the floor the network sets.
//
// Then the next visits: the same profile opened again once the service worker has kept the app,
// timed from navigation until the database worker is ready, everything from the service
// worker's cache (no network emulation: none is used). The first of them is left out of the
// figure: the service worker unpacks the xz copies it kept on their first use, and keeps them so.
//
//   node tests/bench/firstvisit.bench.mjs --dist dist --data target/bench/data [--quick]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../e2e/server.mjs';
import { PAGE, args, clickShown, figure, freshBrowser, log, median, run, shown } from './lib.mjs';

const WAIT = { timeout: 180_000 };
const FAST_3G = { offline: false, downloadThroughput: 180_000, uploadThroughput: 84_375, latency: 562.5 };
const PLAIN_PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title>\n';

/** The files a first visit needs before the sample's page shows (not the editor, not icons, not
 *  the rest of the worker's wasm or the page's: those load on first use): the sample as its Add
 *  button fetches it (the gzipped copy the index names, when it does). */
function neededFiles(dist) {
  // Each wasm as its loader fetches it: its best packed copy, when the build wrote one.
  const later = (f) => f === 'sw.js' || f.endsWith('_rest_bg.wasm');
  const packed = (f) => [`${f}.xz`, `${f}.gz`].find((p) => existsSync(join(dist, p))) ?? f;
  const top = readdirSync(dist).filter((f) => /\.(html|js|wasm|css|webmanifest)$/.test(f) && !later(f))
    .map((f) => (f.endsWith('.wasm') ? packed(f) : f));
  const index = JSON.parse(readFileSync(join(dist, 'samples', 'index.json'), 'utf8'));
  const sample = index.workshops.find((w) => w.name === 'sql-joins');
  if (!sample?.file) throw new Error('dist/samples/index.json lists no built sql-joins sample');
  return [...top, 'samples/index.json', sample.packed ?? sample.file];
}

async function throttled(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  return cdp;
}

/** Milliseconds from navigation until the added sample's page shows (`opened`), in a fresh
 *  profile; and on the way, until the page's first paint (`painted`: index.html's top bar and
 *  loading message, the browser's first-contentful-paint), until the samples' Add button
 *  shows (`library`) and, after, until the step's SQL editor is ready (`editor`). */
async function visit(url) {
  const browser = await freshBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const { page } = browser;
    await page.goto('about:blank');
    await throttled(page);
    const t0 = Date.now();
    await page.goto(`${url}#/`, { waitUntil: 'commit', ...WAIT });
    const add = 'button.sample-add[data-sample="sql-joins"]';
    // Clicked as soon as it shows, as a student does: the database worker may still be on its
    // way (the page downloads the sample meanwhile). Each wait is the page's own (`shown`).
    await shown(page, add, WAIT.timeout);
    const library = Date.now() - t0;
    // Each click by the page itself as soon as its element shows (`clickShown`).
    await clickShown(page, add, WAIT.timeout);
    await clickShown(page, 'a[aria-label^="Open SQL joins"]', WAIT.timeout);
    await shown(page, 'article.opened', WAIT.timeout);
    const opened = Date.now() - t0;
    await shown(page, '.sql-editor[data-editor="ready"]', WAIT.timeout);
    const editor = Date.now() - t0;
    // The paint's time is the page's, from its own navigation start; `t0` is the driver's, a
    // moment before it.
    const painted = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    if (typeof painted !== 'number') throw new Error('the page reported no first-contentful-paint');
    return { opened, painted: Math.round(painted), library, editor };
  } finally {
    await browser.close();
  }
}

/** Milliseconds a plain page of the same origin takes to fetch `files`, all at once. */
async function plainFetch(url, files) {
  const browser = await freshBrowser();
  try {
    const { page } = browser;
    await page.goto(new URL(PAGE, url).href);
    await throttled(page);
    return await page.evaluate(async (files) => {
      const t0 = performance.now();
      await Promise.all(files.map((f) => fetch(f, { cache: 'no-store' }).then((r) => {
        if (!r.ok) throw new Error(`${f}: ${r.status}`);
        return r.arrayBuffer();
      })));
      return performance.now() - t0;
    }, files.map((f) => new URL(f, url).href));
  } finally {
    await browser.close();
  }
}

/** Milliseconds from navigation until the database worker is ready, for `runs` visits after the
 *  first, in one profile, from the service worker's cache. */
async function nextVisits(url, runs) {
  const browser = await freshBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const { page } = browser;
    const ready = '.worker-status[data-state="ready"]';
    await page.goto(url, WAIT);
    await shown(page, ready, WAIT.timeout);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
      }
    });
    const times = [];
    for (let i = 0; i <= runs; i++) {
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(url, { waitUntil: 'commit', ...WAIT });
      await shown(page, ready, WAIT.timeout);
      // The first reload unpacks what the service worker keeps; the figure is of the ones after.
      if (i > 0) times.push(Date.now() - t0);
    }
    return times;
  } finally {
    await browser.close();
  }
}

run(async () => {
  const opts = args();
  const runs = opts.quick ? 1 : 3;
  const files = neededFiles(opts.dist);
  for (const [gzip, name, label, max] of [
    [true, 'first_visit_fast3g_gzip', 'first visit over Fast 3G until an added sample workshop opens, from a host that gzips', 4000],
    [false, 'first_visit_fast3g_plain', 'first visit over Fast 3G until an added sample workshop opens, from a host that serves files as they are', 8000],
  ]) {
    const server = await serve(opts.dist, 0, { gzip, files: { [PAGE]: PLAIN_PAGE } });
    try {
      const visits = [];
      const floors = [];
      for (let i = 0; i < runs; i++) {
        visits.push(await visit(server.url));
        floors.push(await plainFetch(server.url, files));
        const { opened, painted, library, editor } = visits.at(-1);
        log(`${name} run ${i + 1}: ${opened} ms (first paint ${painted} ms, Add button ${library} ms, editor ${editor} ms), plain fetch ${Math.round(floors.at(-1))} ms`);
      }
      const host = gzip ? 'a host that gzips' : 'a host that serves files as they are';
      const suffix = gzip ? 'gzip' : 'plain';
      // The waits on the way, without a reference or a target: [key of `visit`'s answer, figure, until what, data].
      for (const [key, what, until, data] of [
        ['painted', 'first_paint', 'the page\'s first paint (its top bar and loading message)', 'dist/'],
        ['library', 'first_library', 'the library shows the samples\' Add buttons', 'dist/ and samples/index.json'],
        ['editor', 'first_editor', 'the opened sample\'s SQL editor is ready', 'dist/, the sql-joins sample and the editor'],
      ]) {
        figure({
          figure: `${what}_fast3g_${suffix}`,
          label: `first visit over Fast 3G, from ${host}: until ${until}`,
          value: median(visits.map((v) => v[key])),
          unit: 'ms',
          runs,
          data,
        });
      }
      figure({
        figure: name,
        label,
        value: median(visits.map((v) => v.opened)),
        unit: 'ms',
        reference: median(floors),
        reference_label: `a plain page fetching the same ${files.length} files at once over the same emulation`,
        target: { max, of: 'value' },
        runs,
        data: 'dist/ and the sql-joins sample',
      });
    } finally {
      await server.close();
    }
  }
  const server = await serve(opts.dist, 0, { gzip: true });
  try {
    const times = await nextVisits(server.url, opts.quick ? 2 : 7);
    log(`next visits: ${times.join(', ')} ms`);
    figure({
      figure: 'next_visit_ready',
      label: 'a visit after the first until the database worker is ready, from the service worker\'s cache',
      value: median(times),
      unit: 'ms',
      runs: times.length,
      data: 'dist/',
    });
  } finally {
    await server.close();
  }
});
