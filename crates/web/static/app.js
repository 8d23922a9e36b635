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
// Weighing day: mark values no child under 5 can have, as they are typed (checked again on save).
(function () {
  var limits = { weight: [1, 35], length: [40, 125] };
  document.querySelectorAll('input[data-check]').forEach(function (input) {
    input.addEventListener('input', function () {
      var v = parseFloat(input.value.replace(',', '.'));
      var r = limits[input.dataset.check];
      var bad = input.value.trim() !== '' && (isNaN(v) || v < r[0] || v > r[1]);
      input.classList.toggle('implausible', bad);
      input.title = bad ? 'Giá trị bất thường: kiểm tra lại' : '';
    });
  });
})();
