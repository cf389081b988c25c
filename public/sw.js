// 乡亲 service worker: the app opens, the policy finder works and declarations can be drafted
// with no network after the first visit.
//
// - A release is a page plus the hashed files it names (Trunk gives every build new names).
//   It is cached as one unit under its own cache name; when a newer page is seen, its
//   files are cached first and only then are older releases of that page deleted, so a phone
//   never mixes the files of two releases.
// - Two pages: the households' (index.html, cached at install) and the cadres' (cadre.html, for
//   /review and /kiosk: cached only on a device that opened one of them, so that households
//   never download the cadres' code).
// - Pages: network first (the newest release when online), the cached release when not.
// - Hashed files: from the cache; they never change under their name. A release's files are
//   those its page names (the policies' words among them) and the Wasm chunks its scripts load
//   later.
// - A county's place list (/places/county/<code>.txt), once fetched: from the cache, so the
//   pickers work offline; refreshed in the background when online (a new year's codes). It
//   lives in its own cache, which a new release does not clear.
// - The API (/api/…) is never cached: declarations go through the app's outbox.
'use strict';

const HOUSEHOLD = { prefix: 'xiangqin-release-', page: '/index.html' };
const CADRE = { prefix: 'xiangqin-cadre-release-', page: '/cadre.html' };
// The cadres' page's routes (endpoint/src/app_routes.rs's CADRE_ROUTES; a test checks they agree).
const CADRE_ROUTES = ['/review', '/kiosk'];

function pageFor(pathname) {
  return CADRE_ROUTES.includes(pathname.replace(/\/+$/, '')) ? CADRE : HOUSEHOLD;
}
const PLACES = 'xiangqin-places-v1';

function assetsOf(html) {
  const found = new Set();
  // `content=`: the policies' words, named by <meta name=xiangqin-texts> (src/pages/later.rs).
  // The name ends where the attribute does (so `.json` is not read as `.js`).
  const re = /(?:href|src|content)=["']?(\/[^"'`\s>]+\.(?:js|wasm|css|json|webmanifest|png|svg))(?=["'`\s>])|["'`](\/[^"'`\s]+\.(?:js|wasm))["'`]/g;
  let m;
  while ((m = re.exec(html)) !== null) found.add(m[1] || m[2]);
  return [...found].sort();
}

// The files a release's scripts fetch themselves: the Wasm chunks of the screens after the
// questionnaire, named in the chunk loader (xiangqin-later-<hash>.js) and not in the page, so
// that a first visit does not download them before the first question (src/pages/later.rs).
async function laterAssetsOf(cache, assets) {
  const found = new Set();
  for (const a of assets) {
    if (!a.endsWith('.js')) continue;
    const text = await (await cache.match(a)).text();
    const re = /new URL\(["'`](\.\/[^"'`\s]+\.wasm)["'`]/g;
    let m;
    while ((m = re.exec(text)) !== null) found.add(new URL(m[1], new URL(a, self.location.origin)).pathname);
  }
  return [...found].sort();
}

// Fetches into the cache those of `files` it does not hold yet (a release shares files with the last).
async function addMissing(cache, files) {
  const missing = [];
  for (const f of files) if (!(await cache.match(f))) missing.push(f);
  await cache.addAll(missing);
}

async function releaseName(kind, assets) {
  const bytes = new TextEncoder().encode(assets.join('|'));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return kind.prefix + hex.slice(0, 16);
}

// Caches a release (a page and its files) and then removes every other release of that page.
async function keepRelease(kind, html) {
  const assets = assetsOf(html);
  if (!assets.some((a) => a.endsWith('.wasm'))) return; // not one of the app's pages
  const name = await releaseName(kind, assets);
  const cache = await caches.open(name);
  await addMissing(cache, assets);
  await addMissing(cache, await laterAssetsOf(cache, assets));
  await cache.put(kind.page, new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  for (const key of await caches.keys()) {
    if (key.startsWith(kind.prefix) && key !== name) await caches.delete(key);
  }
}

// One release kept at a time, in the order the pages came: two navigations close together (the
// last release's page, then a new one) must not interleave, or the older one, finishing last,
// deletes the newer one it does not know (and the phone has no release for use offline).
let keeping = Promise.resolve();
function keepReleaseInTurn(kind, html) {
  const turn = keeping.then(() => keepRelease(kind, html));
  keeping = turn.catch(() => {});
  return turn;
}

async function cachedPage(kind) {
  for (const key of await caches.keys()) {
    if (!key.startsWith(kind.prefix)) continue;
    const hit = await (await caches.open(key)).match(kind.page);
    if (hit) return hit;
  }
  return undefined;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch('/index.html', { cache: 'no-store' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((html) => keepReleaseInTurn(HOUSEHOLD, html))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return; // the network, untouched
  }
  if (request.mode === 'navigate') {
    const kind = pageFor(url.pathname);
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('Content-Type') || '').includes('text/html')) {
            const copy = response.clone();
            event.waitUntil(copy.text().then((html) => keepReleaseInTurn(kind, html)).catch(() => {}));
          }
          return response;
        })
        .catch(async () => (await cachedPage(kind)) || Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith('/places/')) {
    const fresh = fetch(request).then(async (response) => {
      if (response.ok) await (await caches.open(PLACES)).put(request, response.clone());
      return response;
    });
    event.waitUntil(fresh.catch(() => {}));
    event.respondWith(caches.open(PLACES).then((cache) => cache.match(request)).then((hit) => hit || fresh));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
