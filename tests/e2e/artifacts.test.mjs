// The player's artifacts panel end to end: a step's Kubernetes manifests one resource
// at a time (copy, download), its files (text shown), and what the learner knows now.
// Headless Chromium, real worker.
//
//   STEPWISE_DIST=dist node --test tests/e2e/artifacts.test.mjs   # after build-samples + trunk build
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dist = resolve(root, process.env.STEPWISE_DIST ?? 'dist');
const WAIT = { timeout: 30_000 };
const K8S = { file: join(dist, 'samples', 'k8s-first-deploy.db'), title: 'Your first deployment' };

let server, context, page, profile;
const problems = [];

async function onStep(slug) {
  await page.waitForSelector(`article.step-article[data-step="${slug}"]`, WAIT);
  await page.waitForSelector('article.player[aria-busy="false"]', WAIT);
}

async function openArtifacts() {
  await page.locator('details.artifacts > summary').click();
  await page.waitForSelector('details.artifacts .artifact-manifests pre code', WAIT);
}

before(async () => {
  assert.ok(existsSync(K8S.file), `${K8S.file} missing: run scripts/build-samples.sh before trunk build`);
  server = await serve(dist);
  profile = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  context = await launch(chromium, profile, {
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(server.url);
  await page.waitForSelector('.worker-status[data-state="ready"]', WAIT);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('step 1 shows its Pod manifest, its files and what the learner knows', async () => {
  await page.setInputFiles('#add-file', K8S.file);
  await page.waitForSelector(`ul.library .card-title >> text=${K8S.title}`, WAIT);
  await page.locator('ul.library .card-title a, ul.library a.card-title', { hasText: K8S.title }).first().click();
  await onStep('pod');
  assert.equal(await page.locator('details.artifacts[open]').count(), 0, 'folded until asked');
  await openArtifacts();
  const manifest = await page.textContent('.artifact-manifests pre code');
  assert.match(manifest, /kind: Pod/);
  assert.match(manifest, /name: hello/);
  assert.equal(await page.locator('#artifact-resource option').count(), 1);
  assert.match(await page.textContent('#artifact-resource option'), /Pod hello/);
  // Copy puts the YAML on the clipboard; Download saves it.
  await page.locator('.artifact-toolbar button', { hasText: 'Copy' }).click();
  await page.waitForSelector('.artifact-toolbar [role="status"] >> text=Copied', WAIT);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), manifest);
  const [download] = await Promise.all([
    page.waitForEvent('download', WAIT),
    page.locator('.artifact-toolbar button', { hasText: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'pod-hello.yaml');
  assert.equal(readFileSync(await download.path(), 'utf8'), manifest);
  // Files: a list with sizes; a click shows the text.
  const paths = await page.locator('.file-list .file-link').evaluateAll((els) => els.map((e) => e.dataset.path));
  assert.deepEqual(paths, ['README.md', 'k8s/pod.yaml']);
  await page.locator('.file-link[data-path="k8s/pod.yaml"]').click();
  await page.waitForSelector('.file-view pre.file-text', WAIT);
  assert.match(await page.textContent('.file-view pre.file-text'), /kind: Pod/);
  await page.locator('.file-link[data-path="README.md"]').click();
  assert.match(await page.textContent('.file-view pre.file-text'), /# hello: step 1, a Pod/);
  // What you know now.
  assert.match(await page.textContent('.artifact-state h4'), /What you know now/);
  assert.match(await page.textContent('.artifact-state pre'), /concepts: \[cluster, kubectl, Pod/);
});

test('step 4 has three resources; choosing one shows its YAML', async () => {
  await page.goto(page.url().replace(/s\/pod$/, 's/configmap-rollout'));
  await onStep('configmap-rollout');
  await openArtifacts();
  const options = await page.locator('#artifact-resource option').allTextContents();
  assert.deepEqual(options.map((o) => o.split(' ')[0]), ['ConfigMap', 'Deployment', 'Service']);
  assert.match(await page.textContent('.artifact-manifests pre code'), /kind: ConfigMap/);
  await page.selectOption('#artifact-resource', { index: 1 });
  await page.waitForFunction(() => /kind: Deployment/.test(document.querySelector('.artifact-manifests pre code').textContent), null, WAIT);
  await page.selectOption('#artifact-resource', { index: 2 });
  await page.waitForFunction(() => /kind: Service/.test(document.querySelector('.artifact-manifests pre code').textContent), null, WAIT);
  assert.match(await page.textContent('label[for="artifact-resource"]'), /3 of 3/);
  assert.deepEqual(problems, []);
});
