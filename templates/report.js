// Draws the report's charts with uPlot (inlined before this script): values on hover
// (the legend under each chart follows the cursor), drag to zoom, double-click to
// reset, click a legend entry to hide or show its series, and a dashed marker with a
// flag for each event (worker lost, abort, generator saturation). Every string from
// the data goes in through textContent or a property (uPlot does the same), never
// as HTML. The live dashboard calls render() again for each server-sent event.
(function () {
  'use strict';
  var COLORS = ['#0969da', '#bf3989', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#57606a'];
  var EVENT_COLOR = '#9a6700';
  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    if (v === 0) return '0';
    if (Math.abs(v) >= 1000) return (v / 1000).toFixed(Math.abs(v) >= 10000 ? 0 : 1) + 'k';
    return Math.abs(v) >= 10 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2);
  }
  // Intervals where the generator was saturated: one band each, and a marker at its start.
  function saturation(ts) {
    var bands = [], cur = null;
    ts.forEach(function (p) {
      var sat = p.generator && p.generator.saturated;
      if (sat && !cur) { cur = [p.t, p.t]; bands.push(cur); }
      else if (sat) cur[1] = p.t;
      else cur = null;
    });
    return bands;
  }
  // uPlot plugin: dashed lines on the canvas and a flag element (hover: what and when) per event.
  function markers(events, bands, intervalS) {
    var layer;
    return {
      hooks: {
        init: function (u) { layer = document.createElement('div'); layer.className = 'lt-events'; u.over.appendChild(layer); },
        draw: function (u) {
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          ctx.fillStyle = 'rgba(154,103,0,0.10)';
          bands.forEach(function (b) {
            var x0 = u.valToPos(Math.max(min, b[0] - intervalS), 'x', true), x1 = u.valToPos(Math.min(max, b[1]), 'x', true);
            if (x1 > x0) ctx.fillRect(x0, top, x1 - x0, h);
          });
          ctx.strokeStyle = EVENT_COLOR; ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1); ctx.setLineDash([4, 4]);
          while (layer.firstChild) layer.removeChild(layer.firstChild);
          events.forEach(function (ev) {
            if (ev.t < min || ev.t > max) return;
            var x = u.valToPos(ev.t, 'x', true);
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
            var flag = document.createElement('div');
            flag.className = 'lt-event';
            flag.setAttribute('data-event', ev.type);
            flag.style.left = u.valToPos(ev.t, 'x') + 'px';
            flag.title = ev.type + ' at ' + fmt(ev.t) + ' s' + (ev.message ? ': ' + ev.message : '');
            layer.appendChild(flag);
          });
          ctx.restore();
        }
      }
    };
  }
  var charts = {};
  function sizeOf(box) { return { width: Math.max(200, box.clientWidth || 380), height: 200 }; }
  // spec: {x: [...], series: [{name, values, scale?}], xValue: fn, bars: bool, events, bands, axes2: bool}
  function chart(key, spec) {
    var box = document.querySelector('[data-chart="' + key + '"]');
    if (!box || typeof uPlot === 'undefined') return;
    var names = spec.series.map(function (s) { return s.name; }).join('\u0000');
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    var have = charts[key];
    if (have && have.names === names) {
      have.events.length = 0; Array.prototype.push.apply(have.events, spec.events || []);
      have.bands.length = 0; Array.prototype.push.apply(have.bands, spec.bands || []);
      // A zoomed live chart keeps its zoom while data arrives.
      have.u.setData(data, !have.zoomed);
      return;
    }
    if (have) have.u.destroy();
    var events = (spec.events || []).slice(), bands = (spec.bands || []).slice();
    var entry = { names: names, events: events, bands: bands, zoomed: false };
    var xValue = spec.xValue || function (u, v) { return v == null ? '–' : (Number.isInteger(v) ? String(v) : fmt(v)) + ' s'; };
    var opts = {
      width: sizeOf(box).width, height: sizeOf(box).height,
      scales: { x: { time: false }, y: { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.05 : 1]; } }, y2: { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.05 : 1]; } } },
      cursor: { drag: { x: true, y: false, setScale: true }, sync: spec.sync ? { key: spec.sync } : undefined },
      legend: { live: true },
      series: [{ label: spec.xLabel || 'time', value: xValue }].concat(spec.series.map(function (s, i) {
        var c = s.color || COLORS[i % COLORS.length];
        return {
          label: s.name, stroke: c, width: 1.6, scale: s.scale || 'y',
          fill: spec.bars ? c : undefined,
          paths: spec.bars ? uPlot.paths.bars({ size: [0.9, 40] }) : undefined,
          points: { show: spec.points || false },
          value: function (u, v) { return v == null ? '–' : fmt(v) + (s.unit || ''); }
        };
      })),
      axes: [
        { values: spec.xTicks || function (u, vals) { return vals.map(function (v) { return fmt(v) + 's'; }); }, size: 30, font: '10px sans-serif' },
        { values: function (u, vals) { return vals.map(fmt); }, size: 44, font: '10px sans-serif' }
      ].concat(spec.axes2 ? [{ scale: 'y2', side: 1, grid: { show: false }, values: function (u, vals) { return vals.map(fmt); }, size: 44, font: '10px sans-serif' }] : []),
      plugins: [markers(events, bands, spec.intervalS || 1)],
      hooks: { setSelect: [function () { entry.zoomed = true; }] }
    };
    box.textContent = '';
    var u = new uPlot(opts, data, box);
    entry.u = u;
    // Double-click resets the zoom (uPlot's default); the live chart then follows new data again.
    u.over.addEventListener('dblclick', function () { entry.zoomed = false; });
    var legendBox = document.querySelector('[data-legend="' + key + '"]');
    var legendTable = u.root.querySelector('.u-legend');
    if (legendBox && legendTable) { legendBox.textContent = ''; legendBox.appendChild(legendTable); }
    charts[key] = entry;
  }
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (k) {
      var box = document.querySelector('[data-chart="' + k + '"]');
      if (box) charts[k].u.setSize(sizeOf(box));
    });
  });
  function col(ts, f) { return ts.map(f); }
  function render(data) {
    var ts = data.timeseries || [];
    var x = col(ts, function (p) { return p.t; });
    var bands = saturation(ts);
    var events = (data.events || []).concat(bands.map(function (b) { return { t: b[0], type: 'generator saturated', message: 'the generator was saturated until ' + fmt(b[1]) + ' s; latencies there include its own delay' }; }));
    var intervalS = ts.length > 1 ? ts[1].t - ts[0].t : 1;
    var time = { x: x, events: events, bands: bands, intervalS: intervalS, sync: 'lt-time' };
    function timeChart(key, series) { chart(key, { x: time.x, series: series, events: time.events, bands: time.bands, intervalS: time.intervalS, sync: time.sync }); }
    timeChart('rps', [{ name: 'requests/s', values: col(ts, function (p) { return p.rps; }) }]);
    timeChart('latency', ['p50', 'p95', 'p99'].map(function (k) { return { name: k, unit: ' ms', values: col(ts, function (p) { return p[k]; }) }; }));
    var classes = data.errorClasses || [];
    timeChart('errors', classes.length
      ? classes.map(function (c) { return { name: c, values: col(ts, function (p) { return p.errors_by_class[c] || 0; }) }; })
      : [{ name: 'errors', values: col(ts, function (p) { return p.errors; }) }]);
    timeChart('vus', [
      { name: 'active VUs', values: col(ts, function (p) { return p.active_vus; }) },
      { name: 'dropped iterations', values: col(ts, function (p) { return p.dropped_iterations; }) }
    ]);
    var buckets = data.buckets || [];
    var bucketLabel = function (i) { var b = buckets[Math.round(i)]; return b ? b.label : ''; };
    chart('histogram', {
      x: buckets.map(function (b, i) { return i; }), bars: true, xLabel: '≤ latency',
      series: [{ name: 'share', unit: ' %', values: buckets.map(function (b) { return b.share * 100; }) }],
      xValue: function (u, v) { return v == null ? '–' : bucketLabel(v); },
      xTicks: function (u, vals) { return vals.map(bucketLabel); }
    });
    var trend = data.trend;
    if (trend && trend.runs && trend.runs.length) {
      var runs = trend.runs, runLabel = function (i) { var r = runs[Math.round(i)]; return r && Math.abs(i - Math.round(i)) < 1e-9 ? r.label : ''; };
      chart('trend', {
        x: runs.map(function (r, i) { return i; }), points: true, xLabel: 'run', axes2: true,
        series: ['p50', 'p95', 'p99'].map(function (k) { return { name: k, unit: ' ms', values: runs.map(function (r) { return r[k]; }) }; })
          .concat([{ name: 'requests/s', scale: 'y2', color: '#57606a', values: runs.map(function (r) { return r.rps; }) }]),
        xValue: function (u, v) { return v == null ? '–' : runLabel(v); },
        xTicks: function (u, vals) { return vals.map(runLabel); }
      });
    }
    var cap = data.capacity;
    if (cap && cap.rates && cap.rates.length) {
      var rateLabel = function (i) { var r = cap.rates[Math.round(i)]; return r != null && Math.abs(i - Math.round(i)) < 1e-9 ? fmt(r) + '/s' + (cap.held[Math.round(i)] ? '' : ' ✗') : ''; };
      chart('capacity', {
        x: cap.rates.map(function (r, i) { return i; }), points: true, xLabel: 'offered rate', axes2: true,
        series: ['p50', 'p95', 'p99'].map(function (k) { return { name: k, unit: ' ms', values: cap[k] }; })
          .concat([{ name: 'achieved/s', scale: 'y2', color: '#57606a', values: cap.achieved }]),
        xValue: function (u, v) { return v == null ? '–' : rateLabel(v); },
        xTicks: function (u, vals) { return vals.map(rateLabel); }
      });
    }
    var f = data.fields || {};
    Object.keys(f).forEach(function (k) {
      var node = document.querySelector('[data-field="' + k + '"]');
      if (node) node.textContent = String(f[k]);
    });
  }
  window.__ltRender = render;
  // The charts by name (uPlot instances), for tests and for poking at a report in devtools.
  window.__ltCharts = charts;
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
