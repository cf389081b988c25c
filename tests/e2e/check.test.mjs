// 查政策 end to end: three households in three regions answer the questionnaire through the UI
// (the rules choose each next question), then the results page must show exactly what the rules'
// command-line tool decides for the same answers, plus what a person reading the seeds expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, screenshot, assertAccessible, appStorage, ANSWERS_KEY, RULES_BIN } from './harness.mjs';
import { openResult } from './results-page.mjs';
import { CheckPage } from './pages.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans', 'en'] });

/**
 * The household-wide member questions (rules/src/questions.rs GROUPS): the answer of the people
 * picked (yes / no), or for a choice the usual answer of those not picked.
 */
const GROUPED = {
  can_work: { usual: 'full' },
  serious_illness: { picked: 'yes' },
  disability_kind: { usual: 'none' },
  self_care: { usual: 'full' },
  chronic_disease: { usual: [] },
  working_outside_county: { picked: 'yes' },
  tied_to_home: { picked: 'yes' },
  public_job: { usual: 'none' },
  medical_insured: { picked: 'no' },
  pension_insured: { picked: 'no' },
  pension_drawing: { picked: 'yes' },
  left_behind_child: { picked: 'yes' },
  orphan: { picked: 'yes' },
  de_facto_unsupported_child: { picked: 'yes' },
};

/**
 * Answers a household-wide question (`a.serious_illness`) from each person's answer (`m0.…`),
 * on its own screen or as a row of a topic screen (`root`, where a picked person's kind is picked
 * in the row and nothing is sent until the screen's 「下一步」).
 */
async function answerAnyone(root, name, answers, inRow = false) {
  const g = GROUPED[name];
  const shown = await root.locator('[data-testid^="pick-member-"]').all();
  const people = [];
  for (const box of shown) people.push(Number((await box.getAttribute('data-testid')).replace('pick-member-', '')));
  const each = people.map((i) => answers[`m${i}.${name}`]);
  if (each.some((a) => a === undefined)) return root.getByTestId('choice-unsure').click();
  const isUsual = (a) => ('picked' in g ? a !== g.picked : JSON.stringify(a) === JSON.stringify(g.usual));
  const picked = people.filter((_, k) => !isUsual(each[k]));
  if (picked.length === 0) return root.getByTestId('choice-none').click();
  for (const i of picked) {
    await root.getByTestId(`pick-member-${i}`).click();
    if (inRow && 'usual' in g) {
      const kind = answers[`m${i}.${name}`];
      for (const v of Array.isArray(kind) ? kind : [kind]) await root.getByTestId(`kind-${i}-${v}`).click();
    }
  }
  if (!inRow) await root.getByTestId('confirm').click();
}

/**
 * Answers each row of a topic screen (`t.support`) as its own question would be, then goes on.
 * Returns the rows' steps.
 */
async function answerTopic(page, answers) {
  const steps = [];
  for (const row of await page.locator('[data-testid^="row-"]').all()) {
    const step = (await row.getAttribute('data-testid')).replace('row-', '');
    steps.push(step);
    const a = answers[step];
    if (step.startsWith('a.')) await answerAnyone(row, step.slice(2), answers, true);
    else if (a === undefined) await row.getByTestId('choice-unsure').click();
    else await row.getByTestId(`choice-${a}`).click();
  }
  await page.getByTestId('topic-next').click();
  return steps;
}

/** The questions asked, a topic screen's rows (`t.health:a.serious_illness+a.chronic_disease`) each one. */
const questionsOf = (asked) => asked.flatMap((step) => (step.includes(':') ? step.split(':')[1].split('+') : [step]));

/**
 * Answers every question the app asks. `answers` maps a step (`h.dibao`, `m0.can_work`) to
 * 'yes' | 'no' | a choice value | a list (several) | { number } | { text } | { amounts };
 * `members` lists the people to add ({ relation, age }). Anything else is answered 不清楚.
 * Returns the steps asked, in order (a topic screen with its rows: `t.health:a.serious_illness+…`).
 */
