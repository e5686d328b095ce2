/// <reference lib="webworker" />
// The playground's service worker: on install it caches every file of the build (the list and
// a version hash are written into this file by vite.config.ts after the build); it then answers
// same-origin GETs from that cache, so the page works offline. A new build has a new version, so
// its worker installs beside the old one, takes over, and deletes the old cache.
//
// The cached responses keep their headers, COOP/COEP included: a page served isolated stays
// isolated (and multi-threaded) when it comes from the cache.
declare const self: ServiceWorkerGlobalScope;
export {}; // a module, so `self` above is this file's own declaration

/** Replaced after the build: ["index.html", "assets/index-….js", …] and a hash of their contents. */
const manifest = '__PRECACHE_MANIFEST__' as unknown as {readonly version: string; readonly files: readonly string[]};
const cacheName = `encoderless-playground-${manifest.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(cacheName)
    .then((cache) => cache.addAll(manifest.files.map((f) => new URL(f, self.registration.scope).href)))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('encoderless-playground-') && n !== cacheName).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(cacheName);
    // A page load of the site's folder ("/" or "/?x") is index.html.
    const key = request.mode === 'navigate' ? new URL('index.html', self.registration.scope).href : request;
    return (await cache.match(key, {ignoreSearch: request.mode === 'navigate'})) ?? fetch(request);
  })());
});
