// Say only what is true, in words a farmer uses (issue 18): who receives a declaration and what is
// promised, with and without the operator's --service-name and --deadlines; the silence note for a
// need the region's document says nothing about; answers that do not fit together flagged; the
// one-line explanation under official terms; questions asked the positive way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnv, screenshot, assertAccessible, household, ANSWERS_KEY } from './harness.mjs';
import { ReportPage } from './pages.mjs';
import { withAnswers } from './results-page.mjs';

const SERVICE = '长汀县乡村振兴局 乡亲申报';
// An endpoint started with no name and no deadlines, and one with --service-name and --deadlines.
const plain = useEnv({ catalogues: ['zh-Hans'] });
const named = useEnv({
  catalogues: ['zh-Hans'],
  args: ['--service-name', SERVICE, '--deadlines', 'home_visit=7,county_approval=20'],
});

/** The status badge of a result card, or null when the policy is not shown. */
async function statusOf(page, id) {
  const card = page.getByTestId(`result-${id}`);
  if ((await card.count()) === 0) return null;
  return (await card.getByTestId('status').textContent()).trim();
}

test('without --service-name and --deadlines: the receipt names no one it cannot and promises no days', async (t) => {
  const page = await plain.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  await report.fill(household());
  const form = await report.channel.textContent();
  assert.ok(form.includes(plain.zh['service.unnamed']), form);
  // Longyan's own channels (001 二、(二)) are named as other ways, not as where this goes.
  assert.match(form, /12317防止返贫监测和乡村振兴咨询服务平台/);
  assert.match(form, /农业农村（乡村振兴）部门热线服务电话/);
  assert.match(form, /驻村干部、村级乡村振兴协理员每月/);
  assert.ok(form.includes(plain.zh['channel.not_the_same']), form);
  assert.doesNotMatch(form, /乡镇、县级帮扶部门会看到/);
  await report.next.click();
  await page.getByTestId('consent-who').waitFor();
  assert.equal(
    await page.getByTestId('consent-who').textContent(),
    plain.zh['report.consent_who'].replace('{receiver}', plain.zh['service.receiver_unnamed']),
  );
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();
  await report.receipt.waitFor();
  const received = await page.getByTestId('receipt-received').textContent();
  assert.ok(received.includes(plain.zh['receipt.received_unnamed']), received);
  assert.equal(await page.getByTestId('deadlines').count(), 0, 'no days without --deadlines');
  assert.equal(await page.getByTestId('receipt-next').textContent(), plain.zh['receipt.next_contact']);
  assert.doesNotMatch(await page.getByTestId('report-sent').textContent(), /个工作日|进入龙岩市的农户自主申报/);
  assert.match(await page.getByTestId('other-ways').textContent(), /12317/);
  await screenshot(page, 'words-receipt-plain', { fullPage: true });
  await assertAccessible(page, 'receipt without a service name');
});

test('with --service-name and --deadlines: the name on the form and the receipt, the days as 本服务承诺', async (t) => {
  const page = await named.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  await report.fill(household({ region: 'qinghai', place: ['630106', '630106106', '630106106215'] }));
  // The form learns the name from GET /api/v1/service.
  await page.getByTestId('receiver').filter({ hasText: SERVICE }).waitFor();
  const form = await report.channel.textContent();
  assert.ok(form.includes(named.zh['service.named'].replace('{name}', SERVICE)), form);
  // Qinghai names no hotline and no self-report: none is shown.
  assert.doesNotMatch(form, /12317|热线服务电话/);
  assert.match(form, /省市县三级防止返贫大数据监测平台/);
  await report.next.click();
  await page.getByTestId('consent-who').filter({ hasText: SERVICE }).waitFor();
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();
  await report.receipt.waitFor();
  assert.ok((await page.getByTestId('receipt-received').textContent()).includes(SERVICE));
  const deadlines = await page.getByTestId('deadlines').textContent();
  assert.ok(deadlines.includes(named.zh['receipt.deadlines_by']), deadlines);
  assert.match(deadlines, /本服务承诺：/);
  assert.match(deadlines, /入户核实：7 个工作日内/);
  assert.match(deadlines, /县级审批：20 个工作日内/);
  assert.doesNotMatch(deadlines, /已提交：/, 'a step not named has no deadline');
  assert.equal(await page.getByTestId('receipt-next').count(), 0);
  await screenshot(page, 'words-receipt-named', { fullPage: true });

  // 查进度 says the same.
  await page.getByTestId('receipt-status').click();
  await page.getByTestId('status-result').waitFor();
  assert.ok((await page.getByTestId('status-service').textContent()).includes(SERVICE));
  assert.match(await page.getByTestId('deadlines').textContent(), /本服务承诺：[\s\S]*入户核实：7 个工作日内/);
});

