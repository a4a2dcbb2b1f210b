// Progressive enhancement: charts (uPlot, served from this server) and the nav's jump boxes.
(function () {
  // Chart data arrives as JSON in an (escaped) attribute of the chart's element.
  function data(el) {
    try { return JSON.parse(el.getAttribute('data-json')); } catch (e) { return null; }
  }
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
  function draw(el, opts, rows) {
    if (typeof uPlot === 'undefined' || rows[0].length === 0) { el.textContent = 'no data yet'; return; }
    opts.width = Math.max(320, el.clientWidth || 900);
    opts.height = 240;
    new uPlot(opts, rows, el);
  }
  function windows(el, d) {
    var names = Object.keys(d.series || {});
    var x = d.windows.map(function (w) { return Date.parse(w + 'Z') / 1000; });
    var rows = [x];
    var series = [{}];
    names.forEach(function (n, i) {
      rows.push(d.series[n]);
      series.push({ label: n, stroke: palette[i % palette.length], width: 2 });
    });
    draw(el, { series: series, axes: [{}, { label: 'views' }] }, rows);
  }
  function rates(el, d) {
    var rows = [d.x, d.events];
    var series = [{}, { label: 'events/s', stroke: palette[0], width: 2 }];
    Object.keys(d.dlq || {}).forEach(function (r, i) {
      rows.push(d.dlq[r]);
      series.push({ label: 'DLQ ' + r + '/s', stroke: palette[(i + 1) % palette.length], width: 1 });
    });
    draw(el, { series: series, axes: [{}, { label: 'per second' }] }, rows);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var d = data(el);
      if (!d) { return; }
      if (el.getAttribute('data-chart') === 'windows') { windows(el, d); } else { rates(el, d); }
    });
    var u = document.getElementById('user-jump');
    if (u) {
      u.addEventListener('submit', function (e) { e.preventDefault(); location.href = '/users/' + encodeURIComponent(document.getElementById('user-id').value.trim()); });
    }
    var p = document.getElementById('product-jump');
    if (p) {
      p.addEventListener('submit', function (e) { e.preventDefault(); location.href = '/products/' + encodeURIComponent(document.getElementById('product-id').value.trim()); });
    }
  });
})();
