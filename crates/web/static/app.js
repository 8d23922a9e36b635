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
