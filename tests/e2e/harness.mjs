// End-to-end harness: the real endpoint binary (fresh SQLite database in a temp folder, serving
// the built app from dist/) and Debian's Chromium driven by playwright-core. One browser per test
// file, a fresh context (empty LocalStorage) per test; a page error fails the test. A test file
// sets all of it up with `useEnv` (below).
import { before, after } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, mkdir, rm, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST = path.resolve(ROOT, process.env.XIANGQIN_DIST ?? 'dist');
export const OUTPUT = path.join(ROOT, 'tests/e2e/output');
/** The rules' command-line tool (`xiangqin-rules eval`, `interview`), to compare the page with. */
export const RULES_BIN = process.env.XIANGQIN_RULES_BIN ?? path.join(ROOT, 'target/release/xiangqin-rules');
const require = createRequire(import.meta.url);

/** The shipped message catalogue, so that assertions use the same strings as the app. */
export async function catalogue(tag = 'zh-Hans') {
  return JSON.parse(await readFile(path.join(ROOT, 'locales', `${tag}.json`), 'utf8'));
}

/** A date `n` days ago, as a date input wants it (YYYY-MM-DD). */
export function daysAgo(n) {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Starts the endpoint on a free port with a fresh database; resolves once it is listening.
 * `args`: more flags, e.g. `['--service-name', '长汀县 乡亲申报', '--deadlines', 'home_visit=7']`.
 */
export async function startServer({ dist: distDir, args = [] } = {}) {
  const bin = process.env.XIANGQIN_ENDPOINT_BIN ?? path.join(ROOT, 'target/release/xiangqin-endpoint');
  const dist = distDir ?? path.resolve(ROOT, process.env.XIANGQIN_DIST ?? 'dist');
  const dir = await mkdtemp(path.join(tmpdir(), 'xiangqin-e2e-'));
  const dbPath = path.join(dir, 'test.db');
  const child = spawn(
    bin,
    ['--listen', '127.0.0.1:0', '--database-url', `sqlite://${dbPath}`, '--static-dir', dist, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' } },
  );
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`endpoint did not report its address in 20 s:\n${log}`)), 20_000);
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (c) => { log += c; });
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${bin}: ${e.message}`)); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`endpoint exited (${code}) before listening:\n${log}`)); });
  });
  let tokens;
  return {
    url,
    dbPath,
    log: () => log,
    /** Runs an operator command (`token add …`) on the server's database: what it printed. */
    operator(...args) {
      return execFileSync(bin, ['--database-url', `sqlite://${dbPath}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    },
    /** A cadre's token for this division code and role (`village`, `observer`…), by the operator command. */
    issueToken(division, role, name) {
      return this.operator('token', 'add', '--division', division, '--role', role, '--name', name);
    },
    /**
     * Every declaration stored, as the review API shows it (the database keeps names, ID and
     * phone numbers and the body encrypted): the detail of each, read with observer tokens of
     * the five regions issued by the operator command.
     */
    async declarations() {
      tokens ??= ['63', '3508', '61', '15', '620602'].map((division) => this.issueToken(division, 'observer', 'e2e 核对'));
      const get = async (token, path) => {
        const response = await fetch(`${url}/api/v1/review/${path}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 200, path);
        return response.json();
      };
      const all = [];
      for (const token of tokens) {
        for (const item of await get(token, 'declarations')) all.push(await get(token, `declarations/${item.receipt}`));
      }
      return all;
    },
    /** The declarations stored for this applicant's name, as `declarations()` gives them. */
    async declarationsOf(name) {
      return (await this.declarations()).filter((d) => d.applicant_name === name);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's Chromium. `backForwardCache`: keep the browser's back-forward cache on (playwright
 * turns it off), for the tests of what Back brings back.
 */
export async function launchBrowser({ backForwardCache = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Server + browser for one test file. `env.newPage(t)` gives a page in a fresh 360×740 context;
 * when the test ends the context is closed and any uncaught page error fails the test.
 */
export async function startEnv({ dist, args, backForwardCache } = {}) {
  await mkdir(OUTPUT, { recursive: true });
  const server = await startServer({ dist, args });
  let browser;
  try {
    browser = await launchBrowser({ backForwardCache });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    server,
    browser,
    async newPage(t, { offline = false, enforceCsp = false, allowErrors = false } = {}) {
      const context = await browser.newContext({
        // axe-core is injected as an inline script, which the endpoint's CSP rightly refuses;
        // one test (home.test.mjs) runs the app with the policy enforced.
        bypassCSP: !enforceCsp,
        baseURL: server.url,
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      const page = await context.newPage();
      const pageErrors = [];
      const consoleErrors = [];
      page.on('pageerror', (e) => pageErrors.push(e));
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      t.after(async () => {
        await context.close();
        for (const c of consoleErrors) t.diagnostic(`console error: ${c}`);
        if (!allowErrors) assert.deepEqual(pageErrors.map(String), [], 'uncaught errors in the page');
      });
      if (offline) await context.setOffline(true);
      return page;
    },
    async stop() {
      await browser?.close();
      await server.stop();
    },
  };
}

/** The locales the app ships (locales/<tag>.json), each by its language: `zh-Hans` → `zh`. */
const LANGUAGES = Object.fromEntries(
  readdirSync(path.join(ROOT, 'locales'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .map((tag) => [tag.split('-')[0], tag]),
);

/**
 * The setup of one test file: registers node:test's `before` (load the catalogues asked for,
 * copy dist/ if asked, then `startEnv`) and `after` (stop it all, remove the copy), and returns
 * what they set up, to be used inside the tests:
 *
 *     const ctx = useEnv({ catalogues: ['zh-Hans', 'en'] });
 *     test('…', async (t) => {
 *       const page = await ctx.env.newPage(t);
 *       assert.equal(await page.title(), ctx.zh['app.name']);
 *     });
 *
 * - `ctx.env`: what `startEnv` gives (`newPage`, `server`, `browser`).
 * - `ctx.zh`, `ctx.en`: the catalogues named in `catalogues`, by their language.
 * - `ctx.dist`: with `copyDist: true`, a copy of dist/ in a temporary folder that the server
 *   serves, for a test that changes the release on disk (offline.test.mjs makes a "new release"
 *   the service worker must pick up); the shared build is never touched.
 *
 * `args` and `backForwardCache` go to `startEnv`. Call it more than once for more servers (each
 * with its own hooks). Reading a property before `before` has run, or one not asked for, throws.
 */
export function useEnv({ catalogues = [], copyDist = false, args, backForwardCache } = {}) {
  for (const tag of catalogues) {
    if (!Object.values(LANGUAGES).includes(tag)) throw new Error(`useEnv: no locales/${tag}.json`);
  }
  const set = {};
  before(async () => {
    for (const tag of catalogues) set[tag] = await catalogue(tag);
    if (copyDist) {
      set.dist = await mkdtemp(path.join(tmpdir(), 'xiangqin-dist-'));
      await cp(DIST, set.dist, { recursive: true });
    }
    set.env = await startEnv({ dist: set.dist, args, backForwardCache });
  });
  after(async () => {
    await set.env?.stop();
    if (set.dist) await rm(set.dist, { recursive: true, force: true });
  });
  const ready = (name, key, missing) => {
    if (missing) throw new Error(`useEnv: ctx.${name} was not asked for: ${missing}`);
    if (!(key in set)) throw new Error(`useEnv: ctx.${name} is set by useEnv's before hook, which has not run (or failed): use it inside a test`);
    return set[key];
  };
  const ctx = {};
  Object.defineProperty(ctx, 'env', { enumerable: true, get: () => ready('env', 'env') });
  Object.defineProperty(ctx, 'dist', {
    enumerable: true,
    get: () => ready('dist', 'dist', !copyDist && 'useEnv({ copyDist: true })'),
  });
  for (const [language, tag] of Object.entries(LANGUAGES)) {
    Object.defineProperty(ctx, language, {
      enumerable: true,
      get: () => ready(language, tag, !catalogues.includes(tag) && `useEnv({ catalogues: [..., '${tag}'] })`),
    });
  }
  return ctx;
}

/** A 360×740 screenshot into tests/e2e/output/<name>.png. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage });
}

/** Runs axe-core in the page; fails on any WCAG A/AA violation. */
export async function assertAccessible(page, label) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() =>
    globalThis.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  const problems = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(problems, [], `accessibility problems on ${label}`);
}

