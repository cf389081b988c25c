// Service-centre mode: the operator switches it on with a PIN, fills in a declaration for a
// household (代填, confirmed by the household), and 「下一户」 or a stretch of no use leaves
// nothing of that household on the device (localStorage and IndexedDB checked directly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, screenshot, appStorage, assertAccessible, daysAgo, RECEIPT_KEY, ANSWERS_KEY } from './harness.mjs';
import { ReportPage } from './pages.mjs';

// Settings of the device and of the service it talks to, not of any household.
const DEVICE_KEYS = ['xiangqin.lang.v1', 'xiangqin.big-text.v1', 'xiangqin.kiosk.v1', 'xiangqin.service.v1'];
const ctx = useEnv({ catalogues: ['zh-Hans'], backForwardCache: true });

async function turnOn(page, { minutes } = {}) {
  await page.goto('/kiosk');
  await page.getByTestId('kiosk-operator').fill('服务中心小刘');
  await page.getByTestId('kiosk-pin').fill('2468');
  if (minutes) await page.getByTestId('kiosk-idle').selectOption(String(minutes));
  await page.getByTestId('kiosk-turn-on').click();
  await page.getByTestId('kiosk-on').waitFor();
}

/** 「下一户」, answered 「办完了」 when it asks. */
async function nextHousehold(page) {
  await page.getByTestId('next-household').click();
  assert.equal(await page.getByTestId('next-household-question').textContent(), ctx.zh['kiosk.next_question']);
  await page.getByTestId('next-household-yes').click();
}

async function householdLeft(page) {
  const keys = Object.keys(await appStorage(page)).filter((k) => !DEVICE_KEYS.includes(k));
  const idb = await page.evaluate(async () => (indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : []));
  return { keys, idb };
}

test('代填 in service-centre mode reaches the endpoint, and 下一户 leaves nothing behind', async (t) => {
  const page = await ctx.env.newPage(t);
  await turnOn(page);
  // A wrong PIN does not switch it off.
  await page.getByTestId('kiosk-pin').fill('0000');
  await page.getByTestId('kiosk-off').click();
  assert.equal(await page.getByTestId('kiosk-error').textContent(), ctx.zh['kiosk.bad_pin']);

  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();

  const report = new ReportPage(page);
  await report.fillAndConsent({
    place: ['350821', '350821106', '350821106231'],
    'applicant.name': '郑十一', 'applicant.id_number': '11010519491231002X', 'applicant.phone': '13912345678',
    household_size: '2', risks: ['illness'], happened_on: daysAgo(15), description: '老伴生病住院。',
  });
  assert.match(await page.getByTestId('assisted-by').textContent(), /服务中心小刘/);
  // Without the household's confirmation it is not sent.
  await report.submit.click();
  await report.fieldError('assisted.household_confirmed').waitFor();
  await page.getByTestId('consent-household_confirmed').check();
  await report.submit.click();
  await report.receipt.waitFor();
  const receipt = (await report.receipt.textContent()).trim();
  const [row] = (await ctx.env.server.declarations()).filter((d) => d.receipt === receipt);
  assert.deepEqual(row.declaration.assisted, { operator_name: '服务中心小刘', household_confirmed: true });
  await screenshot(page, 'kiosk-receipt');

  assert.ok((await householdLeft(page)).keys.length > 0, 'the household has data on the device before 下一户');

  // The slip for the household to take home: printed alone, with the code, the 查询码, the QR
  // code and the date.
  const { status_token: token, sent_on: sentOn } = JSON.parse((await appStorage(page))[RECEIPT_KEY]);
  assert.ok(token.length > 8);
  const slip = page.getByTestId('receipt-slip');
  assert.equal(await slip.isVisible(), false, 'on the screen only the button shows');
  await page.evaluate(() => {
    window.print = () => { window.printedWith = document.documentElement.className; };
  });
  await page.getByTestId('print-slip').click();
  assert.match(await page.evaluate(() => window.printedWith), /\bprint-slip\b/);
  assert.doesNotMatch(await page.evaluate(() => document.documentElement.className), /print-slip/, 'only while printing');
  await page.evaluate(() => document.documentElement.classList.add('print-slip'));
  await page.emulateMedia({ media: 'print' });
  assert.ok(await slip.isVisible());
  assert.equal(await page.getByTestId('slip-code').textContent(), receipt);
  const grouped = await page.getByTestId('slip-token').textContent();
  assert.equal(grouped.replaceAll(' ', ''), token);
  assert.ok(grouped.split(' ').every((g) => g.length <= 4), grouped);
  assert.equal(await page.locator('[data-testid="slip-qr"] svg').count(), 1);
  assert.match(await page.getByTestId('slip-date').textContent(), new RegExp(sentOn));
  assert.equal(await page.getByTestId('report-title').isVisible(), false, 'the slip prints alone');
  assert.equal(await page.getByTestId('next-household').isVisible(), false);
  await screenshot(page, 'kiosk-slip-print');
  await page.evaluate(() => document.documentElement.classList.remove('print-slip'));
  assert.equal(await slip.isVisible(), false, 'printing the receipt page itself leaves the slip out');
  await page.emulateMedia({ media: 'screen' });

  await nextHousehold(page);
  await page.getByTestId('kiosk-cleared').waitFor();
  assert.deepEqual(await householdLeft(page), { keys: [], idb: [] });
  await page.goto('/check');
  assert.equal(await page.getByTestId('choice-longyan').getAttribute('aria-pressed'), 'false');
  await screenshot(page, 'kiosk-next');
});