async function answerQuestionnaire(page, region, { answers = {}, members = [] }, shots = '') {
  await page.goto('/check');
  await page.getByTestId(`choice-${region}`).click();
  const asked = [];
  for (let guard = 0; guard < 150; guard += 1) {
    await page.waitForURL((url) => !url.pathname.endsWith('/check/next'));
    const url = new URL(page.url());
    if (url.pathname === '/results') return asked;
    const step = decodeURIComponent(url.pathname.replace('/check/', ''));
    if (step === 'members') {
      const added = await page.locator('[data-testid^="member-"]').count();
      if (added < members.length) {
        await page.getByTestId('add-member').click();
        await page.getByTestId(`choice-${members[added].relation}`).click();
        await page.getByTestId('number-input').fill(String(members[added].age));
        await page.getByTestId('confirm').click();
        await page.waitForURL('**/check/members');
        await page.getByTestId(`member-${added}`).waitFor();
      } else {
        asked.push(step);
        if (shots) await screenshot(page, `${shots}-members`);
        await page.getByTestId('members-done').click();
        await page.waitForURL((u) => !u.pathname.endsWith('/check/members'));
      }
      continue;
    }
    await page.getByTestId('question-title').waitFor();
    asked.push(step);
    if (shots && asked.length === 2) {
      await screenshot(page, `${shots}-question`);
      await assertAccessible(page, `question ${step}`);
    }
    const a = answers[step];
    const before = page.url();
    if (step.startsWith('t.')) {
      const rows = await answerTopic(page, answers);
      asked[asked.length - 1] = `${step}:${rows.join('+')}`;
    } else if (step.startsWith('a.')) {
      await answerAnyone(page, step.slice(2), answers);
    } else if (a === undefined) {
      await page.getByTestId('choice-unsure').click();
    } else if (Array.isArray(a)) {
      if (a.length === 0) await page.getByTestId('choice-none').click();
      else {
        for (const v of a) await page.getByTestId(`choice-${v}`).click();
        await page.getByTestId('confirm').click();
      }
    } else if (typeof a === 'object' && 'number' in a) {
      await page.getByTestId('number-input').fill(String(a.number));
      await page.getByTestId('confirm').click();
    } else if (typeof a === 'object' && 'text' in a) {
      await page.getByTestId('text-input').fill(a.text);
      await page.getByTestId('confirm').click();
    } else if (typeof a === 'object' && 'amounts' in a) {
      for (const [cause, v] of Object.entries(a.amounts)) await page.getByTestId(`amount-${cause}`).fill(String(v));
      await page.getByTestId('confirm').click();
    } else {
      await page.getByTestId(`choice-${a}`).click();
    }
    await page.waitForURL((u) => u.href !== before);
  }
  throw new Error(`the questionnaire did not end: ${asked.join(' ')}`);
}

/** The statuses shown on the results page, by policy id. */
async function shownStatuses(page) {
  await page.getByTestId('results-title').waitFor();
  const cards = page.locator('[data-testid^="result-"]');
  const out = {};
  for (const card of await cards.all()) {
    const id = (await card.getAttribute('data-testid')).replace('result-', '');
    const label = (await card.getByTestId('status').textContent()).trim();
    out[id] = label === ctx.zh['results.applies'] ? 'applies' : label === ctx.zh['results.maybe'] ? 'maybe' : label;
  }
  return out;
}

/** What the rules' command-line tool decides for the answers stored on the device, today. */
async function cliStatuses(page) {
  const stored = JSON.parse((await appStorage(page))[ANSWERS_KEY]);
  const { unsure, asked, anyone, ...facts } = stored;
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  const out = execFileSync(RULES_BIN, ['eval'], { input: JSON.stringify({ ...facts, as_of: today }), encoding: 'utf8' });
  const statuses = {};
  for (const r of JSON.parse(out).results) if (r.status !== 'not_applicable') statuses[r.id] = r.status;
  return { statuses, stored };
}

