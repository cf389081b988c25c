// 一键申报 through the UI against the real endpoint: fill, consent, send, see the receipt, and find
// the declaration in the SQLite database by its receipt. Plus the invalid-ID and no-network cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, screenshot, assertAccessible, appStorage, household, DRAFT_KEY, RECEIPT_KEY, OUTBOX_KEY } from './harness.mjs';
import { ReportPage } from './pages.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans'] });

/** The stored declarations with this receipt, as the review API shows them. */
async function storedDeclaration(receipt) {
  assert.match(receipt, /^XQ-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'receipt format');
  return (await ctx.env.server.declarations()).filter((d) => d.receipt === receipt);
}

test('a declaration is filled in, consented to, sent and stored under its receipt', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  assert.equal(await report.heading.textContent(), ctx.zh['report.title']);
  // Required fields say so in words (the place's levels appear one after the other).
  assert.ok((await page.locator('.tag.required').count()) >= 9);
  await screenshot(page, 'report-form');
  await assertAccessible(page, 'declaration form');

  await report.fill(household());
  // Longyan: the form says who receives it, and names the document's own channels as other ways.
  assert.match(await report.channel.textContent(), /12317防止返贫监测和乡村振兴咨询服务平台/);
  await screenshot(page, 'report-form-filled', { fullPage: true });
  await report.next.click();
  await page.waitForURL('**/report/confirm');
  await report.submit.waitFor();
  await screenshot(page, 'report-consent');
  await assertAccessible(page, 'consent step');

  // Both consents are required.
  await report.submit.click();
  await report.fieldError('consent.truthful').waitFor();
  await report.fieldError('consent.personal_info').waitFor();
  await screenshot(page, 'report-consent-errors');
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();

  await report.receipt.waitFor();
  const receipt = (await report.receipt.textContent()).trim();
  await screenshot(page, 'report-sent');
  await assertAccessible(page, 'receipt');

  const stored = await appStorage(page);
  assert.ok(!(DRAFT_KEY in stored), 'the draft is cleared once sent');
  assert.equal(JSON.parse(stored[RECEIPT_KEY]).code, receipt);

  const rows = await storedDeclaration(receipt);
  assert.equal(rows.length, 1, `one row with receipt ${receipt}`);
  const [row] = rows;
  assert.equal(row.declaration.region, 'longyan');
  assert.equal(row.applicant_name, '张三');
  assert.equal(row.id_number, '11010519491231002X');
  assert.equal(row.village, '露湖村委会');
  assert.equal(row.place_code, '350821106231');
  const body = row.declaration;
  assert.deepEqual(body.risk_types, ['illness', 'income_drop']);
  assert.equal(body.household_size, 4);
  assert.equal(body.rigid_expense_yuan, 35000);
  assert.deepEqual(body.consent, { truthful: true, personal_info: true, text_version: '1' });
  // In the database file itself they are encrypted.
  const clear = execFileSync('sqlite3', [ctx.env.server.dbPath, `SELECT applicant_name || id_number || phone FROM declarations WHERE receipt = '${receipt}'`], { encoding: 'utf8' });
  assert.ok(!clear.includes('张三') && !clear.includes('11010519491231002X'), clear);
});

test('a wrong ID number shows the Chinese message next to it and keeps everything typed', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  // Last character wrong: the check digit of 110105194912310 02 is X.
  const values = household({
    region: 'qinghai',
    place: ['630106', '630106106', '630106106215'],
    'applicant.id_number': '110105194912310021',
    'applicant.phone': '1391234567',
  });
  await report.fill(values);
  assert.doesNotMatch(await report.channel.textContent(), /12317|热线电话/, 'no hotline Qinghai does not name');
  await report.next.click();

  const error = report.fieldError('applicant.id_number');
  await error.waitFor();
  assert.match(await error.textContent(), /身份证号码.*最后一位/);
  const phoneError = report.fieldError('applicant.phone');
  await phoneError.waitFor();
  assert.match(await phoneError.textContent(), /手机号码/);
  assert.equal(await report.field('applicant.id_number').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'error-summary');
  assert.match(page.url(), /\/report$/, 'stays on the form');
  await screenshot(page, 'report-invalid-id');
  await assertAccessible(page, 'form with an error');

  // Nothing typed is lost, on screen or after a reload.
  const check = async () => {
    for (const [path, text] of Object.entries(values)) {
      if (path === 'region' || path === 'risks' || path === 'place') continue;
      assert.equal(await report.field(path).inputValue(), text, path);
    }
    assert.equal(await page.getByTestId('chosen-place.village').textContent(), '卡阳村委会');
    assert.ok(await report.region('qinghai').isChecked());
    assert.ok(await report.risk('illness').isChecked());
  };
  await check();
  const draft = JSON.parse((await appStorage(page))[DRAFT_KEY]);
  assert.equal(draft.id_number, '110105194912310021');
  await page.reload();
  await report.heading.waitFor();
  await check();

  // The errors go once the numbers are corrected.
  await report.field('applicant.id_number').fill('11010519491231002X');
  await report.field('applicant.phone').fill('13912345678');
  await report.next.click();
  await page.waitForURL('**/report/confirm');
});

