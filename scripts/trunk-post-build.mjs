// Trunk post_build hook (see Trunk.toml); runs in the staging directory before it becomes dist/.
//
// 1. Copies the sample workshops built by scripts/build-samples.sh (default
//    target/stepwise-samples, or $STEPWISE_SAMPLES_DIR) to samples/ of the output. When none were
//    built, writes an empty samples/index.json so the page can say so.
// 2. Writes into index.html, right after its Content-Security-Policy, the script that starts the
//    database worker as soon as the page is read (see below).
//    Replaces STEPWISE_INLINE_SCRIPTS in the Content-Security-Policy of index.html with the
//    SHA-256 hashes of the inline scripts Trunk wrote (the app's loader, and the autoreload
//    script under `trunk serve`), so the policy allows exactly those and no other inline code.
//    Minifies the page's wasm-bindgen glue, which Trunk leaves as it is.
// 3. Splits the worker's wasm in two (`stepwise-split` with crates/worker/split.rules): what a
//    learner's first visit runs stays in worker_bg.wasm, the rest goes to worker_rest_bg.wasm,
//    which static/worker-loader.js loads on first use.
//    Writes a gzipped copy of each wasm (`stepwise-pack`), which the loaders fetch (see below).
// 4. Writes the service worker's precache list into sw.js: every file of the output that makes up
//    the app shell (see `precached` below), by the names Trunk gave them, and a version that is a
//    content hash of those files and of sw.js itself. Any change to the build therefore changes
//    sw.js byte for byte, which is what makes browsers fetch the new version.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { transformSync } from 'esbuild';

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
if (!staging) {
  console.error('trunk-post-build.mjs: TRUNK_STAGING_DIR is not set; run me from Trunk');
  process.exit(2);
}

const built = resolve(source, process.env.STEPWISE_SAMPLES_DIR ?? 'target/stepwise-samples');
const out = join(staging, 'samples');
mkdirSync(out, { recursive: true });
if (existsSync(join(built, 'index.json'))) {
  cpSync(built, out, { recursive: true });
} else {
  writeFileSync(join(out, 'index.json'), JSON.stringify({ workshops: [] }) + '\n');
}

