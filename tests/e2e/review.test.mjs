// 申报审核: a cadre signs in with a token issued by the operator (a division code and a role),
// finds a declaration of their village, records the visit and moves it along the workflow (the
// screen offers only the token's steps), exports CSV and Excel, and signs out leaving nothing on
// the device. The household then sees the new status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { useEnv, screenshot, assertAccessible, appStorage, ROOT } from './harness.mjs';

const ctx = useEnv();

async function signIn(page, token) {
  await page.goto('/review');
  // The tab keeps the last cadre signed in (sessionStorage): once that is settled, sign out.
  await page.waitForLoadState('networkidle');
  if (await page.getByTestId('review-sign-out').count()) {
    await page.getByTestId('review-sign-out').click();
  }
  await page.getByTestId('review-token').fill(token);
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-who').waitFor();
}

/** The steps the detail screen offers, by their keys. */
async function offeredSteps(page) {
  await page.getByTestId('review-detail-status').waitFor();
  const ids = await page.locator('[data-testid^="review-move-"]').evaluateAll((els) => els.map((e) => e.dataset.testid));
  return ids.map((id) => id.replace('review-move-', ''));
}

async function submitExample(page, name, more = {}) {
  const body = { ...JSON.parse(await readFile(path.join(ROOT, 'endpoint/examples/declaration.json'), 'utf8')), ...more };
  body.applicant.name = name;
  body.happened_on = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
  const response = await page.request.post('/api/v1/declarations', {
    data: body,
    headers: { 'Idempotency-Key': randomUUID() },
  });
  assert.equal(response.status(), 201);
  return response.json();
}

test('a village cadre works a declaration through its steps and leaves nothing behind', async (t) => {
  const page = await ctx.env.newPage(t);
  const sent = await submitExample(page, '周九');
  const token = ctx.env.server.issueToken('350821106231', 'village', '露湖村干部');

  await page.goto('/review');
  await page.getByTestId('review-token').fill('xqr_wrong');
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-error').waitFor();
  await page.getByTestId('review-token').fill(token);
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-who').waitFor();
  assert.match(await page.getByTestId('review-who').textContent(), /长汀县 河田镇 露湖村委会 · 村级/);
  const item = page.getByTestId(`review-item-${sent.receipt}`);
  await item.waitFor();
  assert.equal(await item.getByTestId('review-item-status').textContent(), '已提交');
  await screenshot(page, 'review-queue');
  await assertAccessible(page, 'review queue');

  // CSV and Excel for the spreadsheets cadres use.
  let download = page.waitForEvent('download');
  await page.getByTestId('review-export').click();
  let file = await download;
  const csv = await readFile(await file.path(), 'utf8');
  assert.ok(csv.startsWith('\ufeff回执号'), 'UTF-8 with BOM');
  assert.ok(csv.includes(sent.receipt) && csv.includes('周九'));
  download = page.waitForEvent('download');
  await page.getByTestId('review-export-xlsx').click();
  file = await download;
  assert.equal(file.suggestedFilename(), 'declarations.xlsx');
  const xlsx = await readFile(await file.path());
  assert.equal(xlsx.subarray(0, 2).toString(), 'PK', 'an Excel workbook (a zip)');

  await item.getByTestId('review-open').click();
  assert.deepEqual(await offeredSteps(page), ['home_visit'], 'the village does not reject: the county does');
  assert.match(await page.getByTestId('review-detail').textContent(), /11010519491231002X/);
  await page.getByTestId('review-note').fill('已入户核实：户主住院，医疗费用较大。');
  await page.getByTestId('review-move-home_visit').click();
  await page.getByTestId('review-done').waitFor();
  assert.match(await page.getByTestId('review-detail-status').textContent(), /入户核实/);
  assert.match(await page.getByTestId('review-history').textContent(), /露湖村干部/);
  await screenshot(page, 'review-detail', { fullPage: true });
  assert.deepEqual(await offeredSteps(page), ['village_review']);
  await page.getByTestId('review-move-village_review').click();
  await page.getByTestId('review-detail-status').filter({ hasText: '村级评议公示' }).waitFor();
  // 乡镇审核 is the township's: nothing to press here, and it says who.
  await page.getByTestId('review-waiting').waitFor();
  assert.deepEqual(await offeredSteps(page), []);
  assert.match(await page.getByTestId('review-waiting').textContent(), /乡镇/);

  // Signing out leaves nothing on the device.
  await page.getByTestId('review-back').click();
  await page.getByTestId('review-sign-out').click();
  await page.getByTestId('review-token').waitFor();
  assert.deepEqual(Object.keys(await appStorage(page)).filter((k) => !k.includes('lang') && !k.includes('big-text')), []);
  const storageText = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!storageText.includes(token) && !storageText.includes('周九'));

  // The household sees the progress.
  const status = await page.request.get(`/api/v1/declarations/${sent.receipt}?token=${sent.status_token}`);
  const body = await status.json();
  assert.equal(body.status_zh, '村级评议公示');
  assert.deepEqual(body.history.map((h) => h.status_zh), ['已提交', '入户核实', '村级评议公示']);
  // The cadres' note of the home visit stays with the cadres.
  assert.ok(!JSON.stringify(body).includes('户主住院'), JSON.stringify(body));
});

