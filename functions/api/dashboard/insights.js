/* Insights views: spend trend and forecast, top spenders with drill-down to calls, model comparison. */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat('en-US');
  const usd = (value) =>
    value === null || value === undefined
      ? '–'
      : `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 6 : 2 })}`;
  const percent = (value) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);
  const change = (value) => (value === null ? 'no earlier spend' : `${value > 0 ? '+' : ''}${value}%`);
  const range = (ci, format) =>
    ci ? `${format(ci.low)} – ${ci.high === null ? '…' : format(ci.high)}` : 'n/a';
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

  const hours = () => {
    const choice = $('range').value;
    return choice === 'custom' ? $('custom-hours').value || '48' : choice;
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

  const renderCompare = (result) => {
    const body = $('compare-rows');
    body.replaceChildren();
    for (const g of result.groups) {
      const row = document.createElement('tr');
      cell(row, g.key, true);
      cell(row, integer.format(g.calls));
      cell(row, `${usd(g.cost_per_call_usd.value)} (${range(g.cost_per_call_usd.ci95, usd)})`);
      cell(row, g.tokens_per_call.value === null ? '–' : integer.format(Math.round(g.tokens_per_call.value)));
      cell(row, `${percent(g.error_rate.value)} (${range(g.error_rate.ci95, percent)})`);
      cell(row, `${msText(g.p50_latency_ms.value)} / ${msText(g.p95_latency_ms.value)}`);
      cell(row, `${msText(g.p50_ttft_ms.value)} / ${msText(g.p95_ttft_ms.value)}`);
      const diff = g.vs_baseline?.cost_per_call_usd;
      cell(
        row,
        diff ? `${diff.significant ? 'significant' : 'not significant'} (${usd(diff.value)})` : 'baseline',
      );
      body.append(row);
    }
  };

  const refresh = async () => {
    try {
      const span = hours();
      const [trend, models] = await Promise.all([
        get('trends', { days: '90' }),
        get('models', { hours: span }),
      ]);
      renderTrend(trend);
      await renderTop();
      const names = models.models.slice(0, 4).map((m) => m.model);
      $('compare-empty').hidden = names.length >= 2;
      if (names.length >= 2) renderCompare(await get('compare', { hours: span, models: names.join(',') }));
      else $('compare-rows').replaceChildren();
      $('insights').dataset.loaded = 'true';
    } catch (error) {
      $('insights-error').hidden = false;
      $('insights-error').textContent = `Could not load the insights: ${error.message}`;
    }
  };

  document.addEventListener('DOMContentLoaded', () => {
    $('top-dim').addEventListener('change', () => renderTop());
    $('range').addEventListener('change', () => refresh());
    $('refresh').addEventListener('click', () => refresh());
    refresh();
  });
})();
