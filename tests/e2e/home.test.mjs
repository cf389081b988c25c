// Home screen → 查政策 → the region question; the answer survives a reload and
// 「清除我的信息」 removes the household's data from the device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, screenshot, assertAccessible, appStorage, slowLink, wasmRequests, ANSWERS_KEY } from './harness.mjs';
import { HomePage, CheckPage } from './pages.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans', 'en'] });

test('home screen shows the title, what the app does and the two ways in', async (t) => {
  const page = await ctx.env.newPage(t);
  const home = new HomePage(page);
  await home.open();
  assert.equal(await home.title.textContent(), ctx.zh['app.name']);
  assert.equal(await home.intro.textContent(), ctx.zh['home.intro']);
  assert.match(await home.checkButton.textContent(), new RegExp(ctx.zh['home.check']));
  assert.match(await home.reportButton.textContent(), new RegExp(ctx.zh['home.report']));
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
  assert.equal(await page.title(), ctx.zh['app.name']);
  // Large targets: primary buttons at least 60 px high, the whole width on a 360 px phone.
  for (const b of [home.checkButton, home.reportButton]) {
    const box = await b.boundingBox();
    assert.ok(box.height >= 60, `button height ${box.height}`);
  }
  await screenshot(page, 'home');
  await assertAccessible(page, 'home');
});

test('answering the region question is saved and survives a reload', async (t) => {
  const page = await ctx.env.newPage(t);
  const home = new HomePage(page);
  const check = new CheckPage(page);
  await home.open();
  await home.checkButton.click();
  await page.waitForURL('**/check');
  await check.questionTitle.waitFor();
  assert.equal(await check.questionTitle.textContent(), ctx.zh['q.region.title']);
  // Focus moves to the question's heading.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'question-title');
  // Before the region is known the rules cannot count the questions left: nothing is claimed.
  assert.equal(await check.progress.locator('p').textContent(), '');
  assert.ok(await check.back.isVisible());
  for (const key of ['qinghai', 'longyan', 'shaanxi', 'inner_mongolia', 'liangzhou']) {
    const box = await check.choice(key).boundingBox();
    assert.ok(box.height >= 60, `${key} button height ${box.height}`);
    assert.equal(await check.choice(key).getAttribute('aria-pressed'), 'false');
  }
  await screenshot(page, 'check-region');
  await assertAccessible(page, 'region question');

  await check.choice('shaanxi').click();
  // The rules choose the next question: the one that settles the most policies.
  await page.waitForURL(/\/check\/(members|h\.|m\d)/);
  assert.notEqual(await check.questionTitle.textContent(), ctx.zh['q.region.title']);
  await page.goto('/check/done');
  await check.summary.waitFor();
  assert.equal(await check.answer('region').textContent(), ctx.zh['region.shaanxi']);
  const stored = JSON.parse((await appStorage(page))[ANSWERS_KEY]);
  assert.equal(stored.region, 'shaanxi');
  await screenshot(page, 'check-summary');
  await assertAccessible(page, 'summary');

  // Reload on the summary: the answer is still there.
  await page.reload();
  await check.summary.waitFor();
  assert.equal(await check.answer('region').textContent(), ctx.zh['region.shaanxi']);

  // Reload on the question: the answer is shown selected.
  await page.goto('/check');
  await check.questionTitle.waitFor();
  await page.reload();
  await check.questionTitle.waitFor();
  assert.equal(await check.choice('shaanxi').getAttribute('aria-pressed'), 'true');
  assert.equal(await check.choice('qinghai').getAttribute('aria-pressed'), 'false');
  await screenshot(page, 'check-region-answered');

  // 修改: change the answer from the summary.
  await page.goto('/check/done');
  await check.change('region').click();
  await page.waitForURL('**/check/region');
  await check.choice('longyan').click();
  await page.waitForURL(/\/check\/(members|h\.|m\d)/);
  await page.goto('/check/done');
  await check.summary.waitFor();
  assert.equal(await check.answer('region').textContent(), ctx.zh['region.longyan']);
  assert.equal(JSON.parse((await appStorage(page))[ANSWERS_KEY]).region, 'longyan');
});

test('清除我的信息 removes the household data from the device', async (t) => {
  const page = await ctx.env.newPage(t);
  const check = new CheckPage(page);
  await page.goto('/check');
  await check.choice('qinghai').click();
  await page.waitForURL(/\/check\/(members|h\.|m\d)/);
  await page.goto('/check/done');
  await check.summary.waitFor();
  assert.ok(ANSWERS_KEY in (await appStorage(page)));

  await check.clearButton.click();
  await screenshot(page, 'clear-confirm');
  await check.clearYes.click();
  await check.clearDone.waitFor();
  assert.equal(await check.clearDone.textContent(), ctx.zh['clear.done']);
  await screenshot(page, 'clear-done');
  const left = await appStorage(page);
  assert.deepEqual(Object.keys(left).filter((k) => k !== 'xiangqin.lang.v1'), []);
  await check.summaryEmpty.waitFor();

  // Nothing comes back after a reload.
  await page.goto('/check');
  await check.questionTitle.waitFor();
  assert.equal(await check.choice('qinghai').getAttribute('aria-pressed'), 'false');
});

