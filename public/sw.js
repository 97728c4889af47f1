// Qudao service worker. The server fills in CACHE_VERSION and PRECACHE from the files of
// the current build (src/server/http.rs), so each deploy gets its own cache.
//
// - Precaches the app's hashed /pkg assets, icons, the manifest and the offline page.
// - Pages (navigations): network first; without network, the offline page.
// - /pkg assets: cache first (hashed names never change content).
// - /api and everything else: straight to the network, never cached.
const CACHE_VERSION = "__CACHE_VERSION__";
const CACHE = "qudao-" + CACHE_VERSION;
const PRECACHE = [/*__PRECACHE__*/];
const OFFLINE_URL = "/offline.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith("qudao-") && k !== CACHE).map((k) => caches.delete(k))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;

  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req).catch(() =>
        caches.match(OFFLINE_URL).then((r) => r || new Response("offline", { status: 503 }))
      )
    );
    return;
  }

  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  }
});
