// The desk's and the kiosk's service worker (API.md section 13): their page,
// its modules, style sheets and the QR decoder are kept in a cache, so a page
// reloaded while the server is unreachable still loads and scans. Network
// first, the cache only when the network fails: a fix reaches every desk at
// once. API calls are never touched: they go to the network as they are.
//
// Served at <base>/assets/sw.js with Service-Worker-Allowed, registered by
// staff.js with the scope <base>/desk/ or <base>/kiosk/.

const CACHE = "hadir-pages-v1";
const BASE = self.location.pathname.replace(/\/assets\/sw\.js$/, "");
const PAGE = new RegExp(`^${BASE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(desk|kiosk)/[^/]+/?$`);
const ASSETS = `${BASE}/assets/`;

function kept(url) {
  return url.origin === self.location.origin && (PAGE.test(url.pathname) || url.pathname.startsWith(ASSETS));
}

// Without the query or fragment: a page is the same shell for every visit.
function key(url) {
  return `${url.origin}${url.pathname}`;
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !kept(url)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(event.request);
        if (response.ok) await cache.put(key(url), response.clone());
        return response;
      } catch (error) {
        const found = await cache.match(key(url));
        if (found) return found;
        throw error;
      }
    })(),
  );
});

// The page sends what it loaded before this worker controlled it.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const text of urls) {
        const url = new URL(text, self.location.origin);
        if (!kept(url)) continue;
        try {
          const response = await fetch(url.href, { cache: "no-cache" });
          if (response.ok) await cache.put(key(url), response);
        } catch {
          // offline already: what is cached stays
        }
      }
      if (event.source) event.source.postMessage({ kept: urls.length });
    })(),
  );
});
