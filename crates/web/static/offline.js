// Entries kept on the phone while there is no signal (mục lưu trên máy khi mất sóng).
// A form marked data-offline (adding or updating a child, reporting a case) sent with no network
// is kept in IndexedDB, encrypted with AES-GCM under a key derived (PBKDF2) from a PIN the user
// sets on this phone. Neither the PIN nor the key is ever stored: the key lives in this page's
// memory only; localStorage keeps the salt and a check value that tells a wrong PIN. When the
// signal is back ("online", or the "Gửi ngay" button) each entry is sent with the id made on the
// phone (crypto.randomUUID) as its Idempotency-Key and submission id: the server stores it once
// however often it arrives. An update the office changed meanwhile comes back 409 and is kept
// as "Xung đột" with both values until the user chooses; nothing is dropped unasked.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.crypto || !crypto.subtle || !window.indexedDB) {
    return;
  }
  navigator.serviceWorker.register('/sw.js').catch(function () {});
  // Logging out forgets the copies of pages (they hold children's names); the encrypted
  // entries stay until sent.
  document.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener('submit', function () {
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage('forget');
      }
    });
  });

  var PIN_SETTING = 'treem-offline-pin';
  var ITERATIONS = 200000;
  var key = null;
  var waitingForm = null;
  var sending = false;
  var forms = document.querySelectorAll('form[data-offline]');
  var enc = new TextEncoder(), dec = new TextDecoder();

  function b64(buf) {
    var s = '', a = new Uint8Array(buf);
    for (var i = 0; i < a.length; i++) { s += String.fromCharCode(a[i]); }
    return btoa(s);
  }
  function unb64(s) { return Uint8Array.from(atob(s), function (c) { return c.charCodeAt(0); }); }

  async function derive(pin, salt) {
    var base = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']);
    return crypto.subtle.deriveKey(
      { name: 'PBKDF2', salt: salt, iterations: ITERATIONS, hash: 'SHA-256' }, base,
      { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }
  async function seal(k, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv }, k,
      enc.encode(JSON.stringify(value)));
    return { iv: b64(iv), data: b64(data) };
  }
  async function unseal(k, rec) {
    var plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(rec.iv) }, k,
      unb64(rec.data));
    return JSON.parse(dec.decode(plain));
  }

  // IndexedDB: one store of {id, at, state, iv, data}; only the id, time and state are clear.
  function store(mode, work) {
    return new Promise(function (ok, no) {
      var open = indexedDB.open('treem-offline', 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore('entries', { keyPath: 'id' });
      };
      open.onerror = function () { no(open.error); };
      open.onsuccess = function () {
        var t = open.result.transaction('entries', mode);
        var req = work(t.objectStore('entries'));
        t.oncomplete = function () { ok(req ? req.result : undefined); open.result.close(); };
        t.onerror = function () { no(t.error); };
      };
    });
  }
  function entries() {
    return store('readonly', function (s) { return s.getAll(); }).then(function (all) {
      return all.sort(function (a, b) { return a.at < b.at ? -1 : 1; });
    });
  }
  function save(rec) { return store('readwrite', function (s) { return s.put(rec); }); }
  function forget(id) { return store('readwrite', function (s) { return s.delete(id); }); }

  // The panel at the top of the page.
  var panel = null, status = null, countLine = null, list = null, pinBox = null;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) { e.textContent = text; }
    return e;
  }
  function say(text) { if (status) { status.textContent = text; } }
  function pinSet() { return !!localStorage.getItem(PIN_SETTING); }

  function buildPanel() {
    var main = document.getElementById('main');
    if (!main || panel) { return; }
    panel = el('section', { id: 'offline', class: 'card offline', 'aria-label': 'Lưu khi mất sóng' });
    panel.appendChild(el('h2', {}, 'Lưu khi mất sóng'));
    status = el('p', { id: 'offline-status', role: 'status' });
    pinBox = el('div', { id: 'offline-pin' });
    countLine = el('p', { id: 'offline-count' });
    list = el('ul', { id: 'offline-entries', class: 'offline-entries' });
    panel.appendChild(status);
    panel.appendChild(pinBox);
    panel.appendChild(countLine);
    panel.appendChild(list);
    // Below the list of problems when there is one: the summary stays where it was focused.
    var after = document.getElementById('problems') || main.querySelector('h1');
    if (after && after.parentNode === main) {
      main.insertBefore(panel, after.nextSibling);
    } else if (after) {
      after.parentNode.insertBefore(panel, after.nextSibling);
    } else {
      main.insertBefore(panel, main.firstChild);
    }
  }

  function drawPin() {
    pinBox.textContent = '';
    if (key) {
      pinBox.appendChild(el('p', { class: 'muted' },
        'Đã mở khoá: biểu mẫu gửi lúc mất sóng sẽ được lưu trên máy (đã mã hoá).'));
      return;
    }
    var first = !pinSet();
    var label = first ? 'Mã PIN để lưu khi mất sóng' : 'Nhập mã PIN của máy này';
    var row = el('div', { class: 'grid' });
    var f1 = el('div', { class: 'field' });
    f1.appendChild(el('label', { for: 'offline-pin-1' }, label));
    f1.appendChild(el('input', { id: 'offline-pin-1', type: 'password', inputmode: 'numeric',
      autocomplete: 'off', minlength: '4' }));
    row.appendChild(f1);
    if (first) {
      var f2 = el('div', { class: 'field' });
      f2.appendChild(el('label', { for: 'offline-pin-2' }, 'Nhập lại mã PIN'));
      f2.appendChild(el('input', { id: 'offline-pin-2', type: 'password', inputmode: 'numeric',
        autocomplete: 'off' }));
      row.appendChild(f2);
    }
    pinBox.appendChild(row);
    if (first) {
      pinBox.appendChild(el('p', { class: 'muted' }, 'Ít nhất 4 chữ số. Máy không ghi lại mã ' +
        'PIN: quên mã thì các mục chưa gửi không mở được nữa.'));
    }
    var b = el('button', { type: 'button', id: 'offline-unlock' }, first ? 'Đặt mã PIN' : 'Mở khoá');
    b.addEventListener('click', unlock);
    pinBox.appendChild(b);
  }

  async function unlock() {
    var pin = document.getElementById('offline-pin-1').value.trim();
    var again = document.getElementById('offline-pin-2');
    if (pin.length < 4) { say('Mã PIN cần ít nhất 4 chữ số.'); return; }
    if (again && again.value.trim() !== pin) { say('Hai lần nhập mã PIN không giống nhau.'); return; }
    var setting = JSON.parse(localStorage.getItem(PIN_SETTING) || 'null');
    if (!setting) {
      var salt = crypto.getRandomValues(new Uint8Array(16));
      var k = await derive(pin, salt);
      localStorage.setItem(PIN_SETTING, JSON.stringify({ salt: b64(salt), check: await seal(k, 'treem') }));
      key = k;
      say('Đã đặt mã PIN. Khi mất sóng, biểu mẫu sẽ được lưu trên máy.');
    } else {
      var tried = await derive(pin, unb64(setting.salt));
      try { await unseal(tried, setting.check); } catch (e) { say('Mã PIN không đúng.'); return; }
      key = tried;
      say('Đã mở khoá.');
    }
    await draw();
    if (waitingForm) { var f = waitingForm; waitingForm = null; await keep(f); }
    if (navigator.onLine) { sendAll(); }
  }

  function stateWord(s) {
    return { waiting: 'Chờ gửi', conflict: 'Xung đột', refused: 'Máy chủ chưa nhận' }[s] || s;
  }

  async function draw() {
    if (!panel) { return; }
    drawPin();
    var all = await entries();
    var waiting = all.filter(function (r) { return r.state === 'waiting'; }).length;
    countLine.textContent = '';
    if (all.length) {
      countLine.appendChild(el('strong', { id: 'offline-waiting' }, waiting + ' mục chờ gửi'));
      var others = all.length - waiting;
      if (others) { countLine.appendChild(document.createTextNode(', ' + others + ' mục cần xem lại')); }
      if (waiting) {
        var send = el('button', { type: 'button', id: 'offline-send' }, 'Gửi ngay');
        send.addEventListener('click', sendAll);
        countLine.appendChild(document.createTextNode(' '));
        countLine.appendChild(send);
      }
    }
    list.textContent = '';
    for (var i = 0; i < all.length; i++) { list.appendChild(await item(all[i])); }
  }

  // One entry: what it is (readable only once unlocked), its state, and for a conflict both
  // values with the three choices.
  async function item(rec) {
    var li = el('li', { class: 'offline-' + rec.state, 'data-id': rec.id });
    li.appendChild(el('strong', {}, stateWord(rec.state)));
    if (!key) {
      li.appendChild(document.createTextNode(' — lưu lúc ' + new Date(rec.at).toLocaleString('vi-VN')));
      return li;
    }
    var p = await unseal(key, rec);
    li.appendChild(document.createTextNode(' — ' + p.title));
    if (p.problem) { li.appendChild(el('p', { class: 'error' }, p.problem)); }
    if (rec.state === 'conflict' && p.conflict) {
      li.appendChild(el('p', {}, 'Văn phòng đã sửa hồ sơ này sau khi bạn mở nó. Chưa ghi đè gì.'));
      // On a phone the table folds into one block a row: each value says whose it is.
      var words = ['Mục', 'Văn phòng đã lưu', 'Của tôi'];
      var t = el('table', { class: 'list conflict' });
      var thead = el('thead', {}), head = el('tr', {});
      words.forEach(function (h) { head.appendChild(el('th', { scope: 'col' }, h)); });
      thead.appendChild(head);
      t.appendChild(thead);
      var tbody = el('tbody', {});
      p.conflict.rows.forEach(function (r) {
        var tr = el('tr', {});
        r.forEach(function (c, i) {
          tr.appendChild(el('td', { 'data-label': i ? words[i] : '' }, c || '(trống)'));
        });
        tbody.appendChild(tr);
      });
      t.appendChild(tbody);
      var wrap = el('div', { class: 'table-wrap' });
      wrap.appendChild(t);
      li.appendChild(wrap);
      li.appendChild(choice('Giữ của tôi', 'keep-mine', async function () {
        p.fields = p.conflict.merged;
        delete p.conflict;
        await save(Object.assign(rec, await seal(key, p), { state: 'waiting' }));
        sendAll();
      }));
      li.appendChild(choice('Giữ bản của văn phòng', 'keep-office', async function () {
        await forget(rec.id);
        say('Đã bỏ mục này; hồ sơ giữ như văn phòng đã lưu.');
        draw();
      }));
      li.appendChild(choice('Sửa', 'edit', function () { openForm(p); }));
    } else if (rec.state === 'refused') {
      li.appendChild(choice('Mở để sửa', 'edit', function () { openForm(p); }));
      li.appendChild(choice('Bỏ mục này', 'drop', async function () {
        if (window.confirm('Bỏ mục này? Nội dung sẽ mất.')) { await forget(rec.id); draw(); }
      }));
    }
    return li;
  }
  function choice(text, what, act) {
    var b = el('button', { type: 'button', 'data-choice': what }, text);
    b.addEventListener('click', act);
    return b;
  }

  // Sends the kept values as the page's own form, so the server's page (its merge of both
  // versions, or its messages) is where the user finishes; the entry stays until they choose.
  function openForm(p) {
    var f = el('form', { method: 'post', action: p.action });
    body(p).forEach(function (v, k) {
      var i = el('input', { type: 'hidden', name: k });
      i.value = v;
      f.appendChild(i);
    });
    document.body.appendChild(f);
    f.submit();
  }

  function body(p) {
    var csrf = document.querySelector('input[name="_csrf"]');
    var out = new URLSearchParams();
    p.fields.forEach(function (kv) {
      if (kv[0] === '_submission') { return; }
      out.append(kv[0], kv[0] === '_csrf' && csrf ? csrf.value : kv[1]);
    });
    out.append('_submission', p.id);
    return out;
  }

  async function keep(form) {
    var fields = [];
    new FormData(form).forEach(function (v, k) { if (typeof v === 'string') { fields.push([k, v]); } });
    var name = form.querySelector('[name="full_name"], [name="child.full_name"]');
    var h1 = document.querySelector('h1');
    var id = crypto.randomUUID();
    var p = {
      id: id, action: form.getAttribute('action'), fields: fields,
      title: (function (t) {
        return name && name.value && t.indexOf(name.value) < 0 ? t + ': ' + name.value : t;
      })(h1 ? h1.textContent.trim() : 'Biểu mẫu')
    };
    await save(Object.assign({ id: id, at: new Date().toISOString(), state: 'waiting' }, await seal(key, p)));
    if (form.dataset.offline === 'child-new' || form.dataset.offline === 'case') { form.reset(); }
    say('Đã lưu trên máy, sẽ gửi khi có sóng.');
    await draw();
    panel.scrollIntoView();
  }

  // Each waiting entry, oldest first, under its own id; stops at the first network failure.
  async function sendAll() {
    if (sending) { return; }
    var all = (await entries()).filter(function (r) { return r.state === 'waiting'; });
    if (!all.length) { return; }
    if (!key) { say('Có ' + all.length + ' mục chờ gửi: nhập mã PIN để gửi.'); return; }
    sending = true;
    var sent = 0, conflicts = 0, stopped = '';
    try {
      for (var i = 0; i < all.length; i++) {
        var rec = all[i], p = await unseal(key, rec), r;
        try {
          r = await fetch(p.action, { method: 'POST', body: body(p), credentials: 'same-origin',
            headers: { 'Idempotency-Key': rec.id } });
        } catch (e) { stopped = 'Chưa có sóng: các mục vẫn nằm trên máy.'; break; }
        if (r.redirected && new URL(r.url).pathname === '/login') {
          stopped = 'Hãy đăng nhập lại rồi bấm Gửi ngay.';
          break;
        }
        if (r.ok) { await forget(rec.id); sent++; continue; }
        if (r.status === 409 || r.status === 422) {
          var doc = new DOMParser().parseFromString(await r.text(), 'text/html');
          if (r.status === 409) {
            p.conflict = { rows: conflictRows(doc), merged: formFields(doc) };
          } else {
            var why = doc.querySelector('.error, .field-error, #duplicates h2, [role="alert"]');
            p.problem = why ? why.textContent.trim() : 'Biểu mẫu có chỗ cần sửa.';
          }
          if (r.status === 409) { conflicts++; }
          await save(Object.assign(rec, await seal(key, p),
            { state: r.status === 409 ? 'conflict' : 'refused' }));
          continue;
        }
        stopped = 'Máy chủ chưa nhận (mã ' + r.status + '); các mục vẫn nằm trên máy.';
        break;
      }
    } finally { sending = false; }
    say((sent ? 'Đã gửi ' + sent + ' mục. ' : '') +
      (conflicts ? conflicts + ' mục xung đột với thay đổi ở văn phòng: chưa ghi đè gì, ' +
        'xem hai giá trị bên dưới rồi chọn. ' : '') + stopped);
    await draw();
  }

  function conflictRows(doc) {
    return Array.prototype.map.call(doc.querySelectorAll('#conflict tbody tr'), function (tr) {
      return Array.prototype.slice.call(tr.cells, 0, 3).map(function (td) { return td.textContent.trim(); });
    });
  }
  // The server's merged form: what only the office changed taken in, mine where both changed.
  function formFields(doc) {
    var f = doc.querySelector('form[data-offline]'), out = [];
    if (!f) { return out; }
    Array.prototype.forEach.call(f.elements, function (e) {
      if (!e.name || e.name.indexOf('take_') === 0) { return; }
      if ((e.type === 'checkbox' || e.type === 'radio') && !e.checked) { return; }
      if (e.tagName === 'BUTTON') { return; }
      out.push([e.name, e.value]);
    });
    return out;
  }

  function searching(form) {
    function v(n) { var e = form.querySelector('[name="' + n + '"]'); return e ? e.value.trim() : ''; }
    var name = v('child_find');
    return name !== '' && (v('child_id') === '' || name !== v('_searched'));
  }

  forms.forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (navigator.onLine) { return; }
      e.preventDefault();
      // A search of the register needs the server: nothing to keep. «Tìm» is the form's first
      // button, so Enter in any box sends it: a search only as the server counts one (a name
      // typed and not yet searched, or none chosen yet); otherwise the form is kept.
      if (e.submitter && e.submitter.name === '_find' && searching(form)) {
        say('Mất sóng: chưa tìm được trong sổ. Ghi tên trẻ ở mục «Trẻ chưa có trong sổ / ' +
          'chưa rõ», hoặc tìm lại khi có sóng.');
        panel.scrollIntoView();
        return;
      }
      if (!key) {
        waitingForm = form;
        say('Mất sóng. ' + (pinSet() ? 'Nhập mã PIN' : 'Đặt mã PIN') + ' ở trên để lưu biểu mẫu này trên máy.');
        panel.scrollIntoView();
        var pin = document.getElementById('offline-pin-1');
        if (pin) { pin.focus(); }
        return;
      }
      keep(form);
    });
  });
  window.addEventListener('online', sendAll);

  entries().then(function (all) {
    if (forms.length || all.length) {
      buildPanel();
      if (!navigator.onLine) { say('Đang mất sóng: biểu mẫu sẽ được lưu trên máy.'); }
      draw();
    }
  });
})();