test('each role is offered its own steps only; a rejection needs a reason', async (t) => {
  const page = await ctx.env.newPage(t);
  const sent = await submitExample(page, '郑十四');
  const open = async (token) => {
    await signIn(page, token);
    await page.getByTestId(`review-item-${sent.receipt}`).getByTestId('review-open').click();
    return offeredSteps(page);
  };
  assert.deepEqual(await open(ctx.env.server.issueToken('350821', 'county', '长汀县干部')), ['rejected']);
  // The county's 不予纳入 needs a reason: the endpoint's Chinese message is shown.
  await page.getByTestId('review-move-rejected').click();
  await page.getByTestId('review-error').waitFor();
  assert.match(await page.getByTestId('review-error').textContent(), /理由/);
  assert.deepEqual(await open(ctx.env.server.issueToken('350821106', 'township', '河田镇干部')), []);
  assert.deepEqual(await open(ctx.env.server.issueToken('3508', 'observer', '龙岩市督查')), []);
  await screenshot(page, 'review-observer', { fullPage: true });
});

test("another township's token does not see the declaration", async (t) => {
  const page = await ctx.env.newPage(t);
  const sent = await submitExample(page, '吴十');
  await signIn(page, ctx.env.server.issueToken('350821111', 'township', '策武镇干部'));
  await page.getByTestId('review-count').waitFor();
  assert.equal(await page.getByTestId(`review-item-${sent.receipt}`).count(), 0);
});