test('the language switch changes every text and is remembered', async (t) => {
  const page = await ctx.env.newPage(t);
  const home = new HomePage(page);
  await home.open();
  await home.switchLanguage('en');
  await page.getByText(ctx.en['home.intro']).waitFor();
  assert.equal(await home.title.textContent(), ctx.en['app.name']);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await home.title.waitFor();
  assert.equal(await home.intro.textContent(), ctx.en['home.intro']);
  await screenshot(page, 'home-en');
  await home.switchLanguage('zh-Hans');
  assert.equal(await home.intro.textContent(), ctx.zh['home.intro']);
});

test("the app runs under the endpoint's Content-Security-Policy without a violation", async (t) => {
  const page = await ctx.env.newPage(t, { enforceCsp: true });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto('/');
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  await page.getByTestId('home-title').waitFor();
  await page.getByTestId('start-check').click();
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-title').waitFor();
  await page.goto('/results');
  await page.getByTestId('results-title').waitFor();
  // The cadres' page, with its own loader script, under the same policy.
  await page.goto('/review');
  await page.getByTestId('review-token').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
});

test("households never download the cadres' code; the cadres' screens come in a page of their own", async (t) => {
  const page = await ctx.env.newPage(t);
  const wasm = wasmRequests(page);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();
  await page.goto('/results');
  await page.getByTestId('results-title').waitFor();
  // The households' release: one main Wasm and the chunks of the screens opened later, which
  // carry the same build hash (src/pages/later.rs).
  const household = [...new Set(wasm)];
  const main = household.filter((w) => w.endsWith('_bg.wasm'));
  assert.equal(main.length, 1, `one main Wasm for the household: ${household}`);
  const release = /-([0-9a-f]{16})_bg\.wasm$/.exec(main[0])[1];
  assert.ok(household.every((w) => w.endsWith(`-${release}.wasm`) || w === main[0]), `${household}`);

  // The home screen's link to the service-centre setup loads the cadres' page from the server.
  await page.goto('/');
  await page.getByTestId('kiosk-link').click();
  await page.getByTestId('kiosk-operator').waitFor();
  const cadre = [...new Set(wasm)].filter((w) => !household.includes(w));
  assert.equal(cadre.filter((w) => w.endsWith('_bg.wasm')).length, 1, `the cadres' page has its own Wasm: ${wasm}`);
  assert.ok(cadre.every((w) => !w.endsWith(`-${release}.wasm`)), `nothing of the households' release: ${cadre}`);
  // Back in the households' app and then Forward to /kiosk: the page is asked for afresh.
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  await page.evaluate(() => { history.pushState(null, '', '/review'); dispatchEvent(new PopStateEvent('popstate')); });
  await page.getByTestId('review-token').waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('meta[name="xiangqin-page"]')?.content), 'cadre');
});

test('a browser without WebAssembly is told plainly what to do', async (t) => {
  // The app's loader fails, as it would on such a phone: that error is expected here.
  const page = await ctx.env.newPage(t, { allowErrors: true });
  await page.addInitScript(() => {
    delete window.WebAssembly;
  });
  await page.goto('/');
  const note = page.locator('#loading');
  await note.waitFor();
  assert.match(await note.textContent(), /浏览器版本太旧/);
});

test('on a slow link the first screen shows before the app, and a tap on it is not lost', async (t) => {
  const page = await ctx.env.newPage(t);
  // A slow mobile link: the app takes seconds to download.
  await slowLink(page);
  await page.goto('/', { waitUntil: 'domcontentloaded' });
  const first = page.locator('#first-screen');
  await first.waitFor();
  assert.equal(await first.locator('h1:visible').textContent(), ctx.zh['app.name']);
  assert.equal(await first.locator('.lead:visible').textContent(), ctx.zh['home.intro']);
  // The app has not started yet: its own home screen is not there.
  assert.equal(await page.getByTestId('home-title').count(), 0);
  await screenshot(page, 'first-screen');
  await first.getByRole('link', { name: new RegExp(ctx.zh['home.check']) }).click();
  assert.equal(new URL(page.url()).pathname, '/check');
  // Until the app is there: the questionnaire's frame, with the download (loading.test.mjs).
  await first.getByRole('heading', { name: ctx.zh['q.region.title'] }).waitFor({ timeout: 1_000 });
  // When the app has arrived it opens the screen that was tapped, and the first screen is gone.
  await page.getByTestId('question-title').waitFor({ timeout: 90_000 });
  assert.equal(await page.getByTestId('question-title').textContent(), ctx.zh['q.region.title']);
  assert.equal(await page.locator('#first-screen, #loading, #load-panel').count(), 0);
});

test('an address that is no page of the app shows its not-found screen with a 404; deep links come compressed', async (t) => {
  const page = await ctx.env.newPage(t);
  const missing = await page.goto('/wp-login.php');
  assert.equal(missing.status(), 404);
  await page.getByRole('heading', { name: ctx.zh['not_found.title'] }).waitFor();
  await page.getByTestId('go-home').click();
  await new HomePage(page).title.waitFor();
  // The receipt's QR code opens /status: the same compressed page as /.
  for (const path of ['/status?receipt=LY-1', '/check', '/policies/longyan']) {
    const answer = await page.goto(path);
    assert.equal(answer.status(), 200, path);
    // (Chromium offers brotli over HTTPS and to localhost; gzip otherwise.)
    assert.match((await answer.allHeaders())['content-encoding'] ?? 'none', /^(br|gzip)$/, path);
  }
  const robots = await page.request.get('/robots.txt');
  assert.equal(robots.status(), 200);
  assert.match(await robots.text(), /^Disallow: \/$/m);
  assert.match(await page.locator('meta[name="description"]').getAttribute('content'), /帮扶政策/);
});