// The wasm files gzipped, as their loaders fetch them: a host that does not compress .wasm
// (plain nginx) then sends ~1.5 MB instead of ~3.7 MB, and one that does sends a little more than
// it would have (libdeflate's level 12, by `stepwise-pack` below, packs ~5% tighter than a host's
// gzip). The worker's loader is static/worker-loader.js. The page's is Trunk's inline script,
// rewritten here the same way: fetch the gzipped copy (preloaded as such), unpack it with the
// browser's DecompressionStream on its way into the compiler (unless the host sent it with
// Content-Encoding, which the browser has unpacked already), and fall back to the plain file
// when anything about that fails.
const toPack = [];
const page = join(staging, 'index.html');
let html = readFileSync(page, 'utf8');
const init = /init\(\{ module_or_path: '(\.\/[\w.-]+_bg\.wasm)' \}\)/.exec(html);
if (init) {
  const [call, path] = init;
  toPack.push(join(staging, path));
  // As `packed` in static/worker-loader.js, which loads the worker's wasm: change both.
  const unpacked = `const unpacked = async (path) => {
  const response = await fetch(path);
  if (!response.ok || !response.body) throw new Error(\`\${path}: HTTP \${response.status}\`);
  const encoded = /gzip/i.test(response.headers.get('content-encoding') ?? '');
  const body = encoded ? response.body : response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
};
`;
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  html = html
    .replace(call, () => `init({ module_or_path: unpacked('${path}.gz') }).catch(() => init({ module_or_path: '${path}' }))`)
    .replace(/<script type=["']?module["']?>/, (tag) => `${tag}${unpacked}`)
    .replace(new RegExp(`<link[^>]*href=["']?${escaped}["']?[^>]*>`), () => `<link as=fetch crossorigin href=${path}.gz rel=preload>`);
}
// The page's wasm-bindgen glue (the module Trunk's inline script imports), minified: Trunk
// minifies the html and css but writes this module as wasm-bindgen does, 64 KB where 29 KB do,
// which a host that serves files as they are sends whole before the page can start. Its
// integrity attribute (Trunk's modulepreload of it) follows the new content.
const glue = /import init, \* as bindings from '\.\/([\w.-]+\.js)'/.exec(html);
if (glue) {
  const file = join(staging, glue[1]);
  const code = transformSync(readFileSync(file, 'utf8'), { minify: true, format: 'esm' }).code;
  writeFileSync(file, code);
  const integrity = `integrity="sha384-${createHash('sha384').update(code).digest('base64')}"`;
  html = html.replace(/<link\b[^>]*>/g, (tag) => (tag.includes(`./${glue[1]}`)
    ? tag.replace(/integrity=(["']?)sha384-[^"'\s>]+\1/, () => integrity)
    : tag));
}
// The database worker starts as soon as the page's html is read, before the page's own script
// and wasm: it fetches its wasm itself, compiles it as it arrives and opens the storage meanwhile.
// The page takes it over when its wasm runs (`take_early_worker` in src/hooks/use_worker.rs),
// with the events it sent before.
const early = `<script>try {
  const worker = new Worker('./worker-loader.js');
  const early = [];
  const keep = (event) => early.push(event);
  worker.addEventListener('message', keep);
  worker.addEventListener('error', keep);
  window.stepwiseEarlyWorker = { worker, early, keep };
} catch {}</script>`;
const policy = /<meta[^>]*http-equiv=["']?Content-Security-Policy["']?[^>]*>/i;
if (!policy.test(html)) {
  console.error('trunk-post-build.mjs: index.html has no Content-Security-Policy meta to start the worker after');
  process.exit(1);
}
html = html.replace(policy, (meta) => `${meta}${early}`);
const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
  if (/\bsrc\s*=/.test(attrs)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (!html.includes('STEPWISE_INLINE_SCRIPTS')) {
  console.error('trunk-post-build.mjs: index.html has no STEPWISE_INLINE_SCRIPTS placeholder');
  process.exit(1);
}
writeFileSync(page, html.replaceAll('STEPWISE_INLINE_SCRIPTS', hashes.join(' ')));

const workerWasm = join(staging, 'worker_bg.wasm');
if (existsSync(workerWasm)) {
  // The worker in two parts (docs/ARCHITECTURE.md). The tool is a member of the workspace,
  // built by the first build that needs it (not --offline: on a fresh machine its crates may not
  // have been fetched yet; with them in cargo's cache it needs no network). The list of moved functions, by slot, goes to
  // target/split/ for whoever wonders why the rest was loaded.
  // ($STEPWISE_SPLIT_SLOTS elsewhere: the tests of this hook, which must not replace the build's.)
  const rest = join(staging, 'worker_rest_bg.wasm');
  const slots = process.env.STEPWISE_SPLIT_SLOTS ?? join(source, 'target', 'split', 'worker-slots.txt');
  mkdirSync(dirname(slots), { recursive: true });
  execFileSync(
    'cargo',
    ['run', '--quiet', '-p', 'stepwise-split', '--',
      '--rules', join(source, 'crates', 'worker', 'split.rules'),
      '--input', workerWasm, '--primary', workerWasm, '--secondary', rest,
      '--slots', slots],
    { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  toPack.push(workerWasm, rest);
}
if (toPack.length > 0) {
  // A member of the workspace, as stepwise-split: libdeflate through its Rust binding.
  execFileSync('cargo', ['run', '--quiet', '-p', 'stepwise-pack', '--', ...toPack],
    { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] });
}

// Everything the build wrote is the app shell, except the service worker itself and the sample
// workshops: those are content, fetched from the network when the page lists them (a student's
// workshops live in the browser's storage once imported, and need no cache). And except a
// plain .wasm with a gzipped copy: the loaders' fallback for a browser or host where the copy
// cannot be used, which would otherwise be downloaded a second time, whole, on every first visit.
// The service worker answers a request for it from the cached copy, unpacked (sw.js): that is how
// the worker's rest (worker_rest_bg.wasm, loaded synchronously, so not through a
// DecompressionStream) is there offline.
function precached(file) {
  const fallback = file.endsWith('.wasm') && existsSync(join(staging, `${file}.gz`));
  return file !== 'sw.js' && !file.startsWith('samples/') && !fallback;
}

/** Every file below `dir`, as sorted paths relative to it with `/` separators. */
function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
    .sort();
}

const worker = join(staging, 'sw.js');
const template = readFileSync(worker, 'utf8');
const marker = /\/\* STEPWISE_PRECACHE \*\/[\s\S]*?\/\* END_STEPWISE_PRECACHE \*\//;
if (!marker.test(template)) {
  console.error('trunk-post-build.mjs: sw.js has no STEPWISE_PRECACHE list to fill');
  process.exit(1);
}
const files = filesBelow(staging).filter(precached);
const digest = createHash('sha256').update(template);
for (const file of files) {
  digest.update(`${file}\0${createHash('sha256').update(readFileSync(join(staging, file))).digest('hex')}\n`);
}
const list = { version: digest.digest('hex').slice(0, 16), files };
writeFileSync(worker, template.replace(marker, `/* STEPWISE_PRECACHE */ ${JSON.stringify(list)} /* END_STEPWISE_PRECACHE */`));
console.log(`trunk-post-build.mjs: sw.js precaches ${files.length} files, version ${list.version}`);