test('without a network the draft is kept, the household is told, and a retry sends it once', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({
    'applicant.name': '李四',
    region: 'inner_mongolia',
    place: ['150521', '150521200', '150521200200'],
  }));

  await page.context().setOffline(true);
  await report.submit.click();
  await report.sendError.waitFor();
  assert.equal(await report.sendError.textContent(), ctx.zh['report.network_failed']);
  await screenshot(page, 'report-offline');
  const draft = JSON.parse((await appStorage(page))[DRAFT_KEY]);
  assert.equal(draft.name, '李四');
  const key = draft.attempt.key;
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  // Back online, the outbox sends it by itself (the browser says so) and the screen follows.
  const sent = page.waitForRequest('**/api/v1/declarations');
  await page.context().setOffline(false);
  assert.equal((await sent).headers()['idempotency-key'], key, 'the retry uses the same key');
  await report.receipt.waitFor();
  const receipt = (await report.receipt.textContent()).trim();
  assert.equal((await storedDeclaration(receipt)).length, 1);
  assert.equal((await ctx.env.server.declarationsOf('李四')).length, 1, 'the retry was recorded once');
});

test("the server's field messages (422) are shown next to their fields", async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household());
  // The shared validation makes a real 422 unreachable from the form; answer as the endpoint does.
  const message = '这个手机号码已停机，请换一个能打通的号码。';
  await page.route('**/api/v1/declarations', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'invalid',
          message: '请检查下面标出的内容',
          fields: [{ field: 'applicant.phone', code: 'phone_format', message }],
        },
      }),
    }),
  );
  await report.submit.click();
  await report.errorSummary.waitFor();
  assert.match(await report.errorSummary.textContent(), new RegExp(message));
  // The item leads back to the form, where the message sits next to the phone number.
  await report.errorSummary.getByRole('button').first().click();
  await page.waitForURL(/\/report$/);
  assert.equal(await report.fieldError('applicant.phone').textContent(), `!${message}`);
  assert.equal(await report.field('applicant.phone').inputValue(), '13912345678');
  assert.ok(DRAFT_KEY in (await appStorage(page)), 'the draft is kept');
});

test('the receipt has a QR code, and 查进度 shows the history', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  const receipt = await report.send(household({ 'applicant.name': '王五' }));
  assert.equal(await page.getByTestId('receipt-qr').locator('svg').count(), 1, 'a QR code drawn on the phone');
  // This server promised no deadlines (tests/e2e/words.test.mjs runs one that did).
  assert.equal(await page.getByTestId('deadlines').count(), 0);
  await screenshot(page, 'receipt-qr', { fullPage: true });

  await page.getByTestId('receipt-status').click();
  await page.getByTestId('status-result').waitFor();
  assert.equal(await page.getByTestId('status-receipt').inputValue(), receipt);
  assert.equal(await page.getByTestId('status-current').textContent(), ctx.zh['status.current'].replace('{status}', '已提交'));
  assert.match(await page.getByTestId('status-history').textContent(), /已提交/);
  await screenshot(page, 'status');
  await assertAccessible(page, 'status page');

  // A wrong check code finds nothing, and says so.
  await page.getByTestId('status-token').fill('0'.repeat(32));
  await page.getByTestId('status-submit').click();
  await page.getByTestId('status-error').waitFor();
  assert.equal(await page.getByTestId('status-error').textContent(), ctx.zh['status.not_found']);

  // The QR code's address opens the same status on another phone (codes after the #).
  const token = JSON.parse((await appStorage(page))[RECEIPT_KEY]).status_token;
  const other = await ctx.env.newPage(t);
  await other.goto(`/status#r=${receipt}&t=${token}`);
  await other.getByTestId('status-result').waitFor();
  assert.match(await other.getByTestId('status-current').textContent(), /已提交/);
});

