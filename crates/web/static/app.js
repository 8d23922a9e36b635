// Progressive enhancement only: every form works without this file.
(function () {
  // Search as you type on the register list: fetch the same page's results and swap them in.
  var form = document.getElementById('search-form');
  var box = document.getElementById('q');
  var results = document.getElementById('results');
  if (form && box && results && window.fetch) {
    var timer = null, seq = 0;
    box.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var params = new URLSearchParams(new FormData(form));
        params.set('partial', '1');
        var mine = ++seq;
        fetch(form.action + '?' + params.toString(), { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html !== null && mine === seq) {
              results.innerHTML = html;
              params.delete('partial');
              history.replaceState(null, '', form.action + '?' + params.toString());
            }
          });
      }, 250);
    });
  }
  // Print buttons.
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.addEventListener('click', function (e) { e.preventDefault(); window.print(); });
  });
})();
// Weighing day: mark values no child under 5 can have, as they are typed. The limits are the
// server's own (data-min, data-max, rendered from the domain's ranges); the save checks again.
// A form sent is not sent twice by a second press while the first is on its way.
(function () {
  var weighing = document.getElementById('weighing');
  if (weighing) {
    weighing.addEventListener('submit', function (e) {
      if (weighing.dataset.sent) { e.preventDefault(); return; }
      weighing.dataset.sent = '1';
    });
    // Back on the page (the browser's back button): it may be sent again, and the server says
    // whether it was saved already.
    window.addEventListener('pageshow', function () { delete weighing.dataset.sent; });
  }
  var problems = document.getElementById('problems');
  if (problems) { problems.focus(); }
  document.querySelectorAll('input[data-check]').forEach(function (input) {
    input.addEventListener('input', function () {
      var v = parseFloat(input.value.replace(',', '.'));
      var lo = parseFloat(input.dataset.min), hi = parseFloat(input.dataset.max);
      var bad = input.value.trim() !== '' && (isNaN(v) || v < lo || v > hi);
      input.classList.toggle('implausible', bad);
      input.title = bad ? 'Giá trị bất thường: kiểm tra lại' : '';
    });
  });
})();
// Phones: the menu folds behind one line naming the page; the register's filters open by
// themselves on a wide screen or when one is set; table cells named after their column when the
// page did not name them.
(function () {
  document.documentElement.classList.add('js');
  var nav = document.getElementById('menu'), toggle = document.getElementById('menu-toggle');
  if (nav && toggle) {
    toggle.addEventListener('click', function () {
      var open = nav.classList.toggle('open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }
  var more = document.getElementById('more-filters');
  if (more) {
    var asked = new URLSearchParams(location.search);
    var set = Array.prototype.some.call(more.querySelectorAll('input,select'), function (e) {
      return !!asked.get(e.name);
    });
    if (set || window.matchMedia('(min-width: 40.01rem)').matches) { more.open = true; }
  }
  document.querySelectorAll('table.list').forEach(function (t) {
    var heads = Array.prototype.map.call(t.querySelectorAll('thead th'), function (th) {
      return th.textContent.trim();
    });
    t.querySelectorAll('tbody tr').forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        // A cell that carries its own label (shown without scripts too) needs no other.
        if (!td.hasAttribute('data-label') && heads[i] && !td.querySelector('.cell-label')) {
          td.setAttribute('data-label', heads[i]);
        }
      });
    });
  });
})();
// Accent-free comparison: "Giàng Thị Dợ" is found by "giang thi do".
function treemFold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}
// Weighing day: a box narrowing the rows to the children whose name holds what is typed (every
// row is still sent), and the save bar counting the children with a value typed.
(function () {
  var weighing = document.getElementById('weighing');
  if (!weighing) { return; }
  var rows = weighing.querySelectorAll('tbody tr[data-name]');
  var box = document.getElementById('find-child'), count = document.getElementById('find-count');
  if (box) {
    document.getElementById('find-child-box').hidden = false;
    box.addEventListener('input', function () {
      var q = treemFold(box.value.trim()), shown = 0;
      rows.forEach(function (tr) {
        var hit = q === '' || treemFold(tr.dataset.name).indexOf(q) >= 0;
        tr.classList.toggle('off', !hit);
        if (hit) { shown++; }
      });
      count.textContent = q === '' ? '' : shown + ' / ' + rows.length + ' trẻ';
    });
  }
  var filled = document.getElementById('filled');
  function countFilled() {
    var n = 0;
    rows.forEach(function (tr) {
      var typed = Array.prototype.some.call(tr.querySelectorAll('input[data-check]'), function (i) {
        return i.value.trim() !== '';
      });
      if (typed) { n++; }
    });
    filled.textContent = n + ' / ' + rows.length + ' trẻ đã nhập số';
  }
  if (filled) { weighing.addEventListener('input', countFilled); countFilled(); }
})();
// The report of a case: the fields of a new child hidden while "a child of the register" is
// chosen (the server ignores them then), and the other way round.
(function () {
  var registered = document.getElementById('child_type_registered');
  var fresh = document.getElementById('child_type_new');
  if (!registered || !fresh) { return; }
  function show() {
    document.querySelectorAll('[data-child-type]').forEach(function (e) {
      var want = e.getAttribute('data-child-type');
      e.classList.toggle('off', (want === 'registered') !== registered.checked);
    });
  }
  registered.addEventListener('change', show);
  fresh.addEventListener('change', show);
  show();
})();
// The report of a case opened afresh says when the information came: the server's time when it
// wrote the form (data-now). A copy the phone kept for no signal, opened later, takes the
// phone's time in Vietnam instead, so that a report is not dated when its page was kept.
(function () {
  var form = document.querySelector('form[data-now]');
  if (!form || !window.Intl) { return; }
  var written = Number(form.getAttribute('data-now'));
  if (!(Date.now() - written > 10 * 60 * 1000)) { return; }
  var p = {};
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date()).forEach(function (x) { p[x.type] = x.value; });
  var day = form.querySelector('[name="received_at"]');
  var time = form.querySelector('[name="received_at_time"]');
  if (day && day.value === day.defaultValue) { day.value = p.day + '/' + p.month + '/' + p.year; }
  if (time && time.value === time.defaultValue) { time.value = p.hour + ':' + p.minute; }
})();