const HOUSEHOLDS = [
  {
    name: 'longyan-dibao',
    region: 'longyan',
    spec: {
      answers: {
        'h.poverty_status': 'general',
        'h.dibao': 'yes',
        'h.tekun': 'no',
        'h.basic_living_hardship': 'yes',
        'h.recent_shocks': ['illness'],
        'h.income_drop_sharp': 'yes',
        'h.low_income_family': 'no',
        'h.housing_unsafe': 'no',
        'h.water_unsafe': 'no',
        'h.relocated': 'no',
        'h.livelihoods': ['grain', 'migrant_work'],
        'm0.serious_illness': 'yes',
        'm0.can_work': 'partial',
        'm1.can_work': 'full',
        'm1.working_outside_county': 'yes',
        'm0.disability_kind': 'none',
        'm1.disability_kind': 'none',
      },
      members: [
        { relation: 'head', age: 52 },
        { relation: 'spouse', age: 49 },
      ],
    },
    expect: { 'ly-dibao': 'applies', 'ly-one-click-report': 'applies', 'ly-critical-illness-special-treatment': 'maybe' },
    absent: ['ly-relocation-followup', 'ly-water-safety'],
    reportLink: true,
  },
  {
    name: 'inner-mongolia-herders',
    region: 'inner_mongolia',
    spec: {
      answers: {
        'h.poverty_status': 'lifted_out',
        'h.dibao': 'no',
        'h.tekun': 'no',
        'h.relocated': 'yes',
        'h.livelihoods': ['herding', 'livestock'],
        'h.basic_living_hardship': 'no',
        'h.recent_shocks': [],
        'h.income_drop_sharp': 'no',
        'h.housing_unsafe': 'no',
        'h.water_unsafe': 'no',
        'h.credit_need': 'small',
        'h.livestock_head': { number: 80 },
        county_exit_year: { number: 2019 },
        'm0.can_work': 'full',
        'm0.school_stage': 'none',
      },
      members: [{ relation: 'head', age: 41 }],
    },
    expect: { 'nm-relocation-followup': 'applies', 'nm-agri-insurance': 'applies', 'nm-microcredit': 'applies' },
    absent: ['nm-tekun', 'nm-water-safety'],
    reportLink: false,
  },
  {
    name: 'qinghai-water',
    region: 'qinghai',
    spec: {
      answers: {
        'h.poverty_status': 'monitored',
        'h.monitor_type': 'marginal',
        'h.water_unsafe': 'yes',
        'h.housing_unsafe': 'yes',
        'h.dibao': 'no',
      },
      members: [{ relation: 'head', age: 60 }],
    },
    expect: { 'qh-return-poverty-monitoring': 'applies', 'qh-water-safety': 'applies', 'qh-dilapidated-housing-renovation': 'applies' },
    absent: ['qh-dibao-gradual-exit'],
    reportLink: true,
    risks: ['water_unsafe', 'housing_unsafe'],
  },
];

for (const h of HOUSEHOLDS) {
  test(`questionnaire and results: ${h.name}`, async (t) => {
    const page = await ctx.env.newPage(t);
    const asked = await answerQuestionnaire(page, h.region, h.spec, h.name === 'longyan-dibao' ? 'check' : '');
    t.diagnostic(`asked ${asked.length}: ${asked.join(' ')}`);
    assert.ok(asked.length >= 5, 'the rules asked several questions');
    const questions = questionsOf(asked);
    assert.equal(new Set(questions).size, questions.length, 'no question is asked twice');

    const shown = await shownStatuses(page);
    const { statuses, stored } = await cliStatuses(page);
    assert.equal(stored.region, h.region);
    assert.deepEqual(shown, statuses, 'the page shows exactly what the rules decide');
    for (const [id, status] of Object.entries(h.expect)) assert.equal(shown[id], status, id);
    for (const id of h.absent) assert.ok(!(id in shown), `${id} is not listed`);
    // Every card of a region, none of another.
    const prefix = { longyan: 'ly-', inner_mongolia: 'nm-', qinghai: 'qh-' }[h.region];
    assert.ok(Object.keys(shown).every((id) => id.startsWith(prefix)));
    assert.equal(await page.getByTestId('results-report').isVisible(), h.reportLink, 'path to 一键申报');
    await screenshot(page, `results-${h.name}`);
    await screenshot(page, `results-${h.name}-full`, { fullPage: true });
    await assertAccessible(page, `results ${h.name}`);

    // A reload keeps the answers and the results.
    await page.reload();
    assert.deepEqual(await shownStatuses(page), shown);

    // From the results to 一键申报, with the answers carried over.
    if (h.reportLink) {
      await page.getByTestId('results-report-link').click();
      await page.getByTestId('report-title').waitFor();
      assert.ok(await page.getByTestId(`region-${h.region}`).isChecked());
      for (const risk of h.risks ?? []) assert.ok(await page.getByTestId(`risk-${risk}`).isChecked(), risk);
    }
  });
}

