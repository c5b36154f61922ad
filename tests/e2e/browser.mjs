// What every end-to-end test shares about the browser: Debian's Chromium, never a downloaded
// one, with the flags this machine needs (the same as webdriver.json's). Each test gives it a
// fresh profile.
import { execFileSync } from 'node:child_process';

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
