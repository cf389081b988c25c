// Where a cold load of /check spends its time, on the `bench/run load` link (400 kbit/s, 400 ms
// round trip, CPU 4× slower): every request and its end (bytes on the wire), when the app's first
// question shows and when the second does, for TIMELINE_RUNS fresh browser contexts (default 2).
// A probe for deciding what to cut, not a figure: `bench/load.mjs` gives the medians.
//   XIANGQIN_ENDPOINT_BIN=target/release/xiangqin-endpoint node bench/timeline.mjs
import { startServer, launchBrowser } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.TIMELINE_RUNS ?? 2);
const SLOW_LINK = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const server = await startServer();
const browser = await launchBrowser();
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const start = performance.now();
  const at = () => Math.round(performance.now() - start);
  const urls = {};
  const events = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    urls[e.requestId] = new URL(e.request.url).pathname;
    events.push([at(), 'request', urls[e.requestId]]);
  });
  cdp.on('Network.loadingFinished', (e) => events.push([at(), 'done', urls[e.requestId], `${e.encodedDataLength} B`]));
  await page.goto('/check', { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid="choice-qinghai"]', { state: 'visible', timeout: 120_000 });
  events.push([at(), 'first question (the app runs)']);
  const first = await page.getByTestId('question-title').textContent();
  await page.click('[data-testid="choice-longyan"]');
  await page.waitForFunction((title) => {
    const now = document.querySelector('[data-testid="question-title"]');
    return now !== null && now.textContent !== title;
  }, first, { timeout: 120_000 });
  events.push([at(), 'second question']);
  console.log(`run ${run + 1}`);
  for (const e of events.sort((a, b) => a[0] - b[0])) console.log(`${String(e[0]).padStart(6)} ms`, ...e.slice(1));
  await context.close();
}
await browser.close();
await server.stop?.();
process.exit(0);