test('after a stretch of no use the household is cleared, unless the operator keeps working', async (t) => {
  const page = await ctx.env.newPage(t);
  await turnOn(page);
  // A short idle time for the test (the settings screen offers minutes).
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('xiangqin.kiosk.v1'));
    s.idle_seconds = 3;
    localStorage.setItem('xiangqin.kiosk.v1', JSON.stringify(s));
  });
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-title').waitFor();

  // The countdown shows; 「继续办理」 cancels it and nothing is lost.
  await page.getByTestId('idle-warning').waitFor({ timeout: 10_000 });
  await screenshot(page, 'kiosk-idle-warning');
  await page.getByTestId('idle-keep').click();
  assert.equal(await page.getByTestId('idle-warning').count(), 0);
  assert.ok((await householdLeft(page)).keys.includes(ANSWERS_KEY));

  // Left alone, it clears.
  await page.getByTestId('kiosk-cleared').waitFor({ timeout: 15_000 });
  assert.deepEqual(await householdLeft(page), { keys: [], idb: [] });
});

/** Every pageshow of the tab, kept in sessionStorage (not the app's): whether the page came back
 * from the back-forward cache (persisted) and how the document was loaded. */
async function logPageShows(page) {
  await page.addInitScript(() => {
    addEventListener('pageshow', (e) => {
      const log = JSON.parse(sessionStorage.getItem('test.pageshow') ?? '[]');
      log.push({ path: location.pathname, persisted: e.persisted, type: performance.getEntriesByType('navigation')[0]?.type });
      sessionStorage.setItem('test.pageshow', JSON.stringify(log));
    });
  });
}

/** A household's declaration typed in on /report, up to the consent step that shows it. */
async function typeInHousehold(page) {
  const report = new ReportPage(page);
  await report.open();
  await report.region('longyan').check();
  // The browser offers no earlier household's name, ID or phone number on a shared device.
  for (const path of ['applicant.name', 'applicant.id_number', 'applicant.phone']) {
    assert.equal(await report.field(path).getAttribute('autocomplete'), 'off', path);
  }
  await report.fill({
    place: ['350821', '350821106', '350821106231'],
    'applicant.name': '冯十二', 'applicant.id_number': '11010519491231002X', 'applicant.phone': '13712345678',
    household_size: '3', risks: ['illness'], happened_on: daysAgo(5), description: '孩子生病住院。',
  });
  await report.next.click();
  await page.getByTestId('report-consent').waitFor();
  assert.match(await page.locator('body').innerText(), /冯十二/);
}

/** Nothing of the household typed in by typeInHousehold on the screen, in the form or on the device. */
async function assertNothingOfTheHousehold(page) {
  await page.getByTestId('report-title').waitFor();
  const visible = await page.locator('body').innerText();
  for (const personal of ['冯十二', '11010519491231002X', '13712345678', '孩子生病住院']) {
    assert.ok(!visible.includes(personal), `${personal} is on the screen after Back`);
  }
  const values = await page.locator('input, textarea').evaluateAll((els) => els.map((e) => e.value).join(' '));
  for (const personal of ['冯十二', '11010519491231002X', '13712345678', '孩子生病住院']) {
    assert.ok(!values.includes(personal), `${personal} is in a field after Back`);
  }
  assert.deepEqual(await householdLeft(page), { keys: [], idb: [] });
}

test('after 下一户, Back shows nothing of the last household: its page is no longer in the history', async (t) => {
  const page = await ctx.env.newPage(t);
  await logPageShows(page);
  await turnOn(page);
  await typeInHousehold(page);
  const entries = await page.evaluate(() => history.length);
  await nextHousehold(page);
  await page.getByTestId('kiosk-cleared').waitFor();
  assert.equal(await page.evaluate(() => history.length), entries, 'the fresh start page replaces the last one');
  await page.goBack();
  await page.waitForLoadState('load');
  await assertNothingOfTheHousehold(page);
  const shows = JSON.parse(await page.evaluate(() => sessionStorage.getItem('test.pageshow')));
  t.diagnostic(JSON.stringify(shows));
  assert.deepEqual(shows.at(-1), { path: '/report', persisted: false, type: 'back_forward' }, 'a page loaded afresh');
  await screenshot(page, 'kiosk-back-after-next');
});

