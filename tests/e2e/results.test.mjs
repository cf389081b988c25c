// A short answer first (issue 19): the Longyan household's results open with what applies, one
// line each with its first step; the "maybe"s grouped by what settles them, closed; a note about
// the whole document said once at the top, the rules' version at the foot; the page at most 3
// screens tall at 360×740 before anything is opened (6 in 大字); and Back from a policy page
// returns to the same place. The answers are stored on the device, not clicked through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, screenshot, assertAccessible, RULES_BIN } from './harness.mjs';
import { LONGYAN_68, longyanPartly, withAnswers, openResult } from './results-page.mjs';

const SCREEN = 740;
const ctx = useEnv({ catalogues: ['zh-Hans'] });

/** The rules' own statuses for stored answers today (the command-line tool, as check.test.mjs). */
function cliStatuses(answers) {
  const { unsure, asked, ...stored } = answers;
  const household = { ...stored.household };
  // The app divides the total income by the people listed (src/storage.rs).
  if ('income_total_yuan' in household) {
    household.income_per_capita_yuan = Math.round(household.income_total_yuan / stored.members.length);
    delete household.income_total_yuan;
  }
  const d = new Date();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const out = execFileSync(RULES_BIN, ['eval'], { input: JSON.stringify({ ...stored, household, as_of: today }), encoding: 'utf8' });
  const statuses = {};
  for (const r of JSON.parse(out).results) statuses[r.id] = r.status;
  return statuses;
}

/** Every card on the page, in page order: [id, status word, visible]. */
async function cards(page) {
  return page.locator('[data-testid^="result-"]').evaluateAll((els) =>
    els.map((el) => [
      el.dataset.testid.replace('result-', ''),
      el.querySelector('[data-testid="status"]').textContent.trim(),
      el.checkVisibility({ contentVisibilityAuto: true }),
    ]),
  );
}

async function pageHeight(page) {
  return page.evaluate(() => document.documentElement.scrollHeight);
}