/** Now in China time, as the review screen writes it: `2026-12-02 14:05`. */
function chinaNow(offsetMinutes = 0) {
  return new Date(Date.now() + 8 * 3_600_000 + offsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

test('the cadre sees what the household declared, who filled it in, and China time', async (t) => {
  const page = await ctx.env.newPage(t);
  const sent = await submitExample(page, '孙十五', {
    income_change_yuan: 8000,
    assisted: { operator_name: '服务中心小刘', household_confirmed: true },
  });
  await signIn(page, ctx.env.server.issueToken('350821106231', 'village', '露湖村干部'));
  await page.getByTestId(`review-item-${sent.receipt}`).getByTestId('review-open').click();
  await page.getByTestId('review-detail-status').waitFor();
  const field = async (id) => (await page.getByTestId(`review-field-${id}`).locator('dd').textContent()).trim();
  assert.equal(await field('size'), '4');
  assert.equal(await field('risks'), '因病、收入大幅下降');
  assert.equal(await field('expense'), '35000 元');
  assert.equal(await field('income_drop'), '8000 元');
  assert.equal(await field('description'), '父亲住院做手术，花了很多钱，家里没人出去打工了。');
  assert.equal(await field('help'), '医疗救助');
  assert.equal(await field('assisted'), '代填人：服务中心小刘');
  const submitted = await field('submitted');
  assert.ok([chinaNow(-1), chinaNow(), chinaNow(1)].includes(submitted), `${submitted}, China time now ${chinaNow()}`);
  const history = await page.getByTestId('review-history').textContent();
  assert.match(history, /服务中心代填（代填人：服务中心小刘）/);
  assert.doesNotMatch(history, /农户本人/, 'a 代填 is not the household itself');
  assert.ok(history.includes(submitted) && !/\d{4}-\d\d-\d\dT\d/.test(history), history);
  await screenshot(page, 'review-detail-declared', { fullPage: true });
  await assertAccessible(page, 'review detail');

  // The CSV has the same: what was declared and by whom, in China time.
  await page.getByTestId('review-back').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('review-export').click();
  const csv = await readFile(await (await download).path(), 'utf8');
  const [header, ...rows] = csv.replace('\ufeff', '').trim().split('\r\n');
  for (const column of ['家庭人口', '困难原因', '刚性支出（元）', '收入减少（元）', '情况说明', '希望得到的帮助', '代填人']) {
    assert.ok(header.split(',').includes(column), `${column} in ${header}`);
  }
  const row = rows.find((r) => r.startsWith(sent.receipt));
  for (const cell of ['因病、收入大幅下降', '35000', '8000', '医疗救助', '服务中心小刘', submitted]) {
    assert.ok(row.includes(cell), `${cell} in ${row}`);
  }
  assert.ok(!/\d{4}-\d\d-\d\dT\d/.test(row), row);
});

test('a reload keeps the cadre signed in; signing out or closing the tab does not', async (t) => {
  const page = await ctx.env.newPage(t);
  const token = ctx.env.server.issueToken('350821106', 'township', '河田镇刘干部');
  await signIn(page, token);
  await page.reload();
  await page.getByTestId('review-who').waitFor();
  assert.match(await page.getByTestId('review-who').textContent(), /河田镇刘干部/);
  assert.equal(await page.getByTestId('review-token').count(), 0);
  const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!local.includes(token), 'never in localStorage');

  // Another tab (a new one, not a reload) is not signed in.
  const other = await page.context().newPage();
  await other.goto('/review');
  await other.getByTestId('review-token').waitFor();
  await other.close();

  await page.getByTestId('review-sign-out').click();
  await page.getByTestId('review-token').waitFor();
  const kept = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.ok(!kept.includes(token), kept);
  await page.reload();
  await page.getByTestId('review-token').waitFor();
  assert.equal(await page.getByTestId('review-who').count(), 0);

  // A token revoked meanwhile is forgotten at the reload, with the endpoint's answer.
  await signIn(page, token);
  const [number] = ctx.env.server.operator('token', 'list').split('\n').filter((l) => l.includes('河田镇刘干部')).map((l) => l.trim().split(/\s+/)[0]);
  ctx.env.server.operator('token', 'revoke', number);
  await page.reload();
  await page.getByTestId('review-error').waitFor();
  assert.ok(!(await page.evaluate(() => JSON.stringify({ ...sessionStorage }))).includes(token));
});

test('the cadre finds a declaration by receipt or name, within their own place only', async (t) => {
  const page = await ctx.env.newPage(t);
  const wang = await submitExample(page, '王十六');
  const li = await submitExample(page, '李十七');
  await signIn(page, ctx.env.server.issueToken('350821106231', 'village', '露湖村干部'));
  const search = async (text) => {
    await page.getByTestId('review-search').fill(text);
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/review/declarations'));
    await page.getByTestId('review-search-go').click();
    await (await answered).finished();
    await page.waitForTimeout(300);
    return page.locator('[data-testid^="review-item-XQ"]').evaluateAll((els) => els.map((e) => e.dataset.testid.replace('review-item-', '')));
  };
  await page.getByTestId(`review-item-${wang.receipt}`).waitFor();
  assert.deepEqual(await search('王十六'), [wang.receipt]);
  assert.deepEqual(await search('李'), [li.receipt]);
  assert.deepEqual(await search(li.receipt.replaceAll('-', '').toLowerCase()), [li.receipt]);
  await screenshot(page, 'review-search');
  const all = await search('');
  assert.ok(all.includes(wang.receipt) && all.includes(li.receipt), JSON.stringify(all));

  // Another township's cadre finds neither, by name or by receipt.
  await page.getByTestId('review-sign-out').click();
  await signIn(page, ctx.env.server.issueToken('350821111', 'township', '策武镇干部'));
  assert.deepEqual(await search('王十六'), []);
  assert.deepEqual(await search(wang.receipt), []);
});
