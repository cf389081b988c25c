// Before the app has arrived (issues 19 and 21): on a slow link the page shows the frame of the
// screen asked for at once — the questionnaire after 查政策, 查进度 from a receipt's QR code, the
// home screen in English — with the Wasm's download in words and a rising percentage, and what
// to do when the download stalls. Run with the Content-Security-Policy enforced: the loading
// panel's script is inline, allowed by its hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, screenshot, assertAccessible, slowLink, wasmRequests, household, until, RULES_BIN } from './harness.mjs';
import { ReportPage } from './pages.mjs';

const WASM = /_bg\.wasm$/;
const QR_LINK = '/status#r=XQ-ABCD-2345&t=0123456789abcdef0123456789abcdef';
const ctx = useEnv({ catalogues: ['zh-Hans', 'en'] });

/** Holds every request for the Wasm until `release()`: the app cannot start before. */
async function holdWasm(page) {
  const held = [];
  let holding = true;
  await page.route(WASM, (route) => (holding ? held.push(route) : route.continue()));
  return {
    /** New requests go through; those held stay held (the page that asked for them goes). */
    letNewOnesThrough() {
      holding = false;
    },
    release() {
      holding = false;
      for (const r of held.splice(0)) r.continue().catch(() => {});
    },
  };
}

/** A percentage said in the words of `template` (「正在下载，已完成 {n}%」), or null. */
function percentIn(text, template) {
  const [head, tail] = template.split('{n}');
  if (!text.startsWith(head) || !text.endsWith(tail)) return null;
  return Number(text.slice(head.length, text.length - tail.length));
}

test('on a slow link 查政策 shows the question to come at once, and the download in words, rising', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  await slowLink(page);
  await page.goto('/', { waitUntil: 'domcontentloaded' });
  const first = page.locator('#first-screen');
  await first.getByRole('link', { name: new RegExp(ctx.zh['home.check']) }).click();
  assert.equal(new URL(page.url()).pathname, '/check');
  // The questionnaire's frame, before the app: the top bar, the question to come, the download.
  const heading = first.getByRole('heading', { name: ctx.zh['q.region.title'] });
  await heading.waitFor({ timeout: 1_000 });
  assert.equal(await first.locator('.top-bar .brand:visible').textContent(), ctx.zh['app.name']);
  assert.equal(await page.getByTestId('question-title').count(), 0, 'the app is not there yet');
  const words = page.locator('.load-words:visible');
  const seen = [];
  while ((await page.getByTestId('question-title').count()) === 0) {
    const text = await words.textContent({ timeout: 100 }).catch(() => null);
    if (text !== null) {
      const n = percentIn(text, ctx.zh['loading.progress']);
      assert.notEqual(n, null, `words: ${text}`);
      if (seen.at(-1) !== n) seen.push(n);
      if (seen.length === 3) await screenshot(page, 'loading-check');
    }
    await page.waitForTimeout(200);
  }
  // Rising, never back, and more than one figure between nothing and all.
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `percentages seen: ${seen}`);
  assert.ok(seen.filter((n) => n > 0 && n < 100).length >= 2, `percentages seen: ${seen}`);
  // The app has arrived: its own first question, and nothing of the loading screen is left.
  assert.equal(await page.getByTestId('question-title').textContent(), ctx.zh['q.region.title']);
  assert.equal(await page.locator('#first-screen, #loading, #load-panel').count(), 0);
});

test('a download that stalls says so after a few seconds and offers to load again', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  const wasm = await holdWasm(page);
  await page.goto('/check', { waitUntil: 'domcontentloaded' });
  const first = page.locator('#first-screen');
  await first.getByRole('heading', { name: ctx.zh['q.region.title'] }).waitFor({ timeout: 1_000 });
  assert.equal(await page.locator('.load-words:visible').textContent(), ctx.zh['loading.progress'].replace('{n}', '0'));
  const again = page.getByRole('button', { name: ctx.zh['loading.stalled'] });
  assert.equal(await again.isVisible(), false, 'not at once');
  await again.waitFor({ timeout: 15_000 });
  await screenshot(page, 'loading-stalled');
  // The network is back: the button loads the page again, and the app comes.
  wasm.letNewOnesThrough();
  await again.click();
  await page.getByTestId('question-title').waitFor({ timeout: 30_000 });
  assert.equal(new URL(page.url()).pathname, '/check');
});

test('a receipt’s QR link opens 查进度’s first screen before the app has arrived', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  const wasm = await holdWasm(page);
  await page.goto(QR_LINK, { waitUntil: 'domcontentloaded' });
  const first = page.locator('#first-screen');
  await first.getByRole('heading', { name: ctx.zh['status.title'] }).waitFor({ timeout: 1_000 });
  assert.equal(await first.locator('[data-screen="status"]:visible p').textContent(), ctx.zh['status.intro']);
  assert.ok(await page.locator('.load-words:visible').isVisible());
  assert.equal(await page.getByTestId('status-page').count(), 0, 'the app is not there yet');
  await screenshot(page, 'loading-status');
  wasm.release();
  await page.getByTestId('status-title').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('status-receipt').inputValue(), 'XQ-ABCD-2345');
  assert.equal(await page.locator('#first-screen, #loading, #load-panel').count(), 0);
});