test('a maybe names the question that settles it, and the answer changes the result', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.getByTestId('see-results').click();
  // The maybe is in a closed group: opened, its card names the question.
  const card = await openResult(page, 'ly-water-safety');
  assert.equal((await card.getByTestId('status').textContent()).trim(), ctx.zh['results.maybe']);
  await card.getByTestId('settle-link').click();
  await page.waitForURL('**/check/h.water_unsafe');
  await page.getByTestId('choice-yes').click();
  await page.goto('/results');
  const after = page.getByTestId('result-ly-water-safety');
  await after.waitFor();
  assert.equal((await after.getByTestId('status').textContent()).trim(), ctx.zh['results.applies']);
});

test('the summary lists the answers, 修改 changes one, and 清除 removes everything', async (t) => {
  const page = await ctx.env.newPage(t);
  await answerQuestionnaire(page, 'shaanxi', {
    answers: { 'h.poverty_status': 'lifted_out', 'h.relocated': 'yes' },
    members: [{ relation: 'head', age: 45 }],
  });
  await page.goto('/check/done');
  await page.getByTestId('summary').waitFor();
  assert.equal(await page.getByTestId('answer-h.poverty_status-value').textContent(), ctx.zh['v.poverty_status.lifted_out']);
  assert.equal(await page.getByTestId('answer-h.relocated-value').textContent(), ctx.zh['ans.yes']);
  await screenshot(page, 'check-summary-full', { fullPage: true });
  await assertAccessible(page, 'summary');
  await page.getByTestId('change-h.relocated').click();
  await page.waitForURL('**/check/h.relocated');
  assert.equal(await page.getByTestId('choice-yes').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('choice-no').click();
  await page.goto('/check/done');
  assert.equal(await page.getByTestId('answer-h.relocated-value').textContent(), ctx.zh['ans.no']);

  await new CheckPage(page).clearAll();
  const left = Object.keys(await appStorage(page)).filter((k) => !['xiangqin.lang.v1', 'xiangqin.big-text.v1'].includes(k));
  assert.deepEqual(left, []);
  await page.goto('/results');
  await page.getByTestId('results-no-region').waitFor();
});

test('a wrong number is refused in words and nothing is lost', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.goto('/check/members');
  await page.getByTestId('add-member').click();
  // Who the person is and their age, on one screen: an age without who is refused in words.
  await page.getByTestId('number-input').fill('67');
  await page.getByTestId('confirm').click();
  const error = page.getByTestId('answer-error');
  assert.equal(await error.textContent(), ctx.zh['member.pick_relation']);
  await page.getByTestId('choice-head').click();
  await page.getByTestId('number-input').fill('300');
  await page.getByTestId('confirm').click();
  assert.equal(await error.textContent(), ctx.zh['ans.number_invalid'].replace('{min}', '0').replace('{max}', '120'));
  assert.equal(await page.getByTestId('number-input').inputValue(), '300');
  assert.equal(await page.getByTestId('choice-head').getAttribute('aria-pressed'), 'true', 'the choice is kept');
  assert.match(page.url(), /\/check\/add-member$/);
  await screenshot(page, 'check-number-error');
  await page.getByTestId('number-input').fill('67');
  await page.getByTestId('confirm').click();
  await page.waitForURL('**/check/members');
  assert.match(await page.getByTestId('member-0').textContent(), /67/);
});

