// 一键申报 around sending (issue 19): Back after sending shows the receipt, a second declaration is
// a deliberate choice, the consent step shows everything that is sent, a background send changes
// the screen by itself, the 查询码 is written in groups of four and the receipt code fits one line
// in 大字, and the form is prefilled from what the answers say. All at 360×740.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, screenshot, assertAccessible, appStorage, household, DRAFT_KEY, RECEIPT_KEY } from './harness.mjs';
import { ReportPage } from './pages.mjs';
import { withAnswers } from './results-page.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans'] });

/** The receipt shown as 「已经提交过了」 with this code, and nothing of the empty-form warning. */
async function assertAlreadySent(page, code) {
  const report = new ReportPage(page);
  await page.getByTestId('report-again').waitFor();
  assert.equal(await report.heading.textContent(), ctx.zh['receipt.already_title']);
  assert.equal((await report.receipt.textContent()).trim(), code);
  const text = await page.locator('main').innerText();
  assert.ok(!text.includes(ctx.zh['report.incomplete_title']), 'no 「还有内容没填好」');
  assert.equal(await page.getByTestId('report-back-to-form').count(), 0, 'no 「去填写申报」');
}

test('after sending, Back and the report route show the receipt; a second declaration only after a question', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  const code = await report.send(household({ 'applicant.name': '陈一' }));
  assert.match(page.url(), /\/report\/sent$/);

  // Back from the receipt: the form's step shows the receipt, not the warning.
  await page.goBack();
  await page.waitForURL(/\/report$/);
  await assertAlreadySent(page, code);
  await screenshot(page, 'report-already-sent', { fullPage: true });
  await assertAccessible(page, 'already sent');
  // The consent step's address and a reload say the same.
  await page.goto('/report/confirm');
  await assertAlreadySent(page, code);
  await page.goto('/report');
  await page.reload();
  await assertAlreadySent(page, code);

  // 「再申报一份」 is a secondary button, and asks first; 「不用了」 leaves everything as it is.
  const again = page.getByTestId('report-again');
  assert.match(await again.getAttribute('class'), /secondary/);
  await again.click();
  assert.equal(await page.getByTestId('report-again-question').textContent(), ctx.zh['report.again_confirm'].replace('{code}', code));
  await screenshot(page, 'report-again-confirm');
  await page.getByTestId('report-again-no').click();
  await again.waitFor();
  assert.equal(await report.heading.textContent(), ctx.zh['receipt.already_title']);
  assert.ok(!(DRAFT_KEY in (await appStorage(page))), 'no new declaration begun');

  // Chosen: a new, empty form that names the one sent before, kept through a reload.
  await again.click();
  await page.getByTestId('report-again-yes').click();
  await page.getByTestId('report-form').waitFor();
  assert.equal(await report.heading.textContent(), ctx.zh['report.title']);
  assert.equal(await page.getByTestId('report-follows').textContent(), ctx.zh['report.follows'].replace('{code}', code));
  assert.equal(await report.field('applicant.name').inputValue(), '');
  await page.reload();
  await page.getByTestId('report-follows').waitFor();
  await report.fill(household({ 'applicant.name': '陈一' }));
  await report.next.click();
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();
  await report.receipt.waitFor();
  const second = (await report.receipt.textContent()).trim();
  assert.notEqual(second, code);
  assert.equal((await ctx.env.server.declarationsOf('陈一')).length, 2, 'the second declaration, chosen, is stored beside the first');
});

