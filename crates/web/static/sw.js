// The service worker: the pages a village head uses, once opened with a signal, open again
// without one. Pages: network first, the copy last seen when there is no network. Static files:
// kept at install. Only GET is ever answered from here: a form sent offline is kept by
// /static/offline.js (encrypted), never by this worker. Logging out empties the copies.
var CACHE = 'treem-v1';
var STATIC = ['/static/app.css', '/static/app.js', '/static/offline.js', '/static/icon.svg',
  '/static/icon-192.png', '/manifest.webmanifest'];
// The pages kept: the village's children and a child's page, adding or updating a child, the
// report of a case, the due lists (weighing day and health lists), the home page; the hazard
// sites, one site's page and the hazard map (drawn on the server as SVG: no tiles to fetch, so
// the copy kept is the whole map).
var PAGES = [/^\/$/, /^\/children$/, /^\/children\/new$/, /^\/children\/\d+$/,
  /^\/children\/\d+\/edit$/, /^\/cases\/new$/, /^\/health\/lists$/, /^\/health\/weighing$/,
  /^\/hazards$/, /^\/hazards\/map$/, /^\/hazards\/\d+$/];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(STATIC); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('message', function (e) {
  if (e.data === 'forget') { e.waitUntil(caches.delete(CACHE)); }
});

function kept(url) {
  return PAGES.some(function (p) { return p.test(url.pathname); });
}

var NO_COPY = '<!doctype html><html lang="vi"><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Mất sóng</title><link rel="stylesheet" href="/static/app.css"><main id="main">' +
  '<h1>Mất sóng</h1><p>Trang này chưa được mở lần nào khi có sóng nên chưa có trên máy. ' +
  'Các trang đã mở (danh sách trẻ, thêm trẻ, báo tin, danh sách cần làm) vẫn dùng được.</p>' +
  '<p><a href="/children">Danh sách trẻ</a> · <a href="/children/new">Thêm trẻ</a> · ' +
  '<a href="/cases/new">Báo tin</a></p></main></html>';

self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf('/static/') === 0 || url.pathname === '/manifest.webmanifest') {
    // The copy kept answers at once (a weak signal waits for nothing); a fresh one is fetched
    // behind it for next time.
    var fresh = fetch(req).then(function (r) {
      var copy = r.clone();
      if (r.ok) { caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
      return r;
    });
    e.respondWith(caches.match(req).then(function (hit) { return hit || fresh; }));
    e.waitUntil(fresh.catch(function () {}));
    return;
  }
  if (req.mode !== 'navigate' || !kept(url)) { return; }
  e.respondWith(fetch(req).then(function (r) {
    // A page answered while signed in is kept; the login page (redirected) is not.
    if (r.ok && !r.redirected) {
      var copy = r.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return r;
  }).catch(function () {
    return caches.match(req, { ignoreVary: true }).then(function (hit) {
      return hit || new Response(NO_COPY, {
        status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' }
      });
    });
  }));
});
