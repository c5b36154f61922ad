#!/usr/bin/env node
// The figures of scripts/bench.sh: checks benchmark output against the contract, merges runs,
// prints the summary table and renders docs/performance.md. No dependencies.
//
//   node scripts/bench-report.mjs check NAME < OUT        lines of OUT that are figures, tagged
//                                                         {"source": NAME}; exit 1 if any line is not
//   node scripts/bench-report.mjs merge OLD.jsonl NAME... < NEW.jsonl   OLD without NAMEs' lines
//                                                         and NEW's figures, + NEW
//   node scripts/bench-report.mjs summary RESULTS.jsonl MACHINE.json    a readable table
//   node scripts/bench-report.mjs render RESULTS.jsonl MACHINE.json docs/performance.md
//       rewrites the table between <!-- bench:begin --> and <!-- bench:end -->, and the section
//       under <!-- bench:usage --> (up to the next heading)
import { readFileSync, writeFileSync } from 'node:fs';

// The keys every figure line has (the benchmark contract, docs/performance.md).
export const KEYS = ['figure', 'label', 'value', 'unit', 'reference', 'reference_label', 'ratio', 'target', 'met', 'runs', 'data'];

/** Why `line` is not a figure of the contract, or null when it is one. */
export function problem(line) {
  let f;
  try {
    f = JSON.parse(line);
  } catch (e) {
    return `not JSON: ${e.message}`;
  }
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return 'not a JSON object';
  const missing = KEYS.filter((k) => !(k in f));
  if (missing.length) return `missing key(s) ${missing.join(', ')}`;
  if (typeof f.figure !== 'string' || !/^[a-z0-9_]+$/.test(f.figure)) return 'figure must be a name of a-z, 0-9 and _';
  if (typeof f.value !== 'number' || !Number.isFinite(f.value)) return 'value must be a finite number';
  if (typeof f.unit !== 'string' || !f.unit) return 'unit must be a string';
  if (f.reference !== null && typeof f.reference !== 'number') return 'reference must be a number or null';
  if (f.ratio !== null && typeof f.ratio !== 'number') return 'ratio must be a number or null';
  if (f.reference === null && f.ratio !== null) return 'a ratio without a reference';
  if (f.target !== null) {
    if (typeof f.target !== 'object' || typeof f.target.max !== 'number' || !['value', 'ratio'].includes(f.target.of)) {
      return 'target must be null or {"max": <number>, "of": "value"|"ratio"}';
    }
    if (typeof f.met !== 'boolean') return 'met must be true or false when there is a target';
  } else if (f.met !== null) {
    return 'met must be null without a target';
  }
  if (!Number.isInteger(f.runs) || f.runs < 1) return 'runs must be a positive integer';
  if (typeof f.data !== 'string') return 'data must be a string';
  return null;
}

const readLines = (text) => text.split('\n').filter((l) => l.trim() !== '');
const readJsonl = (path) => readLines(readFileSync(path, 'utf8')).map((l) => JSON.parse(l));

function check(name) {
  let bad = 0;
  let good = 0;
  for (const [i, line] of readLines(readFileSync(0, 'utf8')).entries()) {
    const why = problem(line);
    if (why) {
      bad++;
      console.error(`bench: ${name}: line ${i + 1} of stdout is not a figure (${why}): ${line.slice(0, 200)}`);
    } else {
      good++;
      console.log(JSON.stringify({ ...JSON.parse(line), source: name }));
    }
  }
  if (good === 0) console.error(`bench: ${name}: printed no figure`);
  process.exit(bad === 0 && good > 0 ? 0 : 1);
}

function merge(oldPath, names) {
  const fresh = readLines(readFileSync(0, 'utf8'));
  // A figure measured again replaces its old line whatever source that had (a run before the
  // native figures were tagged by group said `native` for them all).
  const figures = new Set(fresh.map((line) => JSON.parse(line).figure));
  for (const f of readJsonl(oldPath)) {
    if (!names.includes(f.source) && !figures.has(f.figure)) console.log(JSON.stringify(f));
  }
  for (const line of fresh) console.log(line);
}

// --- formatting -------------------------------------------------------------------------------

function num(x) {
  if (x === null || x === undefined) return '—';
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const withUnit = (x, unit) => (x === null || x === undefined ? '—' : `${num(x)} ${unit}`);
const ratio = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);
function target(f) {
  if (!f.target) return '—';
  return f.target.of === 'ratio' ? `≤ ${f.target.max}×` : `≤ ${f.target.max} ${f.unit}`;
}
const met = (f) => (f.met === null ? '—' : f.met ? '✓' : '✗');
const machineLine = (m) =>
  `Measured ${m.date} on ${m.nproc} CPU${m.nproc === 1 ? '' : 's'} (${m.cpu}), ${m.chromium}, commit ${m.commit}` +
  (m.quick ? ' — a quick run (small data sets, one run each)' : '') +
  '.';