test('the Longyan household: what applies first, one line each with its first step; ≤ 3 screens, ≤ 6 in 大字', async (t) => {
  const page = await ctx.env.newPage(t);
  await withAnswers(page, LONGYAN_68);
  await page.getByTestId('results-title').waitFor();
  const shown = await cards(page);
  const rules = cliStatuses(LONGYAN_68);
  const word = { applies: ctx.zh['results.applies'], maybe: ctx.zh['results.maybe'] };
  // Exactly the rules' applies and maybes; 不适用 stays off the page.
  assert.deepEqual(
    shown.map(([id, status]) => [id, status]).sort(),
    Object.entries(rules).filter(([, s]) => s !== 'not_applicable').map(([id, s]) => [id, word[s]]).sort(),
  );
  const applies = shown.filter(([, s]) => s === ctx.zh['results.applies']);
  assert.ok(applies.length >= 5, `the household's applies: ${applies.length}`);
  // Applies first: no applies after the first maybe; each applies visible, every maybe closed away.
  const firstMaybe = shown.findIndex(([, s]) => s === ctx.zh['results.maybe']);
  assert.ok(firstMaybe > 0, 'maybes after the applies');
  assert.ok(shown.slice(firstMaybe).every(([, s]) => s === ctx.zh['results.maybe']), 'no applies after a maybe');
  for (const [id, status, visible] of shown) assert.equal(visible, status === ctx.zh['results.applies'], id);
  // Each applies is one line: its title and the first step, nothing more until opened.
  for (const [id] of applies) {
    const card = page.getByTestId(`result-${id}`);
    assert.ok(await card.getByTestId('first-step').isVisible(), id);
    assert.match(await card.getByTestId('first-step').textContent(), new RegExp(`^${ctx.zh['results.first_step'].replace('{step}', '')}`));
    assert.equal(await card.getByTestId('card-how').isVisible(), false, `${id} is closed`);
  }
  const groups = await page.locator('details.maybe-group').evaluateAll((ds) => ds.map((d) => [d.dataset.testid, d.open]));
  assert.ok(groups.length > 0);
  assert.ok(groups.every(([, open]) => !open), 'the groups are closed');

  const height = await pageHeight(page);
  t.diagnostic(`results height at 360×740: ${height} px (${(height / SCREEN).toFixed(2)} screens), ${applies.length} applies, ${shown.length - applies.length} maybe`);
  await screenshot(page, 'results-short', { fullPage: true });
  assert.ok(height <= 3 * SCREEN, `results ${height} px > 3 screens`);
  await assertAccessible(page, 'the short results');

  await page.getByTestId('big-text').click();
  await page.waitForFunction(() => document.documentElement.classList.contains('big-text'));
  const big = await pageHeight(page);
  t.diagnostic(`results height in 大字: ${big} px (${(big / SCREEN).toFixed(2)} screens)`);
  await screenshot(page, 'results-short-big-text', { fullPage: true });
  assert.ok(big <= 6 * SCREEN, `results in 大字 ${big} px > 6 screens`);
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the page scrolls sideways (${scroll} > ${width})`);
});

test('the note about the whole document is said once at the top; the rules’ version at the foot', async (t) => {
  const page = await ctx.env.newPage(t);
  await withAnswers(page, longyanPartly());
  await page.getByTestId('results-title').waitFor();
  const notices = await page.getByTestId('results-notice').allTextContents();
  const afterCampaign = new Date() > new Date('2025-12-31T23:59:59');
  if (!afterCampaign) {
    assert.deepEqual(notices, [], 'inside 2021—2025 nothing is said');
    return;
  }
  assert.equal(notices.length, 1, notices.join(' | '));
  assert.match(notices[0], /2021—2025年过渡期/);
  assert.ok(await page.getByTestId('results-source').getByTestId('results-notice').isVisible());
  // Once on the whole page, closed cards included.
  const text = await page.locator('[data-testid="results"]').textContent();
  assert.equal(text.split(notices[0]).length - 1, 1, 'the note is said once');
  assert.doesNotMatch(text, /文件没有写期限，但这份文件/);
  // A card whose own clause says 过渡期 keeps its reason.
  const own = await openResult(page, 'ly-dibao-basic-pension-excluded');
  assert.match(await own.textContent(), /写明在过渡期内执行/);

  // The version is not in the header; it is the last line of the page.
  assert.doesNotMatch(await page.getByTestId('results-source').textContent(), /规则版本|\d+\.\d+\.\d+/);
  const version = page.getByTestId('results-version');
  assert.match(await version.textContent(), /^规则版本 \d+\.\d+\.\d+/);
  const last = await page.locator('[data-testid="results"]').evaluate((s) => s.lastElementChild.dataset.testid);
  assert.equal(last, 'results-version');
  const [versionTop, actionsTop] = await page.evaluate(() => [
    document.querySelector('[data-testid="results-version"]').getBoundingClientRect().top,
    document.querySelector('.results-actions').getBoundingClientRect().top,
  ]);
  assert.ok(versionTop > actionsTop, 'below the buttons');
});

test('the maybes are grouped by what settles them; a group opens to its questions, a card to its clause', async (t) => {
  const page = await ctx.env.newPage(t);
  const answers = longyanPartly();
  await withAnswers(page, answers);
  await page.getByTestId('results-title').waitFor();
  const rules = cliStatuses(answers);
  const maybes = Object.values(rules).filter((s) => s === 'maybe').length;
  const summaries = await page.getByTestId('group-summary').allTextContents();
  t.diagnostic(summaries.join(' / '));
  const template = new RegExp(`^${ctx.zh['results.group_questions'].replace('{q}', '(\\d+)').replace('{n}', '(\\d+)')}$`);
  const village = new RegExp(`^${ctx.zh['results.group_village'].replace('{n}', '(\\d+)')}$`);
  let counted = 0;
  let questionGroups = 0;
  for (const s of summaries) {
    const q = template.exec(s);
    const v = village.exec(s);
    assert.ok(q || v, s);
    counted += Number((q ?? v)[q ? 2 : 1]);
    if (q) questionGroups += 1;
  }
  assert.equal(counted, maybes, 'every maybe is in one group');
  assert.ok(questionGroups >= 2, 'several sets of questions');
  assert.ok(village.test(summaries.at(-1)), '要问村委会 last');
  const height = await pageHeight(page);
  t.diagnostic(`partly answered: ${height} px (${(height / SCREEN).toFixed(2)} screens)`);
  assert.ok(height <= 3 * SCREEN, `results ${height} px > 3 screens`);

  // The first group: as many questions listed as its line says, and the button goes to the first.
  const group = page.locator('details.maybe-group').first();
  await group.getByTestId('group-summary').click();
  const [, q, n] = template.exec(summaries[0]);
  assert.equal(await group.getByTestId('group-question').count(), Number(q));
  assert.equal(await group.locator('details.policy-card').count(), Number(n));
  const first = await group.getByTestId('group-question').first().getAttribute('href');
  assert.equal(await group.getByTestId('group-answer').getAttribute('href'), first);
  assert.match(first, /^\/check\//);
  await screenshot(page, 'results-group-open', { fullPage: true });
  await assertAccessible(page, 'results with a group open');

  // A card opens to the reason, what the household gets, how to apply and the clause quoted: the
  // same quote as on its policy page.
  const card = await openResult(page, 'ly-agri-insurance');
  for (const id of ['card-gets', 'card-how', 'card-quote']) assert.ok(await card.getByTestId(id).first().isVisible(), id);
  assert.ok((await card.locator('.reason').first().textContent()).length > 0);
  const quotes = await card.getByTestId('card-quote').allTextContents();
  await card.getByTestId('policy-link').click();
  await page.getByTestId('policy-title').waitFor();
  assert.deepEqual(await page.getByTestId('policy-quote').allTextContents(), quotes);

  await page.goBack();
  await page.getByTestId('results-title').waitFor();
  await group.getByTestId('group-answer').click();
  await page.waitForURL((u) => u.pathname === first);
  await page.getByTestId('question-title').waitFor();
});

test('Back from a policy page returns to the same place: the same groups and cards open, the same scroll', async (t) => {
  const page = await ctx.env.newPage(t);
  await withAnswers(page, longyanPartly());
  await page.getByTestId('results-title').waitFor();
  // Open the village group and a card in it, far down the page.
  const villageGroup = page.getByTestId('maybe-group-village');
  await villageGroup.getByTestId('group-summary').click();
  const id = await villageGroup.locator('details.policy-card').last().evaluate((d) => d.dataset.testid.replace('result-', ''));
  const card = await openResult(page, id);
  await card.getByTestId('policy-link').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 40));
  const place = async () => page.evaluate(() => ({
    scroll: Math.round(window.scrollY),
    open: [...document.querySelectorAll('[data-testid="results"] details')].filter((d) => d.open).map((d) => d.dataset.testid),
  }));
  const was = await place();
  assert.ok(was.scroll > 740, `scrolled down: ${was.scroll}`);
  assert.deepEqual(was.open, ['maybe-group-village', `result-${id}`]);

  // The browser's Back.
  await card.getByTestId('policy-link').click();
  await page.getByTestId('policy-title').waitFor();
  assert.equal(new URL(page.url()).pathname, `/policy/${id}`);
  await page.goBack();
  await page.getByTestId('results-title').waitFor();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, was.scroll, { timeout: 5_000 }).catch(() => {});
  assert.deepEqual(await place(), was, 'Back returns to the same place');

  // The policy page's own back link leads to the results too, to the same place.
  await page.getByTestId(`result-${id}`).getByTestId('policy-link').click();
  await page.getByTestId('policy-title').waitFor();
  await page.getByTestId('back').click();
  await page.getByTestId('results-title').waitFor();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, was.scroll, { timeout: 5_000 }).catch(() => {});
  assert.deepEqual(await place(), was, 'the back link returns to the same place');
});
