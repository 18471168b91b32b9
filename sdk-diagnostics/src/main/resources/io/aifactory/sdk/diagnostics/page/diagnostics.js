// The diagnostics page: one EventSource, a snapshot to lay the page out, then updates. Read-only; no build step.
// Everything shown comes from the server's messages (see Journal.java); text goes in with textContent, never as HTML.
'use strict';
(function () {
  const COLORS = ['#2563eb', '#9333ea', '#0891b2', '#ea580c'];
  const MAX_ROWS = 100;
  const page = {
    history: 600,
    now: Date.now(),
    pipelines: new Map(),   // name -> {name, outputs, thresholds, machines: Map(name -> machine), el}
    devices: new Map(),     // name -> {since}
    decisions: [],
    alarms: [],
    deviceEvents: [],
    status: null,
  };

  // ---------------------------------------------------------------------------------------------- helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined) return '–';
    if (typeof v !== 'number') return String(v);
    return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits === undefined ? 2 : digits);
  }

  function time(ms) {
    if (ms === null || ms === undefined) return '–';
    const d = new Date(ms);
    const p = (n, w) => String(n).padStart(w || 2, '0');
    return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
  }

  function badge(text, kind) {
    return el('span', {class: 'badge ' + (kind || '')}, text);
  }

  function fillBody(table, rows) {
    const body = document.querySelector(table + ' tbody');
    body.replaceChildren(...rows);
  }

  function outcomeKind(outcome) {
    return {ACCEPTED: 'ok', CLAMPED: 'warn', BLOCKED: 'bad', FALLBACK: 'warn', BACKED_OFF: 'warn', FAILED: 'bad'}[outcome] || '';
  }

  function stateKind(state) {
    return {CONNECTED: 'ok', CONNECTING: 'warn', DISCONNECTED: 'bad', CLOSED: ''}[state] || '';
  }

  // ---------------------------------------------------------------------------------------------- layout

  function layout(msg) {
    for (const p of page.pipelines.values()) {
      for (const m of p.machines.values()) if (m.chart) m.chart.destroy();
    }
    page.pipelines.clear();
    page.history = msg.history;
    page.decisions = [];
    page.alarms = [];
    page.deviceEvents = [];
    const root = document.getElementById('pipelines');
    root.replaceChildren();
    for (const lp of msg.pipelines) {
      const p = {name: lp.name, outputs: lp.outputs.length ? lp.outputs : ['value'], thresholds: lp.thresholds,
        machines: new Map()};
      const charts = el('div', {class: 'charts'});
      const metrics = el('table', {class: 'machines', 'data-pipeline': p.name},
        el('thead', null, el('tr', null, ...['machine', 'alarm', 'last', 'quality', 'inferences', 'skipped windows',
          'stale results', 'model errors', 'latency p50 ms', 'latency p99 ms'].map(h => el('th', null, h)))),
        el('tbody'));
      const quality = el('table', {class: 'quality', 'data-pipeline': p.name},
        el('thead', null, el('tr', null, ...['machine', 'quality', 'from', 'to', 'why'].map(h => el('th', null, h)))),
        el('tbody'));
      p.summary = el('span', {class: 'muted'});
      p.el = el('div', {class: 'pipeline', 'data-pipeline': p.name},
        el('h2', null, 'Pipeline ' + p.name + ' ', p.summary),
        el('div', {class: 'muted'}, 'Trends of the model outputs; dashed: alarm thresholds.',
          el('span', {class: 'legend-key bad'}), 'BAD (no data, never drawn as a value)',
          el('span', {class: 'legend-key uncertain'}), 'UNCERTAIN (values held over a short gap)'),
        charts, el('h3', null, 'Machines'), metrics,
        el('h3', null, 'Data quality ', el('span', {class: 'muted'}, '(BAD and UNCERTAIN stretches, newest first)')),
        quality);
      p.metricsBody = metrics.querySelector('tbody');
      p.qualityBody = quality.querySelector('tbody');
      p.chartsEl = charts;
      root.append(p.el);
      page.pipelines.set(p.name, p);
      for (const name of lp.machines) machine(p, name);
    }
    fillBody('#models', msg.models.map(m => el('tr', {'data-model': m.name}, el('td', null, m.name),
      el('td', null, m.version || '–'), el('td', {class: 'mono'}, m.sha256 || '(none)'), el('td', null, m.runtime))));
    page.guardInfo = new Map(msg.guards.map(g => [g.name, g]));
    page.deviceInfo = new Map(msg.devices.map(d => [d.name, d]));
  }

  function machine(p, name) {
    let m = p.machines.get(name);
    if (m) return m;
    m = {name, xs: [], ys: p.outputs.map(() => []), qs: [], whys: [], stretches: []};
    const title = el('span', null, name);
    m.alarmEl = el('span');
    m.el = el('div', {class: 'chart', 'data-machine': name}, el('h3', null, title, m.alarmEl));
    p.chartsEl.append(m.el);
    p.machines.set(name, m);
    m.chart = new uPlot(chartOptions(p, m), data(p, m), m.el);
    return m;
  }

  function thresholdsOf(p, outputIndex) {
    return p.thresholds.filter(t => (t.output === null ? 0 : p.outputs.indexOf(t.output)) === outputIndex);
  }

  function chartOptions(p, m) {
    const series = [{}];
    p.outputs.forEach((o, i) => series.push({label: o, stroke: COLORS[i % COLORS.length], width: 2,
      spanGaps: false, points: {show: false}}));
    p.outputs.forEach((o, i) => thresholdsOf(p, i).forEach(t => {
      series.push({label: t.alarm + ' raise > ' + fmt(t.raiseAbove), stroke: '#dc2626', width: 1, dash: [6, 4],
        points: {show: false}});
      if (t.clearBelow !== t.raiseAbove) {
        series.push({label: 'clear < ' + fmt(t.clearBelow), stroke: '#f59e0b', width: 1, dash: [2, 4],
          points: {show: false}});
      }
    }));
    return {
      width: Math.max(300, m.el.clientWidth - 10),
      height: 190,
      series,
      scales: {x: {time: true, range: (u, min, max) => xRange(min, max)}},
      legend: {live: false},
      hooks: {drawClear: [u => shade(u, m)]},
    };
  }

  // The x axis ends at the server's "now": during a stall the trend keeps moving and the BAD band keeps growing.
  function xRange(min, max) {
    const now = page.now / 1000;
    const hi = Math.max(max === null || max === undefined ? now : max, now);
    let lo = min === null || min === undefined ? hi - 60 : min;
    if (hi - lo < 1) lo = hi - 1;
    return [lo, hi];
  }

  // BAD and UNCERTAIN stretches drawn under the series, over the whole plot height.
  function shade(u, m) {
    const ctx = u.ctx;
    const {left, top, width, height} = u.bbox;
    ctx.save();
    for (const s of m.stretches) {
      let x0 = Math.max(left, u.valToPos(s.from / 1000, 'x', true));
      let x1 = Math.min(left + width, u.valToPos(s.to / 1000, 'x', true));
      if (x1 < left || x0 > left + width) continue;
      ctx.fillStyle = s.q === 'BAD' ? 'rgba(220, 38, 38, 0.18)' : 'rgba(234, 179, 8, 0.25)';
      ctx.fillRect(x0, top, Math.max(3, x1 - x0), height);
    }
    ctx.restore();
  }

  function data(p, m) {
    const d = [m.xs.map(t => t / 1000), ...m.ys];
    p.outputs.forEach((o, i) => thresholdsOf(p, i).forEach(t => {
      d.push(m.xs.map(() => t.raiseAbove));
      if (t.clearBelow !== t.raiseAbove) d.push(m.xs.map(() => t.clearBelow));
    }));
    return d;
  }

  // Each result owns the time until the next one; consecutive non-GOOD results of one quality form a stretch.
  function stretches(m) {
    const out = [];
    for (let i = 0; i < m.qs.length; i++) {
      if (m.qs[i] === 'GOOD') continue;
      const to = i + 1 < m.xs.length ? m.xs[i + 1] : null;
      const last = out[out.length - 1];
      if (last && last.q === m.qs[i] && last.toIndex === i) {
        last.to = to; last.toIndex = i + 1;
      } else {
        out.push({q: m.qs[i], from: m.xs[i], to, toIndex: i + 1, why: m.whys[i]});
      }
    }
    for (const s of out) {
      s.open = s.to === null;
      if (s.open) s.to = page.now;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- messages

  function apply(msg) {
    page.now = msg.now;
    for (const r of msg.results) {
      const p = page.pipelines.get(r.p);
      if (!p) continue; // a new pipeline arrives with the next snapshot
      const m = machine(p, r.m);
      m.xs.push(r.t);
      p.outputs.forEach((o, i) => m.ys[i].push(r.v[i] === undefined ? null : r.v[i]));
      m.qs.push(r.q);
      m.whys.push(r.why || '');
      if (m.xs.length > page.history) {
        const n = m.xs.length - page.history;
        m.xs.splice(0, n); m.qs.splice(0, n); m.whys.splice(0, n);
        m.ys.forEach(y => y.splice(0, n));
      }
    }
    page.decisions = msg.decisions.slice().reverse().concat(page.decisions).slice(0, MAX_ROWS);
    page.alarms = msg.alarms.slice().reverse().concat(page.alarms).slice(0, MAX_ROWS);
    page.deviceEvents = msg.deviceEvents.slice().reverse().concat(page.deviceEvents).slice(0, MAX_ROWS);
    for (const e of msg.deviceEvents) page.devices.set(e.device, {since: e.t});
    page.status = msg.status;
  }

  function render() {
    document.getElementById('updated').textContent = 'updated ' + time(page.now);
    const status = page.status;
    const raised = new Map();
    for (const a of status.alarmStates) {
      const key = a.pipeline + '/' + a.machine;
      if (a.raised) raised.set(key, (raised.get(key) || []).concat(a.alarm));
      else if (!raised.has(key)) raised.set(key, []);
    }
    const metricsByPipeline = new Map(status.pipelines.map(p => [p.name, p]));
    for (const p of page.pipelines.values()) {
      const pm = metricsByPipeline.get(p.name);
      const byMachine = new Map(((pm && pm.machines) || []).map(m => [m.name, m]));
      if (pm && pm.total) {
        p.summary.textContent = '· ' + pm.modelCalls + ' model calls, ' + pm.total.inferences + ' windows scored, '
          + pm.total.skippedWindows + ' skipped, latency p50 ' + fmt(pm.total.latencyP50Ms) + ' ms, p99 '
          + fmt(pm.total.latencyP99Ms) + ' ms';
      }
      const rows = [];
      const qualityRows = [];
      for (const m of p.machines.values()) {
        const alarms = raised.get(p.name + '/' + m.name) || [];
        const alarmState = alarms.length ? 'RAISED' : 'normal';
        m.el.setAttribute('data-alarm', alarmState);
        m.alarmEl.replaceChildren(alarms.length ? badge('ALARM ' + alarms.join(', '), 'bad') : badge('normal', 'ok'));
        m.stretches = stretches(m);
        m.chart.setData(data(p, m));
        const n = m.xs.length;
        const mm = byMachine.get(m.name) || {};
        const q = n ? m.qs[n - 1] : null;
        rows.push(el('tr', {'data-machine': m.name, 'data-alarm': alarmState},
          el('td', null, m.name),
          el('td', null, alarms.length ? badge('RAISED', 'bad') : badge('normal', 'ok')),
          el('td', {class: 'num'}, n ? fmt(m.ys[0][n - 1]) : '–'),
          el('td', null, q ? badge(q, q === 'GOOD' ? 'ok' : q === 'BAD' ? 'bad' : 'warn') : '–'),
          el('td', {class: 'num'}, fmt(mm.inferences, 0)),
          el('td', {class: 'num'}, fmt(mm.skippedWindows, 0)),
          el('td', {class: 'num'}, fmt(mm.staleResults, 0)),
          el('td', {class: 'num'}, fmt(mm.modelErrors, 0)),
          el('td', {class: 'num'}, fmt(mm.latencyP50Ms, 2)),
          el('td', {class: 'num'}, fmt(mm.latencyP99Ms, 2))));
        for (const s of m.stretches) {
          qualityRows.push({t: s.from, row: el('tr', {'data-machine': m.name, 'data-quality': s.q,
            'data-open': String(s.open)},
          el('td', null, m.name), el('td', null, s.q), el('td', null, time(s.from)),
          el('td', null, s.open ? 'ongoing' : time(s.to)), el('td', null, s.why))});
        }
      }
      p.metricsBody.replaceChildren(...rows);
      qualityRows.sort((a, b) => b.t - a.t);
      p.qualityBody.replaceChildren(...qualityRows.slice(0, 30).map(r => r.row));
      if (!qualityRows.length) {
        p.qualityBody.replaceChildren(el('tr', null, el('td', {colSpan: 5, class: 'muted'}, 'all GOOD so far')));
      }
    }

    fillBody('#guards', status.guards.map(g => el('tr', {'data-guard': g.name, 'data-mode': g.mode},
      el('td', null, g.name), el('td', null, (page.guardInfo.get(g.name) || {}).tag || ''),
      el('td', null, badge(g.mode, g.mode === 'LIVE' ? 'live' : '')),
      ...['accepted', 'clamped', 'blocked', 'fallbacks', 'backoffs', 'failed'].map(k => el('td', {class: 'num'}, g[k])))));
    fillBody('#decisions', page.decisions.map(d => el('tr', {'data-guard': d.guard, 'data-outcome': d.outcome},
      el('td', null, time(d.t)), el('td', null, d.guard), el('td', null, badge(d.outcome, outcomeKind(d.outcome))),
      el('td', null, d.mode), el('td', {class: 'num'}, fmt(d.proposed)), el('td', {class: 'num'}, fmt(d.decided)),
      el('td', {class: 'num'}, fmt(d.written)), el('td', {class: 'num'}, fmt(d.before) + ' → ' + fmt(d.after)),
      el('td', null, d.reason))));
    fillBody('#devices', status.devices.map(d => el('tr', {'data-device': d.name, 'data-state': d.state},
      el('td', null, d.name), el('td', {class: 'mono'}, (page.deviceInfo.get(d.name) || {}).uri || ''),
      el('td', null, badge(d.state, stateKind(d.state))),
      el('td', null, time((page.devices.get(d.name) || {}).since)),
      el('td', null, d.lastError ? time(d.lastErrorAt) + ' ' + d.lastError : '–'),
      el('td', null, Object.entries(d.counters).map(([k, v]) => k + ' ' + v).join(', ')))));
    fillBody('#device-history', page.deviceEvents.map(e => el('tr', {'data-device': e.device, 'data-state': e.state},
      el('td', null, time(e.t)), el('td', null, e.device), el('td', null, badge(e.state, stateKind(e.state))),
      el('td', null, e.error || ''))));
    fillBody('#alarms', page.alarms.map(a => el('tr', {'data-machine': a.machine, 'data-kind': a.kind},
      el('td', null, time(a.t)), el('td', null, a.pipeline), el('td', null, a.machine), el('td', null, a.alarm),
      el('td', null, badge(a.kind, a.kind === 'RAISED' ? 'bad' : 'ok')), el('td', {class: 'num'}, fmt(a.value)),
      el('td', {class: 'num'}, fmt(a.threshold)))));
  }

  function connection(state, text) {
    const c = document.getElementById('connection');
    c.setAttribute('data-connection', state);
    c.textContent = text;
  }

  // For tests and the curious: read-only copies of what the trends hold.
  window.aifactoryDiagnostics = {
    values(pipeline, machineName, output) {
      const m = page.pipelines.get(pipeline) && page.pipelines.get(pipeline).machines.get(machineName);
      return m ? m.ys[output || 0].slice() : [];
    },
    qualities(pipeline, machineName) {
      const m = page.pipelines.get(pipeline) && page.pipelines.get(pipeline).machines.get(machineName);
      return m ? m.qs.slice() : [];
    },
  };

  window.addEventListener('resize', () => {
    for (const p of page.pipelines.values()) {
      for (const m of p.machines.values()) m.chart.setSize({width: Math.max(300, m.el.clientWidth - 10), height: 190});
    }
  });

  const events = new EventSource('events');
  events.onopen = () => connection('live', 'live');
  events.onerror = () => connection('reconnecting', 'reconnecting…');
  events.onmessage = e => {
    const msg = JSON.parse(e.data);
    if (msg.type === 'snapshot') {
      layout(msg);
      document.body.setAttribute('data-ready', 'true');
    }
    if (!page.status && msg.type !== 'snapshot') return; // an update before the first snapshot: wait for it
    apply(msg);
    render();
  };
})();
