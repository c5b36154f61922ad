// Faults in the browser: the tab closed in the middle of a progress write or an
// import — a worker terminated mid-transaction — leaves the stored workshop as it was before or
// fully after, never in between. Deterministic, not timing luck: a test build of the worker
// (`-p stepwise-worker --features faults`, crates/worker/src/faults.rs; scripts/test.sh builds it into
// target/faults-dist) stops dead at a named point and says so; the test terminates it there,
// reads the OPFS pool's files directly, then starts a new worker and checks what it finds.
//
//   scripts/test.sh builds the worker; by hand:
//   cargo build -p stepwise-worker --target wasm32-unknown-unknown --features faults --bin worker
//   wasm-bindgen --target no-modules --no-typescript --out-dir target/faults-dist --out-name worker \
//     target/wasm32-unknown-unknown/debug/worker.wasm && cp static/worker-loader.js target/faults-dist/ &&
//     gzip -6 -k -f target/faults-dist/worker_bg.wasm
//   cargo run -p stepwise-artifact --example hostile_corpus -- target/hostile-corpus
//   node --test tests/e2e/faults.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { installHelpers } from './workerpage.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const faultsDist = resolve(root, process.env.STEPWISE_FAULTS_DIST ?? 'target/faults-dist');
const corpusDir = resolve(root, process.env.STEPWISE_CORPUS ?? 'target/hostile-corpus');
const TINY = readFileSync(join(root, 'crates/artifact/tests/fixtures/v2-tiny.db'));
const V0 = readFileSync(join(root, 'crates/artifact/tests/fixtures/v0-intro.db'));

let server, context, page, profile;