test('a Shaanxi household with a large medical bill is told its document has no medical items', async (t) => {
  const page = await plain.env.newPage(t);
  await withAnswers(page, {
    region: 'shaanxi',
    household: { poverty_status: 'lifted_out', rigid_expense: { medical: 80000 } },
    asked: ['household.poverty_status', 'household.rigid_expense'],
  }, '/results');
  const note = page.getByTestId('silence-illness');
  await note.waitFor();
  assert.equal(
    await note.textContent(),
    plain.zh['results.silence'].replace('{need}', plain.zh['need.illness']).replace('{region}', plain.zh['region.shaanxi']),
  );
  assert.ok((await page.locator('[data-category]').count()) > 0, 'the cards say their category');
  assert.equal(await page.locator('[data-category="medical"]').count(), 0, 'no medical policy is invented');
  await screenshot(page, 'words-silence', { fullPage: true });
  await assertAccessible(page, 'results with a silence note');

  // Qinghai's document has medical items: no such note.
  const qinghai = await plain.env.newPage(t);
  await withAnswers(qinghai, {
    region: 'qinghai',
    household: { poverty_status: 'lifted_out', rigid_expense: { medical: 80000 } },
  }, '/results');
  await qinghai.getByTestId('results-counts').waitFor();
  assert.equal(await qinghai.getByTestId('silences').count(), 0);
});

test('an 8-year-old at college drawing a pension is flagged on the summary and decides nothing', async (t) => {
  const page = await plain.env.newPage(t);
  const answers = {
    region: 'qinghai',
    household: { poverty_status: 'lifted_out' },
    members: [{ relation: 'child', age: 8, school_stage: 'college', pension_drawing: true }],
    asked: ['household.poverty_status', 'members', 'members[0].age', 'members[0].school_stage', 'members[0].pension_drawing'],
  };
  await withAnswers(page, answers, '/check/done');
  const box = page.getByTestId('conflicts');
  await box.waitFor();
  assert.ok((await box.textContent()).includes(plain.zh['conflicts.title']));
  await page.getByTestId('conflict-child-drawing-pension').waitFor();
  await page.getByTestId('conflict-small-child-beyond-middle-school').waitFor();
  assert.match(await page.getByTestId('conflict-child-drawing-pension').textContent(), /第 1 个人（子女）/);
  // The answers that do not fit are marked on their rows, and each can be changed from the flag.
  for (const row of ['m0.age', 'm0.school_stage', 'm0.pension_drawing']) {
    assert.equal(await page.getByTestId(`answer-${row}`).getByTestId('conflict-mark').count(), 1, row);
  }
  assert.equal(await page.getByTestId('answer-h.poverty_status').getByTestId('conflict-mark').count(), 0);
  await screenshot(page, 'words-conflict-summary', { fullPage: true });
  await assertAccessible(page, 'summary with a conflict');
  const change = page.getByTestId('conflict-child-drawing-pension').getByTestId('conflict-change').first();
  await change.click();
  await page.waitForURL(/\/check\/m0\.age$/);

  // On the results: flagged too, and nothing that hangs on those answers applies.
  await page.goto('/results');
  await page.getByTestId('conflicts').waitFor();
  await page.getByTestId('results-counts').waitFor();
  for (const id of ['qh-student-aid', 'qh-two-after-students', 'qh-college-special-enrollment']) {
    assert.notEqual(await statusOf(page, id), plain.zh['results.applies'], id);
  }
});

