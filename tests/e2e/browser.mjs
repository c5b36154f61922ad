// What every end-to-end test shares about the browser: Debian's Chromium, never a downloaded
// one, with the flags this machine needs (the same as webdriver.json's). Each test gives it a
// fresh profile.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];

/** A fresh headless Chromium with its own profile in `profile`; `options` add to the defaults. */
export async function launch(chromium, profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    ...options,
  });
}

/** For test `t`: a fresh browser (`launch`) in a temporary profile named from `prefix`, closed
 *  and removed after the test; its first page, and the uncaught errors of that page. */
export async function freshPage(t, chromium, prefix, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), prefix));
  const context = await launch(chromium, profile, options);
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/**
 * Replaces the text of the SQL editor (`#sql-input`, or `selector`) with `sql` as typing would: select all,
 * then insert the text. (Playwright's `fill` on an editable element goes through
 * `execCommand`, which writes `style` attributes that the page's Content-Security-Policy
 * refuses.)
 */
export async function typeSql(page, sql, selector = '#sql-input') {
  const editor = page.locator(selector);
  await editor.click();
  await editor.press('Control+A');
  await page.keyboard.insertText(sql);
}

/** Writes a zip of `files` ({path: text}) with Python's zipfile (which keeps `../` names). */
export function makeZip(path, files) {
  execFileSync('python3', ['-c', `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for name, text in json.loads(sys.argv[2]).items():
        z.writestr(name, text)
`, path, JSON.stringify(files)]);
}