test('the household withdraws its declaration on 查进度 before the home visit, after confirming', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  const receipt = await report.send(household({ 'applicant.name': '韩九' }));
  await page.getByTestId('receipt-status').click();
  await page.getByTestId('status-result').waitFor();
  assert.equal(await page.getByTestId('withdraw').locator('h2').textContent(), ctx.zh['status.withdraw_title']);

  // 「不撤回」 leaves it as it is.
  await page.getByTestId('withdraw-start').click();
  assert.equal(await page.getByTestId('withdraw-confirm').textContent(), ctx.zh['status.withdraw_confirm']);
  await page.getByTestId('withdraw-no').click();
  await page.getByTestId('withdraw-start').waitFor();
  assert.equal((await storedDeclaration(receipt))[0].status, 'submitted');

  await page.getByTestId('withdraw-start').click();
  await screenshot(page, 'status-withdraw-confirm');
  await assertAccessible(page, 'withdrawal');
  await page.getByTestId('withdraw-yes').click();
  await page.getByTestId('withdraw').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('status-current').textContent(), ctx.zh['status.current'].replace('{status}', '已撤回'));
  assert.match(await page.getByTestId('status-history').textContent(), /已提交[\s\S]*已撤回/);
  assert.equal((await storedDeclaration(receipt))[0].status, 'withdrawn');

  // Once a cadre has begun the home visit, the page offers no withdrawal, and the endpoint
  // refuses one in Chinese.
  const second = await ctx.env.newPage(t);
  const report2 = new ReportPage(second);
  const visited = await report2.send(household({ 'applicant.name': '韩十' }));
  const visitedToken = JSON.parse((await appStorage(second))[RECEIPT_KEY]).status_token;
  const village = ctx.env.server.issueToken('350821106231', 'village', '露湖村张干部');
  const moved = await fetch(`${ctx.env.server.url}/api/v1/review/declarations/${visited}/transitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${village}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: 'home_visit' }),
  });
  assert.equal(moved.status, 200);
  await second.getByTestId('receipt-status').click();
  await second.getByTestId('status-result').waitFor();
  assert.match(await second.getByTestId('status-current').textContent(), /入户核实/);
  assert.equal(await second.getByTestId('withdraw').count(), 0);
  const refused = await fetch(`${ctx.env.server.url}/api/v1/declarations/${visited}/withdrawal`, {
    method: 'POST',
    headers: { 'x-status-token': visitedToken },
  });
  assert.equal(refused.status, 409);
  assert.match((await refused.json()).error.message, /不能再撤回/);
});

test('cut off while sending: kept in the outbox through a reload, sent by itself once back online', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '赵六' }));
  // The network drops for the API (the page itself stays loadable, as after a first visit).
  await page.route('**/api/v1/declarations', (route) => route.abort('internetdisconnected'));
  await report.submit.click();
  await report.sendError.waitFor();
  assert.equal(await report.sendError.textContent(), ctx.zh['report.network_failed']);
  const outbox = JSON.parse((await appStorage(page))[OUTBOX_KEY]);
  assert.equal(outbox.length, 1);
  // A double tap and a reload do not add a second entry.
  await report.submit.click();
  await report.sendError.waitFor();
  await page.goto('/');
  await page.getByTestId('outbox-pending').waitFor();
  assert.equal(JSON.parse((await appStorage(page))[OUTBOX_KEY]).length, 1);
  await screenshot(page, 'home-outbox-pending');

  // The network comes back: the browser says so, the app sends it without a tap.
  await page.unroute('**/api/v1/declarations');
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await page.getByTestId('outbox-pending').waitFor({ state: 'detached' });
  assert.equal((await ctx.env.server.declarationsOf('赵六')).length, 1, 'exactly one declaration arrived');
  const stored = await appStorage(page);
  assert.ok(!(OUTBOX_KEY in stored), 'the outbox is empty once acknowledged');
  assert.match(JSON.parse(stored[RECEIPT_KEY]).code, /^XQ-/);
});

test('a double tap on 提交 records one declaration, and the consent step prints as a paper form', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '钱七' }));
  // On paper: the review and the signature lines, no buttons.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.getByText(ctx.zh['print.household_sign']).isVisible());
  assert.ok(!(await report.submit.isVisible()));
  assert.ok(await page.getByTestId('report-review').isVisible());
  await page.emulateMedia({ media: 'screen' });
  assert.ok(!(await page.getByText(ctx.zh['print.household_sign']).isVisible()));

  await report.submit.dblclick();
  await report.receipt.waitFor();
  assert.equal((await ctx.env.server.declarationsOf('钱七')).length, 1);
});


/** Answers every POST of a declaration with this status and error body, counting the tries. */
async function answerWith(page, status, error, headers = {}) {
  const tries = [];
  await page.route('**/api/v1/declarations', (route) => {
    tries.push(route.request().headers()['idempotency-key']);
    return route.fulfill({ status, headers, contentType: 'application/json', body: JSON.stringify({ error }) });
  });
  return tries;
}

/** What the app does to send again on its own: a new start, and the network coming back. */
async function giveEveryChanceToRetry(page) {
  await page.goto('/');
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await page.getByTestId('home-title').waitFor();
  // Longer than the first pause of the back-off (2 s).
  await page.waitForTimeout(3000);
}

test('a 422 for a declaration sent in the background stops its retries: the draft is kept and the household is shown what to change', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '孙八' }));
  // No network: it waits in the outbox.
  await page.route('**/api/v1/declarations', (route) => route.abort('internetdisconnected'));
  await report.submit.click();
  await report.sendError.waitFor();
  const firstKey = JSON.parse((await appStorage(page))[DRAFT_KEY]).attempt.key;
  await page.unroute('**/api/v1/declarations');

  // The household is away; the app sends it on its next start, and the server refuses a field.
  const message = '这个手机号码已停机，请换一个能打通的号码。';
  const tries = await answerWith(page, 422, {
    code: 'invalid',
    message: '请检查下面标出的内容',
    fields: [{ field: 'applicant.phone', code: 'phone_format', message }],
  });
  await page.goto('/');
  await page.getByTestId('outbox-refused').waitFor();
  assert.equal(await page.getByTestId('outbox-refused').textContent(), ctx.zh['outbox.refused']);
  await screenshot(page, 'home-outbox-refused');
  let stored = await appStorage(page);
  assert.ok(!(OUTBOX_KEY in stored), 'it left the outbox');
  assert.equal(JSON.parse(stored[DRAFT_KEY]).name, '孙八', 'the draft is kept');

  await giveEveryChanceToRetry(page);
  assert.equal(tries.length, 1, 'a body the server refused is not sent again');

  // The form shows what to change, next to its field, and nothing typed is lost.
  await page.getByTestId('outbox-refused').click();
  await page.waitForURL(/\/report$/);
  assert.match(await report.refused.textContent(), /没有被服务器接收/);
  assert.equal(await report.fieldError('applicant.phone').textContent(), `!${message}`);
  assert.equal(await report.field('applicant.name').inputValue(), '孙八');
  await screenshot(page, 'report-refused', { fullPage: true });

  // Changed and sent again: a new key, and the real endpoint takes it.
  await page.unroute('**/api/v1/declarations');
  await report.field('applicant.phone').fill('13812345678');
  assert.equal(await report.fieldError('applicant.phone').count(), 0, 'the mark goes once the field is changed');
  await report.next.click();
  const sent = page.waitForRequest('**/api/v1/declarations');
  await report.submit.click();
  assert.notEqual((await sent).headers()['idempotency-key'], firstKey);
  await report.receipt.waitFor();
  const rows = await storedDeclaration((await report.receipt.textContent()).trim());
  assert.equal(rows.length, 1);
  assert.equal(rows[0].phone, '13812345678');
  stored = await appStorage(page);
  assert.ok(!(DRAFT_KEY in stored), 'the draft goes once the endpoint has it');
});

test('a 4xx without fields (413) is final too: not sent again, and its message is shown', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '周九' }));
  const message = '提交的内容太长了，请删减后再提交。';
  const tries = await answerWith(page, 413, { code: 'payload_too_large', message });
  await report.submit.click();
  await report.refused.waitFor();
  assert.equal(await report.refused.textContent(), ctx.zh['report.refused'].replace('{message}', message));
  assert.equal(await report.sendError.count(), 0, 'not told it will be sent later');
  assert.ok(!(OUTBOX_KEY in (await appStorage(page))));
  await giveEveryChanceToRetry(page);
  assert.equal(tries.length, 1, 'not sent again');
  assert.equal(JSON.parse((await appStorage(page))[DRAFT_KEY]).name, '周九', 'the draft is kept');
});

test('a 503 (the server cannot store it now) is retried by itself with the same key until the server takes it', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '吴十' }));
  const keys = [];
  await page.route('**/api/v1/declarations', (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length <= 2) {
      return route.fulfill({
        status: 503,
        headers: { 'Retry-After': '30' },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'database_full', message: '服务器的存储空间满了，存不进新的内容，请过一会儿再试。您填的内容没有丢。' } }),
      });
    }
    return route.continue();
  });
  await report.submit.click();
  await report.sendError.waitFor();
  assert.equal(await report.sendError.textContent(), ctx.zh['report.server_failed']);
  // No tap: the outbox tries again after 2 s, then 4 s, and the third try reaches the endpoint.
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, RECEIPT_KEY, { timeout: 30_000 });
  assert.equal(keys.length, 3);
  assert.ok(keys.every((k) => k === keys[0]), 'every try with the same key');
  // The screen follows by itself: the receipt, no stale 待发送.
  await report.receipt.waitFor();
  assert.equal(await report.sendError.count(), 0);
  const receipt = JSON.parse((await appStorage(page))[RECEIPT_KEY]).code;
  assert.equal((await storedDeclaration(receipt)).length, 1);
  assert.ok(!(OUTBOX_KEY in (await appStorage(page))), 'the outbox is empty once acknowledged');
});
