// Trunk post_build hook (see Trunk.toml); runs in the staging directory before it becomes dist/.
//
// 1. Copies the sample workshops built by scripts/build-samples.sh (default
//    target/stepwise-samples, or $STEPWISE_SAMPLES_DIR) to samples/ of the output. When none were
//    built, writes an empty samples/index.json so the page can say so.
// 2. Replaces STEPWISE_INLINE_SCRIPTS in the Content-Security-Policy of index.html with the
//    SHA-256 hashes of the inline scripts Trunk wrote (the app's loader, and the autoreload
//    script under `trunk serve`), so the policy allows exactly those and no other inline code.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

const page = join(staging, 'index.html');
const html = readFileSync(page, 'utf8');
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
