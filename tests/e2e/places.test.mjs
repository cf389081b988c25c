// The place pickers of 一键申报 (您家在哪里): county, township and village chosen from the official
// lists, each with a search box matching any part of a name; a village missing from the list is
// written under its township; a county's list works offline once it has been used; a draft or a
// queued declaration from before the lists keeps what was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useEnv, screenshot, assertAccessible, appStorage, daysAgo, firstVisit, DRAFT_KEY, OUTBOX_KEY } from './harness.mjs';
import { ReportPage } from './pages.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans'] });

const applicant = {
  'applicant.name': '马十一',
  'applicant.id_number': '11010519491231002X',
  'applicant.phone': '13912345678',
  household_size: '5',
  risks: ['illness'],
  happened_on: daysAgo(12),
  description: '母亲生病住院，花了不少钱。',
};

function stored(sql) {
  return execFileSync('sqlite3', ['-json', ctx.env.server.dbPath, sql], { encoding: 'utf8' }).trim();
}

test('search finds any part of a name; the two 城关镇 of Qinghai are told apart by their county', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  await report.region('qinghai').check();
  // Counties grouped by city; the search narrows them.
  const countySearch = page.getByTestId('place-county-search');
  assert.ok((await page.locator('.chooser-group').count()) >= 8, 'grouped by city (市、州)');
  await countySearch.fill('大通');
  assert.equal(await page.getByTestId('place-county-count').textContent(), ctx.zh['place.found'].replace('{n}', '1'));
  await screenshot(page, 'place-county-search');
  await report.placeOption('county', '630121').click();
  assert.equal(await page.getByTestId('chosen-place.county').textContent(), '大通回族土族自治县');

  // The county's townships come from the endpoint; 城关 finds this county's 城关镇 only.
  await page.getByTestId('place-township-search').fill('城关');
  await report.placeOption('township', '630121101').waitFor();
  assert.equal(await page.getByTestId('place-township-630123100').count(), 0, "湟源县's 城关镇 is not offered");
  await report.placeOption('township', '630121101').click();
  // A word in the middle of a name finds it.
  const villages = await page.locator('[data-testid^="place-village-6"]').allTextContents();
  assert.ok(villages.length > 3, villages.join());
  const middle = villages[0].slice(1, 3);
  await page.getByTestId('place-village-search').fill(middle);
  const found = await page.locator('[data-testid^="place-village-6"]').allTextContents();
  assert.ok(found.length >= 1 && found.every((n) => n.includes(middle)), `${middle}: ${found.join()}`);
  await page.getByTestId('place-village-search').fill('没有这个名字');
  assert.equal(await page.getByTestId('place-village-count').textContent(), ctx.zh['place.none_found']);
  await page.getByTestId('place-village-search').fill('');
  await assertAccessible(page, 'village picker');
  await page.locator('[data-testid^="place-village-6"]').first().click();
  await screenshot(page, 'place-chosen');

  // Changing the township drops the village chosen under it.
  await page.getByTestId('change-place.township').click();
  await page.getByTestId('place-township-search').waitFor();
  assert.ok(!(await page.getByTestId('chosen-place.village').isVisible()));
  await report.placeOption('township', '630121101').click();
  await page.locator('[data-testid^="place-village-6"]').first().click();

  await report.fill(applicant);
  await report.next.click();
  await page.waitForURL('**/report/confirm');
  assert.match(await page.getByTestId('report-review').textContent(), /大通回族土族自治县 城关镇/);
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();
  await report.receipt.waitFor();
  const receipt = (await report.receipt.textContent()).trim();
  const [row] = JSON.parse(stored(`SELECT place_code, county, township FROM declarations WHERE receipt = '${receipt}'`));
  assert.match(row.place_code, /^630121101\d{3}$/);
  assert.deepEqual([row.county, row.township], ['大通回族土族自治县', '城关镇']);
});

test('露湖 finds 露湖村委会; a village not in the list is written and the declaration goes to its township', async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  await report.region('longyan').check();
  await report.placeOption('county', '350821').click();
  await report.placeOption('township', '350821106').click();
  await page.getByTestId('place-village-search').fill('露湖');
  assert.deepEqual(await page.locator('[data-testid^="place-village-3"]').allTextContents(), ['露湖村委会']);

  await page.getByTestId('place-village-other').click();
  // Nothing written yet: the form says so next to the village.
  await report.fill(applicant);
  await report.next.click();
  await report.fieldError('place.village').waitFor();
  await report.field('place.village').fill('新屋下自然村');
  assert.match(await page.getByTestId('place-written-note').textContent(), /河田镇/);
  await report.next.click();
  await page.waitForURL('**/report/confirm');
  await report.consentTruthful.check();
  await report.consentPersonalInfo.check();
  await report.submit.click();
  await report.receipt.waitFor();
  const receipt = (await report.receipt.textContent()).trim();
  const [row] = JSON.parse(stored(`SELECT place_code, township, village FROM declarations WHERE receipt = '${receipt}'`));
  assert.deepEqual(row, { place_code: '350821106', township: '河田镇', village: '新屋下自然村' });
});

