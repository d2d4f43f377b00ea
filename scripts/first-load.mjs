// Prints what a browser with an empty cache transfers to show a page and run its scripts:
// every response's bytes on the wire (headers and compressed body, as Chromium counts them).
// Over plain HTTP Chromium offers only gzip; a browser reaching the platform over HTTPS also
// takes Brotli, so the request says so, as it would there.
//   node scripts/first-load.mjs http://127.0.0.1:3000/respond/CODE/2
// With JOIN=<nickname>, the page is a workshop room (/live/CODE): the browser joins it first,
// then what it transfers to show the room as a participant is measured.
//   JOIN=Ana node scripts/first-load.mjs http://127.0.0.1:3000/live/CODE
import { chromium } from '../end2end/node_modules/playwright-core/index.mjs';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'br, gzip' } });
if (process.env.JOIN) {
  await page.goto(url);
  await page.getByLabel('Your name in the room').fill(process.env.JOIN);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForSelector('text=You are in');
}
const urls = new Map();
let total = 0;
cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
cdp.on('Network.loadingFinished', (e) => {
  total += e.encodedDataLength;
  urls.set(e.requestId, `${urls.get(e.requestId)} ${e.encodedDataLength}`);
});
await page.goto(url, { waitUntil: 'networkidle' });
await page.waitForSelector('body[data-hydrated="true"]', { timeout: 10000 });
await browser.close();
console.log(`${total} B in ${urls.size} responses`);
if (process.env.VERBOSE) for (const line of urls.values()) console.log(`  ${line}`);
