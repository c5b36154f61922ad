// Trunk pre_build hook (see Trunk.toml): bundles the SQL editor (static/editor/editor.mjs:
// CodeMirror 6 and the Lezer parsers that also highlight code blocks) into
// target/editor/stepwise-editor.js, one minified ES module that index.html copies to
// dist/editor/. The page imports it on first use (src/editor.rs), so it never delays the first
// paint; the service worker precaches it with the rest of the build, so it works offline.
// The file is written only when its content changes, so `trunk serve` does not see a change it
// made itself.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const outDir = resolve(source, 'target/editor');
const out = join(outDir, 'stepwise-editor.js');
// CodeMirror styles itself through style-mod, which on a document (not a shadow root) writes a
// <style> element: the page's Content-Security-Policy (style-src 'self') blocks that. This
// plugin lets style-mod use a constructed stylesheet (document.adoptedStyleSheets, in every
// current browser) there too, which the policy allows; a browser without them falls back to the
// <style> element, and the editor works unstyled.
const adoptedSheets = {
  name: 'style-mod-adopted-sheets',
  setup(b) {
    b.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      const from = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {';
      if (!code.includes(from)) throw new Error(`style-mod changed: ${from} not found in ${args.path}`);
      return { contents: code.replace(from, 'if (root.adoptedStyleSheets && win.CSSStyleSheet) {'), loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [resolve(source, 'static/editor/editor.mjs')],
  absWorkingDir: source,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
  plugins: [adoptedSheets],
});
const code = result.outputFiles[0].text;
let current = null;
try {
  current = readFileSync(out, 'utf8');
} catch {
  // not written yet
}
if (current !== code) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(out, code);
}
