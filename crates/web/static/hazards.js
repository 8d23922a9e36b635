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
