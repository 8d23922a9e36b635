// The hazard form's "position from the phone" button: fills latitude and longitude from
// navigator.geolocation. Without it (no GPS, refused) the boxes are typed as before.
(function () {
  var b = document.getElementById('hz-gps');
  if (!b || !navigator.geolocation) return;
  var note = document.getElementById('hz-gps-note');
  b.hidden = false;
  b.addEventListener('click', function () {
    note.textContent = 'Đang lấy vị trí…';
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById('hz-lat').value = p.coords.latitude.toFixed(6);
      document.getElementById('hz-lon').value = p.coords.longitude.toFixed(6);
      note.textContent = 'Sai số khoảng ' + Math.round(p.coords.accuracy) + ' m.';
    }, function (e) {
      note.textContent = 'Không lấy được vị trí (' + e.message + '): hãy gõ tọa độ.';
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
})();

// The site photo form: a big phone photo is shrunk before sending (at most 1024 px on its
// long side, JPEG quality 0.7), so a 4 MB camera photo goes up as ~150 KB on a weak signal.
// Without a canvas or a script the form sends the file as chosen.
(function () {
  var f = document.getElementById('photo-form');
  if (!f || !window.FormData || !window.FileReader || !document.createElement('canvas').toBlob) return;
  f.addEventListener('submit', function (ev) {
    var input = document.getElementById('in-photo');
    var file = input.files && input.files[0];
    if (!file || file.size <= 300 * 1024) return;
    ev.preventDefault();
    var img = new Image();
    img.onload = function () {
      var k = Math.min(1, 1024 / Math.max(img.width, img.height));
      var c = document.createElement('canvas');
      c.width = Math.round(img.width * k);
      c.height = Math.round(img.height * k);
      c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
      c.toBlob(function (blob) {
        var d = new FormData(f);
        d.set('photo', blob, 'anh.jpg');
        fetch(f.action, { method: 'POST', body: d, credentials: 'same-origin' })
          .then(function (r) { window.location = r.url; });
      }, 'image/jpeg', 0.7);
    };
    img.onerror = function () { f.submit(); };
    // A data: URL (the page's CSP allows data: images, not blob:).
    var rd = new FileReader();
    rd.onload = function () { img.src = rd.result; };
    rd.onerror = function () { f.submit(); };
    rd.readAsDataURL(file);
  });
})();
