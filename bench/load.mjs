// Load time on a slow phone, and the rules' speed in the browser: `bench/run load`.
//
// The release build (dist/) served by the real endpoint, opened in headless Chromium through the
// DevTools protocol with a slow mobile link (400 kbit/s both ways, 400 ms round trip) and the
// CPU slowed down 4×. Each figure is the median of LOAD_RUNS runs (default 5), in a fresh
// browser context (empty cache, no service worker) for the cold loads:
//   load_first_screen_cold      "/" until the home screen is visible (plain HTML, no app yet)
//   load_status_screen_cold     "/status#r=…&t=…" (a receipt's QR code) until 查进度's heading is
//                               visible (plain HTML, or the app's once it has arrived)
//   load_home_en_screen_cold    "/" with English chosen on the phone until the English home
//                               screen's heading is visible (likewise)
//   load_first_question_cold    "/check" until the app runs the questionnaire: the region is
//                               chosen (Longyan) and the *second* question shows (so that a
//                               plain-HTML first question would not count as the app being there)
//   load_first_question_en_cold the same with English chosen on the phone (its words are a file
//                               of their own, src/i18n.rs)
//   load_first_question_repeat  the same again once the service worker has kept the release
//   load_first_question_offline the same with the network cut
//   load_first_question_cold_transfer  bytes over the wire for the cold load (the CDP's
//                               encodedDataLength of every response, headers included)
// Then, with the app running, every policy of a region is evaluated for the household in
// bench/household-full.json from Wasm (`bench_rules` in src/main.rs), median per evaluation,
// without and with the 4× CPU slowdown.
// Prints `name value unit` lines on stdout; progress on stderr.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, launchBrowser, catalogue, until, ROOT } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.LOAD_RUNS ?? 5);
const SLOW_LINK = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const CPU_SLOWDOWN = 4;
const FIRST_QUESTION = '[data-testid="choice-qinghai"]';
const REGION_CHOSEN = '[data-testid="choice-longyan"]';
const REGIONS = ['qinghai', 'longyan', 'shaanxi', 'inner_mongolia', 'liangzhou'];

const QR_LINK = '/status#r=XQ-ABCD-2345&t=0123456789abcdef0123456789abcdef';
const zh = await catalogue('zh-Hans');
const en = await catalogue('en');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (...a) => console.error('==>', ...a);

async function slowPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return { page, cdp };
}

async function timeUntil(page, url, selector) {
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForSelector(selector, { state: 'visible', timeout: 120_000 });
  return performance.now() - start;
}

/** From opening `url` until the heading `name` is visible. */
async function timeUntilHeading(page, url, name) {
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.getByRole('heading', { name, exact: true }).waitFor({ state: 'visible', timeout: 120_000 });
  return performance.now() - start;
}

/** From opening `url` until the region is answered and the next question's title shows. */
async function timeUntilSecondQuestion(page, url) {
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForSelector(FIRST_QUESTION, { state: 'visible', timeout: 120_000 });
  const first = await page.getByTestId('question-title').textContent();
  await page.click(REGION_CHOSEN);
  await page.waitForFunction((title) => {
    const now = document.querySelector('[data-testid="question-title"]');
    return now !== null && now.textContent !== title;
  }, first, { timeout: 120_000 });
  return performance.now() - start;
}

/** Counts the bytes every response of the page took on the wire, from now on. */
function countTransfer(cdp) {
  const counted = { bytes: 0 };
  cdp.on('Network.loadingFinished', (e) => { counted.bytes += e.encodedDataLength; });
  return counted;
}

/** Waits until the service worker controls the page and has kept the release (with its Wasm). */
async function releaseKept(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Polled from here (harness.mjs `until`).
  const kept = () => page.evaluate(async () => {
    for (const name of await caches.keys()) {
      const keys = await (await caches.open(name)).keys();
      if (keys.some((r) => r.url.endsWith('.wasm'))) return true;
    }
    return false;
  });
  await until(kept, { timeout: 120_000, every: 500 });
}

const server = await startServer();
const browser = await launchBrowser();
const newContext = () => browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
const figures = { first_screen_cold: [], status_screen_cold: [], home_en_screen_cold: [], first_question_cold: [], first_question_en_cold: [], first_question_repeat: [], first_question_offline: [] };
const transfer = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    {
      const context = await newContext();
      const { page } = await slowPage(context);
      figures.first_screen_cold.push(await timeUntil(page, '/', '#first-screen'));
      await context.close();
    }
    {
      const context = await newContext();
      const { page } = await slowPage(context);
      figures.status_screen_cold.push(await timeUntilHeading(page, QR_LINK, zh['status.title']));
      await context.close();
    }
    {
      const context = await newContext();
      await context.addInitScript(() => localStorage.setItem('xiangqin.lang.v1', '"en"'));
      const { page } = await slowPage(context);
      figures.home_en_screen_cold.push(await timeUntilHeading(page, '/', en['app.name']));
      await context.close();
    }
    {
      const context = await newContext();
      await context.addInitScript(() => localStorage.setItem('xiangqin.lang.v1', '"en"'));
      const { page } = await slowPage(context);
      figures.first_question_en_cold.push(await timeUntilSecondQuestion(page, '/check'));
      await context.close();
    }
    const context = await newContext();
    const { page, cdp } = await slowPage(context);
    const counted = countTransfer(cdp);
    figures.first_question_cold.push(await timeUntilSecondQuestion(page, '/check'));
    transfer.push(counted.bytes);
    await releaseKept(page);
    // A new household on the same phone: the answers of the run before are cleared.
    await page.evaluate(() => localStorage.clear());
    figures.first_question_repeat.push(await timeUntilSecondQuestion(page, '/check'));
    await page.evaluate(() => localStorage.clear());
    await context.setOffline(true);
    figures.first_question_offline.push(await timeUntilSecondQuestion(page, '/check'));
    await context.close();
    log(`run ${run}/${RUNS}:`, Object.entries(figures).map(([k, v]) => `${k} ${Math.round(v.at(-1))} ms`).join(', '));
  }
  for (const [name, values] of Object.entries(figures)) {
    console.log(`load_${name}_median ${Math.round(median(values))} ms`);
  }
  console.log(`load_first_question_cold_transfer_median ${median(transfer)} B`);

  const household = await readFile(path.join(ROOT, 'bench/household-full.json'), 'utf8');
  const context = await newContext();
  const page = await context.newPage();
  await page.goto('/check');
  await page.waitForSelector(FIRST_QUESTION);
  const cdp = await context.newCDPSession(page);
  for (const [label, rate] of [['', 1], ['_cpu4x', CPU_SLOWDOWN]]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    for (const region of REGIONS) {
      const facts = household.replace('REGION', region);
      const us = await page.evaluate(([f]) => window.wasmBindings.bench_rules(f, 51, 200), [facts]);
      console.log(`rules_wasm_${region}_full_household${label}_median ${us.toFixed(1)} us`);
    }
  }
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