function summary(resultsPath, machinePath) {
  const rows = readJsonl(resultsPath);
  const m = JSON.parse(readFileSync(machinePath, 'utf8'));
  const table = [['figure', 'value', 'reference', 'ratio', 'target', 'met', 'runs']];
  for (const f of rows) {
    table.push([f.figure, withUnit(f.value, f.unit), withUnit(f.reference, f.unit), ratio(f.ratio), target(f), met(f), String(f.runs)]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => [...r[c]].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(machineLine(m));
  const missed = rows.filter((f) => f.met === false).map((f) => f.figure);
  console.log(missed.length ? `targets missed: ${missed.join(', ')}` : 'every figure with a target meets it');
}

// The section under <!-- bench:usage -->.
export const USAGE = `\`\`\`sh
scripts/bench.sh                 # everything: build, data sets, every figure, this page's table
scripts/bench.sh --quick         # a smoke run: small data sets, one run each, page left alone
scripts/bench.sh --only 'project_1m|query'   # some benchmarks; their lines replace the old ones
\`\`\`

The command runs \`scripts/setup.sh\`, builds \`stepwise\` and \`stepwise-bench\` in release and the
app with \`trunk build --release --offline\`, makes the data sets in \`target/bench/data/\` (once:
a stamp file per data set records the generator's version), measures the native figures
(\`stepwise-bench native\`), then runs every \`tests/bench/*.bench.mjs\` (the browser figures) as
\`node FILE --dist dist --data target/bench/data --cli target/release/stepwise [--quick]\`. It
writes every figure to \`target/bench/results.jsonl\` (a \`--quick\` run to \`results-quick.jsonl\`),
prints a summary, and renders the table
below (\`scripts/bench-report.mjs\`). Logs of each benchmark are in \`target/bench/logs/\`. A full
run takes about 10–20 minutes on 2 cores and needs ~2 GB of disk under \`target/bench/\`.

Other options: \`--no-report\` leaves this page alone, \`--runs N\` sets the runs per native figure
(default 3), \`--no-build --bin-dir DIR\` reuses binaries and \`dist/\` as they are (the smoke stage
of \`scripts/test.sh\` runs \`scripts/bench.sh --quick --no-build --bin-dir target/debug\`: it checks
that every line is a figure of the contract, never a time).

**The data sets** (\`stepwise-bench gen --out target/bench/data [--quick]\`, deterministic: a
seeded generator, no clock): \`rows-10k.db\`, \`rows-100k.db\`, \`rows-1m.db\` are plain SQLite
files with \`items(id INTEGER PRIMARY KEY, category TEXT NOT NULL, qty INTEGER, price REAL, note
TEXT, created TEXT, payload BLOB)\` — 20 categories, NULLs in \`qty\` (10%), \`price\` (10%),
\`note\` (20%) and \`payload\` (70%), notes of 4–48 characters with quotes, commas and non-ASCII
text and 0.5% of 1–4 KB with newlines, blobs of 16 B–2 KB on 30% of the rows — and
\`categories(name TEXT PRIMARY KEY, label TEXT)\`; the 1M set is ~125 MB.
\`workshop-500.db\` is a workshop of 500 steps built through \`stepwise-artifact\`'s store
(Markdown with a table, code and an image; 1–3 checks per step; manifests on every second
step, state on every step, a 1 MB file archive on every fifth), ~108 MB, and it verifies.
\`--quick\` makes only \`rows-10k.db\` and \`workshop-quick.db\` (20 steps).

**A figure** is one JSON line on a benchmark's stdout (anything else goes to stderr):
\`{"figure", "label", "value", "unit", "reference", "reference_label", "ratio", "target", "met",
"runs", "data"}\`, with \`"reference": null, "ratio": null\` when there is no reference and
\`"target": null, "met": null\` when no target applies. Timings are medians of \`runs\` runs.
`;

function render(resultsPath, machinePath, docPath) {
  const rows = readJsonl(resultsPath);
  const m = JSON.parse(readFileSync(machinePath, 'utf8'));
  const lines = [
    machineLine(m),
    '',
    '| figure | value | reference | ratio | target | met |',
    '|---|--:|---|--:|--:|:-:|',
  ];
  for (const f of rows) {
    const ref = f.reference === null ? '—' : `${withUnit(f.reference, f.unit)}: ${f.reference_label}`;
    lines.push(
      `| ${f.label} (\`${f.figure}\`, ${f.data}) | ${withUnit(f.value, f.unit)} | ${ref} | ${ratio(f.ratio)} | ${target(f)} | ${met(f)} |`,
    );
  }
  let doc = readFileSync(docPath, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const b = doc.indexOf(begin);
  const e = doc.indexOf(end);
  if (b < 0 || e < b) throw new Error(`${docPath}: needs ${begin} … ${end}`);
  doc = `${doc.slice(0, b + begin.length)}\n${lines.join('\n')}\n${doc.slice(e)}`;
  const usage = '<!-- bench:usage -->';
  const u = doc.indexOf(usage);
  if (u >= 0) {
    const after = u + usage.length;
    const next = doc.indexOf('\n## ', after);
    doc = `${doc.slice(0, after)}\n${USAGE}${next < 0 ? '' : doc.slice(next)}`;
  }
  writeFileSync(docPath, doc);
}

const [mode, ...args] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  switch (mode) {
    case 'check':
      check(args[0] ?? 'bench');
      break;
    case 'merge':
      merge(args[0], args.slice(1));
      break;
    case 'summary':
      summary(args[0], args[1]);
      break;
    case 'render':
      render(args[0], args[1], args[2]);
      break;
    default:
      console.error('usage: bench-report.mjs check NAME | merge OLD NAME... | summary RESULTS MACHINE | render RESULTS MACHINE DOC');
      process.exit(2);
  }
}
