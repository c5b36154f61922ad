// Draws the app's PNG icons from static/icons/stepwise.svg with headless Chromium (playwright-core,
// as the end-to-end tests use it). The PNGs are committed source assets: run this only after
// changing the SVG.
//
//   node scripts/make-icons.mjs
//
// Writes static/icons/stepwise-192.png and stepwise-512.png (the icon as drawn, transparent
// corners) and stepwise-maskable-512.png (full-bleed background, the mark inside the central
// 80% "safe zone" that launchers may crop to a circle or a squircle).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const icons = resolve(fileURLToPath(new URL('.', import.meta.url)), '../static/icons');
const svg = readFileSync(resolve(icons, 'stepwise.svg'), 'utf8');
const background = /<rect[^>]*fill="([^"]+)"/.exec(svg)[1];
const mark = /<path[^>]*\/>/.exec(svg)[0];
const maskable =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${background}"/>` +
  `<g transform="translate(16 16) scale(0.8) translate(-16 -16)">${mark}</g></svg>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  for (const [name, source, size] of [
    ['stepwise-192.png', svg, 192],
    ['stepwise-512.png', svg, 512],
    ['stepwise-maskable-512.png', maskable, 512],
  ]) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(
      `<body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body>`,
    );
    await page.waitForFunction(() => document.images[0].complete);
    writeFileSync(resolve(icons, name), await page.screenshot({ omitBackground: true }));
    console.log(`wrote static/icons/${name}`);
  }
} finally {
  await browser.close();
}