/**
 * Resolves once `done()` (sync or async) gives true, asked every `every` ms; rejects after
 * `timeout` ms. For what the page cannot wait on itself: Playwright's waitForFunction takes the
 * promise of an async function for a true answer.
 */
export async function until(done, { timeout = 10_000, every = 50 } = {}) {
  for (const end = Date.now() + timeout; !(await done()); ) {
    if (Date.now() > end) throw new Error(`not so within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Opens the app once online and waits until the service worker controls the page. */
export async function firstVisit(page) {
  await page.goto('/');
  await page.getByTestId('home-title').waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.getByTestId('home-title').waitFor();
  assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'controlled by the service worker');
}

/** The paths of the Wasm files the page asks for from now on, in order (kept up to date). */
export function wasmRequests(page) {
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  return wasm;
}

/** A slow mobile link (400 kbit/s, 400 ms round trip), as `bench/run load` has it. */
export async function slowLink(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: 400_000 / 8,
    uploadThroughput: 400_000 / 8,
  });
}

// The app's keys in LocalStorage that the tests read or set (src/storage.rs, src/outbox.rs).
export const ANSWERS_KEY = 'xiangqin.answers.v1';
export const DRAFT_KEY = 'xiangqin.declaration-draft.v1';
export const RECEIPT_KEY = 'xiangqin.last-receipt.v1';
export const OUTBOX_KEY = 'xiangqin.outbox.v1';

/** The app's keys in LocalStorage, with their values. */
export async function appStorage(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((k) => k.startsWith('xiangqin.'))
        .map((k) => [k, localStorage.getItem(k)]),
    ),
  );
}

/** The first step of a Longyan declaration, as `ReportPage.fill` takes it; `overrides` replace fields. */
export function household(overrides = {}) {
  return {
    region: 'longyan',
    place: ['350821', '350821106', '350821106231'],
    'applicant.name': '张三',
    'applicant.id_number': '11010519491231002X',
    'applicant.phone': '13912345678',
    household_size: '4',
    risks: ['illness', 'income_drop'],
    happened_on: daysAgo(40),
    description: '父亲住院做手术，花了很多钱，家里没人出去打工了。',
    rigid_expense_yuan: '3.5万',
    ...overrides,
  };
}