test('a policy page shows who, what, how and the exact quote; browse finds it by a word', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/policy/ly-one-click-report');
  await page.getByTestId('policy-title').waitFor();
  assert.equal(await page.getByTestId('policy-title').textContent(), '“一键报贫” / 农户自主申报');
  const quotes = await page.getByTestId('policy-quote').allTextContents();
  assert.ok(quotes.some((q) => q.includes('开展“一键报贫”工作')), 'the quote from 001 二、(二)');
  assert.match(await page.getByTestId('policy-how').textContent(), /12317/);
  await screenshot(page, 'policy-page', { fullPage: true });
  await assertAccessible(page, 'policy page');

  await page.goto('/policies/longyan');
  await page.getByTestId('browse-title').waitFor();
  assert.equal(await page.getByTestId('browse-count').textContent(), '共 37 项');
  await page.getByTestId('browse-search').fill('12317');
  await page.getByTestId('browse-ly-one-click-report').waitFor();
  assert.match(await page.getByTestId('browse-count').textContent(), /共 [1-9] 项/);
  await page.getByTestId('browse-search').fill('没有这个词');
  await page.getByTestId('browse-count').filter({ hasText: '共 0 项' }).waitFor();
  await page.getByTestId('browse-search').fill('');
  await screenshot(page, 'browse');
  await assertAccessible(page, 'browse');
});

test('大字 makes the text much larger and is remembered', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok((await size()) >= 18, 'body text at least 18 px');
  await page.getByTestId('big-text').click();
  assert.ok((await size()) >= 29.5, `大字 body text ${await size()} px`);
  await page.reload();
  await page.getByTestId('home-title').waitFor();
  assert.ok((await size()) >= 29.5);
  await screenshot(page, 'home-big-text');
});

/** A stand-in for the browser's speech synthesis, with or without a Chinese voice. */
async function fakeSpeech(page, voices) {
  await page.addInitScript((voiceList) => {
    window.__spoken = [];
    const fake = {
      getVoices: () => voiceList,
      speak: (u) => window.__spoken.push({ text: u.text, lang: u.lang }),
      cancel: () => {},
      onvoiceschanged: null,
    };
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
    window.SpeechSynthesisUtterance = class {
      constructor(text) {
        this.text = text;
      }
    };
  }, voices);
}

test('朗读 reads the question in Mandarin where a Chinese voice exists, and is absent otherwise', async (t) => {
  const page = await ctx.env.newPage(t);
  await fakeSpeech(page, [{ lang: 'en-US', name: 'en' }, { lang: 'zh-CN', name: 'Ting-Ting' }]);
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-title').waitFor();
  const title = await page.getByTestId('question-title').textContent();
  await page.getByTestId('read-aloud').click();
  const spoken = await page.evaluate(() => window.__spoken);
  assert.equal(spoken.length, 1);
  assert.ok(spoken[0].text.startsWith(title), spoken[0].text);
  assert.equal(spoken[0].lang, 'zh-CN');
  await page.goto('/policy/qh-water-safety');
  await page.getByTestId('read-aloud').click();
  assert.match((await page.evaluate(() => window.__spoken))[0].text, /饮水/, 'a fresh page reads its own text');

  const other = await ctx.env.newPage(t);
  await fakeSpeech(other, [{ lang: 'en-US', name: 'en' }]);
  await other.goto('/policy/qh-water-safety');
  await other.getByTestId('policy-title').waitFor();
  assert.equal(await other.getByTestId('read-aloud').count(), 0, 'no Chinese voice: no button');
});

/** Today (the phone's clock) is after this date. */
const isPast = (iso) => new Date() > new Date(`${iso}T23:59:59`);

test('a policy page says plainly whether the time its text states has passed', async (t) => {
  const page = await ctx.env.newPage(t);
  // The notes come from rules/data/periods.toml (the same the results carry).
  const afterCampaign = isPast('2025-12-31');
  const cases = [
    ['qh-microcredit', afterCampaign ? /过渡期已经结束/ : /到2025年底为止/],
    ['nm-eco-forest-ranger', /旗县脱贫摘帽后的5年过渡期.*需要知道旗县是哪一年摘帽的/],
    ['lz-return-poverty-monitoring', isPast('2022-12-31') ? /2022年已经过去/ : /在2022年内执行/],
    ['ly-dibao', afterCampaign ? /按2021—2025年过渡期安排的/ : /^文件没有写期限。$/],
    // Inner Mongolia counts five years per county, never 2021—2025.
    ['nm-dibao', /各旗县的年份不同/],
  ];
  for (const [id, note] of cases) {
    await page.goto(`/policy/${id}`);
    await page.getByTestId('policy-title').waitFor();
    assert.match(await page.getByTestId('policy-time').textContent(), note, id);
  }
  assert.doesNotMatch(await page.getByTestId('policy-time').textContent(), /2021—2025/);
});