test('a household page the back-forward cache brings back after 下一户 is loaded afresh at once', async (t) => {
  const page = await ctx.env.newPage(t);
  await logPageShows(page);
  await turnOn(page);
  await typeInHousehold(page);
  // The operator goes to the kiosk page by a full page load (a typed address, a bookmark): the
  // household's page goes into the back-forward cache as it is. There 下一户 clears the device.
  await page.goto('/kiosk');
  await nextHousehold(page);
  await page.getByTestId('kiosk-cleared').waitFor();
  // Back comes from the cache (no load event); wait until the page settles (a reload, or not).
  await page.goBack({ waitUntil: 'commit' });
  const shown = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('test.pageshow'))).catch(() => []);
  for (let i = 0; i < 50 && (await shown()).at(-1)?.persisted !== false; i++) await page.waitForTimeout(100);
  await page.waitForTimeout(500);
  const shows = await shown();
  t.diagnostic(JSON.stringify(shows));
  const restored = shows.findIndex((s) => s.persisted);
  // Chromium decides by itself whether a page goes into its back-forward cache; when it did not,
  // the page was loaded from the server anyway (nothing of it in memory) and what follows on the
  // screen is checked all the same.
  if (restored > 0) {
    assert.equal(shows[restored].path, '/report/confirm', 'the consent step with the household on it');
    assert.deepEqual(shows.slice(restored + 1), [{ path: '/report/confirm', persisted: false, type: 'reload' }]);
  } else {
    t.diagnostic(`Chromium did not keep the page this time: ${JSON.stringify(shows)}`);
    assert.equal(shows.at(-1).persisted, false);
  }
  await assertNothingOfTheHousehold(page);
});

test('下一户 asks once and stands apart from 大字; switching the mode on leads to 办理第一户', async (t) => {
  const page = await ctx.env.newPage(t);
  // Someone used the device before the mode was switched on.
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-title').waitFor();
  await turnOn(page);
  const first = page.getByTestId('kiosk-first');
  assert.equal((await first.textContent()).trim(), ctx.zh['kiosk.first']);
  await screenshot(page, 'kiosk-turned-on');
  await first.click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByTestId('next-household').waitFor();
  assert.deepEqual(await householdLeft(page), { keys: [], idb: [] }, 'nothing of whoever came before');

  // Apart from 大字: no closer than 16 px, in its own bar.
  const a = await page.getByTestId('next-household').boundingBox();
  const b = await page.getByTestId('big-text').boundingBox();
  const apart = a.x + a.width + 16 <= b.x || b.x + b.width + 16 <= a.x || a.y + a.height + 16 <= b.y || b.y + b.height + 16 <= a.y;
  assert.ok(apart, `下一户 ${JSON.stringify(a)} is next to 大字 ${JSON.stringify(b)}`);
  for (const box of [a, b]) assert.ok(box.height >= 48 && box.x >= 0 && box.x + box.width <= 360, JSON.stringify(box));

  // It asks once; 「还没有」 keeps the household.
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('question-title').waitFor();
  await page.getByTestId('next-household').click();
  assert.equal(await page.getByTestId('next-household-question').textContent(), ctx.zh['kiosk.next_question']);
  // The safe answer has the focus.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'next-household-no', null, { timeout: 2000 });
  await screenshot(page, 'kiosk-next-confirm');
  await assertAccessible(page, 'next household confirm');
  await page.getByTestId('next-household-no').click();
  assert.equal(await page.getByTestId('next-household-question').count(), 0);
  assert.ok((await householdLeft(page)).keys.includes(ANSWERS_KEY), 'still there');
  assert.ok(await page.getByTestId('question-title').isVisible());
  // In 大字 too the two stay apart.
  await page.getByTestId('big-text').click();
  const big = await page.getByTestId('next-household').boundingBox();
  const bigText = await page.getByTestId('big-text').boundingBox();
  assert.ok(big.y >= bigText.y + bigText.height + 16 || big.y + big.height + 16 <= bigText.y, `${JSON.stringify(big)} ${JSON.stringify(bigText)}`);
  await nextHousehold(page);
  await page.getByTestId('kiosk-cleared').waitFor();
  assert.deepEqual(await householdLeft(page), { keys: [], idb: [] });
});
