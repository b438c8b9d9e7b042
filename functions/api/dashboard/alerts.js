/* Recent alerts: the alert log, newest first. Its own script, so the other views stay unchanged. */
(() => {
  const API = new URL('../../api/monitoring/alerts', window.location.href);
  const PAGE_SIZE = 20;
  const REFRESH_MS = 60_000;
  const RULE_TEXT = {
    'session-cost': 'Session cost',
    'consecutive-errors': 'Consecutive errors',
    budget: 'Budget',
    'budget-refused': 'Budget refusing',
    'unpriced-model': 'Unpriced model',
    'reconciliation-difference': 'Bill difference',
    'unmonitored-spend': 'Unmonitored spend',
    anomaly: 'Anomaly',
    'forecast-budget': 'Forecast over budget',
  };

  const $ = (id) => document.getElementById(id);
  const state = { cursor: null, loading: false };

  const cell = (text, className) => {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  };

  const shown = (alert, value, usd) => {
    if (alert.unit === 'nanoUsd') {
      return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(usd) < 1 ? 4 : 2 })}`;
    }
    if (alert.unit === 'ratio') return `${(value * 100).toFixed(1)}%`;
    if (alert.unit === 'ms') return `${value.toLocaleString('en-US')} ms`;
    return value.toLocaleString('en-US');
  };

  const scopeText = (scope) => {
    const at = scope.indexOf(':');
    return at < 0 ? scope : `${scope.slice(0, at)} ${scope.slice(at + 1)}`;
  };

  const row = (alert) => {
    const tr = document.createElement('tr');
    tr.dataset.rule = alert.rule;
    tr.dataset.severity = alert.severity;
    const time = document.createElement('th');
    time.scope = 'row';
    // Focus moves to the first row a "show older" brings, so keyboard and screen reader users land on it.
    time.tabIndex = -1;
    const stamp = document.createElement('time');
    stamp.dateTime = alert.fired_at;
    stamp.textContent = `${alert.fired_at.slice(0, 10)} ${alert.fired_at.slice(11, 16)}`;
    time.append(stamp);
    const severity = cell(alert.severity, `severity severity-${alert.severity}`);
    const what = document.createElement('td');
    const subject = document.createElement('strong');
    subject.textContent = alert.subject;
    const text = document.createElement('span');
    text.className = 'alert-text';
    text.textContent = alert.text;
    what.append(subject, text);
    tr.append(
      time,
      severity,
      cell(RULE_TEXT[alert.rule] ?? alert.rule),
      cell(scopeText(alert.scope)),
      what,
      cell(
        `${shown(alert, alert.value, alert.value_usd)} (threshold ${shown(alert, alert.threshold, alert.threshold_usd)})`,
        'num',
      ),
    );
    return tr;
  };

  const fetchPage = async (cursor) => {
    const url = new URL(API);
    url.searchParams.set('limit', String(PAGE_SIZE));
    const rule = $('alerts-rule').value;
    if (rule) url.searchParams.set('rule', rule);
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
    return body;
  };

  /** Reads the newest page again (`more` false) or appends the next one. */
  const load = async (more) => {
    if (state.loading) return;
    state.loading = true;
    const section = $('alerts');
    const error = $('alerts-error');
    try {
      const body = await fetchPage(more ? state.cursor : null);
      const rows = body.alerts.map(row);
      if (more) $('alert-rows').append(...rows);
      else $('alert-rows').replaceChildren(...rows);
      state.cursor = body.next_cursor;
      const listed = $('alert-rows').children.length;
      $('alerts-empty').hidden = listed > 0;
      $('alerts-table').hidden = listed === 0;
      $('alerts-more').hidden = state.cursor === null;
      error.hidden = true;
      section.dataset.state = 'ready';
      if (more && rows.length > 0) rows[0].querySelector('th').focus();
    } catch (failure) {
      error.textContent = `Could not load the recent alerts: ${failure.message}`;
      error.hidden = false;
      section.dataset.state = 'error';
    } finally {
      state.loading = false;
    }
  };

  const select = $('alerts-rule');
  for (const [rule, text] of Object.entries(RULE_TEXT)) {
    const option = document.createElement('option');
    option.value = rule;
    option.textContent = text;
    select.append(option);
  }
  select.addEventListener('change', () => load(false));
  $('alerts-more').addEventListener('click', () => load(true));
  $('refresh')?.addEventListener('click', () => load(false));
  setInterval(() => {
    if (!document.hidden && state.cursor === null) load(false);
  }, REFRESH_MS);
  load(false);
})();
