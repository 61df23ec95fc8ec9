// mixmatrix web control surface. Plain JavaScript, no framework, nothing fetched from elsewhere.
//
// Data flow: GET /api/scene is the truth for the grid, the faders and the topology; it is fetched
// at start, after every event that may change it (coalesced: one fetch in flight, at most one more
// queued), after each of our own changes, and every few seconds (input counters). The WebSocket
// /ws carries commands and their answers, events, meters (10 a second) and monitor PCM.
//
// Stable hooks (docs/PROTOCOL.md §9): crosspoints are <button data-mix data-source aria-pressed>,
// meters [data-meter=NAME][data-peak-db], mix on/off [data-mix-toggle=NAME][aria-pressed].
'use strict';

(() => {
  const FADER_MIN = -60;  // the fader's left end means -inf
  const FADER_MAX = 12;
  const METER_FLOOR = -60;
  const METER_TOP = 6;
  const COMMAND_TIMEOUT_MS = 5000;
  const POLL_MS = 4000;
  const LONG_PRESS_MS = 500;

  const $ = (id) => document.getElementById(id);
  const grid = $('grid');
  const gridHead = $('grid-head');
  const gridBody = $('grid-body');
  const gridScroll = $('grid-scroll');
  const topo = $('topo');
  const connEl = $('conn');
  const pop = $('xp-pop');
  const popRange = $('xp-pop-range');
  const popValue = $('xp-pop-value');
  const SVGNS = 'http://www.w3.org/2000/svg';

  // ---------------------------------------------------------------- small helpers

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k in attrs) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') e.textContent = v;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const kid of kids) if (kid) e.append(kid);
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    if (attrs) for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }

  function icon(id) {
    const s = svg('svg', { class: 'ico', 'aria-hidden': 'true', focusable: 'false' });
    const u = svg('use', { href: '#' + id });
    s.append(u);
    return s;
  }

  function setAttr(e, k, v) {
    if (v === null) {
      if (e.hasAttribute(k)) e.removeAttribute(k);
    } else if (e.getAttribute(k) !== v) {
      e.setAttribute(k, v);
    }
  }

  function setText(e, t) {
    if (e.textContent !== t) e.textContent = t;
  }

  function toggleClass(e, c, on) {
    if (e.classList.contains(c) !== on) e.classList.toggle(c, on);
  }

  // dB values come as numbers or the string "-inf".
  function toDb(v) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v !== '-inf' && v !== '' && Number.isFinite(Number(v))) return Number(v);
    return -Infinity;
  }

  // Short label: "0", "-6", "-3.5", "+2", "−∞".
  function dbShort(db) {
    if (!Number.isFinite(db)) return '−∞';
    const r = Math.round(db * 10) / 10;
    const s = Number.isInteger(r) ? String(r) : r.toFixed(1);
    return (r > 0 ? '+' : '') + s.replace('-', '−');
  }

  function dbLong(db) {
    if (!Number.isFinite(db)) return '−∞ dB';
    const r = Math.round(db * 10) / 10;
    return (r > 0 ? '+' : '') + r.toFixed(1).replace('-', '−') + ' dB';
  }

  // For a command line.
  function dbArg(db) {
    if (!Number.isFinite(db)) return '-inf';
    return String(Math.round(db * 100) / 100);
  }

  function faderToDb(v) {
    const n = Number(v);
    return n <= FADER_MIN ? -Infinity : n;
  }

  function dbToFader(db) {
    return String(Math.max(FADER_MIN, Math.min(FADER_MAX, Number.isFinite(db) ? db : FADER_MIN)));
  }

  // ---------------------------------------------------------------- toasts

  function toast(text, kind = 'error') {
    const box = $('toasts');
    const t = el('div', { class: 'toast ' + kind, role: kind === 'error' ? 'alert' : 'status', text });
    box.append(t);
    while (box.children.length > 4) box.firstElementChild.remove();
    setTimeout(() => t.classList.add('gone'), 4000);
    setTimeout(() => t.remove(), 4400);
  }

  // ---------------------------------------------------------------- connection

  const conn = {
    ws: null,
    ready: false,
    nextId: 1,
    pending: new Map(),
    attempt: 0,
    timer: 0,
    countdown: 0,
    rate: 44100,
    version: '',
  };

  function setConn(kind, text) {
    connEl.dataset.conn = kind;
    setText(connEl, text);
    document.body.dataset.conn = kind;
  }

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/ws';
  }

  function connect() {
    clearTimeout(conn.timer);
    clearInterval(conn.countdown);
    setConn('connecting', conn.attempt ? 'reconnecting…' : 'connecting…');
    let ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    conn.ws = ws;
    let greeted = false;
    ws.onopen = () => {
      // The server greets first; should a greeting get lost, work without it.
      setTimeout(() => {
        if (conn.ws === ws && !greeted && ws.readyState === WebSocket.OPEN) {
          greeted = true;
          onHello({});
        }
      }, 2000);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') {
        monitorPcm(ev.data);
        return;
      }
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (m.meters) {
        onMeters(m.meters);
      } else if (typeof m.event === 'string') {
        onEvent(m.event);
      } else if (m.hello) {
        if (greeted && conn.ready) return;
        greeted = true;
        onHello(m.hello);
      } else if (m.id !== undefined && conn.pending.has(m.id)) {
        const p = conn.pending.get(m.id);
        conn.pending.delete(m.id);
        clearTimeout(p.timer);
        p.resolve(m);
      }
    };
    ws.onclose = () => {
      if (conn.ws !== ws) return;
      conn.ws = null;
      conn.ready = false;
      for (const [, p] of conn.pending) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, status: 'ERR connection lost', data: [] });
      }
      conn.pending.clear();
      document.body.classList.add('stale');
      if (!greeted) checkLogin();
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    const base = Math.min(10000, 500 * 2 ** Math.min(conn.attempt, 5));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    conn.attempt++;
    const until = performance.now() + delay;
    const show = () => {
      const s = Math.max(0, Math.ceil((until - performance.now()) / 1000));
      setConn('down', s > 0 ? 'offline · retry in ' + s + ' s' : 'offline · retrying');
    };
    show();
    clearInterval(conn.countdown);
    conn.countdown = setInterval(show, 500);
    conn.timer = setTimeout(connect, delay);
  }

  function onHello(h) {
    conn.ready = true;
    conn.attempt = 0;
    clearInterval(conn.countdown);
    if (h && Number.isFinite(h.rate)) conn.rate = h.rate;
    if (h && h.version) conn.version = String(h.version);
    setText($('server-meta'), 'v' + conn.version + ' · ' + (conn.rate / 1000) + ' kHz');
    setConn('live', 'connected');
    document.body.classList.remove('stale');
    requestScene(0);
    if (mon.name) sendJson({ monitor: mon.name });
  }

  function sendJson(obj) {
    if (!conn.ws || conn.ws.readyState !== WebSocket.OPEN) return false;
    conn.ws.send(JSON.stringify(obj));
    return true;
  }

  // One control command line; resolves with the server's answer (never rejects).
  function command(line) {
    return new Promise((resolve) => {
      if (!conn.ready) {
        resolve({ ok: false, status: 'ERR not connected', data: [] });
        return;
      }
      const id = conn.nextId++;
      const timer = setTimeout(() => {
        conn.pending.delete(id);
        resolve({ ok: false, status: 'ERR no answer from the server', data: [] });
      }, COMMAND_TIMEOUT_MS);
      conn.pending.set(id, { resolve, timer });
      sendJson({ id, cmd: line });
    });
  }

  // A change: reports errors, refreshes the scene.
  async function change(line) {
    const r = await command(line);
    if (!r.ok) toast(line + ': ' + (r.status || 'failed'));
    requestScene(0);
    return r;
  }

  async function checkLogin() {
    try {
      const r = await fetch('/api/scene', { cache: 'no-store', credentials: 'same-origin' });
      if (needsLogin(r)) location.assign('/login');
    } catch (e) {
      /* server down: keep retrying */
    }
  }

  function needsLogin(r) {
    if (r.status === 401 || r.status === 403) return true;
    try {
      return r.redirected && new URL(r.url).pathname === '/login';
    } catch (e) {
      return false;
    }
  }

  function onEvent(text) {
    if (text.startsWith('changed ') || text.startsWith('input ') || text.startsWith('listener ')) {
      requestScene();
    }
  }

  // ---------------------------------------------------------------- scene fetching

  const fetcher = { inflight: false, again: false, timer: 0, text: '' };

  function requestScene(delay = 20) {
    if (fetcher.inflight) {
      fetcher.again = true;
      return;
    }
    if (fetcher.timer) {
      if (delay > 0) return;
      clearTimeout(fetcher.timer);
    }
    fetcher.timer = setTimeout(fetchScene, delay);
  }

  async function fetchScene() {
    fetcher.timer = 0;
    fetcher.inflight = true;
    try {
      const r = await fetch('/api/scene', { cache: 'no-store', credentials: 'same-origin' });
      if (needsLogin(r)) {
        location.assign('/login');
        return;
      }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const text = await r.text();
      if (text !== fetcher.text) {
        fetcher.text = text;
        applyScene(normalize(JSON.parse(text)));
      }
    } catch (e) {
      if (conn.ready) console.warn('scene:', e);
    } finally {
      fetcher.inflight = false;
      if (fetcher.again) {
        fetcher.again = false;
        requestScene(0);
      }
    }
  }

  setInterval(() => {
    if (!document.hidden && conn.ready) requestScene(0);
  }, POLL_MS);

  // ---------------------------------------------------------------- the scene model

  let scene = null;

  function normalize(s) {
    const inputs = (s.inputs || []).map((i) => ({
      name: String(i.name),
      kind: String(i.kind || 'network'),
      state: String(i.state || 'idle'),
      port: i.port == null ? null : i.port,
      listeners: i.listeners | 0,
      buffered_ms: i.buffered_ms | 0,
      target_ms: i.target_ms | 0,
      underruns: i.underruns | 0,
    }));
    const mixes = (s.mixes || []).map((m) => {
      const routes = new Map();
      for (const r of m.routes || []) {
        routes.set(String(r.source), { gain: toDb(r.gain_db), muted: !!r.muted });
      }
      return {
        name: String(m.name),
        on: !!m.on,
        gain: toDb(m.gain_db),
        port: m.port == null ? null : m.port,
        listeners: m.listeners | 0,
        routes,
      };
    });
    const byName = new Map();
    for (const i of inputs) byName.set(i.name, i);
    for (const m of mixes) byName.set(m.name, m);
    // upstream(X): every channel whose sound reaches mix X. Routing X into Y makes a cycle when
    // Y is upstream of X (or is X).
    const upstream = new Map();
    const mixByName = new Map(mixes.map((m) => [m.name, m]));
    const visit = (name, seen) => {
      const m = mixByName.get(name);
      if (!m) return;
      for (const src of m.routes.keys()) {
        if (seen.has(src)) continue;
        seen.add(src);
        visit(src, seen);
      }
    };
    for (const m of mixes) {
      const seen = new Set();
      visit(m.name, seen);
      upstream.set(m.name, seen);
    }
    if (s.version) conn.version = String(s.version);
    if (Number.isFinite(s.rate)) conn.rate = s.rate;
    return {
      inputs,
      mixes,
      byName,
      upstream,
      sources: inputs.map((i) => i.name).concat(mixes.map((m) => m.name)),
    };
  }

  function wouldCycle(mix, source) {
    if (mix === source) return true;
    const up = scene && scene.upstream.get(source);
    return !!(up && up.has(mix));
  }

  const stats = { renders: 0, builds: 0, lastRenderMs: 0, meterMessages: 0 };

  function applyScene(s) {
    const t0 = performance.now();
    const key = s.inputs.map((i) => i.name).join('\u0001') + '\u0002' + s.mixes.map((m) => m.name).join('\u0001');
    scene = s;
    if (key !== built.key) {
      buildGrid(s, key);
      stats.builds++;
    }
    updateGrid(s);
    drawTopology(s);
    updatePopover();
    if (mon.name !== null && !s.byName.has(mon.name)) {
      toast(mon.name + ' was removed: monitoring stopped', 'info');
      stopMonitor();
    }
    updateMonitorButtons();
    const routes = s.mixes.reduce((n, m) => n + m.routes.size, 0);
    setText($('summary'), s.inputs.length + ' in · ' + s.mixes.length + ' mix · ' + routes + ' routes');
    setText($('server-meta'), 'v' + conn.version + ' · ' + (conn.rate / 1000) + ' kHz');
    stats.renders++;
    stats.lastRenderMs = Math.round((performance.now() - t0) * 10) / 10;
  }

  // ---------------------------------------------------------------- the grid

  const built = {
    key: null,
    cells: new Map(),     // "mix\u0000source" -> button
    cols: new Map(),      // source -> {th, badge, under}
    rows: new Map(),      // mix -> {tr, th, toggle, fader, value, info}
    listen: [],           // every listen button
  };

  function cellKey(mix, source) {
    return mix + '\u0000' + source;
  }

  function meterEl(name, orient, primary) {
    const attrs = { class: 'meter ' + orient, 'aria-hidden': 'true' };
    if (primary) {
      attrs['data-meter'] = name;
      attrs['data-peak-db'] = '-inf';
    } else {
      attrs['data-meter-copy'] = name;
    }
    const m = el('span', attrs,
      el('span', { class: 'bar' }, el('span', { class: 'cov' })),
      el('span', { class: 'bar' }, el('span', { class: 'cov' })));
    return m;
  }

  function listenButton(name) {
    const b = el('button', {
      type: 'button',
      class: 'listen',
      'data-listen': name,
      'aria-pressed': 'false',
      'aria-label': 'Listen to ' + name,
      title: 'Listen to ' + name + ' in this browser',
    }, icon('i-phones'));
    built.listen.push(b);
    return b;
  }

  function buildGrid(s, key) {
    const focused = document.activeElement;
    const refocus = focused && focused.closest && focused.closest('#grid') ? focusKey(focused) : null;
    built.key = key;
    built.cells.clear();
    built.cols.clear();
    built.rows.clear();
    built.listen = [];
    meters.clearElements();

    const corner = el('th', { class: 'corner', scope: 'col' },
      el('span', { class: 'corner-src', text: 'sources →' }),
      el('span', { class: 'corner-mix', text: 'mixes ↓' }));
    const headCells = [corner];
    const firstMix = s.mixes.length ? s.mixes[0].name : null;
    for (const name of s.sources) {
      const isMix = s.byName.get(name).routes !== undefined;
      const badge = el('span', { class: 'badge' });
      const under = el('span', { class: 'under', hidden: true });
      const th = el('th', { class: 'col' + (isMix ? ' col-mix' : '') + (name === firstMix ? ' first-mix' : ''), scope: 'col', 'data-col': name },
        el('div', { class: 'col-top' },
          el('span', { class: 'col-name', text: name }),
          meterEl(name, 'v', !isMix)),
        el('div', { class: 'col-foot' }, badge, listenButton(name)),
        under);
      built.cols.set(name, { th, badge, under, isMix });
      headCells.push(th);
    }
    gridHead.replaceChildren(...headCells);

    const rows = [];
    let first = true;
    for (const m of s.mixes) {
      const toggle = el('button', {
        type: 'button',
        class: 'toggle',
        'data-mix-toggle': m.name,
        'aria-pressed': 'true',
        'aria-label': 'Mix ' + m.name + ' on',
        title: 'Switch mix ' + m.name + ' on or off',
      }, icon('i-power'), el('span', { class: 'toggle-text', text: 'ON' }));
      const fader = el('input', {
        type: 'range',
        class: 'fader',
        min: FADER_MIN,
        max: FADER_MAX,
        step: 0.5,
        'data-master': m.name,
        'aria-label': 'Master gain of ' + m.name,
      });
      const value = el('output', { class: 'fader-val', text: '0.0 dB' });
      const info = el('span', { class: 'row-info' });
      const th = el('th', { class: 'rowhead', scope: 'row', 'data-row-head': m.name },
        el('div', { class: 'rh-line' },
          el('span', { class: 'row-name', text: m.name, title: m.name }),
          info,
          listenButton(m.name),
          toggle),
        el('div', { class: 'rh-line' }, fader, value),
        meterEl(m.name, 'h', true));
      const tr = el('tr', { 'data-row': m.name }, th);
      for (const src of s.sources) {
        const sep = src === firstMix ? ' first-mix' : '';
        if (src === m.name) {
          tr.append(el('td', { class: 'self' + sep, title: m.name + ' cannot feed itself' }));
          continue;
        }
        const b = el('button', {
          type: 'button',
          class: 'xp',
          'data-mix': m.name,
          'data-source': src,
          'aria-pressed': 'false',
          'aria-haspopup': 'dialog',
          'aria-keyshortcuts': 'G Delete',
          tabindex: first ? '0' : '-1',
        }, el('span', { class: 'g' }));
        first = false;
        built.cells.set(cellKey(m.name, src), b);
        tr.append(el('td', sep ? { class: sep.trim() } : null, b));
      }
      built.rows.set(m.name, { tr, th, toggle, fader, value, info });
      rows.push(tr);
    }
    gridBody.replaceChildren(...rows);
    $('grid-empty').hidden = s.mixes.length > 0;
    meters.collect();
    if (refocus) restoreFocus(refocus);
  }

  function focusKey(e) {
    if (e.dataset.mix && e.dataset.source) return { sel: 'button.xp', mix: e.dataset.mix, source: e.dataset.source };
    for (const a of ['data-mix-toggle', 'data-master', 'data-listen']) {
      if (e.hasAttribute(a)) return { attr: a, value: e.getAttribute(a) };
    }
    return null;
  }

  function restoreFocus(k) {
    let e = null;
    if (k.sel) e = built.cells.get(cellKey(k.mix, k.source));
    else e = [...grid.querySelectorAll('[' + k.attr + ']')].find((x) => x.getAttribute(k.attr) === k.value);
    if (e) {
      if (e.classList.contains('xp')) rove(e);
      e.focus({ preventScroll: true });
    }
  }

  const STATE_TEXT = { idle: 'idle', live: 'live', tone: 'tone', file: 'file', ended: 'end' };

  function updateGrid(s) {
    for (const [name, c] of built.cols) {
      const ch = s.byName.get(name);
      if (!ch) continue;
      let title;
      if (c.isMix) {
        setText(c.badge, 'mix');
        setAttr(c.badge, 'data-state', ch.on ? 'mix' : 'off');
        title = 'mix ' + name + (ch.on ? '' : ' (off)') + ' · ' + ch.listeners + ' listener' + (ch.listeners === 1 ? '' : 's');
        c.under.hidden = true;
      } else {
        setText(c.badge, STATE_TEXT[ch.state] || ch.state);
        setAttr(c.badge, 'data-state', ch.state);
        title = name + ' · ' + ch.kind + ' input · ' + ch.state;
        if (ch.port != null) title += ' · port ' + ch.port;
        if (ch.kind === 'network') title += ' · buffer ' + ch.buffered_ms + '/' + ch.target_ms + ' ms';
        title += ' · underruns ' + ch.underruns + ' · ' + ch.listeners + ' listener' + (ch.listeners === 1 ? '' : 's');
        c.under.hidden = !(ch.underruns > 0);
        setText(c.under, ch.underruns > 999 ? 'u999+' : 'u' + ch.underruns);
      }
      setAttr(c.th, 'title', title);
      setAttr(c.th, 'data-state', c.isMix ? (ch.on ? 'on' : 'off') : ch.state);
    }

    for (const m of s.mixes) {
      const row = built.rows.get(m.name);
      if (!row) continue;
      setAttr(row.toggle, 'aria-pressed', m.on ? 'true' : 'false');
      setAttr(row.toggle, 'aria-label', 'Mix ' + m.name + (m.on ? ' on' : ' off'));
      setText(row.toggle.lastElementChild, m.on ? 'ON' : 'OFF');
      setAttr(row.tr, 'data-on', m.on ? 'true' : 'false');
      if (!(row.fader._editUntil > performance.now())) {
        const v = dbToFader(m.gain);
        if (row.fader.value !== v) row.fader.value = v;
        setText(row.value, dbLong(m.gain));
      }
      setAttr(row.fader, 'aria-valuetext', dbLong(m.gain));
      let info = m.routes.size + ' src';
      if (m.listeners) info += ' · ' + m.listeners + '♪';
      if (m.port != null) info += ' · :' + m.port;
      setText(row.info, info);
      setAttr(row.th, 'title', 'mix ' + m.name + ' · ' + m.routes.size + ' sources · ' + m.listeners +
        ' listeners' + (m.port != null ? ' · port ' + m.port : '') + ' · master ' + dbLong(m.gain));

      for (const src of s.sources) {
        if (src === m.name) continue;
        const b = built.cells.get(cellKey(m.name, src));
        if (!b) continue;
        const r = m.routes.get(src);
        const st = r ? (r.muted ? 'muted' : 'on') : (wouldCycle(m.name, src) ? 'cycle' : 'off');
        const sig = st + (r ? r.gain : '');
        if (b._sig !== sig) {
          b._sig = sig;
          b.setAttribute('aria-pressed', r && !r.muted ? 'true' : 'false');
          b.setAttribute('data-state', st);
          b.firstElementChild.textContent = r ? dbShort(r.gain) : '';
          let label;
          if (!r) label = src + ' to ' + m.name + ': not routed' + (st === 'cycle' ? ' (would make a cycle)' : '');
          else label = src + ' to ' + m.name + ': ' + (r.muted ? 'muted, ' : 'on, ') + dbLong(r.gain);
          b.setAttribute('aria-label', label);
          b.setAttribute('title', label + (r ? '\nclick: ' + (r.muted ? 'unmute' : 'mute') : '\nclick: route at 0 dB') +
            ' · right-click, long-press or G: gain');
        }
        if (b._busy) {
          b._busy = false;
          b.classList.remove('busy');
        }
      }
    }
  }

  function xpState(mix, source) {
    const m = scene && scene.byName.get(mix);
    if (!m || !m.routes) return null;
    return m.routes.get(source) || null;
  }

  async function toggleCrosspoint(b) {
    const mix = b.dataset.mix;
    const src = b.dataset.source;
    const r = xpState(mix, src);
    const line = !r ? 'route ' + mix + ' ' + src : r.muted ? 'unmute ' + mix + ' ' + src : 'mute ' + mix + ' ' + src;
    b._busy = true;
    b.classList.add('busy');
    const res = await change(line);
    if (!res.ok) {
      b._busy = false;
      b.classList.remove('busy');
    }
  }

  // Roving tabindex: one crosspoint in the tab order; arrows move between them.
  let roved = null;
  function rove(b) {
    if (roved === b) return;
    if (roved && roved.isConnected) roved.tabIndex = -1;
    else gridBody.querySelectorAll('button.xp[tabindex="0"]').forEach((x) => { x.tabIndex = -1; });
    b.tabIndex = 0;
    roved = b;
  }

  function moveFocus(b, dr, dc, toEdge) {
    const td = b.parentElement;
    const tr = td.parentElement;
    const rows = gridBody.rows;
    let r = tr.sectionRowIndex;
    let c = td.cellIndex;
    const nCols = tr.cells.length;
    for (let guard = 0; guard < 4096; guard++) {
      if (toEdge) {
        if (dc < 0) { c = 1; dc = 1; toEdge = false; } else if (dc > 0) { c = nCols - 1; dc = -1; toEdge = false; } else if (dr < 0) { r = 0; dr = 1; toEdge = false; } else { r = rows.length - 1; dr = -1; toEdge = false; }
      } else {
        r += dr;
        c += dc;
      }
      if (r < 0 || r >= rows.length || c < 1 || c >= nCols) return;
      const target = rows[r].cells[c] && rows[r].cells[c].querySelector('button.xp');
      if (target) {
        rove(target);
        target.focus();
        return;
      }
      if (dr === 0 && dc === 0) return;
    }
  }

  gridBody.addEventListener('click', (e) => {
    const b = e.target.closest('button.xp');
    if (b) {
      if (performance.now() < suppressClickUntil) return;  // the click that ends a long-press
      rove(b);
      toggleCrosspoint(b);
      return;
    }
    const t = e.target.closest('button[data-mix-toggle]');
    if (t) {
      const name = t.dataset.mixToggle;
      const m = scene && scene.byName.get(name);
      const on = m ? m.on : t.getAttribute('aria-pressed') === 'true';
      change((on ? 'mix off ' : 'mix on ') + name);
    }
  });

  gridBody.addEventListener('focusin', (e) => {
    const b = e.target.closest('button.xp');
    if (b) {
      rove(b);
      highlight(b);
    }
  });

  gridBody.addEventListener('keydown', (e) => {
    const b = e.target.closest('button.xp');
    if (!b || e.altKey || e.metaKey) return;
    const k = e.key;
    const ctrl = e.ctrlKey;
    if (k === 'ArrowRight') moveFocus(b, 0, 1, ctrl);
    else if (k === 'ArrowLeft') moveFocus(b, 0, -1, ctrl);
    else if (k === 'ArrowDown') moveFocus(b, 1, 0, ctrl);
    else if (k === 'ArrowUp') moveFocus(b, -1, 0, ctrl);
    else if (k === 'Home') moveFocus(b, 0, -1, true);
    else if (k === 'End') moveFocus(b, 0, 1, true);
    else if (k === 'g' || k === 'G' || k === 'F2' || (k === 'Enter' && e.shiftKey)) openPopover(b);
    else if (k === 'Delete' || k === 'Backspace') {
      if (xpState(b.dataset.mix, b.dataset.source)) change('unroute ' + b.dataset.mix + ' ' + b.dataset.source);
    } else return;
    e.preventDefault();
  });

  // Secondary action: right-click, the context-menu key, long-press.
  // A long-press opens the popover itself (mobile browsers may also send a contextmenu, which
  // then finds it open); the click that ends it is ignored.
  let suppressClickUntil = 0;
  let press = null;
  const endPress = () => {
    if (!press) return;
    clearTimeout(press.timer);
    if (press.fired) suppressClickUntil = performance.now() + 400;
    press = null;
  };
  gridBody.addEventListener('contextmenu', (e) => {
    const b = e.target.closest('button.xp');
    if (!b) return;
    e.preventDefault();
    if (press) {
      clearTimeout(press.timer);
      press.fired = true;
    }
    if (pop.hidden || popState.b !== b) openPopover(b);
  });
  gridBody.addEventListener('pointerdown', (e) => {
    endPress();
    const b = e.target.closest('button.xp');
    if (!b || e.button !== 0) return;
    const p = { b, x: e.clientX, y: e.clientY, fired: false };
    p.timer = setTimeout(() => {
      p.fired = true;
      if (pop.hidden || popState.b !== b) openPopover(b);
    }, LONG_PRESS_MS);
    press = p;
  });
  gridBody.addEventListener('pointerup', endPress);
  gridBody.addEventListener('pointercancel', endPress);
  gridBody.addEventListener('pointermove', (e) => {
    if (press && !press.fired && Math.hypot(e.clientX - press.x, e.clientY - press.y) > 10) {
      clearTimeout(press.timer);
      press = null;
    }
  });

  // Crosshair: the hovered or focused crosspoint lights its row and column headers.
  let lit = [];
  function highlight(b) {
    for (const e of lit) e.classList.remove('lit');
    lit = [];
    if (!b) return;
    const col = built.cols.get(b.dataset.source);
    const row = built.rows.get(b.dataset.mix);
    if (col) lit.push(col.th);
    if (row) lit.push(row.th);
    for (const e of lit) e.classList.add('lit');
  }
  gridBody.addEventListener('pointerover', (e) => {
    const b = e.target.closest('button.xp');
    if (b) highlight(b);
  });
  grid.addEventListener('pointerleave', () => highlight(null));

  // Master faders: throttled while dragging, the final value on release.
  function throttledSender(send, ms) {
    let last = 0;
    let timer = 0;
    let pendingArgs = null;
    const fire = () => {
      timer = 0;
      last = performance.now();
      const a = pendingArgs;
      pendingArgs = null;
      send(...a);
    };
    return {
      push(...args) {
        pendingArgs = args;
        const wait = ms - (performance.now() - last);
        if (wait <= 0 && !timer) fire();
        else if (!timer) timer = setTimeout(fire, wait);
      },
      flush(...args) {
        clearTimeout(timer);
        timer = 0;
        pendingArgs = args;
        fire();
      },
    };
  }

  const masterSend = throttledSender((name, db) => change('gain ' + name + ' ' + dbArg(db)), 60);
  gridBody.addEventListener('input', (e) => {
    const f = e.target.closest('input[data-master]');
    if (!f) return;
    const row = built.rows.get(f.dataset.master);
    const db = faderToDb(f.value);
    f._editUntil = performance.now() + 1200;
    if (row) setText(row.value, dbLong(db));
    masterSend.push(f.dataset.master, db);
  });
  gridBody.addEventListener('change', (e) => {
    const f = e.target.closest('input[data-master]');
    if (!f) return;
    f._editUntil = performance.now() + 600;
    masterSend.flush(f.dataset.master, faderToDb(f.value));
  });
  gridBody.addEventListener('dblclick', (e) => {
    const f = e.target.closest('input[data-master]');
    if (!f) return;
    f.value = '0';
    f._editUntil = performance.now() + 600;
    masterSend.flush(f.dataset.master, 0);
  });

  // ---------------------------------------------------------------- crosspoint popover

  const popState = { b: null, mix: null, source: null };

  function openPopover(b) {
    popState.b = b;
    popState.mix = b.dataset.mix;
    popState.source = b.dataset.source;
    setText($('xp-pop-title'), popState.source + ' → ' + popState.mix);
    pop.hidden = false;
    popRange._editUntil = 0;
    updatePopover();
    placePopover();
    popRange.focus();
  }

  function placePopover() {
    if (pop.hidden || !popState.b || !popState.b.isConnected) return;
    const r = popState.b.getBoundingClientRect();
    const w = pop.offsetWidth;
    const h = pop.offsetHeight;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    let x = r.left + r.width / 2 - w / 2;
    let y = r.bottom + 6;
    if (y + h > vh - 4) y = r.top - h - 6;
    x = Math.max(4, Math.min(vw - w - 4, x));
    y = Math.max(4, Math.min(vh - h - 4, y));
    pop.style.transform = 'translate(' + Math.round(x) + 'px,' + Math.round(y) + 'px)';
  }

  function updatePopover() {
    if (pop.hidden) return;
    const b = built.cells.get(cellKey(popState.mix, popState.source));
    if (!b) {
      closePopover(false);
      return;
    }
    if (popState.b !== b) {
      popState.b = b;  // the grid was rebuilt: follow the new cell
      placePopover();
    }
    const r = xpState(popState.mix, popState.source);
    if (!(popRange._editUntil > performance.now())) {
      popRange.value = dbToFader(r ? r.gain : 0);
      setText(popValue, r ? dbLong(r.gain) : 'not routed');
    }
    popRange.setAttribute('aria-valuetext', r ? dbLong(r.gain) : 'not routed');
    const mute = $('xp-pop-mute');
    mute.disabled = !r;
    setText(mute, r && r.muted ? 'Unmute' : 'Mute');
    mute.setAttribute('aria-pressed', r && r.muted ? 'true' : 'false');
    const un = $('xp-pop-unroute');
    setText(un, r ? 'Unroute' : 'Route');
    un.dataset.pop = r ? 'unroute' : 'route';
    pop.dataset.state = r ? (r.muted ? 'muted' : 'on') : 'off';
  }

  function closePopover(refocus = true) {
    if (pop.hidden) return;
    pop.hidden = true;
    const b = popState.b;
    popState.b = null;
    if (refocus && b && b.isConnected) b.focus();
  }

  function popGain(db, final) {
    const line = (xpState(popState.mix, popState.source) ? 'gain ' : 'route ') + popState.mix + ' ' +
      popState.source + ' ' + dbArg(db);
    if (final) popSend.flush(line);
    else popSend.push(line);
  }
  const popSend = throttledSender((line) => change(line), 60);

  popRange.addEventListener('input', () => {
    popRange._editUntil = performance.now() + 1200;
    const db = faderToDb(popRange.value);
    setText(popValue, dbLong(db));
    popGain(db, false);
  });
  popRange.addEventListener('change', () => {
    popRange._editUntil = performance.now() + 600;
    popGain(faderToDb(popRange.value), true);
  });
  pop.addEventListener('click', (e) => {
    const a = e.target.closest('[data-pop]');
    if (!a) return;
    const what = a.dataset.pop;
    const m = popState.mix;
    const s = popState.source;
    const r = xpState(m, s);
    popRange._editUntil = 0;
    if (what === '0' || what === '-inf') popGain(what === '0' ? 0 : -Infinity, true);
    else if (what === 'mute' && r) change((r.muted ? 'unmute ' : 'mute ') + m + ' ' + s);
    else if (what === 'unroute' && r) change('unroute ' + m + ' ' + s);
    else if (what === 'route') change('route ' + m + ' ' + s);
  });
  $('xp-pop-close').addEventListener('click', () => closePopover());
  pop.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closePopover();
    } else if (e.key === 'Tab') {
      // keep focus inside while open
      const f = [...pop.querySelectorAll('button:not(:disabled), input')];
      const i = f.indexOf(document.activeElement);
      const n = e.shiftKey ? (i <= 0 ? f.length - 1 : i - 1) : (i >= f.length - 1 ? 0 : i + 1);
      e.preventDefault();
      f[n].focus();
    }
  });
  document.addEventListener('pointerdown', (e) => {
    if (!pop.hidden && !pop.contains(e.target) && !(popState.b && popState.b.contains(e.target))) closePopover(false);
  }, true);
  window.addEventListener('resize', placePopover);
  gridScroll.addEventListener('scroll', () => placePopover(), { passive: true });
  window.addEventListener('scroll', () => placePopover(), { passive: true });

  // ---------------------------------------------------------------- meters

  // Latest reading per channel; drawn once per animation frame, only what changed.
  const meters = {
    values: new Map(),   // name -> {l, r, peak, fresh}
    els: new Map(),      // name -> {primary, covers: [[l, r, orient], ...], last: [fl, fr]}
    dirty: new Set(),
    frame: 0,
    lastMsg: 0,

    clearElements() {
      this.els.clear();
    },

    // After the grid or topology is rebuilt: find every meter element again.
    collect() {
      this.els.clear();
      const add = (name, covers, orient, primary) => {
        let e = this.els.get(name);
        if (!e) {
          e = { primary: null, covers: [] };
          this.els.set(name, e);
        }
        if (primary) e.primary = primary;
        e.covers.push({ l: covers[0], r: covers[1], orient, fl: -1, fr: -1 });
      };
      for (const m of document.querySelectorAll('.meter[data-meter], .meter[data-meter-copy]')) {
        const name = m.getAttribute('data-meter') || m.getAttribute('data-meter-copy');
        const cov = m.querySelectorAll('.cov');
        add(name, [cov[0], cov[1]], m.classList.contains('v') ? 'v' : 'h', m.hasAttribute('data-meter') ? m : null);
      }
      for (const g of topo.querySelectorAll('[data-node-meter]')) {
        add(g.getAttribute('data-node-meter'), [g, null], 'svg', null);
      }
      for (const [name, e] of this.els) {
        const v = this.values.get(name);
        if (!v) continue;
        this.dirty.add(name);
        const peak = Math.max(v.l, v.r);
        if (e.primary) e.primary.setAttribute('data-peak-db', Number.isFinite(peak) ? peak.toFixed(1) : '-inf');
      }
      this.schedule();
    },

    // A reading: data-peak-db is written at once (on every reading, so scripts can count them and a
    // steady tone still shows it is live: an attribute no style depends on, so no layout); the bars
    // are drawn at the next animation frame.
    push(obj) {
      this.lastMsg = performance.now();
      stats.meterMessages++;
      for (const name in obj) {
        const v = obj[name];
        if (!v || !v.peak) continue;
        const l = toDb(v.peak[0]);
        const r = toDb(v.peak.length > 1 ? v.peak[1] : v.peak[0]);
        let e = this.values.get(name);
        if (!e) {
          e = { l, r };
          this.values.set(name, e);
        }
        e.l = l;
        e.r = r;
        this.dirty.add(name);
        const m = this.els.get(name);
        if (m && m.primary) {
          const peak = Math.max(l, r);
          m.primary.setAttribute('data-peak-db', Number.isFinite(peak) ? peak.toFixed(1) : '-inf');
        }
      }
      this.schedule();
    },

    schedule() {
      if (!this.frame && this.dirty.size) this.frame = requestAnimationFrame(() => this.draw());
    },

    draw() {
      this.frame = 0;
      for (const name of this.dirty) {
        const e = this.els.get(name);
        if (!e) continue;
        const v = this.values.get(name);
        const peak = Math.max(v.l, v.r);
        if (e.primary) {
          const clip = peak >= -0.05;
          if (e.primary._clip !== clip) {
            e.primary._clip = clip;
            e.primary.classList.toggle('clip', clip);
          }
        }
        const fl = frac(v.l);
        const fr = frac(v.r);
        for (const c of e.covers) {
          if (c.orient === 'svg') {
            const f = Math.max(fl, fr);
            if (c.fl !== f) {
              c.fl = f;
              c.l.setAttribute('transform', 'scale(' + f.toFixed(3) + ' 1)');
            }
            continue;
          }
          if (c.fl !== fl) {
            c.fl = fl;
            c.l.style.transform = (c.orient === 'v' ? 'scaleY(' : 'scaleX(') + (1 - fl).toFixed(3) + ')';
          }
          if (c.fr !== fr) {
            c.fr = fr;
            c.r.style.transform = (c.orient === 'v' ? 'scaleY(' : 'scaleX(') + (1 - fr).toFixed(3) + ')';
          }
        }
      }
      this.dirty.clear();
    },
  };

  function frac(db) {
    if (!Number.isFinite(db) || db <= METER_FLOOR) return 0;
    if (db >= METER_TOP) return 1;
    return Math.round(((db - METER_FLOOR) / (METER_TOP - METER_FLOOR)) * 500) / 500;
  }

  function onMeters(obj) {
    meters.push(obj);
  }

  // Meters that stop arriving fall to silence, visibly stale.
  setInterval(() => {
    if (meters.values.size && performance.now() - meters.lastMsg > 1500) {
      const silent = {};
      for (const name of meters.values.keys()) silent[name] = { peak: ['-inf', '-inf'] };
      meters.push(silent);
      meters.lastMsg = performance.now();
      document.body.classList.add('stale');
    } else if (conn.ready && performance.now() - meters.lastMsg < 1500) {
      document.body.classList.remove('stale');
    }
  }, 500);

  // ---------------------------------------------------------------- topology

  let topoKey = '';

  function drawTopology(s) {
    const key = JSON.stringify([
      s.inputs.map((i) => [i.name, i.state]),
      s.mixes.map((m) => [m.name, m.on, [...m.routes].map(([k, r]) => [k, r.muted, r.gain])]),
    ]);
    if (key === topoKey) return;
    topoKey = key;

    const dense = Math.max(s.inputs.length, s.mixes.length) > 24;
    const NODE_W = 108;
    const NODE_H = dense ? 18 : 24;
    const GAP_Y = dense ? 4 : 8;
    const PAD = 12;
    const TOP = PAD + 16;  // below the column captions
    toggleClass(topo, 'dense', dense);

    // Level: inputs 0; a mix one right of its rightmost mix source.
    const level = new Map();
    for (const i of s.inputs) level.set(i.name, 0);
    const mixByName = new Map(s.mixes.map((m) => [m.name, m]));
    const levelOf = (name, depth) => {
      if (level.has(name)) return level.get(name);
      const m = mixByName.get(name);
      let l = 1;
      if (m && depth < 64) {
        for (const src of m.routes.keys()) {
          if (mixByName.has(src)) l = Math.max(l, levelOf(src, depth + 1) + 1);
        }
      }
      level.set(name, l);
      return l;
    };
    for (const m of s.mixes) levelOf(m.name, 0);
    let maxLevel = s.mixes.length ? 1 : 0;
    for (const l of level.values()) maxLevel = Math.max(maxLevel, l);
    const COL_GAP = maxLevel > 2 ? 56 : 80;

    // Inputs stacked in scene order; each mix as near as it can be to the mean height of its
    // sources (fewer and shorter crossings), in order, never overlapping.
    const at = new Map();
    const columns = [];
    for (let l = 0; l <= maxLevel; l++) columns.push([]);
    s.inputs.forEach((i, k) => {
      columns[0].push(i.name);
      at.set(i.name, { x: PAD, y: TOP + k * (NODE_H + GAP_Y) });
    });
    for (let l = 1; l <= maxLevel; l++) {
      const keyed = [];
      s.mixes.forEach((m, k) => {
        if (level.get(m.name) !== l) return;
        let sum = 0;
        let n = 0;
        for (const src of m.routes.keys()) {
          const p = at.get(src);
          if (p) {
            sum += p.y;
            n++;
          }
        }
        keyed.push([n ? sum / n : Infinity, k, m.name]);
      });
      keyed.sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]));
      let next = TOP;
      const x = PAD + l * (NODE_W + COL_GAP);
      for (const [want, , name] of keyed) {
        const y = Number.isFinite(want) ? Math.max(next, Math.round(want)) : next;
        at.set(name, { x, y });
        columns[l].push(name);
        next = y + NODE_H + GAP_Y;
      }
    }
    let bottom = TOP + NODE_H;
    for (const p of at.values()) bottom = Math.max(bottom, p.y + NODE_H);
    const height = bottom + PAD;
    const width = PAD * 2 + (maxLevel + 1) * NODE_W + maxLevel * COL_GAP;

    topo.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    topo.setAttribute('width', String(width));
    topo.setAttribute('height', String(height));
    topo.style.setProperty('--topo-w', width + 'px');

    const frag = document.createDocumentFragment();
    // Column captions.
    columns.forEach((col, l) => {
      if (!col.length || l > 1) return;
      const t = svg('text', { x: PAD + l * (NODE_W + COL_GAP) + 2, y: PAD + 4, class: 'cap' });
      t.textContent = l === 0 ? 'INPUTS' : 'MIXES';
      frag.append(t);
    });

    const edges = svg('g', { class: 'edges' });
    for (const m of s.mixes) {
      const to = at.get(m.name);
      if (!to) continue;
      const ins = [...m.routes.entries()].filter(([src]) => at.has(src));
      ins.forEach(([src, r], k) => {
        const from = at.get(src);
        const x1 = from.x + NODE_W;
        const y1 = from.y + NODE_H / 2;
        const x2 = to.x;
        const spread = ins.length > 1 ? (k / (ins.length - 1) - 0.5) * Math.min(NODE_H - 8, ins.length * 2) : 0;
        const y2 = to.y + NODE_H / 2 + spread;
        const dx = Math.max(30, (x2 - x1) * 0.5);
        const srcMix = mixByName.get(src);
        const dead = !m.on || (srcMix && !srcMix.on);
        const cls = 'edge ' + (r.muted ? 'muted' : 'on') + (dead ? ' dead' : '') + (srcMix ? ' sub' : '');
        const p = svg('path', {
          d: 'M' + x1 + ' ' + y1 + ' C' + (x1 + dx) + ' ' + y1 + ' ' + (x2 - dx) + ' ' + y2 + ' ' + x2 + ' ' + y2,
          class: cls,
          'data-from': src,
          'data-to': m.name,
        });
        const title = svg('title');
        title.textContent = src + ' → ' + m.name + ' · ' + dbLong(r.gain) + (r.muted ? ' · muted' : '');
        p.append(title);
        edges.append(p);
      });
    }
    frag.append(edges);

    const nodes = svg('g', { class: 'nodes' });
    for (const [name, p] of at) {
      const ch = s.byName.get(name);
      const isMix = mixByName.has(name);
      const st = isMix ? (ch.on ? 'on' : 'off') : ch.state;
      const g = svg('g', {
        class: 'node ' + (isMix ? 'mix' : 'input'),
        'data-node': name,
        'data-state': st,
        transform: 'translate(' + p.x + ' ' + p.y + ')',
      });
      g.append(svg('rect', { class: 'box', width: NODE_W, height: NODE_H, rx: 4 }));
      const bar = svg('rect', { class: 'lvl', x: 0, y: NODE_H - 3, width: NODE_W, height: 3, 'data-node-meter': name, transform: 'scale(0 1)' });
      g.append(bar);
      g.append(svg('circle', { class: 'dot', cx: 10, cy: NODE_H / 2 - 1, r: 3.5 }));
      const t = svg('text', { x: 20, y: NODE_H / 2 + 3, class: 'label' });
      t.textContent = name.length > 13 ? name.slice(0, 12) + '…' : name;
      g.append(t);
      const title = svg('title');
      title.textContent = (isMix ? 'mix ' : 'input ') + name + ' · ' + (isMix ? (ch.on ? 'on' : 'off') : ch.state);
      g.append(title);
      nodes.append(g);
    }
    frag.append(nodes);
    topo.replaceChildren(frag);
    meters.collect();
  }

  topo.addEventListener('pointerover', (e) => {
    const g = e.target.closest('[data-node]');
    const name = g ? g.getAttribute('data-node') : null;
    if (topo._hot === name) return;
    topo._hot = name;
    toggleClass(topo, 'hl', !!name);
    for (const p of topo.querySelectorAll('.edge')) {
      const hot = !!name && (p.getAttribute('data-from') === name || p.getAttribute('data-to') === name);
      toggleClass(p, 'hot', hot);
    }
  });
  topo.addEventListener('pointerleave', () => {
    topo._hot = null;
    topo.classList.remove('hl');
  });

  // ---------------------------------------------------------------- monitoring (Web Audio)

  const mon = { name: null, ctx: null, node: null, gain: null, loading: null, stats: null };

  function updateMonitorButtons() {
    for (const b of built.listen) {
      const on = mon.name !== null && b.dataset.listen === mon.name;
      setAttr(b, 'aria-pressed', on ? 'true' : 'false');
    }
    const bar = $('monitor-bar');
    bar.hidden = mon.name === null;
    bar.dataset.monitoring = mon.name || '';
    setText($('monitor-name'), mon.name || '');
  }

  function ensureAudio() {
    if (mon.ctx) {
      if (mon.ctx.state !== 'running') mon.ctx.resume();
      return mon.loading;
    }
    // Created and resumed inside the click (autoplay rules); the context runs at the stream's rate.
    try {
      mon.ctx = new AudioContext({ sampleRate: conn.rate, latencyHint: 'interactive' });
    } catch (e) {
      mon.ctx = new AudioContext({ latencyHint: 'interactive' });
    }
    mon.ctx.resume();
    mon.gain = mon.ctx.createGain();
    mon.gain.gain.value = volume();
    mon.gain.connect(mon.ctx.destination);
    mon.loading = mon.ctx.audioWorklet.addModule('/monitor-worklet.js').then(() => {
      mon.node = new AudioWorkletNode(mon.ctx, 'pcm-monitor', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [2],
        processorOptions: { inRate: conn.rate, targetMs: 100 },
      });
      mon.node.port.onmessage = (e) => showMonitorStats(e.data);
      mon.node.connect(mon.gain);
    });
    return mon.loading;
  }

  function volume() {
    const v = Number($('monitor-volume').value) / 100;
    return v * v;
  }

  async function startMonitor(name) {
    if (!conn.ready) {
      toast('Not connected: cannot listen to ' + name);
      return;
    }
    mon.name = name;
    updateMonitorButtons();
    setText($('monitor-state'), 'starting…');
    try {
      await ensureAudio();
    } catch (e) {
      toast('Monitoring needs Web Audio (AudioWorklet): ' + e.message);
      mon.name = null;
      updateMonitorButtons();
      return;
    }
    if (mon.name !== name) return;
    mon.node.port.postMessage({ cmd: 'reset' });
    sendJson({ monitor: name });
  }

  function stopMonitor() {
    mon.name = null;
    sendJson({ monitor: null });
    if (mon.node) mon.node.port.postMessage({ cmd: 'reset' });
    if (mon.ctx && mon.ctx.state === 'running') mon.ctx.suspend();
    updateMonitorButtons();
  }

  function monitorPcm(buf) {
    if (!mon.node || !mon.name || buf.byteLength < 4) return;
    const samples = new Int16Array(buf, 0, (buf.byteLength >> 2) << 1);
    mon.node.port.postMessage(samples, [buf]);
  }

  function showMonitorStats(st) {
    mon.stats = st;
    const text = !st.received ? 'waiting for audio' : st.playing ? 'playing · ' + st.buffered_ms + ' ms buffered' : 'buffering';
    const bar = $('monitor-bar');
    bar.dataset.monitorState = !st.received ? 'waiting' : st.playing ? 'playing' : 'buffering';
    bar.dataset.received = String(st.received);
    setText($('monitor-state'), text + (st.underruns ? ' · ' + st.underruns + ' dropouts' : ''));
  }

  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-listen]');
    if (!b) return;
    const name = b.dataset.listen;
    if (mon.name === name) stopMonitor();
    else startMonitor(name);
  });
  $('monitor-stop').addEventListener('click', stopMonitor);
  $('monitor-volume').addEventListener('input', () => {
    if (mon.gain) mon.gain.gain.setTargetAtTime(volume(), mon.ctx.currentTime, 0.02);
  });

  // ---------------------------------------------------------------- start

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !pop.hidden) closePopover();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && conn.ready) requestScene(0);
  });
  requestScene(0);
  connect();

  // For scripts and debugging: read-only views.
  window.mixmatrix = {
    get scene() { return scene; },
    get connected() { return conn.ready; },
    get monitor() { return mon.name ? { name: mon.name, stats: mon.stats } : null; },
    stats,
  };
})();