test('the English home screen shows before the app has arrived, and a tap on it is not lost', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  await page.addInitScript(() => localStorage.setItem('xiangqin.lang.v1', '"en"'));
  const wasm = await holdWasm(page);
  await page.goto('/', { waitUntil: 'domcontentloaded' });
  const first = page.locator('#first-screen');
  await first.getByRole('heading', { name: ctx.en['app.name'] }).waitFor({ timeout: 1_000 });
  assert.equal(await first.locator('.lead:visible').textContent(), ctx.en['home.intro']);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await first.getByText(ctx.zh['home.intro']).isVisible(), false, 'no Chinese home');
  assert.equal(await page.locator('#load-panel').isVisible(), false, 'the home screen needs no app');
  await screenshot(page, 'loading-home-en');
  await first.getByRole('link', { name: new RegExp(ctx.en['home.check']) }).click();
  await first.getByRole('heading', { name: ctx.en['q.region.title'] }).waitFor({ timeout: 1_000 });
  assert.equal(await page.locator('.load-words:visible').textContent(), ctx.en['loading.progress'].replace('{n}', '0'));
  wasm.release();
  await page.getByTestId('question-title').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('question-title').textContent(), ctx.en['q.region.title']);
});

test('the loading screens are accessible at 360×740', async (t) => {
  for (const path of ['/check', QR_LINK]) {
    // axe-core is an inline script: this page does not enforce the CSP.
    const page = await ctx.env.newPage(t);
    await holdWasm(page);
    await page.goto(path, { waitUntil: 'domcontentloaded' });
    await page.locator('.load-words:visible').waitFor({ timeout: 1_000 });
    await assertAccessible(page, `loading ${path}`);
  }
});

// The screens after the questionnaire are chunks of the Wasm loaded when first opened
// (src/pages/later.rs, scripts/split-wasm).
test('the first question needs only the main Wasm; the later screens come in chunks of their own', async (t) => {
  const page = await ctx.env.newPage(t);
  const wasm = wasmRequests(page);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();
  assert.equal(wasm.filter((w) => WASM.test(w)).length, 1, `${wasm}`);
  // Only the results (the questionnaire's next screen) are fetched ahead, while it is answered;
  // with nothing in the outbox, the code that sends it is not fetched either.
  assert.deepEqual(wasm.filter((w) => /later-(report|status|policy|outbox)-/.test(w)), [], `${wasm}`);
  for (const [path, testid, chunk] of [
    ['/results', 'results-title', 'results'],
    ['/policy/ly-monitoring-support', 'policy-title', 'policy'],
    ['/report', 'report-title', 'report'],
    ['/status', 'status-title', 'status'],
  ]) {
    await page.goto(path);
    await page.getByTestId(testid).first().waitFor();
    assert.ok(wasm.some((w) => w.includes(`later-${chunk}-`)), `${path}: ${wasm}`);
  }
});

