// The live dashboard: listens to /api/events (server-sent events, one `snapshot` per second) and
// updates the page in place. Plain JavaScript, no build step; charts by uPlot (served from its
// webjar). Every part of the snapshot may be missing or null: what is absent is shown as "—".
// Text from the server is only ever set as textContent, never parsed as HTML.
// Each element that shows a number also carries it, exact, in a data-* attribute, for tests.
// The snapshot is the document dev.watertight.demo.Snapshots writes (durations as "...Ms").
(function () {
  'use strict';

  const HISTORY_SECONDS = 60;
  const STALE_MILLIS = 5000;        // no snapshot for this long: the stream is dead, reconnect
  const RETRY_FIRST_MILLIS = 1000;
  const RETRY_MAX_MILLIS = 15000;

  const cards = new Map();          // compartment name -> {element, fields, chart, history}
  let source = null;
  let retryMillis = RETRY_FIRST_MILLIS;
  let retryTimer = null;
  let lastSnapshotAt = 0;
  let renders = 0;

  // ---- small helpers -------------------------------------------------------------------------

  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = text;
    return element;
  }

  function isNumber(value) {
    return typeof value === 'number' && isFinite(value);
  }

  function count(value) {
    return isNumber(value) ? value.toLocaleString('en-US') : '—';
  }

  function millis(value) {
    if (!isNumber(value)) return '—';
    return value < 10 ? value.toFixed(2) + ' ms' : Math.round(value).toLocaleString('en-US') + ' ms';
  }

  function bytes(value) {
    if (!isNumber(value)) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let scaled = value;
    let unit = 0;
    while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return (unit === 0 ? scaled : scaled.toFixed(1)) + ' ' + units[unit];
  }

  function percent(value) {
    return isNumber(value) && value >= 0 ? value.toFixed(1) + ' %' : '—';
  }

  function list(value) {
    return Array.isArray(value) ? value.filter(item => item && typeof item === 'object') : [];
  }

  // Sets an element's shown text and its exact value (data-value; absent when unknown).
  function show(element, value, format) {
    element.textContent = (format || count)(value);
    if (value === null || value === undefined) {
      delete element.dataset.value;
    } else {
      element.dataset.value = String(value);
    }
  }

  function setData(element, name, value) {
    if (value === null || value === undefined) {
      delete element.dataset[name];
    } else {
      element.dataset[name] = String(value);
    }
  }

  // ---- what a compartment shows ----------------------------------------------------------------

  // The numbers of a card, from whichever guard limits the compartment (a thread pool or a
  // bulkhead). Exported as window.watertightDashboard.figures so tests read the same rule.
  function figures(compartment) {
    const pool = compartment.threadPool;
    const bulkhead = compartment.bulkhead;
    const breaker = compartment.circuitBreaker;
    const limiter = compartment.rateLimiter;
    let base;
    if (pool && typeof pool === 'object') {
      base = {
        kind: 'thread pool', limit: pool.threads, inUse: pool.activeThreads, queued: pool.queued,
        queueCapacity: pool.queueCapacity, accepted: pool.submitted, rejected: pool.rejected,
        failed: pool.failed, timedOut: pool.timedOut
      };
    } else if (bulkhead && typeof bulkhead === 'object') {
      base = {
        kind: 'bulkhead', limit: bulkhead.maxConcurrent, inUse: bulkhead.inUse, queued: bulkhead.waiting,
        queueCapacity: null, accepted: bulkhead.accepted, rejected: bulkhead.rejected,
        failed: bulkhead.failed, timedOut: null
      };
    } else {
      base = {
        kind: 'no limit', limit: null, inUse: null, queued: null, queueCapacity: null,
        accepted: null, rejected: null, failed: null, timedOut: null
      };
    }
    base.breaker = breaker && breaker.state ? breaker.state : null;
    base.notPermitted = breaker && isNumber(breaker.notPermitted) ? breaker.notPermitted : null;
    base.rateLimited = limiter && isNumber(limiter.rejected) ? limiter.rejected : null;
    const health = compartment.health;
    base.health = health && health.health ? health.health : null;
    base.reasons = health && Array.isArray(health.reasons) ? health.reasons : [];
    // Everything refused fast, by any guard: what the rejections chart counts.
    base.refusedTotal = (base.rejected || 0) + (base.notPermitted || 0) + (base.rateLimited || 0);
    return base;
  }

  const STAT_FIELDS = [
    ['limit', 'limit'], ['inUse', 'in use'], ['queued', 'queued'],
    ['accepted', 'accepted'], ['rejected', 'rejected'], ['failed', 'failed']
  ];

  function createCard(name) {
    const element = el('article', 'card');
    element.dataset.compartment = name;
    const head = el('div', 'card-head');
    head.append(el('h3', null, name));
    const kind = el('span', 'kind', '');
    head.append(kind);
    const health = el('span', 'health health-unknown', '—');
    head.append(health);
    element.append(head);

    const stats = el('dl', 'stats');
    const fields = {kind, health};
    for (const [key, label] of STAT_FIELDS) {
      const box = el('div');
      box.append(el('dt', null, label));
      const value = el('dd', null, '—');
      value.dataset.field = key;
      box.append(value);
      stats.append(box);
      fields[key] = value;
    }
    element.append(stats);

    const guards = el('div', 'line');
    fields.breaker = el('span', 'breaker', 'no breaker');
    fields.breakerDetail = el('span', null, '');
    fields.limiter = el('span', null, '');
    fields.timedOut = el('span', null, '');
    guards.append(fields.breaker, fields.breakerDetail, fields.limiter, fields.timedOut);
    element.append(guards);

    const resources = el('div', 'line');
    fields.cpu = el('span', null, '');
    fields.memory = el('span', null, '');
    resources.append(fields.cpu, fields.memory);
    element.append(resources);

    const chartBox = el('div', 'chart');
    element.append(chartBox);
    document.getElementById('compartments').append(element);

    const card = {element, fields, chartBox, chart: null, history: {t: [], inUse: [], refused: []}, last: null};
    cards.set(name, card);
    return card;
  }

  function renderCard(card, compartment, at) {
    const f = figures(compartment);
    const {element, fields} = card;
    setData(element, 'kind', f.kind);
    for (const [key] of STAT_FIELDS) {
      show(fields[key], f[key]);
      setData(element, key, f[key]);
    }
    if (isNumber(f.queueCapacity)) {
      fields.queued.textContent = count(f.queued) + ' / ' + count(f.queueCapacity);
    }
    fields.kind.textContent = f.kind;

    setData(element, 'health', f.health);
    setData(element, 'reasons', f.health ? f.reasons.join('\n') : null);
    fields.health.className = 'health health-' + (f.health || 'unknown');
    fields.health.textContent = f.health || 'health —';
    fields.health.title = f.reasons.length ? f.reasons.join('\n') : (f.health ? 'no reason to worry' : 'not watched by a health monitor');

    const breaker = compartment.circuitBreaker;
    setData(element, 'breaker', f.breaker);
    setData(element, 'notPermitted', f.notPermitted);
    fields.breaker.className = 'breaker breaker-' + (f.breaker || 'none');
    fields.breaker.textContent = f.breaker ? 'breaker ' + f.breaker : 'no breaker';
    fields.breakerDetail.textContent = breaker && typeof breaker === 'object'
        ? 'failure rate ' + percent(breaker.failureRate) + ' · not permitted ' + count(breaker.notPermitted) : '';
    fields.limiter.textContent = f.rateLimited !== null ? 'rate-limited ' + count(f.rateLimited) : '';
    fields.timedOut.textContent = isNumber(f.timedOut) ? 'timed out ' + count(f.timedOut) : '';

    const cpu = compartment.cpu && typeof compartment.cpu === 'object' ? compartment.cpu : null;
    const resources = compartment.resources && typeof compartment.resources === 'object' ? compartment.resources : null;
    const cpuMillis = resources && isNumber(resources.cpuTimeMs) ? resources.cpuTimeMs
        : (cpu && isNumber(cpu.cpuTimeMs) ? cpu.cpuTimeMs : null);
    let cpuText = cpuMillis !== null ? 'CPU ' + millis(cpuMillis) : '';
    if (cpu && isNumber(cpu.cores)) cpuText += (cpuText ? ' of ' : 'CPU budget ') + cpu.cores + ' cores';
    if (cpu && isNumber(cpu.refused) && cpu.refused > 0) cpuText += ' · refused ' + count(cpu.refused);
    fields.cpu.textContent = cpuText;
    setData(element, 'cpuMillis', cpuMillis);
    // -1 bytes: allocation is not measured.
    const allocated = resources && isNumber(resources.allocatedBytes) && resources.allocatedBytes >= 0
        ? resources.allocatedBytes : null;
    fields.memory.textContent = allocated !== null ? 'allocated ' + bytes(allocated) : '';
    setData(element, 'allocatedBytes', allocated);

    record(card, f, at);
  }

  // ---- charts --------------------------------------------------------------------------------

  function record(card, f, at) {
    const t = isNumber(at) ? at : Date.now() / 1000;
    const h = card.history;
    let rate = 0;
    if (card.last && t > card.last.t && f.refusedTotal >= card.last.refused) {
      rate = (f.refusedTotal - card.last.refused) / (t - card.last.t);
    }
    card.last = {t, refused: f.refusedTotal};
    if (h.t.length && t <= h.t[h.t.length - 1]) return; // the same snapshot twice
    h.t.push(t);
    h.inUse.push(isNumber(f.inUse) ? f.inUse : null);
    h.refused.push(Math.round(rate * 100) / 100);
    while (h.t.length && h.t[0] < t - HISTORY_SECONDS) {
      h.t.shift();
      h.inUse.shift();
      h.refused.shift();
    }
    drawChart(card);
  }

  function drawChart(card) {
    if (typeof window.uPlot !== 'function') return; // the page still shows numbers without charts
    const data = [card.history.t, card.history.inUse, card.history.refused];
    if (card.chart) {
      card.chart.setData(data);
      return;
    }
    const width = Math.max(260, card.chartBox.clientWidth || 320);
    card.chart = new window.uPlot({
      width, height: 110,
      legend: {show: true, live: false},
      cursor: {show: false},
      scales: {x: {time: true}, y: {range: (u, min, max) => [0, Math.max(1, max)]},
        rate: {range: (u, min, max) => [0, Math.max(1, max)]}},
      series: [
        {},
        {label: 'in use', stroke: '#2563eb', width: 1.5, fill: 'rgba(37, 99, 235, 0.12)'},
        {label: 'rejected / s', stroke: '#dc2626', width: 1.5, scale: 'rate'}
      ],
      axes: [
        {size: 24, font: '10px system-ui'},
        {size: 36, font: '10px system-ui'},
        {scale: 'rate', side: 1, size: 36, font: '10px system-ui', grid: {show: false}, stroke: '#dc2626'}
      ]
    }, data, card.chartBox);
  }

  // ---- the other sections --------------------------------------------------------------------

  function renderConnections(connections) {
    const body = document.getElementById('connections');
    document.getElementById('connections-section').hidden = connections.length === 0;
    body.replaceChildren(...connections.map(c => {
      const row = el('tr');
      row.dataset.connection = String(c.name);
      for (const key of ['limit', 'reserved', 'inUse', 'waiting', 'acquired', 'acquireTimeouts', 'connectionErrors']) {
        setData(row, key, c[key]);
      }
      row.append(el('td', null, c.name), el('td', null, c.pool || '—'));
      for (const key of ['limit', 'reserved', 'inUse', 'waiting', 'acquired', 'acquireTimeouts', 'connectionErrors']) {
        const cell = el('td');
        cell.dataset.field = key;
        show(cell, c[key]);
        row.append(cell);
      }
      row.append(el('td', null, millis(c.acquireWaitP99Ms)));
      return row;
    }));
  }

  function renderMemory(budgets) {
    const body = document.getElementById('memory');
    document.getElementById('memory-section').hidden = budgets.length === 0;
    body.replaceChildren(...budgets.map(m => {
      const row = el('tr');
      row.dataset.memory = String(m.name);
      setData(row, 'budget', m.budget);
      setData(row, 'reserved', m.reserved);
      const share = isNumber(m.budget) && m.budget > 0 && isNumber(m.reserved) ? Math.min(1, m.reserved / m.budget) : 0;
      const bar = el('div', 'bar');
      bar.title = (share * 100).toFixed(1) + ' % reserved';
      bar.dataset.level = share >= 0.9 ? 'high' : 'normal';
      const fill = el('span');
      fill.style.width = (share * 100).toFixed(1) + '%';
      bar.append(fill);
      const barCell = el('td', 'bar-cell');
      barCell.append(bar);
      row.append(el('td', null, m.name), el('td', null, bytes(m.budget)), el('td', null, bytes(m.reserved)),
          barCell, el('td', null, bytes(m.peak)), el('td', null, count(m.refusals)));
      return row;
    }));
  }

  function renderEvents(events) {
    const newestFirst = events.slice().reverse();
    document.getElementById('no-events').hidden = newestFirst.length > 0;
    document.getElementById('events').replaceChildren(...newestFirst.map(e => {
      const item = el('li');
      item.dataset.kind = String(e.kind);
      const time = el('time', null, e.at ? new Date(e.at).toLocaleTimeString('en-GB') : '—');
      if (e.at) time.dateTime = e.at;
      item.append(time, el('span', null, e.compartment || '—'), el('span', 'ev-kind', e.kind || '—'),
          el('span', null, e.detail || ''));
      return item;
    }));
  }

  function renderHeader(snapshot) {
    const mode = document.getElementById('mode');
    mode.textContent = snapshot.mode === 'shared' ? 'one shared pool' : (snapshot.mode ? snapshot.mode : '—');
    setData(document.body, 'mode', snapshot.mode);
    const overall = snapshot.health && snapshot.health.health ? snapshot.health.health : null;
    const badge = document.getElementById('overall-health');
    badge.className = 'pill health health-' + (overall || 'unknown');
    badge.textContent = overall ? 'service ' + overall : 'health —';
    setData(document.body, 'health', overall);
    document.getElementById('at').textContent = snapshot.at ? new Date(snapshot.at).toLocaleTimeString('en-GB') : '';
  }

  // ---- one snapshot --------------------------------------------------------------------------

  function render(snapshot) {
    const problems = [];
    const part = (what, action) => {
      try {
        action();
      } catch (e) {
        problems.push(what + ': ' + e.message);
      }
    };
    const at = snapshot && snapshot.at ? Date.parse(snapshot.at) / 1000 : NaN;
    part('header', () => renderHeader(snapshot));
    part('compartments', () => {
      const compartments = list(snapshot.compartments).filter(c => c.name !== undefined && c.name !== null);
      const seen = new Set();
      for (const compartment of compartments) {
        const name = String(compartment.name);
        seen.add(name);
        const card = cards.get(name) || createCard(name);
        part('compartment ' + name, () => renderCard(card, compartment, at));
      }
      for (const [name, card] of cards) {
        if (!seen.has(name)) {
          if (card.chart) card.chart.destroy();
          card.element.remove();
          cards.delete(name);
        }
      }
      document.getElementById('no-compartments').hidden = compartments.length > 0;
    });
    part('connections', () => renderConnections(list(snapshot.connections)));
    part('memory', () => renderMemory(list(snapshot.memory)));
    part('events', () => renderEvents(list(snapshot.events)));
    const error = document.getElementById('error');
    error.hidden = problems.length === 0;
    error.textContent = problems.join(' · ');
    setData(document.body, 'snapshotAt', snapshot.at);
    document.body.dataset.renders = String(++renders);
  }

  // ---- the event stream, reconnected when it drops ---------------------------------------------

  function setConnection(state, text) {
    document.body.dataset.connection = state;
    document.getElementById('connection').textContent = text;
  }

  function connect() {
    retryTimer = null;
    if (source) source.close();
    setConnection('connecting', 'connecting…');
    source = new EventSource('/api/events');
    source.addEventListener('snapshot', event => {
      lastSnapshotAt = Date.now();
      retryMillis = RETRY_FIRST_MILLIS;
      setConnection('live', 'live');
      let snapshot;
      try {
        snapshot = JSON.parse(event.data);
      } catch (e) {
        setConnection('live', 'live (a snapshot could not be read)');
        return;
      }
      if (snapshot && typeof snapshot === 'object') render(snapshot);
    });
    source.onerror = () => {
      // The browser retries by itself while the stream is CONNECTING; once CLOSED it gives up.
      if (source.readyState === EventSource.CLOSED) {
        reconnectLater();
      } else {
        setConnection('reconnecting', 'reconnecting…');
      }
    };
  }

  function reconnectLater() {
    if (retryTimer) return;
    if (source) source.close();
    setConnection('reconnecting', 'reconnecting in ' + Math.round(retryMillis / 1000) + ' s…');
    retryTimer = setTimeout(connect, retryMillis);
    retryMillis = Math.min(retryMillis * 2, RETRY_MAX_MILLIS);
  }

  // A stream can stay open but silent (a proxy, a sleeping laptop): treat that as a drop.
  setInterval(() => {
    if (document.body.dataset.connection === 'live' && Date.now() - lastSnapshotAt > STALE_MILLIS) {
      reconnectLater();
    }
  }, 1000);

  window.watertightDashboard = {figures, render};
  connect();
})();