test('the consent step and its printed form show everything that is sent, under the form title', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  const values = household({
    'applicant.name': '陈二',
    income_change_yuan: '8000',
    help_wanted: '希望帮忙报销医药费。',
  });
  await report.fillAndConsent(values);
  const title = page.getByTestId('report-form-title');
  assert.equal(await title.textContent(), ctx.zh['report.form_title']);
  const row = async (field) => (await page.getByTestId(`review-${field}`).locator('dd').textContent()).trim();
  const shown = {
    name: await row('applicant.name'),
    id: await row('applicant.id_number'),
    phone: await row('applicant.phone'),
    size: await row('household_size'),
    risks: await row('risk_types'),
    date: await row('happened_on'),
    description: await row('description'),
    rigid: await row('rigid_expense_yuan'),
    income: await row('income_change_yuan'),
    help: await row('help_wanted'),
    place: await row('place'),
  };
  assert.deepEqual(shown, {
    name: '陈二',
    id: '11010519491231002X',
    phone: '13912345678',
    size: ctx.zh['report.review_people'].replace('{n}', '4'),
    risks: `${ctx.zh['risk.illness']}、${ctx.zh['risk.income_drop']}`,
    date: values.happened_on,
    description: values.description,
    // 「3.5万」 as typed, in yuan as sent.
    rigid: ctx.zh['report.review_yuan'].replace('{amount}', '35000'),
    income: ctx.zh['report.review_yuan'].replace('{amount}', '8000'),
    help: '希望帮忙报销医药费。',
    place: `${ctx.zh['region.longyan']} 长汀县 河田镇 露湖村委会`,
  });
  await screenshot(page, 'report-consent-all-fields', { fullPage: true });

  // On paper: the title and every row, with the signature lines.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await title.isVisible());
  for (const field of ['applicant.id_number', 'household_size', 'rigid_expense_yuan', 'income_change_yuan', 'description']) {
    assert.ok(await page.getByTestId(`review-${field}`).isVisible(), `${field} on paper`);
  }
  assert.ok(await page.getByText(ctx.zh['print.household_sign']).isVisible());
  await page.emulateMedia({ media: 'screen' });

  // What was shown is what the endpoint received.
  await report.submit.click();
  await report.receipt.waitFor();
  const [stored] = await ctx.env.server.declarationsOf('陈二');
  assert.equal(stored.id_number, shown.id);
  assert.equal(stored.declaration.household_size, 4);
  assert.equal(stored.declaration.rigid_expense_yuan, 35000);
  assert.equal(stored.declaration.income_change_yuan, 8000);
  assert.equal(stored.declaration.description, shown.description);
  assert.equal(stored.declaration.help_wanted, shown.help);
});

test('sent in the background once the network is back: the screen changes to the receipt without a reload', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '陈三' }));
  await page.route('**/api/v1/declarations', (route) => route.abort('internetdisconnected'));
  await report.submit.click();
  await report.sendError.waitFor();
  assert.equal(await report.sendError.textContent(), ctx.zh['report.network_failed']);
  const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);

  // The network comes back; nobody taps anything.
  await page.unroute('**/api/v1/declarations');
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await report.receipt.waitFor({ timeout: 15_000 });
  assert.match(page.url(), /\/report\/sent$/);
  assert.equal(await report.heading.textContent(), ctx.zh['receipt.title']);
  assert.equal(await report.sendError.count(), 0, 'no stale 待发送');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), loads, 'no reload');
  const code = (await report.receipt.textContent()).trim();
  assert.equal(JSON.parse((await appStorage(page))[RECEIPT_KEY]).code, code);
  assert.ok(!(DRAFT_KEY in (await appStorage(page))), 'the draft is done with');
  assert.equal((await ctx.env.server.declarationsOf('陈三')).length, 1);
  await screenshot(page, 'report-sent-in-background');
  // Back leads to the receipt too.
  await page.goBack();
  await assertAlreadySent(page, code);
});

test('refused while sent in the background: the consent step shows what to change by itself', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.fillAndConsent(household({ 'applicant.name': '陈四' }));
  const message = '这个手机号码已停机，请换一个能打通的号码。';
  let tries = 0;
  await page.route('**/api/v1/declarations', (route) => {
    tries += 1;
    if (tries === 1) return route.abort('internetdisconnected');
    return route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid', message: '请检查下面标出的内容', fields: [{ field: 'applicant.phone', code: 'phone_format', message }] } }),
    });
  });
  await report.submit.click();
  await report.sendError.waitFor();
  // The outbox tries again after 2 s by itself.
  await report.errorSummary.waitFor({ timeout: 15_000 });
  assert.match(await report.errorSummary.textContent(), new RegExp(message));
  assert.equal(await report.sendError.count(), 0, 'no stale 待发送');
  assert.equal(tries, 2);
});

