// The app's offline copy. The build writes the list of the app's files and a version derived
// from their names into `sw.js` (vite.config.ts); installing caches all of them, so after one
// visit the page opens with the network gone. Requests to the dev server's API (tokens) and
// the WebSocket never go through the cache.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `media-sync-demo-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.includes('/api/')) return;
  // Pages of any query (`?user=…&device=…`) are the one index.html; the rest by exact path.
  const lookup =
    event.request.mode === 'navigate'
      ? caches.match(new URL('./', self.registration.scope).href, { cacheName: CACHE })
      : caches.match(event.request, { cacheName: CACHE, ignoreSearch: true });
  event.respondWith(lookup.then((cached) => cached ?? fetch(event.request)));
});
