// Bridge's query console: plain JavaScript, no library, no request to any other host (the page's
// Content-Security-Policy enforces it). Results stream from POST /v1/query as NDJSON and are shown as they arrive in
// a virtually scrolled grid (only the visible rows are in the DOM, so a million rows stay fast).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const ROW_HEIGHT = 24;
  // Browsers cap an element's height (about 33M px in Chromium); past this the grid maps scroll position to rows.
  const MAX_SPACER_PX = 15000000;
  const HISTORY_KEY = 'bridge.console.history';
  const HISTORY_SIZE = 50;
  const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

  // The bearer token lives in this variable only: never in storage, a cookie or a URL.
  const auth = { token: null, user: null, name: null, on: false };
  // The page's own server session (X-Bridge-Session): temporary tables and settings last across its statements,
  // and Cancel finds the page's running statement by it. A query still computing its first row has sent nothing
  // yet, so the server would not notice a dropped connection; Cancel therefore also asks the server to stop it.
  const SESSION = 'console-' + Array.from(crypto.getRandomValues(new Uint8Array(8)),
    (b) => b.toString(16).padStart(2, '0')).join('');
  const result = { sql: null, columns: [], rows: [], widths: [], numeric: [] };
  let running = null;
  let renderQueued = false;
  let opsTimer = null;
  let historyIndex = -1;

  class ApiError extends Error {}

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    if (auth.token && !headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + auth.token);
    if (path.startsWith('/v1/query') || path.startsWith('/v1/tables')) headers.set('X-Bridge-Session', SESSION);
    const response = await fetch(path, { ...options, headers, cache: 'no-store' });
    if (response.status === 401 && !options.login) {
      auth.on = true;
      showLogin('');
      throw new ApiError(await errorText(response));
    }
    return response;
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      return body.error ? body.error.message : 'HTTP ' + response.status;
    } catch (e) {
      return 'HTTP ' + response.status + ' ' + response.statusText;
    }
  }

  // ---- login ------------------------------------------------------------------------------------------------------
  function showLogin(message) {
    showWho();
    $('login').hidden = false;
    $('login-error').textContent = message;
    $('login-user').focus();
  }

  function basic(user, password) {
    const bytes = new TextEncoder().encode(user + ':' + password);
    let text = '';
    bytes.forEach((b) => { text += String.fromCharCode(b); });
    return 'Basic ' + btoa(text);
  }

  async function login(event) {
    event.preventDefault();
    const user = $('login-user').value;
    const response = await fetch('/v1/token', { method: 'POST', cache: 'no-store',
      headers: { Authorization: basic(user, $('login-password').value) } });
    $('login-password').value = '';
    if (!response.ok) {
      $('login-error').textContent = await errorText(response);
      return;
    }
    const body = await response.json();
    auth.token = body.token;
    auth.user = body.user + ' (' + body.role + ')';
    auth.name = body.user;
    auth.on = true;
    $('login').hidden = true;
    showWho();
    loadSchema();
    if (!$('view-operations').hidden) refreshOperations();
  }

  function logout() {
    if (running) running.controller.abort();
    auth.token = null;
    auth.user = null;
    auth.name = null;
    clearResult();
    $('schema-tree').textContent = '';
    showWho();
    showLogin('');
  }

  function showWho() {
    $('who-name').textContent = auth.user ? auth.user : (auth.on ? 'not logged in' : 'no authentication');
    $('logout').hidden = !auth.token;
  }

  // ---- schema browser ---------------------------------------------------------------------------------------------
  async function loadSchema() {
    try {
      const response = await api('/v1/tables');
      if (!response.ok) throw new ApiError(await errorText(response));
      const body = await response.json();
      const tree = $('schema-tree');
      tree.textContent = '';
      if (body.tables.length === 0) {
        const li = document.createElement('li');
        li.className = 'column';
        li.textContent = 'no tables yet';
        tree.append(li);
      }
      for (const table of body.tables) {
        const li = document.createElement('li');
        li.className = 'table';
        li.title = 'Click: columns; double-click: insert the name';
        li.textContent = (table.kind === 'VIEW' ? '\u25c7 ' : '\u25a6 ') + table.schema + '.' + table.name;
        const columns = table.columns.map((column) => {
          const item = document.createElement('li');
          item.className = 'column';
          item.hidden = true;
          item.textContent = column.name;
          const type = document.createElement('span');
          type.className = 'type';
          type.textContent = column.type;
          item.append(type);
          return item;
        });
        li.addEventListener('click', () => columns.forEach((c) => { c.hidden = !c.hidden; }));
        li.addEventListener('dblclick', () => insertText(quoteName(table.schema) + '.' + quoteName(table.name)));
        tree.append(li, ...columns);
      }
    } catch (e) {
      if (!(e instanceof ApiError) || !$('login').hidden) return;
      showMessage(e.message);
    }
  }

  function quoteName(name) {
    return /^[a-z_][a-z0-9_]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
  }

  function insertText(text) {
    const sql = $('sql');
    const at = sql.selectionStart;
    sql.value = sql.value.slice(0, at) + text + sql.value.slice(sql.selectionEnd);
    sql.selectionStart = sql.selectionEnd = at + text.length;
    sql.focus();
  }

  // ---- history ----------------------------------------------------------------------------------------------------
  function history() {
    try {
      return JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    } catch (e) {
      return [];
    }
  }

  function remember(sql) {
    const list = [sql, ...history().filter((s) => s !== sql)].slice(0, HISTORY_SIZE);
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
    } catch (e) {
      // Storage may be off (private windows); the history then lasts for the page only.
    }
    historyIndex = -1;
    fillHistory(list);
  }

  function fillHistory(list) {
    const select = $('history');
    select.length = 1;
    for (const sql of list) {
      const option = document.createElement('option');
      option.value = sql;
      option.textContent = sql.replace(/\s+/g, ' ').slice(0, 80);
      select.append(option);
    }
  }

  function stepHistory(delta) {
    const list = history();
    if (list.length === 0) return;
    historyIndex = Math.max(0, Math.min(list.length - 1, historyIndex + delta));
    $('sql').value = list[historyIndex];
  }

  // ---- running a query --------------------------------------------------------------------------------------------
  async function run() {
    const sql = $('sql').value.trim();
    if (running || !sql) return;
    remember(sql);
    clearResult();
    result.sql = sql;
    const controller = new AbortController();
    const current = { controller, sql, started: performance.now(), rows: 0, ended: false };
    running = current;
    setRunning(true);
    setState('running');
    current.timer = setInterval(() => showElapsed(current), 100);
    try {
      const response = await api('/v1/query', { method: 'POST', signal: controller.signal,
        headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
        body: JSON.stringify({ sql, format: 'ndjson' }) });
      if (!response.ok) {
        finish(current, 'failed', await errorText(response));
        return;
      }
      if ((response.headers.get('Content-Type') || '').startsWith('application/json')) {
        const body = await response.json();
        finish(current, 'done');
        $('row-count').textContent = body.rows_changed + ' row(s) changed';
        loadSchema();
        return;
      }
      await readLines(response.body, current);
    } catch (e) {
      if (e.name === 'AbortError') finish(current, 'cancelled');
      else finish(current, 'failed', e.message || String(e));
    }
  }

  async function readLines(body, current) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.length > 0) onLine(JSON.parse(line), current);
      }
    }
    if (!current.ended) finish(current, 'failed', 'the result stream ended without its end line');
  }

  function onLine(line, current) {
    if (line.type === 'metadata') {
      setColumns(line.columns);
    } else if (line.type === 'data') {
      const rows = result.rows;
      for (const row of line.rows) rows.push(row);
      current.rows = rows.length;
      if (rows.length === line.rows.length) sizeColumns();
      queueRender();
    } else if (line.type === 'end') {
      finish(current, 'done');
    } else if (line.type === 'error') {
      finish(current, 'failed', line.message + '\n(after ' + result.rows.length.toLocaleString('en-US')
        + ' rows; the rows above arrived before the error)');
    }
  }

  function finish(current, how, message) {
    if (current.ended) return;
    if (current.cancelRequested) {
      how = 'cancelled';
      message = null;
    }
    current.ended = true;
    clearInterval(current.timer);
    showElapsed(current);
    setState(how);
    if (message) showMessage(message);
    if (running === current) running = null;
    setRunning(false);
    if (result.columns.length > 0) sizeColumns();
    fillChartColumns();
  }

  async function cancel() {
    const current = running;
    if (!current || current.cancelRequested) return;
    current.cancelRequested = true;
    setState('cancelling');
    try {
      const own = 'http-session:' + (auth.name ? auth.name + '/' : '') + SESSION;
      const response = await api('/v1/statements');
      if (response.ok) {
        const body = await response.json();
        await Promise.all(body.statements.filter((s) => s.session === own)
          .map((s) => api('/v1/statements/' + s.id, { method: 'DELETE' })));
      }
    } catch (e) {
      // The abort below still ends the page's side; the server stops the query when it next writes.
    }
    current.controller.abort();
  }

  function setRunning(isRunning) {
    $('run').disabled = isRunning;
    $('cancel').disabled = !isRunning;
    const downloadable = !isRunning && result.columns.length > 0;
    $('download-csv').disabled = !downloadable;
    $('download-arrow').disabled = !downloadable;
  }

  function setState(text) {
    $('state').textContent = text;
  }

  function showElapsed(current) {
    $('elapsed').textContent = ((performance.now() - current.started) / 1000).toFixed(1) + ' s';
    $('row-count').textContent = result.rows.length.toLocaleString('en-US') + ' rows';
  }

  function showMessage(text) {
    $('message').textContent = text;
    $('message').hidden = false;
  }

  function clearResult() {
    result.columns = [];
    result.rows = [];
    $('message').hidden = true;
    $('grid-head').textContent = '';
    $('grid-rows').textContent = '';
    $('grid-body').scrollTop = 0;
    $('row-count').textContent = '';
    $('elapsed').textContent = '';
    drawChart();
  }

  // ---- downloads: the statement runs again in the chosen format, sent with the token in a header ----------------
  async function download(format) {
    const sql = result.sql;
    if (running || !sql) return;
    setState('downloading ' + format);
    try {
      const response = await api('/v1/query', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sql, format }) });
      if (!response.ok) {
        showMessage(await errorText(response));
        setState('download failed');
        return;
      }
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'result.' + (format === 'csv' ? 'csv' : 'arrow');
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setState('downloaded ' + link.download);
    } catch (e) {
      if (!(e instanceof ApiError)) showMessage(e.message || String(e));
    }
  }

  // ---- the grid ---------------------------------------------------------------------------------------------------
  function setColumns(columns) {
    result.columns = columns;
    result.numeric = columns.map((c) => NUMERIC.test(c.type));
    sizeColumns();
  }

  function sizeColumns() {
    // The first and the last rows stand for the rest: values tend to grow along a result (ids, counters).
    const sample = result.rows.length <= 400 ? result.rows
      : result.rows.slice(0, 200).concat(result.rows.slice(-200));
    result.widths = result.columns.map((column, i) => {
      let chars = Math.max(column.name.length, column.type.length * 0.8);
      for (const row of sample) chars = Math.max(chars, show(row[i]).length);
      return Math.round(Math.min(360, Math.max(64, chars * 7.4 + 20)));
    });
    result.rowNumberWidth = Math.round(Math.max(6, String(result.rows.length).length) * 7.4 + 20);
    const head = $('grid-head');
    head.textContent = '';
    head.append(cell('#', result.rowNumberWidth, 'cell rownum'));
    result.columns.forEach((column, i) => {
      const th = cell(column.name, result.widths[i], 'cell');
      th.title = column.type;
      head.append(th);
    });
    queueRender();
  }

  function cell(text, width, className) {
    const div = document.createElement('div');
    div.className = className;
    div.style.width = width + 'px';
    div.textContent = text;
    return div;
  }

  function show(value) {
    if (value === null || value === undefined) return 'NULL';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }

  function render() {
    const body = $('grid-body');
    const rows = result.rows;
    const totalWidth = result.widths.reduce((a, b) => a + b, result.rowNumberWidth || 0);
    const fullHeight = rows.length * ROW_HEIGHT;
    const spacerHeight = Math.min(fullHeight, MAX_SPACER_PX);
    const spacer = $('grid-spacer');
    spacer.style.height = spacerHeight + 'px';
    spacer.style.width = totalWidth + 'px';
    const viewport = body.clientHeight;
    const visible = Math.ceil(viewport / ROW_HEIGHT) + 1;
    let first;
    let top;
    if (fullHeight <= MAX_SPACER_PX) {
      first = Math.floor(body.scrollTop / ROW_HEIGHT);
      top = first * ROW_HEIGHT;
    } else {
      const ratio = body.scrollTop / Math.max(1, spacerHeight - viewport);
      first = Math.round(Math.min(1, ratio) * Math.max(0, rows.length - visible));
      top = body.scrollTop;
    }
    first = Math.max(0, Math.min(first, Math.max(0, rows.length - visible)));
    const container = $('grid-rows');
    container.style.transform = 'translateY(' + top + 'px)';
    const fragment = document.createDocumentFragment();
    for (let r = first; r < Math.min(rows.length, first + visible); r++) {
      const line = document.createElement('div');
      line.className = 'row';
      line.dataset.row = r + 1;
      line.append(cell(String(r + 1), result.rowNumberWidth, 'cell rownum'));
      const row = rows[r];
      for (let c = 0; c < result.columns.length; c++) {
        const value = row[c];
        const className = value === null ? 'cell null' : (result.numeric[c] ? 'cell num' : 'cell');
        line.append(cell(show(value), result.widths[c], className));
      }
      fragment.append(line);
    }
    container.replaceChildren(fragment);
    if (running) showElapsed(running);
  }

  // ---- chart ------------------------------------------------------------------------------------------------------
  function fillChartColumns() {
    for (const id of ['chart-x', 'chart-y']) {
      const select = $(id);
      const previous = select.value;
      select.length = 0;
      result.columns.forEach((column, i) => {
        const option = document.createElement('option');
        option.value = String(i);
        option.textContent = column.name;
        select.append(option);
      });
      if (previous && Number(previous) < result.columns.length) select.value = previous;
    }
    if (result.columns.length > 1 && $('chart-y').value === $('chart-x').value) {
      const firstNumeric = result.numeric.findIndex((n, i) => n && String(i) !== $('chart-x').value);
      $('chart-y').value = String(firstNumeric >= 0 ? firstNumeric : 1);
    }
    drawChart();
  }

  function drawChart() {
    const canvas = $('chart');
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    const x = Number($('chart-x').value);
    const y = Number($('chart-y').value);
    const type = $('chart-type').value;
    if (result.rows.length === 0 || $('chart-x').value === '' || $('chart-y').value === '') {
      $('chart-note').textContent = 'run a query, then pick two columns';
      return;
    }
    // A bar chart of the first 100 rows; a line through at most 2,000 rows sampled evenly over the whole result.
    const limit = type === 'bar' ? 100 : 2000;
    const step = type === 'bar' ? 1 : Math.max(1, Math.ceil(result.rows.length / limit));
    const points = [];
    for (let r = 0; r < result.rows.length && points.length < limit; r += step) {
      const value = Number(result.rows[r][y]);
      if (Number.isFinite(value)) points.push({ label: show(result.rows[r][x]), value });
    }
    $('chart-note').textContent = points.length + ' point(s) of ' + result.rows.length.toLocaleString('en-US')
      + ' rows' + (step > 1 ? ' (every ' + step + 'th)' : '');
    if (points.length === 0) return;
    const pad = { left: 70, right: 20, top: 20, bottom: 50 };
    const w = canvas.width - pad.left - pad.right;
    const h = canvas.height - pad.top - pad.bottom;
    let min = Math.min(0, ...points.map((p) => p.value));
    let max = Math.max(0, ...points.map((p) => p.value));
    if (max === min) max = min + 1;
    const yOf = (v) => pad.top + h - ((v - min) / (max - min)) * h;
    g.strokeStyle = '#8a94a6';
    g.fillStyle = '#4a5568';
    g.font = '11px sans-serif';
    g.beginPath();
    g.moveTo(pad.left, pad.top);
    g.lineTo(pad.left, pad.top + h);
    g.lineTo(pad.left + w, pad.top + h);
    g.stroke();
    for (let i = 0; i <= 4; i++) {
      const v = min + ((max - min) * i) / 4;
      g.fillText(formatNumber(v), 4, yOf(v) + 4);
    }
    g.fillStyle = '#2d6cdf';
    g.strokeStyle = '#2d6cdf';
    const slot = w / points.length;
    if (type === 'bar') {
      points.forEach((p, i) => {
        const top = yOf(Math.max(0, p.value));
        g.fillRect(pad.left + i * slot + slot * 0.1, top, Math.max(1, slot * 0.8), Math.abs(yOf(p.value) - yOf(0)));
      });
    } else {
      g.lineWidth = 1.5;
      g.beginPath();
      points.forEach((p, i) => {
        const px = pad.left + (points.length === 1 ? w / 2 : (i * w) / (points.length - 1));
        if (i === 0) g.moveTo(px, yOf(p.value)); else g.lineTo(px, yOf(p.value));
      });
      g.stroke();
    }
    g.fillStyle = '#4a5568';
    const labels = Math.min(points.length, 8);
    for (let i = 0; i < labels; i++) {
      const index = Math.floor((i * (points.length - 1)) / Math.max(1, labels - 1));
      g.fillText(points[index].label.slice(0, 12), pad.left + index * slot, pad.top + h + 16);
    }
    g.fillText(result.columns[x].name + ' \u2192', pad.left + w - 120, canvas.height - 8);
  }

  function formatNumber(v) {
    return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(+v.toFixed(3));
  }

  // ---- operations view --------------------------------------------------------------------------------------------
  async function refreshOperations() {
    try {
      const [statements, sessions, metrics] = await Promise.all(['/v1/statements', '/v1/sessions', '/metrics']
        .map((path) => api(path).then(async (r) => {
          if (!r.ok) throw new ApiError(await errorText(r));
          return path === '/metrics' ? r.text() : r.json();
        })));
      $('ops-message').hidden = true;
      showHeadline(metrics);
      showStatements(statements.statements);
      showSessions(sessions.sessions);
    } catch (e) {
      if (!$('login').hidden) return;
      $('ops-message').textContent = e.message || String(e);
      $('ops-message').hidden = false;
    }
  }

  function showHeadline(text) {
    const sums = {};
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.length === 0) continue;
      const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (match) sums[match[1]] = (sums[match[1]] || 0) + Number(match[3]);
    }
    const headline = [
      ['bridge_sessions_active', 'open sessions'], ['bridge_streams_active', 'streams now'],
      ['bridge_transactions_active', 'open transactions'], ['bridge_queries_total', 'statements run'],
      ['bridge_result_rows_total', 'rows sent'], ['bridge_arrow_allocated_bytes', 'Arrow bytes held']];
    $('headline').replaceChildren(...headline.map(([name, label]) => {
      const box = document.createElement('div');
      box.className = 'metric';
      box.dataset.metric = name;
      const value = document.createElement('b');
      value.textContent = (sums[name] || 0).toLocaleString('en-US');
      const caption = document.createElement('span');
      caption.textContent = label;
      box.append(value, caption);
      return box;
    }));
  }

  function tableRows(tbody, items, columns, empty) {
    if (items.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = columns;
      td.className = 'empty';
      td.textContent = empty;
      tr.append(td);
      tbody.replaceChildren(tr);
      return;
    }
    tbody.replaceChildren(...items);
  }

  function td(text, className) {
    const cellElement = document.createElement('td');
    cellElement.textContent = text;
    if (className) cellElement.className = className;
    return cellElement;
  }

  // Rows are kept per statement id and only their cells change, so a Cancel button stays the same element across
  // the refreshes (a click never lands on a row that was just replaced).
  const statementRows = new Map();

  function showStatements(statements) {
    const seen = new Set();
    const rows = statements.map((s) => {
      seen.add(s.id);
      let tr = statementRows.get(s.id);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.id = s.id;
        for (let i = 0; i < 8; i++) tr.append(td(''));
        tr.cells[4].className = 'sql';
        const button = document.createElement('button');
        button.textContent = 'Cancel';
        button.className = 'cancel-statement';
        button.addEventListener('click', () => cancelStatement(s.id));
        const action = document.createElement('td');
        action.append(button);
        tr.append(action);
        statementRows.set(s.id, tr);
      }
      const values = [s.id, s.user, s.session, s.door, s.statement, (s.elapsed_ms / 1000).toFixed(1) + ' s',
        s.rows.toLocaleString('en-US'), s.bytes.toLocaleString('en-US')];
      values.forEach((value, i) => { tr.cells[i].textContent = value; });
      tr.cells[4].title = s.statement;
      return tr;
    });
    for (const id of [...statementRows.keys()]) if (!seen.has(id)) statementRows.delete(id);
    tableRows($('statements').tBodies[0], rows, 9, 'no statement is running');
  }

  function showSessions(sessions) {
    tableRows($('sessions').tBodies[0], sessions.map((s) => {
      const tr = document.createElement('tr');
      tr.append(td(s.id), td(s.user), td(s.role), td(s.opened_at), td((s.idle_ms / 1000).toFixed(1) + ' s'),
        td(s.in_transaction ? 'yes' : 'no'), td(s.running_statements));
      return tr;
    }), 7, 'no open session');
  }

  async function cancelStatement(id) {
    try {
      const response = await api('/v1/statements/' + encodeURIComponent(id), { method: 'DELETE' });
      if (!response.ok) {
        $('ops-message').textContent = await errorText(response);
        $('ops-message').hidden = false;
      }
    } catch (e) {
      // A 401 brought up the login form.
    }
    refreshOperations();
  }

  // ---- wiring -----------------------------------------------------------------------------------------------------
  function showView(name) {
    for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.view === name);
    $('view-query').hidden = name !== 'query';
    $('view-operations').hidden = name !== 'operations';
    clearInterval(opsTimer);
    if (name === 'operations') {
      refreshOperations();
      opsTimer = setInterval(refreshOperations, 1000);
    } else {
      queueRender();
    }
  }

  function showPane(name) {
    for (const tab of document.querySelectorAll('.rtab')) tab.classList.toggle('active', tab.dataset.pane === name);
    $('pane-table').hidden = name !== 'table';
    $('pane-chart').hidden = name !== 'chart';
    if (name === 'chart') drawChart(); else queueRender();
  }

  document.addEventListener('DOMContentLoaded', () => {
    for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showView(tab.dataset.view));
    for (const tab of document.querySelectorAll('.rtab')) tab.addEventListener('click', () => showPane(tab.dataset.pane));
    $('run').addEventListener('click', run);
    $('cancel').addEventListener('click', cancel);
    $('login-form').addEventListener('submit', (event) => { login(event).catch((e) => showLogin(e.message)); });
    $('logout').addEventListener('click', logout);
    $('schema-refresh').addEventListener('click', loadSchema);
    $('download-csv').addEventListener('click', () => download('csv'));
    $('download-arrow').addEventListener('click', () => download('arrow'));
    $('history').addEventListener('change', (e) => { if (e.target.value) $('sql').value = e.target.value; });
    for (const id of ['chart-type', 'chart-x', 'chart-y']) $(id).addEventListener('change', drawChart);
    $('grid-body').addEventListener('scroll', () => {
      $('grid-head').scrollLeft = $('grid-body').scrollLeft;
      queueRender();
    });
    window.addEventListener('resize', queueRender);
    $('sql').addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        run();
      } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        stepHistory(e.key === 'ArrowUp' ? 1 : -1);
      } else if (e.key === 'Tab') {
        e.preventDefault();
        insertText('  ');
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && running) {
        e.preventDefault();
        cancel();
      }
    });
    fillHistory(history());
    showWho();
    loadSchema();
  });
})();
