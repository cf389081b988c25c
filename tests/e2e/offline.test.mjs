// Offline: after a first visit the service worker (public/sw.js) opens the app, runs the policy
// finder and keeps a declaration in the outbox with no network; a new release replaces the
// cached one whole. Runs on a copy of dist/ so that a "new release" can be made on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { useEnv, screenshot, appStorage, daysAgo, firstVisit, until, OUTBOX_KEY } from './harness.mjs';
import { CheckPage, ReportPage } from './pages.mjs';

const ctx = useEnv({ catalogues: ['zh-Hans'], copyDist: true });

test('with the network cut after the first visit, the app opens and the policy finder works', async (t) => {
  const page = await ctx.env.newPage(t);
  await firstVisit(page);
  await page.context().setOffline(true);
  await page.goto('/check');
  await page.getByTestId('choice-qinghai').click();
  await page.getByTestId('question-members').waitFor();
  await new CheckPage(page).listMembers([{ relation: 'head', age: 50 }]);
  await page.getByTestId('question-title').waitFor();
  await page.getByTestId('choice-unsure').click();
  await page.getByTestId('question-title').waitFor();
  await page.goto('/results');
  await page.getByTestId('results-title').waitFor();
  assert.ok((await page.locator('[data-testid^="result-qh-"]').count()) > 0, 'results from the rules in the page');
  await page.goto('/policy/qh-water-safety');
  await page.getByTestId('policy-quote').first().waitFor();
  await screenshot(page, 'offline-results');
  await page.context().setOffline(false);
});

test('sent while offline, reloaded, network back: exactly one declaration arrives', async (t) => {
  const page = await ctx.env.newPage(t);
  await firstVisit(page);
  const report = new ReportPage(page);
  await report.fillAndConsent({
    region: 'qinghai',
    place: ['630106', '630106106', '630106106215'],
    'applicant.name': '孙八',
    'applicant.id_number': '11010519491231002X',
    'applicant.phone': '13912345678',
    household_size: '3',
    risks: ['disaster'],
    happened_on: daysAgo(10),
    description: '冰雹把庄稼打了，收入没了。',
  });

  await page.context().setOffline(true);
  await report.submit.click();
  await report.sendError.waitFor();
  assert.equal(await report.sendError.textContent(), ctx.zh['report.network_failed']);
  await page.reload();
  await page.goto('/');
  await page.getByTestId('outbox-pending').waitFor();
  assert.equal(JSON.parse((await appStorage(page))[OUTBOX_KEY]).length, 1);

  await page.context().setOffline(false);
  await page.getByTestId('outbox-pending').waitFor({ state: 'detached' });
  const stored = await ctx.env.server.declarationsOf('孙八');
  assert.equal(stored.length, 1);
});

test('a new release replaces the cached one whole', async (t) => {
  const page = await ctx.env.newPage(t);
  await firstVisit(page);
  const before = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('xiangqin-release-')));
  assert.equal(before.length, 1);

  // A new build: the stylesheet gets a new hashed name (as Trunk does), index.html names it.
  const files = await readdir(ctx.dist);
  const css = files.find((f) => /^main-[0-9a-f]{12,16}\.css$/.test(f));
  const newCss = 'main-00000000000000aa.css';
  await cp(path.join(ctx.dist, css), path.join(ctx.dist, newCss));
  const index = await readFile(path.join(ctx.dist, 'index.html'), 'utf8');
  await writeFile(path.join(ctx.dist, 'index.html'), index.replaceAll(css, newCss));
  for (const ext of ['.br', '.gz']) await rm(path.join(ctx.dist, `index.html${ext}`), { force: true });

  await page.reload();
  await page.getByTestId('home-title').waitFor();
  // Polled from here (harness.mjs `until`).
  const kept = () => page.evaluate(async () => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('xiangqin-release-'));
    if (keys.length !== 1) return false;
    const cache = await caches.open(keys[0]);
    return Boolean(await cache.match('/main-00000000000000aa.css'));
  });
  await assert.doesNotReject(until(kept), 'the new release is kept within 10 s');
  const after = await page.evaluate(async () => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('xiangqin-release-'));
    const cache = await caches.open(keys[0]);
    const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return { keys, urls };
  });
  assert.notDeepEqual(after.keys, before, 'a new release name');
  assert.ok(after.urls.includes('/main-00000000000000aa.css'));
  assert.ok(!after.urls.includes(`/${css}`), 'no file of the old release is kept');

  // Offline, the new release opens.
  await page.context().setOffline(true);
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  const linked = await page.evaluate(() => [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href')));
  assert.deepEqual(linked, ['/main-00000000000000aa.css']);
  await page.context().setOffline(false);
});