test('/policies?region= lists a region, and the search looks into the quoted text', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/policies?region=shaanxi');
  await page.getByTestId('browse-title').waitFor();
  assert.equal(await page.getByTestId('browse-count').textContent(), '共 8 项');
  assert.equal(await page.getByTestId('browse-region-shaanxi').getAttribute('aria-current'), 'page');
  // 「周统计」 is only in the quote of 002 “二”, not in any title or summary.
  await page.getByTestId('browse-search').fill('周统计');
  await page.getByTestId('browse-count').filter({ hasText: '共 1 项' }).waitFor();
  assert.ok(await page.getByTestId('browse-sx-return-poverty-monitoring').isVisible());
});

test('the results print on A4 in black and white, and 分享 uses the browser’s share sheet', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.addInitScript(() => {
    window.__shared = [];
    Object.defineProperty(navigator, 'share', {
      value: (data) => {
        window.__shared.push(data);
        return Promise.resolve();
      },
      configurable: true,
    });
  });
  await page.goto('/check');
  await page.getByTestId('choice-liangzhou').click();
  await page.getByTestId('see-results').click();
  await page.getByTestId('results-title').waitFor();
  await page.getByTestId('results-share').click();
  const shared = await page.evaluate(() => window.__shared);
  assert.equal(shared.length, 1);
  assert.match(shared[0].url, /\/results$/);
  assert.equal(shared[0].title, ctx.zh['results.title']);

  await page.emulateMedia({ media: 'print' });
  assert.ok(!(await page.locator('.top-bar').isVisible()), 'no top bar on paper');
  assert.ok(!(await page.getByTestId('results-print').isVisible()), 'no buttons on paper');
  const colours = await page.evaluate(() =>
    [...document.querySelectorAll('.results *')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => {
        const s = getComputedStyle(el);
        return [s.color, s.backgroundColor];
      }),
  );
  for (const [fg, bg] of colours) {
    assert.equal(fg, 'rgb(0, 0, 0)');
    assert.ok(bg === 'rgba(0, 0, 0, 0)' || bg === 'rgb(255, 255, 255)', bg);
  }
  await screenshot(page, 'results-print');
  await page.emulateMedia({ media: 'screen' });

  // Without a share sheet there is no 分享 button (printing stays).
  const plain = await ctx.env.newPage(t);
  await plain.addInitScript(() => {
    delete Navigator.prototype.share;
  });
  await plain.goto('/results');
  await plain.getByTestId('results-title').waitFor();
  assert.equal(await plain.getByTestId('results-share').count(), 0);
  assert.ok(await plain.getByTestId('results-print').isVisible());
});

test('the questionnaire and the results are complete in English', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/check');
  await page.getByTestId('lang-en').click();
  assert.equal(await page.getByTestId('question-title').textContent(), ctx.en['q.region.title']);
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-members').waitFor();
  await new CheckPage(page).listMembers([{ relation: 'head', age: 50 }]);
  await page.getByTestId('question-title').waitFor();
  assert.equal(await page.getByTestId('choice-unsure').textContent(), ctx.en['ans.unsure']);
  await screenshot(page, 'check-question-en');
  await page.getByTestId('see-results').click();
  assert.equal(await page.getByTestId('results-title').textContent(), ctx.en['results.title']);
  assert.match(await page.getByTestId('results-source').textContent(), /June 2022/);
  const labels = await page.locator('[data-testid^="result-"] [data-testid="status"]').allTextContents();
  assert.ok(labels.length > 0);
  for (const l of labels) assert.ok([ctx.en['results.applies'], ctx.en['results.maybe']].includes(l.trim()), l);
  await assertAccessible(page, 'results in English');
});

/**
 * Every visible text at least 18 CSS px; every control at least 48×48 px (a link inside a sentence
 * is excepted: it is as tall as its line), primary buttons at least 60 px tall.
 */