test('a chunk that does not arrive says so, loses nothing, and 再试一次 opens the screen', async (t) => {
  const page = await ctx.env.newPage(t);
  let refuse = true;
  await page.context().route(/later-report-[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-title').waitFor();
  await page.goto('/report');
  const failed = page.getByTestId('later-failed');
  await failed.waitFor();
  assert.equal(await failed.textContent(), ctx.zh['later.failed']);
  assert.equal(await page.getByTestId('later-retry').textContent(), ctx.zh['later.retry']);
  await screenshot(page, 'later-failed');
  // Still the app: its other screens open, and the answer given is kept.
  await page.getByTestId('brand').click();
  await page.getByTestId('home-title').waitFor();
  await page.goBack();
  await failed.waitFor();
  refuse = false;
  await page.getByTestId('later-retry').click();
  await page.getByTestId('report-title').first().waitFor();
  assert.ok(await page.getByTestId('region-qinghai').isChecked(), 'the region answered before is on the form');
});

// Sending what waits in the outbox is a chunk of its own, fetched when the app starts with
// something queued (src/outbox.rs).
test('a declaration queued offline is sent on the next visit once the sending code arrives, and not before', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  // The sending code does not arrive from the first visit on (so the service worker, which
  // would keep it, has not got it either).
  const asked = [];
  let refuse = true;
  await page.context().route(/later-outbox-[0-9a-f]{16}\.wasm$/, (route) => {
    asked.push(route.request().url());
    return refuse ? route.abort('internetdisconnected') : route.continue();
  });
  await report.fillAndConsent(household({ 'applicant.name': '郑一' }));
  await page.route('**/api/v1/declarations', (route) => route.abort('internetdisconnected'));
  await report.submit.click();
  await report.sendError.waitFor();
  // The next visit starts a fresh app, with the declaration waiting; the network is back for the
  // API, but the sending code does not arrive.
  await page.goto('/');
  await page.getByTestId('outbox-pending').waitFor();
  await page.unroute('**/api/v1/declarations');
  asked.length = 0;
  await assert.doesNotReject(until(() => asked.length >= 1), 'the app asks for the sending code again');
  assert.equal((await ctx.env.server.declarationsOf('郑一')).length, 0, 'nothing sent without its code');
  await page.getByTestId('outbox-pending').waitFor();
  await screenshot(page, 'outbox-code-refused');
  // The code arrives on the app's next try (2, 4, 8 s … after a failure): the declaration is
  // sent without a tap, once.
  refuse = false;
  await page.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal((await ctx.env.server.declarationsOf('郑一')).length, 1, 'exactly one declaration arrived');
});

// The languages other than Chinese are files of their own, fetched when chosen (src/i18n.rs).
test('English is fetched when chosen; if it does not arrive the screen stays and says so; once here it is kept, offline too', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  const ENGLISH = /\/locale-en-[0-9a-f]{16}\.json$/;
  const asked = [];
  page.on('request', (r) => { if (ENGLISH.test(r.url())) asked.push(r.url()); });
  let refuse = true;
  await page.context().route(ENGLISH, (route) => (refuse ? route.abort('internetdisconnected') : route.continue()));
  const named = await (await page.request.get('/')).text();
  assert.match(named, /<meta content=\/locale-en-[0-9a-f]{16}\.json name=xiangqin-lang-en>/);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();
  const second = await page.getByTestId('question-title').textContent();
  assert.deepEqual(asked, [], 'a household reading Chinese does not download English');

  await page.getByTestId('lang-en').click();
  const failed = page.getByTestId('lang-failed');
  await failed.waitFor();
  assert.equal(await failed.textContent(), ctx.zh['lang.not_loaded'].replaceAll('{name}', 'English'));
  assert.equal(await page.getByTestId('question-title').textContent(), second, 'the screen as it was');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  await screenshot(page, 'lang-failed');

  refuse = false;
  await page.getByTestId('lang-en').click();
  await failed.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const english = await page.getByTestId('question-title').textContent();
  assert.ok(Object.values(ctx.en).includes(english), english);
  assert.equal(asked.length, 2, `${asked}`);

  // Saved: the app starts in English (never in Chinese first), and offline once the service
  // worker has kept the release.
  await page.addInitScript(() => {
    window.__langs = [];
    // The whole document: the page's <html> does not exist yet when this runs.
    new MutationObserver((records) => {
      for (const r of records) if (r.target === document.documentElement) window.__langs.push(r.target.lang);
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['lang'] });
  });
  await page.reload();
  await page.getByTestId('question-title').waitFor();
  assert.equal(await page.getByTestId('question-title').textContent(), english);
  const langs = await page.evaluate(() => window.__langs);
  assert.ok(langs.length > 0 && langs.every((l) => l === 'en'), `${langs}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.getByTestId('question-title').waitFor();
  await page.context().setOffline(true);
  await page.reload();
  await page.getByTestId('question-title').waitFor();
  assert.equal(await page.getByTestId('question-title').textContent(), english);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.context().setOffline(false);
});

// The policies' words are not in the Wasm: a file of their own, named by the page, fetched for
// the results and policy pages (src/pages/later.rs).
test('the questionnaire runs without the policies\' words; a policy page waits for them, and says so when they do not arrive', async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  const words = [];
  let refuse = true;
  await page.context().route(/\/rules-texts-[0-9a-f]{16}\.json$/, (route) => {
    words.push(new URL(route.request().url()).pathname);
    return refuse ? route.abort('internetdisconnected') : route.continue();
  });
  const named = await (await page.request.get('/')).text();
  assert.match(named, /<meta content=\/rules-texts-[0-9a-f]{16}\.json name=xiangqin-texts>/);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();
  assert.notEqual(await page.getByTestId('question-title').textContent(), ctx.zh['q.region.title'], 'the second question');
  // The words are fetched ahead while the questionnaire is answered: refused here, and it ran.
  await page.goto('/policy/ly-monitoring-support');
  const failed = page.getByTestId('later-failed');
  await failed.waitFor();
  assert.equal(await failed.textContent(), ctx.zh['later.failed']);
  assert.ok(words.length >= 1, `${words}`);
  refuse = false;
  await page.getByTestId('later-retry').click();
  const listed = JSON.parse(execFileSync(RULES_BIN, ['list'], { encoding: 'utf8' }));
  const policy = listed.policies.find((p) => p.id === 'ly-monitoring-support');
  await page.getByTestId('policy-title').waitFor();
  assert.equal((await page.getByTestId('policy-title').textContent()).trim(), policy.title);
  assert.ok(await page.getByText(policy.sources[0].quote.slice(0, 20)).first().isVisible(), 'the quoted clause');
});
