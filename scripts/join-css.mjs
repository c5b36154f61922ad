// Trunk pre_build hook (see Trunk.toml): joins the stylesheets of static/css/, one per screen, into
// target/css/stepwise.css, the one stylesheet index.html links. One file keeps the first visit as
// small as the sum of its parts (separate files would each be compressed alone, ~2 KB more) and
// costs one request. The file is written only when its content changes, so `trunk serve` does not
// see a change it made itself.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// In cascade order: base first (custom properties, type, buttons), then each screen.
// Last, the update banner and the offline notice.
const SHEETS = ['base', 'library', 'dialogs', 'opened', 'playground', 'player', 'code', 'completion', 'artifacts', 'class', 'offline'];

const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const joined = SHEETS.map((name) => readFileSync(resolve(source, 'static/css', `${name}.css`), 'utf8')).join('\n');
const outDir = resolve(source, 'target/css');
const out = join(outDir, 'stepwise.css');
let current = null;
try {
  current = readFileSync(out, 'utf8');
} catch {
  // not written yet
}
if (current !== joined) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(out, joined);
}
