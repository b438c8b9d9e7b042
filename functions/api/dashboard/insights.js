/* Insights views: spend trend and forecast, top spenders with drill-down to calls, where the budgets stand. */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat('en-US');
  const usd = (value) =>
    value === null || value === undefined
      ? '–'
      : `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 6 : 2 })}`;
  const change = (value) => (value === null ? 'no earlier spend' : `${value > 0 ? '+' : ''}${value}%`);
  const msText = (value) => (value === null || value === undefined ? '–' : `${integer.format(value)} ms`);
  let trendChart;

  const get = async (path, params) => {
    const response = await fetch(new URL(`${path}?${new URLSearchParams(params)}`, API), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  };

  const cell = (row, text, header = false) => {
    const el = document.createElement(header ? 'th' : 'td');
    if (header) el.scope = 'row';
    el.textContent = text;
    row.append(el);
    return el;
  };

  const renderTrend = (trend) => {
    const f = trend.forecast;
    $('forecast').textContent =
      `${usd(f.month_to_date_usd)} spent in ${f.month}; projected ${usd(f.projected_usd)} by the month's end.`;
    $('changes').textContent =
      `Week over week: ${change(trend.week_over_week.change_percent)}. Month over month: ${change(trend.month_over_month.change_percent)}.`;
    $('forecast-method').textContent = `Method: ${f.method}.`;
    trendChart?.destroy();
    trendChart = new window.Chart($('chart-trend'), {
      type: 'line',
      data: {
        labels: trend.series.map((p) => p.day.slice(5)),
        datasets: [
          {
            label: 'Cost per day (USD)',
            data: trend.series.map((p) => p.cost_usd),
            borderColor: '#c2562f',
            pointRadius: 0,
          },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    });
  };

  const showCalls = async (dim, key) => {
    const body = $('drill-calls');
    body.replaceChildren();
    $('drill-title').textContent = `Latest calls of ${dim} ${key}`;
    $('drill').hidden = false;
    const { calls } = await get('calls', { hours: '168', limit: '20', [dim]: key });
    for (const call of calls) {
      const row = document.createElement('tr');
      cell(row, call.timestamp.slice(0, 19).replace('T', ' '));
      cell(row, call.model);
      cell(row, call.status === 'success' ? 'ok' : (call.errorType ?? 'error'));
      cell(row, usd(call.cost.totalNanoUsd / 1e9));
      cell(row, msText(call.latencyMs));
      body.append(row);
    }
    $('drill').focus();
  };

  const renderTop = async () => {
    const dim = $('top-dim').value;
    const costs = await get('costs', { days: '7', group_by: dim });
    const body = $('top-rows');
    body.replaceChildren();
    for (const item of costs.items.slice(0, 10)) {
      const row = document.createElement('tr');
      cell(row, item.key, true);
      cell(row, usd(item.cost_usd));
      cell(row, integer.format(item.calls));
      const action = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Calls';
      button.setAttribute('aria-label', `Show calls of ${dim} ${item.key}`);
      button.addEventListener('click', () => showCalls(dim, item.key));
      action.append(button);
      row.append(action);
      body.append(row);
    }
  };

  /** Where the budgets stand, from what the budgets panel drew: the counts by status and the closest ones. */
  const BUDGET_WORDS = { refusing: 'refusing calls', exhausted: 'used up', warning: 'past 80 %' };
  const renderBudgets = (entries) => {
    if (entries === null) {
      $('insights-budgets-text').textContent = 'The budgets could not be loaded; the budgets panel says why.';
      return;
    }
    const measured = entries.filter((e) => e.status);
    const counts = Object.entries(BUDGET_WORDS)
      .map(([status, words]) => [measured.filter((e) => e.status === status).length, words])
      .filter(([count]) => count > 0)
      .map(([count, words]) => `${count} ${words}`);
    const closest = measured
      .filter((e) => e.status !== 'ok')
      .sort((a, b) => b.percent_used - a.percent_used)
      .slice(0, 3)
      .map((e) => `${e.who} (${e.period.toLowerCase()}) ${e.percent_used} %`);
    $('insights-budgets-text').textContent =
      entries.length === 0
        ? 'No budgets are set.'
        : `${entries.length} budget${entries.length === 1 ? '' : 's'} in force: ${
            counts.length === 0 ? 'all below 80 %' : counts.join(', ')
          }.${closest.length > 0 ? ` Closest to the limit: ${closest.join('; ')}.` : ''}`;
  };

  const refresh = async () => {
    try {
      renderTrend(await get('trends', { days: '90' }));
      await renderTop();
      $('insights').dataset.loaded = 'true';
    } catch (error) {
      $('insights-error').hidden = false;
      $('insights-error').textContent = `Could not load the insights: ${error.message}`;
    }
  };

  document.addEventListener('DOMContentLoaded', () => {
    $('top-dim').addEventListener('change', () => renderTop());
    document.addEventListener('claude-monitor:budgets', (event) => renderBudgets(event.detail.entries));
    // Trend and top spenders have fixed windows (90 and 7 days): the time range does not change them.
    $('refresh').addEventListener('click', () => refresh());
    refresh();
  });
})();