before(async () => {
  assert.ok(existsSync(join(faultsDist, 'worker_bg.wasm')), `${faultsDist} missing: build the faults worker (see the top of this file)`);
  assert.ok(existsSync(join(corpusDir, 'shop.zip')), `${corpusDir} missing: run the hostile_corpus example`);
  server = await serve(faultsDist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-faults-'));
  context = await launch(chromium, profile);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(new URL('worker-loader.js', server.url).href);
  await installHelpers(page);
  await page.evaluate(([tiny, v0, shop]) => {
    window.TINY = new Uint8Array(tiny);
    window.V0 = new Uint8Array(v0);
    window.SHOP = new Uint8Array(shop);
    window.fileOf = (bytes, name) => new File([bytes], name);
    window.importBody = (name, bytes) => ({ kind: 'import', source: { kind: 'file', name, bytes: bytes.length } });
    // An empty library, then the tiny workshop with progress (and optionally a playground
    // built from a project); the worker is terminated and the pool's files listed.
    window.fresh = async (withPlayground) => {
      const w = await initWorker();
      for (const e of (await ask(w, { kind: 'list' }))) await ask(w, { kind: 'remove', entry: e.id });
      const imported = await ask(w, importBody('tiny.db', TINY), fileOf(TINY, 'tiny.db'));
      const id = imported.entry.id;
      const played = await ask(w, { kind: 'play', entry: id, step: 'first' });
      if (played.error) throw new Error(JSON.stringify(played));
      let shop = null;
      if (withPlayground) {
        const r = await ask(w, { kind: 'import_zip', name: 'shop.zip' }, fileOf(SHOP, 'shop.zip'));
        if (r.kind !== 'imported') throw new Error(JSON.stringify(r));
        shop = r.entry.id;
      }
      const entries = (await ask(w, { kind: 'list' }));
      // A download closes the connection the player's saves keep (the file leaves WAL mode),
      // so the files listed are the library at rest.
      const settled = await ask(w, { kind: 'download', entry: id });
      if (!settled.url) throw new Error(JSON.stringify(settled));
      w.terminate();
      return { id, shop, entries, files: await opfsFiles() };
    };
    // After a fault: the pool as the terminated worker left it, then a new worker's view.
    window.recover = async (id) => {
      const torn = await opfsFiles();
      const w = await initWorker();
      const list = (await ask(w, { kind: 'list' }));
      const opened = {};
      const shas = {};
      const dbShas = {};
      for (const e of list) {
        opened[e.id] = await ask(w, { kind: 'open', entry: e.id });
        const d = await ask(w, { kind: 'download', entry: e.id });
        const bytes = d.url ? await (await fetch(d.url)).arrayBuffer() : null;
        shas[e.id] = bytes ? await sha(bytes) : JSON.stringify(d);
        dbShas[e.id] = bytes ? await dbSha(bytes) : JSON.stringify(d);
      }
      const checks = id && list.some((e) => e.id === id)
        ? await ask(w, { kind: 'query', entry: id, sql: 'SELECT step, validation, passed FROM check_result ORDER BY 1, 2', write: false })
        : null;
      w.terminate();
      return { torn, list, opened, shas, dbShas, checks, files: await opfsFiles() };
    };
  }, [Array.from(TINY), Array.from(V0), Array.from(readFileSync(join(corpusDir, 'shop.zip')))]);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * The stored files without journals or WALs of size 0 (SQLite may leave none, or an empty one),
 * each by its size and content (`dbSha`: the header's write counters aside, which a switch to
 * WAL mode and back changes). The catalog (library.db) changes whenever an entry is opened:
 * compared by name only.
 */
const stored = (files) => Object.fromEntries(Object.entries(files)
  .filter(([n, f]) => !((n.endsWith('-journal') || n.endsWith('-wal')) && f.size === 0))
  .map(([n, f]) => [n, n === 'library.db' ? 'catalog' : { size: f.size, dbSha: f.dbSha }]));
const ids = (entries) => entries.map((e) => e.id).sort();

/** `stepwise verify` on the bytes the worker downloads now. */
async function verifyDownloaded(id) {
  const bytes = await page.evaluate(async (id) => {
    const w = await initWorker();
    const d = await ask(w, { kind: 'download', entry: id });
    const b = Array.from(new Uint8Array(await (await fetch(d.url)).arrayBuffer()));
    w.terminate();
    return b;
  }, id);
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-faults-dl-'));
  try {
    writeFileSync(join(dir, 'downloaded.db'), Buffer.from(bytes));
    const cli = resolve(root, process.env.STEPWISE_CLI ?? 'target/debug/stepwise');
    if (!existsSync(cli)) execFileSync('cargo', ['build', '--offline', '-p', 'stepwise-cli'], { cwd: root, stdio: 'inherit' });
    return execFileSync(cli, ['verify', join(dir, 'downloaded.db')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a progress write cut off inside its transaction is rolled back: the workshop is as before', async (t) => {
  const r = await page.evaluate(async () => {
    const first = await fresh(false);
    let w = await initWorker();
    // A 12 MB workspace: more than SQLite's page cache, so rewriting it writes pages to the
    // file (with the originals in the journal) before the commit, where the worker stops.
    await ask(w, { kind: 'play', entry: first.id, step: 'first' });
    const made = await ask(w, { kind: 'run_sql', entry: first.id, sql: 'CREATE TABLE pad AS WITH RECURSIVE n(x) AS '
      + '(SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 120) SELECT zeroblob(100000) AS b FROM n' });
    if (made.error || made.Err) throw new Error(JSON.stringify(made));
    // Settled, as `fresh` leaves it: the saves' connection closed, the file out of WAL mode.
    const settled = await ask(w, { kind: 'download', entry: first.id });
    if (!settled.url) throw new Error(JSON.stringify(settled));
    w.terminate();
    const start = { ...first, files: await opfsFiles() };
    w = await initWorker(); // run_sql loads the session itself, without writing
    const sql = 'UPDATE pad SET b = randomblob(100000)';
    await untilFault(w, 'progress:before-commit', { kind: 'run_sql', entry: start.id, sql });
    w.terminate();
    return { start, after: await recover(start.id) };
  });
  const db = `${r.start.id}.db`;
  // The worker stopped inside the save's transaction (the fault point says so) with the file in
  // WAL mode, as the player's saves hold it. Whether SQLite had already written pages to the
  // WAL depends on its page cache (this build keeps the whole rewrite in memory until the
  // commit): say which case this run covered.
  assert.ok(`${db}-wal` in r.after.torn, `no WAL: ${JSON.stringify(r.after.torn)}`);
  t.diagnostic(`WAL written before the commit: ${r.after.torn[`${db}-wal`].size > 0}`);
  // A new worker: the same entries, the file rolled back byte for byte, no journal left.
  assert.deepEqual(ids(r.after.list), ids(r.start.entries));
  assert.equal(r.after.opened[r.start.id].entry?.id, r.start.id, JSON.stringify(r.after.opened));
  // Byte for byte but the header's write counters: the save's switch to WAL mode and back
  // counted as writes.
  assert.equal(r.after.dbShas[r.start.id], r.start.files[db].dbSha, 'the stored workshop is not as it was before');
  assert.deepEqual(stored(r.after.files), stored(r.start.files));
  assert.match(await verifyDownloaded(r.start.id), /ok|no problem/i);
});

test('a progress write cut off after its commit keeps the new progress', async () => {
  const r = await page.evaluate(async () => {
    const start = await fresh(false);
    const w = await initWorker();
    await ask(w, { kind: 'play', entry: start.id, step: 'second' });
    await untilFault(w, 'progress:after-commit', { kind: 'check', entry: start.id, step: 'second', validation: 'shape', input: '42' });
    w.terminate();
    return { start, after: await recover(start.id) };
  });
  assert.deepEqual(ids(r.after.list), ids(r.start.entries));
  assert.equal(r.after.opened[r.start.id].entry?.id, r.start.id, JSON.stringify(r.after.opened));
  const rows = r.after.checks.rows?.rows ?? r.after.checks.rows;
  assert.ok(JSON.stringify(r.after.checks).includes('"second","shape","1"'), `the new check result is missing: ${JSON.stringify(r.after.checks)}`);
  assert.ok(rows !== undefined);
  assert.equal(Object.keys(stored(r.after.files)).sort().join(), Object.keys(stored(r.start.files)).sort().join());
  assert.match(await verifyDownloaded(r.start.id), /ok|no problem/i);
});

for (const point of ['import:stored', 'import:before-catalog']) {
  test(`an import cut off at ${point} leaves no entry and its file is swept`, async () => {
    const r = await page.evaluate(async (point) => {
      const start = await fresh(false);
      const w = await initWorker();
      await untilFault(w, point, importBody('intro.db', V0), fileOf(V0, 'intro.db'));
      w.terminate();
      return { start, after: await recover(start.id) };
    }, point);
    // The half-imported file was there when the tab closed…
    assert.ok(Object.keys(stored(r.after.torn)).length > Object.keys(stored(r.start.files)).length, JSON.stringify(r.after.torn));
    // …and the next start lists exactly what was there and sweeps it.
    assert.deepEqual(ids(r.after.list), ids(r.start.entries));
    assert.equal(r.after.shas[r.start.id], r.start.files[`${r.start.id}.db`].sha);
    assert.deepEqual(stored(r.after.files), stored(r.start.files));
  });
}

for (const [point, outcome] of [
  ['replace:progress-before-commit', 'old'],
  ['replace:catalog-before-commit', 'old'],
  ['replace:before-removing-old', 'new'],
]) {
  test(`replacing a workshop keeping progress, cut off at ${point}: the ${outcome} one, whole`, async () => {
    const r = await page.evaluate(async (point) => {
      const start = await fresh(false);
      const w = await initWorker();
      const dup = await ask(w, importBody('tiny.db', TINY), fileOf(TINY, 'tiny.db'));
      if (dup.kind !== 'duplicate') throw new Error(JSON.stringify(dup));
      await untilFault(w, point, { kind: 'resolve_duplicate', pending: dup.pending, choice: 'replace_keep_progress' });
      w.terminate();
      return { start, pending: dup.pending, after: await recover(start.id) };
    }, point);
    const expected = outcome === 'old' ? [r.start.id] : [r.pending];
    assert.deepEqual(ids(r.after.list), expected);
    const id = expected[0];
    assert.equal(r.after.opened[id].entry?.id, id, JSON.stringify(r.after.opened));
    assert.equal(r.after.list[0].done, 1, 'progress carried or kept');
    assert.deepEqual(Object.keys(stored(r.after.files)).sort(), ['library.db', `${id}.db`].sort());
    if (outcome === 'old') assert.equal(r.after.shas[id], r.start.files[`${id}.db`].sha);
    assert.match(await verifyDownloaded(id), /ok|no problem/i);
  });
}

for (const [point, outcome] of [['rebuild:catalog-before-commit', 'old'], ['rebuild:before-removing-old', 'new']]) {
  test(`rebuilding a playground from a project, cut off at ${point}: the ${outcome} one`, async () => {
    const r = await page.evaluate(async (point) => {
      const start = await fresh(true);
      const w = await initWorker();
      await untilFault(w, point, { kind: 'rebuild_project', entry: start.shop, name: 'shop.zip' }, fileOf(SHOP, 'shop.zip'));
      w.terminate();
      return { start, after: await recover(start.id) };
    }, point);
    assert.equal(r.after.list.length, 2, JSON.stringify(r.after.list));
    assert.ok(r.after.list.some((e) => e.id === r.start.id), 'the workshop is still listed');
    const shop = r.after.list.find((e) => e.id !== r.start.id);
    assert.equal(shop.id === r.start.shop, outcome === 'old');
    assert.equal(r.after.opened[shop.id].entry?.id, shop.id);
    assert.equal(r.after.shas[r.start.id], r.start.files[`${r.start.id}.db`].sha, 'the workshop is untouched');
    assert.equal(Object.keys(stored(r.after.files)).length, 3, JSON.stringify(r.after.files));
  });
}

test('a zip import cut off after the build leaves no entry', async () => {
  const r = await page.evaluate(async () => {
    const start = await fresh(false);
    const w = await initWorker();
    await untilFault(w, 'zip:built', { kind: 'import_zip', name: 'shop.zip' }, fileOf(SHOP, 'shop.zip'));
    w.terminate();
    return { start, after: await recover(start.id) };
  });
  assert.deepEqual(ids(r.after.list), ids(r.start.entries));
  assert.deepEqual(stored(r.after.files), stored(r.start.files));
});