async function assertSizes(page, label) {
  const problems = await page.evaluate(() => {
    const out = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} "${(el.textContent || el.placeholder || '').trim().slice(0, 20)}"`;
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (own && visible(el) && parseFloat(getComputedStyle(el).fontSize) < 17.9) {
        out.push(`text ${getComputedStyle(el).fontSize}: ${name(el)}`);
      }
    }
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
      if (!visible(el)) continue;
      const parent = el.parentElement;
      const inSentence = el.tagName === 'A' && parent && [...parent.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (inSentence) continue;
      const r = el.getBoundingClientRect();
      if (r.height < 47.5 || r.width < 47.5) out.push(`target ${Math.round(r.width)}×${Math.round(r.height)}: ${name(el)}`);
      if (el.classList.contains('primary') && r.height < 59.5) out.push(`primary ${Math.round(r.height)} px: ${name(el)}`);
    }
    return out;
  });
  assert.deepEqual(problems, [], `${label}: sizes`);
}

test('text is at least 18 px and every control at least 48 px on the main screens', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/check');
  await page.getByTestId('question-title').waitFor();
  await assertSizes(page, 'region question');
  await page.getByTestId('choice-inner_mongolia').click();
  await page.waitForURL((u) => !u.pathname.endsWith('/check/next') && !u.pathname.endsWith('/check'));
  await page.getByTestId('question-title').waitFor();
  await assertSizes(page, 'first question');
  await page.goto('/check/members');
  await page.getByTestId('question-title').waitFor();
  await assertSizes(page, 'members');
  await page.goto('/results');
  await page.getByTestId('results-title').waitFor();
  await assertSizes(page, 'results');
  await page.goto('/check/done');
  await page.getByTestId('summary-title').waitFor();
  await assertSizes(page, 'summary');
  await page.goto('/policy/nm-microcredit');
  await page.getByTestId('policy-title').waitFor();
  await assertSizes(page, 'policy page');
  await page.goto('/policies/inner_mongolia');
  await page.getByTestId('browse-title').waitFor();
  await assertSizes(page, 'browse');
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  await assertSizes(page, 'home');

  // 「大字」: 30 px text, and still nothing wider than the phone.
  await page.getByTestId('big-text').click();
  const noSideways = async (where) => {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${where}: the page scrolls sideways (${scroll} > ${width})`);
  };
  await noSideways('home');
  await page.goto('/check/members');
  await page.getByTestId('question-title').waitFor();
  await noSideways('members');
  await screenshot(page, 'check-members-big-text');
  await page.goto('/results');
  await page.getByTestId('results-title').waitFor();
  await noSideways('results');
  await screenshot(page, 'results-big-text');
  await page.goto('/policy/nm-microcredit');
  await page.getByTestId('policy-title').waitFor();
  await noSideways('policy page');
});

/** The questionnaire's answers (steps as in `answerQuestionnaire`) for household facts. */
function specOf(facts) {
  const value = (v) => (v === true ? 'yes' : v === false ? 'no' : typeof v === 'number' ? { number: v } : v);
  const answers = {};
  for (const [k, v] of Object.entries(facts.household ?? {})) {
    if (k === 'rigid_expense') answers['h.rigid_expense'] = { amounts: v };
    else if (k === 'income_per_capita_yuan') answers['h.income_total_yuan'] = { number: v * facts.members.length };
    else answers[`h.${k}`] = value(v);
  }
  facts.members.forEach((m, i) => {
    for (const [k, v] of Object.entries(m)) answers[`m${i}.${k}`] = value(v);
  });
  return { answers, members: facts.members.map(({ relation, age }) => ({ relation, age })) };
}