test('the receipt writes the 查询码 in groups of four, and the code fits one line in 大字 at 360 px', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  const code = await report.send(household({ 'applicant.name': '陈五' }));
  const token = JSON.parse((await appStorage(page))[RECEIPT_KEY]).status_token;
  assert.match(token, /^[0-9a-f]{32}$/);
  const groups = await page.getByTestId('receipt-token').locator('.token-group').allTextContents();
  assert.deepEqual(groups, token.match(/.{4}/g), 'the 查询码 in words, four characters a group');

  await page.getByTestId('big-text').click();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('big-text')), true);
  await screenshot(page, 'receipt-big-text', { fullPage: true });
  // One line: the text makes one box, inside the phone's width. A group of the 查询码 is never broken.
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()];
    const tops = new Set(rects.map((r) => Math.round(r.top)));
    return { lines: tops.size, right: Math.max(...rects.map((r) => r.right)), left: Math.min(...rects.map((r) => r.left)), size: parseFloat(getComputedStyle(el).fontSize) };
  };
  const shown = await report.receipt.evaluate(lines);
  t.diagnostic(`receipt code in 大字: ${JSON.stringify(shown)}`);
  assert.equal(shown.lines, 1, `${code} on one line`);
  assert.ok(shown.left >= 0 && shown.right <= 360, `inside the screen: ${JSON.stringify(shown)}`);
  assert.ok(shown.size >= 28, 'still large');
  for (const group of await page.getByTestId('receipt-token').locator('.token-group').all()) {
    const g = await group.evaluate(lines);
    assert.equal(g.lines, 1);
    assert.ok(g.left >= 0 && g.right <= 360, `a group inside the screen: ${JSON.stringify(g)}`);
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing wider than the phone');

  // Typed on 查进度 as written (with the spaces), it finds the declaration.
  const other = await ctx.env.newPage(t);
  await other.goto('/status');
  await other.getByTestId('status-receipt').fill(code);
  await other.getByTestId('status-token').fill(groups.join(' '));
  await other.getByTestId('status-submit').click();
  await other.getByTestId('status-result').waitFor();
  assert.match(await other.getByTestId('status-current').textContent(), /已提交/);
});

test('the form is prefilled with what the answers say, and the household can change it', async (t) => {
  const page = await ctx.env.newPage(t);
  // The household of issue 19: Longyan, three people, the wife with diabetes, a big medical bill;
  // no event of the last 12 months answered.
  const answers = {
    region: 'longyan',
    household: { poverty_status: 'lifted_out', rigid_expense: { medical: 60000, education: 0, disaster: 0, accident: 0 } },
    members: [
      { relation: 'head', age: 68, disability_kind: 'none' },
      { relation: 'spouse', age: 66, chronic_disease: ['diabetes'] },
      { relation: 'child', age: 40 },
    ],
    asked: ['household.poverty_status', 'household.rigid_expense', 'members[1].chronic_disease'],
  };
  await withAnswers(page, answers, '/report');
  const report = new ReportPage(page);
  await report.heading.waitFor();
  assert.ok(await report.region('longyan').isChecked());
  assert.ok(await report.risk('illness').isChecked(), '因病 from the diabetes and the medical bill');
  for (const risk of ['disability', 'education', 'disaster', 'accident', 'income_drop', 'dropout', 'other']) {
    assert.ok(!(await report.risk(risk).isChecked()), `${risk}: no answer says it`);
  }
  assert.equal(await report.field('rigid_expense_yuan').inputValue(), '60000');
  assert.equal(await report.field('household_size').inputValue(), '3');
  assert.equal(await report.field('income_change_yuan').inputValue(), '');
  await screenshot(page, 'report-prefilled', { fullPage: true });

  // The household changes it: kept as changed.
  await report.risk('illness').uncheck();
  await report.field('rigid_expense_yuan').fill('5万');
  await page.reload();
  await report.heading.waitFor();
  assert.ok(!(await report.risk('illness').isChecked()));
  assert.equal(await report.field('rigid_expense_yuan').inputValue(), '5万');
});
