/* Budgets panel of the dashboard: where each budget stands in its window. Served with the same strict CSP. */
(() => {
  const API = new URL('../../api/monitoring/budgets', window.location.href);
  const REFRESH_MS = 30_000;
  const STATUS_TEXT = { ok: 'OK', warning: '80 %+', exhausted: 'Used up', refusing: 'Refusing calls' };
  const PERIOD_TEXT = { day: 'Daily', month: 'Monthly', lifetime: 'Session lifetime' };

  const $ = (id) => document.getElementById(id);
  const usd = (value) =>
    `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 4 : 2 })}`;
  /** `2026-11-30T00:00:00.000Z` → `11-30 00:00 UTC` (windows are UTC, like the rollups). */
  const when = (iso) => (iso ? `${new Date(iso).toISOString().slice(5, 16).replace('T', ' ')} UTC` : '–');

  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  const who = (budget, id) => {
    if (budget.scope === 'account') return 'Account';
    const name = id ?? budget.id;
    return name === null
      ? `Every ${budget.scope}`
      : `${budget.scope[0].toUpperCase()}${budget.scope.slice(1)} ${name}`;
  };

  /** One row: a budget with its own figures, or one id of a budget for every tenant (user, function). */
  const row = (budget, figures, id) => {
    const tr = document.createElement('tr');
    tr.dataset.scope = budget.scope;
    tr.dataset.id = id ?? budget.id ?? '';
    tr.dataset.status = figures ? figures.status : '';
    const used = document.createElement('td');
    if (figures) {
      const meter = document.createElement('meter');
      meter.min = 0;
      meter.max = 100;
      meter.low = 50;
      meter.high = 80;
      meter.optimum = 0;
      meter.value = Math.min(figures.percent_used, 100);
      meter.title = `${figures.percent_used} %`;
      used.append(meter, document.createTextNode(` ${figures.percent_used} %`));
    } else {
      used.textContent = 'no spend in this window';
    }
    tr.append(
      cell(who(budget, id), 'who'),
      cell(
        `${PERIOD_TEXT[budget.period] ?? budget.period}${budget.window.resets_at ? ` · resets ${when(budget.window.resets_at)}` : ''}`,
      ),
      cell(
        budget.mode === 'enforce'
          ? `Enforced${budget.downgrade_to ? ` → ${budget.downgrade_to}` : ''}`
          : 'Alert only',
      ),
      cell(usd(budget.usd), 'num'),
      cell(figures ? usd(figures.spent_usd) : '–', 'num spent'),
      cell(figures && budget.mode === 'enforce' ? usd(figures.reserved_usd) : '–', 'num'),
      cell(figures ? usd(figures.remaining_usd) : '–', 'num remaining'),
      used,
      cell(figures && budget.mode === 'enforce' ? String(figures.refused_calls) : '–', 'num refused'),
      cell(figures ? when(figures.projected_exhaustion_at) : '–'),
      cell(
        figures ? (STATUS_TEXT[figures.status] ?? figures.status) : '–',
        figures ? `status status-${figures.status}` : 'status',
      ),
    );
    return tr;
  };

  const render = (budgets) => {
    const rows = [];
    const entries = [];
    const add = (budget, figures, id) => {
      rows.push(row(budget, figures, id));
      entries.push({
        who: who(budget, id),
        period: PERIOD_TEXT[budget.period] ?? budget.period,
        status: figures?.status ?? null,
        percent_used: figures?.percent_used ?? null,
      });
    };
    for (const budget of budgets) {
      if (budget.instances) {
        if (budget.instances.length === 0) add(budget, undefined);
        for (const instance of budget.instances) add(budget, instance, instance.id);
      } else {
        add(budget, budget.spent_usd === undefined ? undefined : budget);
      }
    }
    $('budget-rows').replaceChildren(...rows);
    // The insights section says where the budgets stand, from these same rows.
    document.dispatchEvent(new CustomEvent('claude-monitor:budgets', { detail: { entries } }));
    $('budgets-empty').hidden = budgets.length > 0;
    $('budget-table').hidden = budgets.length === 0;
  };

  const load = async () => {
    const section = $('budgets');
    try {
      const response = await fetch(API, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      render((await response.json()).budgets);
      $('budgets-error').hidden = true;
      section.dataset.state = 'ready';
    } catch (error) {
      $('budgets-error').hidden = false;
      $('budgets-error').textContent = `Could not load the budgets: ${error.message}`;
      section.dataset.state = 'error';
      document.dispatchEvent(new CustomEvent('claude-monitor:budgets', { detail: { entries: null } }));
    }
  };

  $('refresh').addEventListener('click', load);
  setInterval(() => {
    if (!document.hidden && $('auto').checked) load();
  }, REFRESH_MS);
  // Once every deferred script has run, so the insights section hears the first answer too.
  document.addEventListener('DOMContentLoaded', () => load(), { once: true });
})();