test("Inner Mongolia's lists use its own words, in 大字", async (t) => {
  const page = await ctx.env.newPage(t);
  const report = new ReportPage(page);
  await report.open();
  await page.getByTestId('big-text').click();
  await report.region('inner_mongolia').check();
  await report.placeOption('county', '150521').click();
  assert.match(await page.locator('#f-place-township legend').textContent(), /苏木/);
  await report.placeOption('township', '150521200').click();
  assert.match(await page.locator('#f-place-village legend').textContent(), /嘎查/);
  assert.match(await page.getByTestId('place-village-other').textContent(), /名单里没有我家的嘎查/);
  const option = report.placeOption('village', '150521200200');
  const box = await option.boundingBox();
  assert.ok(box.height >= 48, `a big touch target: ${box.height}px`);
  const size = await option.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 28, `大字: ${size}px`);
  await screenshot(page, 'place-inner-mongolia-big-text', { fullPage: true });
});

test('a county used once is chosen again with no network; one never used says so and can be retried', async (t) => {
  const page = await ctx.env.newPage(t);
  await firstVisit(page);
  const report = new ReportPage(page);
  await report.open();
  await report.region('shaanxi').check();
  await report.placeOption('county', '610902').click();
  await report.placeOption('township', '610902001').waitFor();

  await page.context().setOffline(true);
  await page.reload();
  await report.heading.waitFor();
  // The draft kept the county; its townships come from the service worker's copy.
  await report.placeOption('township', '610902001').click();
  await page.locator('[data-testid^="place-village-6"]').first().click();
  await page.getByTestId('change-place.county').click();
  await report.placeOption('county', '610102').click();
  await page.getByTestId('place-township-note').filter({ hasText: ctx.zh['place.load_failed'] }).waitFor();
  await screenshot(page, 'place-offline-not-cached');
  await page.context().setOffline(false);
  await page.getByTestId('place-township-other').click();
  await report.placeOption('township', '610102001').waitFor();
});

test('a draft and a queued declaration from before the lists keep what was written', async (t) => {
  const page = await ctx.env.newPage(t);
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  // As the earlier app saved them: places typed by hand.
  const old = { region: 'longyan', county: '长汀县', township: '河田镇', village: '露湖村', name: '陈十二' };
  await page.evaluate(([key, draft]) => localStorage.setItem(key, JSON.stringify(draft)), [DRAFT_KEY, old]);
  const report = new ReportPage(page);
  await report.open();
  assert.match(await page.getByTestId('place-note').textContent(), /长汀县 河田镇 露湖村/);
  // The written names found their places in the lists: the household only checks them.
  await page.getByTestId('chosen-place.village').waitFor();
  assert.equal(await page.getByTestId('chosen-place.county').textContent(), '长汀县');
  assert.equal(await page.getByTestId('chosen-place.township').textContent(), '河田镇');
  assert.equal(await page.getByTestId('chosen-place.village').textContent(), '露湖村委会');
  assert.equal(await report.field('applicant.name').inputValue(), '陈十二');

  // A declaration queued by the earlier app is not sent (the endpoint would refuse it) but
  // comes back as the draft, place to be chosen, consent to be given again.
  const body = {
    region: 'qinghai',
    place: { county: '大通县', township: '城关镇', village: '东关村' },
    applicant: { name: '田十三', id_number: '11010519491231002X', phone: '13912345678' },
    household_size: 2,
    risk_types: ['disaster'],
    happened_on: daysAgo(3),
    description: '雹灾。',
    consent: { truthful: true, personal_info: true },
  };
  const entry = { key: crypto.randomUUID(), body: JSON.stringify(body), region: 'qinghai', queued_on: daysAgo(3) };
  await page.evaluate(([k, e]) => {
    localStorage.removeItem('xiangqin.declaration-draft.v1');
    localStorage.setItem(k, JSON.stringify([e]));
  }, [OUTBOX_KEY, entry]);
  const posted = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/declarations')) posted.push(r); });
  await report.open();
  assert.match(await page.getByTestId('place-note').textContent(), /大通县 城关镇 东关村/);
  assert.equal(await report.field('applicant.name').inputValue(), '田十三');
  // 大通县 is not how the list names it, and Qinghai has two 城关镇: the household chooses.
  await page.getByTestId('place-county-search').waitFor();
  const storage = await appStorage(page);
  assert.ok(!(OUTBOX_KEY in storage), 'out of the outbox');
  assert.equal(JSON.parse(storage[DRAFT_KEY]).name, '田十三');
  assert.equal(posted.length, 0, 'nothing was sent');
  assert.equal((await ctx.env.server.declarationsOf('田十三')).length, 0);
});
