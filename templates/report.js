// Draws the report's charts as SVG from the embedded data; no library, no network.
// window.__ltRender(data) redraws everything (the live dashboard feeds it over SSE).
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#0969da', '#bf3989', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#57606a'];
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function fmt(v) {
    if (!isFinite(v)) return '';
    if (Math.abs(v) >= 1000) return (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k';
    return Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1);
  }
  // series: [{name, points: [[x, y]...]}]; opts: {bars: bool, xLabel: fn}
  function draw(svg, series, opts) {
    opts = opts || {};
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = svg.clientWidth || 380, H = svg.clientHeight || 180, L = 42, R = 8, T = 8, B = 22;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var xs = [], ys = [0];
    series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); });
    if (!xs.length) { var t = el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#59636e', 'font-size': 12 }); t.textContent = 'no data'; svg.appendChild(t); return; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y1 = Math.max.apply(null, ys) || 1;
    if (x1 === x0) x1 = x0 + 1;
    var sx = function (x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
    var sy = function (y) { return H - B - y / y1 * (H - T - B); };
    for (var i = 0; i <= 4; i++) {
      var yv = y1 * i / 4, yy = sy(yv);
      svg.appendChild(el('line', { x1: L, x2: W - R, y1: yy, y2: yy, stroke: '#eaeef2' }));
      var lab = el('text', { x: L - 4, y: yy + 4, 'text-anchor': 'end', fill: '#59636e', 'font-size': 10 }); lab.textContent = fmt(yv); svg.appendChild(lab);
    }
    [x0, (x0 + x1) / 2, x1].forEach(function (xv) {
      var lx = el('text', { x: sx(xv), y: H - 6, 'text-anchor': 'middle', fill: '#59636e', 'font-size': 10 });
      lx.textContent = opts.xLabel ? opts.xLabel(xv) : fmt(xv) + 's'; svg.appendChild(lx);
    });
    // Events (worker lost, redistribution, abort) as dashed markers on time charts.
    (opts.events || []).forEach(function (ev) {
      if (ev.t < x0 || ev.t > x1) return;
      var g = el('line', { x1: sx(ev.t), x2: sx(ev.t), y1: T, y2: H - B, stroke: '#9a6700', 'stroke-dasharray': '3 3', 'data-event': '1' });
      var tip = el('title', {}); tip.textContent = ev.type + ' at ' + fmt(ev.t) + 's'; g.appendChild(tip);
      svg.appendChild(g);
    });
    series.forEach(function (s, si) {
      var c = s.color || COLORS[si % COLORS.length];
      if (opts.bars) {
        var bw = Math.max(1, (W - L - R) / s.points.length - 1);
        s.points.forEach(function (p) { svg.appendChild(el('rect', { x: sx(p[0]) - bw / 2, y: sy(p[1]), width: bw, height: Math.max(0, H - B - sy(p[1])), fill: c, 'data-series': s.name })); });
      } else {
        var d = s.points.map(function (p, j) { return (j ? 'L' : 'M') + sx(p[0]).toFixed(1) + ' ' + sy(p[1]).toFixed(1); }).join('');
        svg.appendChild(el('path', { d: d, fill: 'none', stroke: c, 'stroke-width': 1.6, 'data-series': s.name }));
      }
    });
  }
  function legend(name, series) {
    var box = document.querySelector('[data-legend="' + name + '"]');
    if (!box) return;
    box.textContent = '';
    series.forEach(function (s, si) {
      var span = document.createElement('span'), i = document.createElement('i');
      i.style.background = s.color || COLORS[si % COLORS.length];
      span.appendChild(i); span.appendChild(document.createTextNode(s.name)); box.appendChild(span);
    });
  }
  function pts(ts, f) { return ts.map(function (p) { return [p.t, f(p)]; }); }
  function render(data) {
    var ts = data.timeseries || [];
    var charts = {
      rps: [{ name: 'requests/s', points: pts(ts, function (p) { return p.rps; }) }],
      latency: [
        { name: 'p50', points: pts(ts, function (p) { return p.p50; }) },
        { name: 'p95', points: pts(ts, function (p) { return p.p95; }) },
        { name: 'p99', points: pts(ts, function (p) { return p.p99; }) }
      ],
      errors: (data.errorClasses || []).map(function (c) { return { name: c, points: pts(ts, function (p) { return p.errors_by_class[c] || 0; }) }; }),
      vus: [
        { name: 'active VUs', points: pts(ts, function (p) { return p.active_vus; }) },
        { name: 'dropped iterations', points: pts(ts, function (p) { return p.dropped_iterations; }) }
      ]
    };
    if (!charts.errors.length) charts.errors = [{ name: 'errors', points: pts(ts, function (p) { return p.errors; }) }];
    Object.keys(charts).forEach(function (k) {
      var svg = document.querySelector('svg[data-chart="' + k + '"]');
      if (svg) { draw(svg, charts[k], { events: data.events }); legend(k, charts[k]); }
    });
    var hsvg = document.querySelector('svg[data-chart="histogram"]');
    if (hsvg) draw(hsvg, [{ name: 'share %', points: (data.buckets || []).map(function (b, i) { return [i, b.share * 100]; }) }], { bars: true, xLabel: function (i) { var b = (data.buckets || [])[Math.round(i)]; return b ? b.label : ''; } });
    var f = data.fields || {};
    Object.keys(f).forEach(function (k) {
      var node = document.querySelector('[data-field="' + k + '"]');
      if (node) node.textContent = String(f[k]);
    });
  }
  window.__ltRender = render;
  var node = document.getElementById('lt-data');
  render(JSON.parse(node.textContent || '{}'));
  if (window.__ltLive) {
    var status = document.querySelector('[data-field="live-status"]');
    var es = new EventSource(window.__ltLive);
    es.onopen = function () { if (status) status.textContent = 'connected'; };
    es.onmessage = function (e) { render(JSON.parse(e.data)); };
    es.addEventListener('end', function () { if (status) status.textContent = 'run finished'; es.close(); });
    es.onerror = function () { if (status) status.textContent = 'disconnected'; };
  }
})();
