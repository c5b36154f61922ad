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
//    which static/worker-loader.js loads on first use. Splits the page's wasm the same way
//    (split.rules): app-…_bg.wasm and app-…_rest_bg.wasm, which the page's loader (below) loads
//    on first use.
//    Writes a gzipped copy of each wasm (`stepwise-pack`), which the loaders fetch (see below).
// 4. Writes the service worker's precache list into sw.js: every file of the output that makes up
//    the app shell (see `precached` below), by the names Trunk gave them, and a version that is a
//    content hash of those files and of sw.js itself. Any change to the build therefore changes
//    sw.js byte for byte, which is what makes browsers fetch the new version.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buildSync } from 'esbuild';

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
//
// Each part also packed with xz in a release build, ~17% smaller than gzip at its best (`xz` of
// xz-utils, `-9e` with a 4 MiB dictionary: the decoder allocates what the header names, and
// 64 MiB would be wasted on a 2 MB file). No
// browser unpacks xz, so the loaders do, with xz-decompress (xz-embedded compiled to wasm, 9 KB
// gzipped; index.html copies it): ~80 ms for the worker's 1.9 MB on this machine against ~25 ms
// for gzip, streamed as the bytes arrive (the service worker keeps the xz copies unpacked, so a
// start from its cache unpacks nothing). They try the .xz, then the .gz, then the plain file.
const release = process.env.TRUNK_PROFILE === 'release';
const xzPacked = release;
const toXz = [];
const toPack = [];
const page = join(staging, 'index.html');
let html = readFileSync(page, 'utf8');
const init = /init\(\{ module_or_path: '(\.\/[\w.-]+_bg\.wasm)' \}\)/.exec(html);
if (init) {
  const [call, path] = init;
  // As `packed` in static/worker-loader.js, which loads the worker's wasm: change both.
  // The decoder's script comes before this one in index.html; should it still be on its way,
  // the unpacking waits for it. An answer typed application/wasm is the service worker's copy,
  // kept unpacked (static/sw.js): compiled as it is. While index.html's loading message is
  // there (until the app starts), it counts the bytes of the page's wasm as they arrive
  // (`counted`): "Loading Stepwise… 120 KB of 238 KB", without the size when the host compressed
  // the file on the way (the length it gives is then not of the bytes counted).
  const unpacked = `const decoder = () => self['xz-decompress'] ?? new Promise((done) => {
  const script = document.querySelector('script[src$="xz-decompress.min.js"]');
  if (!script) return done(null);
  script.addEventListener('load', () => done(self['xz-decompress']));
  script.addEventListener('error', () => done(null));
});
const counted = (response) => {
  const status = document.getElementById('boot-status');
  if (!status) return response.body;
  const length = Number(response.headers.get('content-length'));
  const coding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  const total = coding === 'identity' && length > 0 ? ' of ' + Math.round(length / 1000) + ' KB' : '';
  let done = 0;
  return response.body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      done += chunk.byteLength;
      if (status.getAttribute('role') === 'status') {
        status.textContent = 'Loading Stepwise… ' + Math.round(done / 1000) + ' KB' + total;
      }
      controller.enqueue(chunk);
    },
  }));
};
const unpacked = async (path) => {
  const response = await fetch(path);
  if (!response.ok || !response.body) throw new Error(\`\${path}: HTTP \${response.status}\`);
  if (/^application\\/wasm/.test(response.headers.get('content-type') ?? '')) return response;
  const xz = path.endsWith('.xz') ? await decoder() : null;
  if (path.endsWith('.xz') && !xz) throw new Error('no xz decoder');
  const encoded = /gzip/i.test(response.headers.get('content-encoding') ?? '');
  const arriving = counted(response);
  const body = xz ? new xz.XzReadableStream(arriving)
    : encoded ? arriving : arriving.pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
};
`;
  // The page's wasm in two parts (docs/ARCHITECTURE.md), as the worker's (static/worker-loader.js:
  // change both). Each function moved to the rest left a stub in the first part that calls
  // `load(slot)` the first time any of them runs: it instantiates the rest against the first
  // part's exports, which fills the first part's table of moved functions, and sets the flag that
  // stops the stubs calling here. A page cannot wait in the middle of a call, so the rest is
  // compiled ahead: `stepwisePrefetchRest(after)`, which the page calls once the service worker
  // has kept the app (or at once where there is none: src/hooks/use_service_worker.rs), and
  // `stepwiseLoadRest()`, which the page awaits before it shows a screen of the rest
  // (src/hooks/use_page_rest.rs): both fetch the gzipped copy, which the service worker answers
  // from its cache. A stub called before either is done fetches the plain file there and then,
  // with a synchronous request (online only: no service worker answers one); a page's synchronous
  // request may not ask for bytes, so they come as text of x-user-defined characters, each one
  // byte. The page's <html> says how far it got (data-page-rest: compiled, loaded).
  const rest = path.replace(/_bg\.wasm$/, '_rest_bg.wasm');
  const split = `const split = { first: null, module: null, compiling: null };
const restPath = '${rest}';
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = async (source, imports) => {
    const result = await original(source, { ...imports, __stepwise_split: { load: loadRest } });
    split.first = (result.instance ?? result).exports;
    return result;
  };
}
const restLoaded = () => split.first?.__stepwise_split_loaded.value === 1;
function instantiateRest(module, why) {
  console.info(\`Stepwise: loading the rest of the page (\${why})\`);
  new WebAssembly.Instance(module, { __stepwise_primary: split.first });
  split.first.__stepwise_split_loaded.value = 1;
  document.documentElement.dataset.pageRest = 'loaded';
}
function loadRest(slot) {
  try {
    let module = split.module;
    if (!module) {
      const request = new XMLHttpRequest();
      request.open('GET', restPath, false);
      request.overrideMimeType('text/plain; charset=x-user-defined');
      request.send();
      if (request.status !== 200) throw new Error(\`HTTP \${request.status}\`);
      const text = request.responseText;
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
      module = new WebAssembly.Module(bytes);
    }
    instantiateRest(module, \`function \${slot}\`);
  } catch (error) {
    const note = document.querySelector('.page-rest-failed') ?? document.createElement('p');
    note.className = 'page-rest-failed';
    note.setAttribute('role', 'alert');
    const why = String(error?.message ?? error).slice(0, 120);
    note.textContent = \`Part of the app (\${restPath.slice(2)}) did not load: \${why}. Reload the page to try again.\`;
    document.body.append(note);
    throw error;
  }
}
const restCopies = ${JSON.stringify(xzPacked ? ['.xz', '.gz'] : ['.gz'])};
const compileRest = () => (split.compiling ??= restCopies
  .reduce((tried, copy) => tried.catch(() => WebAssembly.compileStreaming(unpacked(\`\${restPath}\${copy}\`))),
    Promise.reject(new Error('not tried yet')))
  .then((module) => {
    split.module ??= module;
    document.documentElement.dataset.pageRest ??= 'compiled';
  }, () => {}));
window.stepwisePrefetchRest = (after) => { Promise.resolve(after).then(compileRest); };
window.stepwiseLoadRest = () => (restLoaded() ? Promise.resolve() : compileRest().then(() => {
  if (!restLoaded() && split.module) instantiateRest(split.module, 'for the screen shown');
}));
`;
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const best = xzPacked ? `${path}.xz` : `${path}.gz`;
  const chain = `init({ module_or_path: unpacked('${best}') })`
    + (xzPacked ? `.catch(() => init({ module_or_path: unpacked('${path}.gz') }))` : '')
    + `.catch(() => init({ module_or_path: '${path}' }))`;
  html = html
    .replace(call, () => chain)
    .replace(/<script type=["']?module["']?>/, (tag) => `${tag}${unpacked}${split}`)
    .replace(new RegExp(`<link[^>]*href=["']?${escaped}["']?[^>]*>`), () => `<link as=fetch crossorigin href=${best} rel=preload>`);
}
// The page's wasm-bindgen glue (the module Trunk's inline script imports), minified: Trunk
// minifies the html and css but writes this module as wasm-bindgen does, 64 KB where 29 KB do,
// which a host that serves files as they are sends whole before the page can start. Bundled with
// its snippets (wasm-bindgen's `inline_js` modules, one small file each), which Trunk preloads
// one request each: a host over HTTP/1.1 gives a page six connections, and a request beyond them
// waits a round trip (on Fast 3G the page's wasm, queued so, came 0.6 s late in one visit of
// two). Its integrity attribute (Trunk's modulepreload of it) follows the new content.
const glue = /import init, \* as bindings from '\.\/([\w.-]+\.js)'/.exec(html);
if (glue) {
  const file = join(staging, glue[1]);
  const bundled = buildSync({ entryPoints: [file], bundle: true, minify: true, format: 'esm', write: false });
  const code = bundled.outputFiles[0].text;
  writeFileSync(file, code);
  if (existsSync(join(staging, 'snippets'))) {
    rmSync(join(staging, 'snippets'), { recursive: true });
    html = html.replace(/<link\b[^>]*\bhref=["']?\.\/snippets\/[^>]*>/g, '');
  }
  const integrity = `integrity="sha384-${createHash('sha384').update(code).digest('base64')}"`;
  html = html.replace(/<link\b[^>]*>/g, (tag) => (tag.includes(`./${glue[1]}`)
    ? tag.replace(/integrity=(["']?)sha384-[^"'\s>]+\1/, () => integrity)
    : tag));
}
// The database worker starts as soon as the page's html is read, before the page's own script
// and wasm: it fetches its wasm itself, compiles it as it arrives and opens the storage meanwhile.
// The page takes it over when its wasm runs (`take_early_worker` in src/hooks/use_worker.rs),
// with the events it sent before. The sample index is asked for at the same moment, so the
// library lists the samples as soon as the page's wasm runs rather than a round trip later
// (`early_request` in src/hooks/use_samples.rs takes the answer; a failure is the page's to
// report, so it is caught here only to stay quiet until then). Until the page's wasm runs, an
// uncaught error (its download or start failing) is told in the loading message of index.html's
// body, which the app removes when it starts.
const early = `<script>try {
  const worker = new Worker('./worker-loader.js');
  const early = [];
  const keep = (event) => early.push(event);
  worker.addEventListener('message', keep);
  worker.addEventListener('error', keep);
  window.stepwiseEarlyWorker = { worker, early, keep };
} catch {}
try {
  const samples = fetch('samples/index.json');
  samples.catch(() => {});
  window.stepwiseEarlySamples = samples;
} catch {}
document.documentElement.classList.add('js');
addEventListener('error', (event) => {
  const status = document.getElementById('boot-status');
  if (!status) return;
  const target = event.target;
  let why;
  if (target instanceof HTMLScriptElement) {
    // A script that did not load (this reaches the window only while capturing). Without the xz
    // decoder the loaders take the gzipped copies: not a failure.
    if (/xz-decompress/.test(target.src)) return;
    // The page's loader is an inline module whose one import is the glue it preloads.
    const src = target.src || (document.querySelector('link[rel="modulepreload"]')?.href ?? '');
    why = 'a script of the app did not load' + (src ? ' (' + src.split('/').pop().slice(0, 60) + ')' : '');
  } else if (target === window) {
    why = String(event.error?.message ?? event.message).slice(0, 160);
  } else {
    return;
  }
  status.textContent = 'Stepwise could not start: ' + why.replace(/\\.$/, '') + '. Reload the page to try again.';
  status.setAttribute('role', 'alert');
  document.getElementById('boot')?.setAttribute('aria-busy', 'false');
}, true);</script>`;
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

/** Splits `wasm` in place by `rules`, the rest into `rest`, its slots listed in `slots`. */
function splitWasm(rules, wasm, rest, slots) {
  mkdirSync(dirname(slots), { recursive: true });
  execFileSync(
    'cargo',
    ['run', '--quiet', '-p', 'stepwise-split', '--',
      '--rules', rules, '--input', wasm, '--primary', wasm, '--secondary', rest, '--slots', slots],
    { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  toPack.push(wasm, rest);
}

/** wasm-opt -Oz on each of `wasms`, in place. */
function optimise(...wasms) {
  for (const wasm of wasms) {
    execFileSync('wasm-opt', ['-Oz', wasm, `--output=${wasm}.opt`], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(`${wasm}.opt`, wasm);
  }
}

const workerWasm = join(staging, 'worker_bg.wasm');
if (existsSync(workerWasm)) {
  // The worker in two parts (docs/ARCHITECTURE.md, "The page and the worker in two parts"). The
  // tool is a member of the workspace, built by the first build that needs it (not --offline: on
  // a fresh machine its crates may not have been fetched yet; with them in cargo's cache it needs
  // no network). The list of moved functions, by slot, goes to target/split/ for whoever wonders
  // why the rest was loaded.
  // ($STEPWISE_SPLIT_SLOTS elsewhere: the tests of this hook, which must not replace the build's.)
  const slots = process.env.STEPWISE_SPLIT_SLOTS ?? join(source, 'target', 'split', 'worker-slots.txt');
  splitWasm(join(source, 'crates', 'worker', 'split.rules'), workerWasm, join(staging, 'worker_rest_bg.wasm'), slots);
  // Trunk's wasm-opt ran on the whole; once split, each part optimises further on its own (the
  // moved code's callers are stubs now): 11 KB less packed, most of it in the first part.
  if (release) optimise(workerWasm, join(staging, 'worker_rest_bg.wasm'));
  if (xzPacked) toXz.push(workerWasm, join(staging, 'worker_rest_bg.wasm'));
  // The worker's loader names the copies of each part it tries, best first: the .xz only where
  // this build wrote one. (The hook's own test builds a staging directory without the loader.)
  const loader = join(staging, 'worker-loader.js');
  let text = existsSync(loader) ? readFileSync(loader, 'utf8') : null;
  for (const [name, part] of [['FIRST_PART', 'worker_bg.wasm'], ['REST_PART', 'worker_rest_bg.wasm']]) {
    if (text === null) break;
    const list = new RegExp(`const ${name} = \\[[^\\]]*\\];`);
    if (!list.test(text)) {
      console.error(`trunk-post-build.mjs: worker-loader.js has no ${name} list to fill`);
      process.exit(1);
    }
    const copies = [...(xzPacked ? [`./${part}.xz`] : []), `./${part}.gz`];
    text = text.replace(list, `const ${name} = ${JSON.stringify(copies).replaceAll('"', "'")};`);
  }
  if (text !== null) writeFileSync(loader, text);
}
if (init) {
  // The page's wasm, split as the worker's; its loader is the inline script written above. Split
  // as wasm-bindgen wrote it, then optimised part by part (index.html turns Trunk's wasm-opt off
  // for it): wasm-opt -Oz merges functions whose bodies are alike and keeps one of their names,
  // so after it a component's small callback may carry the name of another's, and a rule that
  // names one component would move code every page runs. The parts come out as small as the
  // whole optimised and then split.
  const pageWasm = join(staging, init[1]);
  const pageRest = pageWasm.replace(/_bg\.wasm$/, '_rest_bg.wasm');
  const slots = process.env.STEPWISE_SPLIT_SLOTS ? `${process.env.STEPWISE_SPLIT_SLOTS}.page`
    : join(source, 'target', 'split', 'page-slots.txt');
  splitWasm(join(source, 'split.rules'), pageWasm, pageRest, slots);
  if (xzPacked) toXz.push(pageWasm, pageRest);
  if (release) optimise(pageWasm, pageRest);
}
// The SQL editor's bundle is JavaScript, which the page can run only as the host sends it (the
// CSP allows no script made in the page); the service worker is not so bound. It precaches the
// bundle's xz copy (121 KB where gzip -9 gives 138) and answers the page's import of the bundle
// with it unpacked (sw.js). Without a service worker, the page imports the bundle from the host.
const editorBundle = join(staging, 'editor', 'stepwise-editor.js');
if (xzPacked && existsSync(editorBundle)) toXz.push(editorBundle);
if (toPack.length > 0) {
  // A member of the workspace, as stepwise-split: libdeflate through its Rust binding.
  execFileSync('cargo', ['run', '--quiet', '-p', 'stepwise-pack', '--', ...toPack],
    { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] });
}
for (const file of toXz) {
  const packed = execFileSync('xz', ['--format=xz', '--check=crc32', '--lzma2=preset=9e,dict=4MiB', '--stdout', file],
    { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  writeFileSync(`${file}.xz`, packed);
  console.log(`trunk-post-build.mjs: ${file.slice(staging.length + 1)}.xz ${packed.length} bytes`);
}

// Everything the build wrote is the app shell, except the service worker itself and the sample
// workshops: those are content, fetched from the network when the page lists them (a student's
// workshops live in the browser's storage once imported, and need no cache). And except a
// plain .wasm with a gzipped copy, and a gzipped copy with an xz one: the loaders' fallbacks for
// a browser or host where the better copy cannot be used, which would otherwise be downloaded a
// second time on every first visit. The service worker answers a request for a plain .wasm from
// its cached .xz (or .gz) copy, unpacked (sw.js): that is how the worker's rest
// (worker_rest_bg.wasm, loaded synchronously, so not through a decoder of the loader's) is there
// offline. And a script with an xz copy (the editor's bundle): the service worker keeps the copy
// and answers the script's own address with it unpacked.
function precached(file) {
  const fallback = (file.endsWith('.wasm') && existsSync(join(staging, `${file}.gz`)))
    || (file.endsWith('.wasm.gz') && existsSync(join(staging, file.replace(/\.gz$/, '.xz'))))
    || (file.endsWith('.js') && existsSync(join(staging, `${file}.xz`)));
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
