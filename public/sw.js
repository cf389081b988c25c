// 乡亲 service worker: the app opens, the policy finder works and declarations can be drafted
// with no network after the first visit.
//
// - A release is index.html plus the hashed files it names (Trunk gives every build new names).
//   It is cached as one unit under its own cache name; when a newer index.html is seen, its
//   files are cached first and only then are older releases deleted, so a phone never mixes
//   the files of two releases.
// - Pages: network first (the newest release when online), the cached release when not.
// - Hashed files: from the cache; they never change under their name.
// - A county's place list (/places/county/<code>.txt), once fetched: from the cache, so the
//   pickers work offline; refreshed in the background when online (a new year's codes). It
//   lives in its own cache, which a new release does not clear.
// - The API (/api/…) is never cached: declarations go through the app's outbox.
'use strict';

const PREFIX = 'xiangqin-release-';
const PLACES = 'xiangqin-places-v1';

function assetsOf(html) {
  const found = new Set();
  const re = /(?:href|src)=["']?(\/[^"'`\s>]+\.(?:js|wasm|css|webmanifest|png|svg))|["'`](\/[^"'`\s]+\.(?:js|wasm))["'`]/g;
  let m;
  while ((m = re.exec(html)) !== null) found.add(m[1] || m[2]);
  return [...found].sort();
}

async function releaseName(assets) {
  const bytes = new TextEncoder().encode(assets.join('|'));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return PREFIX + hex.slice(0, 16);
}

// Caches a release (index.html and its files) and then removes every other release.
async function keepRelease(html) {
  const assets = assetsOf(html);
  if (!assets.some((a) => a.endsWith('.wasm'))) return; // not the app's page
  const name = await releaseName(assets);
  const cache = await caches.open(name);
  const missing = [];
  for (const a of assets) if (!(await cache.match(a))) missing.push(a);
  await cache.addAll(missing);
  await cache.put('/index.html', new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  for (const key of await caches.keys()) {
    if (key.startsWith(PREFIX) && key !== name) await caches.delete(key);
  }
}

async function currentIndex() {
  for (const key of await caches.keys()) {
    if (!key.startsWith(PREFIX)) continue;
    const hit = await (await caches.open(key)).match('/index.html');
    if (hit) return hit;
  }
  return undefined;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch('/index.html', { cache: 'no-store' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then(keepRelease)
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
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && (response.headers.get('Content-Type') || '').includes('text/html')) {
            const copy = response.clone();
            event.waitUntil(copy.text().then(keepRelease).catch(() => {}));
          }
          return response;
        })
        .catch(async () => (await currentIndex()) || Response.error()),
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
