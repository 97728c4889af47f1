// Qudao service worker. The server fills in CACHE_VERSION and PRECACHE from the files of
// the current build (src/server/http.rs), so each deploy gets its own cache.
//
// - Precaches the app's hashed /pkg assets, icons, the manifest and the offline page.
// - Pages (navigations): network first; without network, the offline page — except the
//   pages a rep works in offline (PAGES: "Today"), whose last good copy is kept (and
//   dropped when the server answers with a redirect, i.e. the user signed out). The copy
//   kept is one this worker fetches when the page asks (each time it starts), never the
//   navigation's answer: the server draws the user's customers into that one, and the
//   kept copy is opened offline by whoever holds the tablet.
// - /pkg assets: cache first (hashed names never change content).
// - /api and everything else: straight to the network, never cached.
const CACHE_VERSION = "__CACHE_VERSION__";
const CACHE = "qudao-" + CACHE_VERSION;
const PRECACHE = [/*__PRECACHE__*/];
const OFFLINE_URL = "/offline.html";
const PAGES = ["/today"];
const PAGE_CACHE = "qudao-pages-" + CACHE_VERSION;

function keepPage(path, res) {
  return caches.open(PAGE_CACHE).then((c) =>
    res.ok && !res.redirected ? c.put(path, res) : c.delete(path)
  );
}

// The page asks for its own copy each time it starts; the server answers this fetch,
// marked as the copy to keep (`X-Qudao-Keep`, for browsers that do not say how a request
// was made), with the page's frame, no customer in it.
// On sign-out, and when another user signs in, the page asks for the kept copies to go:
// they are drawn for the user signed in when kept (name, company).
self.addEventListener("message", (event) => {
  if (event.data && event.data.forgetPages) {
    event.waitUntil(caches.open(PAGE_CACHE).then((c) => Promise.all(PAGES.map((p) => c.delete(p)))));
    return;
  }
  const path = event.data && event.data.keepPage;
  if (PAGES.includes(path)) {
    event.waitUntil(fetch(path, { credentials: "same-origin", cache: "no-store", headers: { "X-Qudao-Keep": "1" } }).then((res) => keepPage(path, res)).catch(() => {}));
  }
});

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
          keys
            .filter((k) => k.startsWith("qudao-") && k !== CACHE && k !== PAGE_CACHE)
            .map((k) => caches.delete(k))
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
    const kept = PAGES.includes(url.pathname);
    event.respondWith(
      fetch(req)
        .then((res) => {
          // a redirect (signed out) or an error drops the kept copy
          if (kept && (!res.ok || res.redirected)) event.waitUntil(keepPage(url.pathname, res.clone()));
          return res;
        })
        .catch(() =>
          (kept ? caches.open(PAGE_CACHE).then((c) => c.match(url.pathname)) : Promise.resolve(undefined))
            .then((hit) => hit || caches.match(OFFLINE_URL))
            .then((r) => r || new Response("offline", { status: 503 }))
        )
    );
    return;
  }

  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  }
});