test('official terms are explained in one line under them, and questions are asked in plain words', async (t) => {
  const page = await plain.env.newPage(t);
  await withAnswers(page, { region: 'qinghai', asked: [] }, '/check/h.tekun');
  await page.getByTestId('question-h.tekun').waitFor();
  // 「有…吗」 is answered 有 / 没有; 特困供养 is explained under the question.
  assert.equal((await page.getByTestId('choice-yes').textContent()).trim(), '有');
  assert.equal((await page.getByTestId('choice-no').textContent()).trim(), '没有');
  assert.equal(await page.getByTestId('gloss-tekun').textContent(), plain.zh['gloss.tekun']);
  await assertAccessible(page, 'question with a glossary line');

  // Each kind of monitored household has its line under the answer.
  await page.goto('/check/h.poverty_status');
  const monitored = page.getByTestId('choice-monitored');
  await monitored.waitFor();
  assert.equal(await monitored.getByTestId('gloss-monitored').textContent(), plain.zh['gloss.monitored']);
  assert.match(await page.getByTestId('choice-lifted_out').textContent(), /建档立卡贫困户/);
  await page.goto('/check/h.monitor_type');
  await page.getByTestId('question-h.monitor_type').waitFor();
  for (const [choice, line] of [['unstable_lifted', 'gloss.unstable_lifted'], ['marginal', 'gloss.marginal'], ['sudden_hardship', 'gloss.sudden_hardship']]) {
    assert.equal(await page.getByTestId(`choice-${choice}`).getByTestId(`gloss-${choice}`).textContent(), plain.zh[line]);
  }
  await screenshot(page, 'words-glossary-question');

  // 「房子安全吗」: asked the positive way round, the reassuring answer first, stored as "not unsafe".
  await page.goto('/check/h.housing_unsafe');
  await page.getByTestId('question-h.housing_unsafe').waitFor();
  assert.equal(await page.getByTestId('question-title').textContent(), plain.zh['q.housing_unsafe.title']);
  const first = page.locator('[data-testid="question-h.housing_unsafe"] .choice').first();
  assert.equal((await first.textContent()).trim(), plain.zh['q.housing_unsafe.false']);
  await first.click();
  await page.waitForURL(/\/check\/(?!h\.housing_unsafe)/);
  const stored = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), ANSWERS_KEY);
  assert.equal(stored.household.housing_unsafe, false);

  // On the results, a card's terms are explained under it (过渡期 in a transition item).
  await withAnswers(page, {
    region: 'qinghai',
    household: { poverty_status: 'lifted_out', credit_need: 'small' },
    members: [{ relation: 'head', age: 40, can_work: 'full' }],
  }, '/results');
  const card = page.getByTestId('result-qh-microcredit');
  await card.waitFor({ state: 'attached' });
  assert.equal(await card.getByTestId('gloss-transition').textContent(), plain.zh['gloss.transition']);
  await screenshot(page, 'words-glossary-results', { fullPage: true });
});

test('the total income is asked and divided in the app; a chosen disease is echoed by its name', async (t) => {
  const page = await plain.env.newPage(t);
  await withAnswers(page, {
    region: 'qinghai',
    members: [
      { relation: 'head', age: 50, chronic_disease: ['diabetes'] },
      { relation: 'spouse', age: 48 },
      { relation: 'child', age: 20 },
    ],
    asked: ['members'],
  }, '/check/h.income_total_yuan');
  await page.getByTestId('question-h.income_total_yuan').waitFor();
  assert.equal(await page.getByTestId('question-title').textContent(), plain.zh['q.income_per_capita_yuan.title']);
  assert.doesNotMatch(await page.getByTestId('question-h.income_total_yuan').textContent(), /除以人数/);
  await page.getByTestId('number-input').fill('30000');
  await page.getByTestId('confirm').click();
  await page.waitForURL(/\/check\/(?!h\.income_total_yuan)/);
  await page.goto('/check/done');
  assert.equal(
    await page.getByTestId('answer-h.income_total_yuan-value').textContent(),
    plain.zh['ans.income_total'].replace('{total}', '30000').replace('{each}', '10000'),
  );

  // 大病、重病 says the documents do not define it, and names the disease already chosen.
  await page.goto('/check/m0.serious_illness');
  await page.getByTestId('question-m0.serious_illness').waitFor();
  assert.ok((await page.locator('[data-testid="question-m0.serious_illness"] p.hint').first().textContent()).includes('糖尿病算不算'));
  assert.match(await page.getByTestId('question-echo').textContent(), /您说第 1 个人（户主）有糖尿病/);
  assert.equal((await page.getByTestId('choice-yes').textContent()).trim(), '得了');
  await page.goto('/results');
  const contract = page.getByTestId('result-qh-chronic-disease-contract');
  await contract.waitFor({ state: 'attached' });
  assert.match(await contract.getByTestId('echo').textContent(), /第 1 个人（户主）有糖尿病/);
});