// Issue 19: a 68-year-old in Longyan, lifted out of poverty, his wife of 66 with diabetes, their son
// of 40 working outside the county, a big medical bill (the case in rules/tests/cases/longyan.toml).
const LONGYAN_19 = {
  region: 'longyan',
  household: { poverty_status: 'lifted_out', returned_to_poverty: false, dibao: false, tekun: false, low_income_family: false, relocated: false, income_per_capita_yuan: 8000, income_drop_sharp: false, basic_living_hardship: false, recent_shocks: ['illness'], rigid_expense: { medical: 30000 }, housing_unsafe: false, water_unsafe: false, toilet_unimproved: false, livelihoods: ['grain', 'migrant_work'], credit_need: 'none', poverty_assets: false },
  members: [
    { relation: 'head', age: 68, can_work: 'partial', self_care: 'full', disability_kind: 'none', serious_illness: false, chronic_disease: [], school_stage: 'none', working_outside_county: false, tied_to_home: false, public_job: 'none', pension_insured: true, pension_drawing: true, medical_insured: true },
    { relation: 'spouse', age: 66, can_work: 'partial', self_care: 'full', disability_kind: 'none', serious_illness: false, chronic_disease: ['diabetes'], school_stage: 'none', working_outside_county: false, tied_to_home: false, public_job: 'none', pension_insured: true, pension_drawing: true, medical_insured: true },
    { relation: 'child', age: 40, can_work: 'full', self_care: 'full', disability_kind: 'none', serious_illness: false, chronic_disease: [], school_stage: 'none', working_outside_county: true, tied_to_home: false, public_job: 'none', pension_insured: true, pension_drawing: false, medical_insured: true },
  ],
};

test('the Longyan household of issue 19 answers in the browser the screens xiangqin-rules interview counts, and gets its results', async (t) => {
  const page = await ctx.env.newPage(t);
  const spec = specOf(LONGYAN_19);
  const asked = await answerQuestionnaire(page, 'longyan', spec);
  // Screens: the region, each person (relation and age on one screen), then every step asked
  // (the list's 「都加好了」 and each topic screen among them).
  const screens = 1 + spec.members.length + asked.length;
  const today = new Date().toISOString().slice(0, 10);
  const cli = JSON.parse(execFileSync(RULES_BIN, ['interview'], { input: JSON.stringify({ ...LONGYAN_19, as_of: today }), encoding: 'utf8' }));
  assert.equal(screens, cli.count, `browser: ${asked.join(' ')}\ncli: ${cli.questions.join(' ')}`);
  assert.ok(screens <= 15, `${screens} screens`);
  for (const step of questionsOf(asked)) assert.doesNotMatch(step, /school_stage|pension_drawing/, 'implied by age');
  const { statuses } = await cliStatuses(page);
  const shown = await shownStatuses(page);
  for (const r of cli.results) if (r.status !== 'not_applicable') assert.equal(shown[r.id], statuses[r.id], r.id);
});

test('progress says about how many questions are left; the member list ends with 都加好了 and a removal can be undone', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/check');
  await page.getByTestId('choice-longyan').click();
  await page.waitForURL('**/check/members');
  const left = await page.getByTestId('progress').locator('p').textContent();
  assert.match(left, new RegExp(`^${ctx.zh['check.left_count'].replace('{n}', '\\d+')}$`));
  assert.equal(await page.getByTestId('members-done').count(), 0, 'nothing to finish before someone is added');
  assert.equal(await page.getByTestId('choice-unsure').count(), 0, 'everyone knows who lives with them');
  for (const [relation, age] of [['head', 68], ['spouse', 66]]) {
    await page.getByTestId('add-member').click();
    await page.getByTestId(`choice-${relation}`).click();
    await page.getByTestId('number-input').fill(String(age));
    await page.getByTestId('confirm').click();
    await page.waitForURL('**/check/members');
  }
  assert.equal((await page.getByTestId('members-done').textContent()).trim(), ctx.zh['member.done_next']);
  await page.getByTestId('remove-member-0').click();
  await page.getByTestId('member-removed').waitFor();
  assert.equal(await page.getByTestId('member-1').count(), 0);
  await screenshot(page, 'check-member-removed');
  await page.getByTestId('undo-remove').click();
  await page.getByTestId('member-1').waitFor();
  assert.match(await page.getByTestId('member-0').textContent(), /68/);
  await page.getByTestId('members-done').click();
  await page.waitForURL((u) => !u.pathname.endsWith('/check/members'));
  assert.match(await page.getByTestId('progress').locator('p').textContent(), /\d+|快/);
});
