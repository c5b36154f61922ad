// The hostile-input corpus through the real worker: a library holding a workshop with
// progress (and a playground) gets every input of crates/artifact/tests/corpus/mod.rs through
// each import path — a .db import, a workshop zip import, a project zip import and a rebuild of
// the stored playground. After each: the error is reported with its message (naming the file
// and what is wrong), the library lists exactly what it did, the stored files are byte-identical
// (their SHA-256 in the OPFS pool, read with no worker running) and no stray file remains. An
// artifact's bytes are checked when a step needs them: such an input is imported, its step's
// artifacts are refused, and it is removed again.
//
//   cargo run -p stepwise-artifact --example hostile_corpus -- target/hostile-corpus
//   STEPWISE_DIST=dist node --test tests/e2e/hostile.test.mjs   # after trunk build
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { installHelpers } from './workerpage.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const corpusDir = resolve(root, process.env.STEPWISE_CORPUS ?? 'target/hostile-corpus');
const TINY = readFileSync(join(root, 'crates/artifact/tests/fixtures/v2-tiny.db'));

let server, context, page, profile, corpus;

before(async () => {
  assert.ok(existsSync(join(dist, 'worker_bg.wasm')), `${dist}/worker_bg.wasm missing: run trunk build first`);
  if (!existsSync(join(corpusDir, 'corpus.json'))) {
    execFileSync('cargo', ['run', '--offline', '-q', '-p', 'stepwise-artifact', '--example', 'hostile_corpus', '--', corpusDir],
      { cwd: root, stdio: 'inherit' });
  }
  corpus = JSON.parse(readFileSync(join(corpusDir, 'corpus.json'), 'utf8'));
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-hostile-'));
  context = await launch(chromium, profile);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(new URL('worker-loader.js', server.url).href);
  await installHelpers(page);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const bytesOf = (file) => Array.from(readFileSync(join(corpusDir, file)));

test('every hostile input is refused through every import path and storage stays as it was', async () => {
  // The library: the tiny workshop with progress (one step done, a check answered now) and a
  // playground built from a project.
  const start = await page.evaluate(async ([tiny, shop]) => {
    const w = await initWorker();
    const t = await ask(w, { kind: 'import', source: { kind: 'file', name: 'tiny.db', bytes: tiny.length } },
      new File([new Uint8Array(tiny)], 'tiny.db'));
    await ask(w, { kind: 'play', entry: t.entry.id, step: 'second' });
    await ask(w, { kind: 'check', entry: t.entry.id, step: 'second', validation: 'shape', input: '42' });
    const s = await ask(w, { kind: 'import_zip', name: 'shop.zip' }, new File([new Uint8Array(shop)], 'shop.zip'));
    const list = (await ask(w, { kind: 'list' }));
    w.terminate();
    return { workshop: t.entry.id, playground: s.entry?.id, list, files: await opfsFiles() };
  }, [Array.from(TINY), bytesOf('shop.zip')]);
  assert.equal(start.list.length, 2, JSON.stringify(start.list));
  const stored = (files) => Object.fromEntries(Object.entries(files).map(([n, f]) => [n, n === 'library.db' ? f.size : f.sha]));
  const expected = stored(start.files);
  const summary = (l) => l.map((e) => [e.id, e.title, e.done, e.bytes]).sort();

  let tried = 0;
  for (const input of corpus.inputs) {
    const paths = input.route === 'db' ? ['import']
      : input.route === 'workshop_zip' ? ['import_zip']
        : ['import_zip', 'rebuild_project'];
    for (const path of paths) {
      const r = await page.evaluate(async ([input, bytes, path, playground]) => {
        const w = await initWorker();
        const file = new File([new Uint8Array(bytes)], input.file);
        const body = path === 'import'
          ? { kind: 'import', source: { kind: 'file', name: input.file, bytes: bytes.length } }
          : path === 'import_zip' ? { kind: 'import_zip', name: input.file }
            : { kind: 'rebuild_project', entry: playground, name: input.file };
        let answer = await ask(w, body, file);
        let imported = answer;
        // Bytes checked only when a step needs them: the import takes the file (beside the
        // stored workshop of the same slug), and the step's artifacts are what is refused.
        if (input.when === 'use' && answer.kind === 'duplicate') {
          imported = await ask(w, { kind: 'resolve_duplicate', pending: answer.pending, choice: 'keep_both' });
        }
        if (input.when === 'use' && imported.entry) {
          await ask(w, { kind: 'open', entry: imported.entry.id });
          answer = await ask(w, { kind: 'artifacts', entry: imported.entry.id, step: 'first' });
        }
        // Accepted by design (another program's file is a playground), or refused only on use:
        // take it out again.
        if (imported.kind === 'imported') await ask(w, { kind: 'remove', entry: imported.entry.id });
        const list = (await ask(w, { kind: 'list' }));
        w.terminate();
        return { answer, imported, list, files: await opfsFiles() };
      }, [input, bytesOf(input.file), path, start.playground]);
      const where = `${input.what} (${input.file}) through ${path}`;
      if (input.when === 'use') assert.equal(r.imported.kind, 'imported', `${where}: ${JSON.stringify(r.imported)}`);
      if (input.kind === '') {
        assert.equal(r.answer.kind, 'imported', `${where}: ${JSON.stringify(r.answer)}`);
        assert.equal(r.answer.entry.kind, 'playground', where);
      } else {
        assert.ok(r.answer?.error, `${where}: ${JSON.stringify(r.answer)}`);
        assert.equal(r.answer.error.kind, input.kind, `${where}: ${JSON.stringify(r.answer.error)}`);
        const message = r.answer.error.message;
        assert.ok(message.includes(input.file), `${where}: ${message} does not name the file`);
        assert.match(message, new RegExp(input.worker), `${where}: ${message}`);
      }
      assert.deepEqual(summary(r.list), summary(start.list), `${where}: the library changed`);
      assert.deepEqual(stored(r.files), expected, `${where}: storage changed or kept a stray file`);
      tried++;
    }
  }
  assert.ok(tried >= corpus.inputs.length, `${tried} imports`);
});

test('Markdown with every XSS trick of the corpus plays inert in the worker', async () => {
  const view = await page.evaluate(async (zip) => {
    const w = await initWorker();
    for (const e of (await ask(w, { kind: 'list' }))) await ask(w, { kind: 'remove', entry: e.id });
    const r = await ask(w, { kind: 'import_zip', name: 'xss.zip' }, new File([new Uint8Array(zip)], 'xss.zip'));
    if (r.kind !== 'imported') throw new Error(JSON.stringify(r));
    const played = await ask(w, { kind: 'play', entry: r.entry.id, step: 'first' });
    w.terminate();
    return played;
  }, bytesOf('xss.zip'));
  assert.ok(!view.error && view.html, JSON.stringify(view));
  const html = view.html.toLowerCase();
  assert.ok(html.includes('alert(1)'), 'the vectors are shown as text');
  for (const bad of corpus.xss_forbidden) assert.ok(!html.includes(bad), `${bad} in ${html}`);
});
