// What every end-to-end test shares about the browser: Debian's Chromium, never a downloaded
// one, with the flags this machine needs (the same as webdriver.json's). Each test gives it a
// fresh profile.
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
