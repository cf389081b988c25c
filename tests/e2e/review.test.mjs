// 申报审核: a cadre signs in with a token issued by the operator, finds a declaration of their
// township, records the visit and moves it along the workflow, exports CSV, and signs out leaving
// nothing on the device. The household then sees the new status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startEnv, screenshot, assertAccessible, appStorage, ROOT } from './harness.mjs';

const BIN = process.env.XIANGQIN_ENDPOINT_BIN ?? path.join(ROOT, 'target/release/xiangqin-endpoint');
let env;

before(async () => {
  env = await startEnv();
});
after(async () => {
  await env?.stop();
});

function issueToken(township) {
  return execFileSync(
    BIN,
    ['--database-url', `sqlite://${env.server.dbPath}`, 'token', 'add', '--region', 'longyan', '--township', township, '--name', `${township}干部`],
    { encoding: 'utf8' },
  ).trim();
}

async function submitExample(page, name) {
  const body = JSON.parse(await readFile(path.join(ROOT, 'endpoint/examples/declaration.json'), 'utf8'));
  body.applicant.name = name;
  body.happened_on = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
  const response = await page.request.post('/api/v1/declarations', {
    data: body,
    headers: { 'Idempotency-Key': randomUUID() },
  });
  assert.equal(response.status(), 201);
  return response.json();
}

test('a cadre works a declaration through the workflow and leaves nothing behind', async (t) => {
  const page = await env.newPage(t);
  const sent = await submitExample(page, '周九');
  const token = issueToken('河田镇');

  await page.goto('/review');
  await page.getByTestId('review-token').fill('xqr_wrong');
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-error').waitFor();
  await page.getByTestId('review-token').fill(token);
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-who').waitFor();
  const item = page.getByTestId(`review-item-${sent.receipt}`);
  await item.waitFor();
  assert.equal(await item.getByTestId('review-item-status').textContent(), '已提交');
  await screenshot(page, 'review-queue');
  await assertAccessible(page, 'review queue');

  // CSV for Excel.
  const download = page.waitForEvent('download');
  await page.getByTestId('review-export').click();
  const file = await download;
  const csv = await readFile(await file.path(), 'utf8');
  assert.ok(csv.startsWith('\ufeff回执号'), 'UTF-8 with BOM');
  assert.ok(csv.includes(sent.receipt) && csv.includes('周九'));

  await item.getByTestId('review-open').click();
  await page.getByTestId('review-detail-status').waitFor();
  assert.match(await page.getByTestId('review-detail').textContent(), /11010519491231002X/);
  // A rejection needs a reason: the endpoint's Chinese message is shown.
  await page.getByTestId('review-move-rejected').click();
  await page.getByTestId('review-error').waitFor();
  assert.match(await page.getByTestId('review-error').textContent(), /理由/);
  await page.getByTestId('review-note').fill('已入户核实：户主住院，医疗费用较大。');
  await page.getByTestId('review-move-home_visit').click();
  await page.getByTestId('review-done').waitFor();
  assert.match(await page.getByTestId('review-detail-status').textContent(), /入户核实/);
  assert.match(await page.getByTestId('review-history').textContent(), /河田镇干部/);
  await screenshot(page, 'review-detail', { fullPage: true });
  await page.getByTestId('review-move-village_review').click();
  await page.getByTestId('review-detail-status').filter({ hasText: '村级评议公示' }).waitFor();

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

test("another township's token does not see the declaration", async (t) => {
  const page = await env.newPage(t);
  const sent = await submitExample(page, '吴十');
  const token = issueToken('策武镇');
  await page.goto('/review');
  await page.getByTestId('review-token').fill(token);
  await page.getByTestId('review-sign-in').click();
  await page.getByTestId('review-count').waitFor();
  assert.equal(await page.getByTestId(`review-item-${sent.receipt}`).count(), 0);
});
