/* Claude usage & cost dashboard. Served with a strict CSP: no inline code, only this origin. */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const REFRESH_MS = 30_000;
  const PALETTE = ['#c2562f', '#2f6fc2', '#3a9a5b', '#8e44ad', '#d4a017', '#16a085', '#7f8c8d', '#e74c3c'];
  const TOKEN_COLORS = ['#34495e', '#5dade2', '#f5b041', '#af7ac5', '#58d68d'];
  const TOKEN_KINDS = [
    ['input_tokens', 'Input'],
    ['output_tokens', 'Output'],
    ['cache_write_5m_tokens', 'Cache write 5m'],
    ['cache_write_1h_tokens', 'Cache write 1h'],
    ['cache_read_tokens', 'Cache read'],
  ];

  const $ = (id) => document.getElementById(id);
  const state = { hours: 24, model: '', charts: {}, timer: undefined, loading: false, again: false };

  const integer = new Intl.NumberFormat('en-US');
  const usd = (value) =>
    `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 4 : 2 })}`;
  const ms = (value) =>
    value === null || value === undefined ? '–' : `${integer.format(Math.round(value))} ms`;

  /** Bucket id to a short UTC label: `2026-11-29T10` → `11-29 10:00`, `2026-11-29` → `11-29`. */
  const label = (bucket) =>
    bucket.length > 10 ? `${bucket.slice(5, 10)} ${bucket.slice(11, 13)}:00` : bucket.slice(5);

  const query = (extra = {}) => {
    const params = new URLSearchParams({ hours: String(state.hours), ...extra });
    if (state.model) params.set('model', state.model);
    return params;
  };

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.name = 'HttpError';
      this.status = status;
    }
  }

  const get = async (path, params, as = 'json') => {
    const response = await fetch(new URL(`${path}?${params}`, API), {
      credentials: 'same-origin',
      headers: { Accept: as === 'json' ? 'application/json' : 'text/csv' },
    });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        message = (await response.json()).error ?? message;
      } catch {
        // The body was not JSON; the status line says enough.
      }
      throw new HttpError(response.status, message);
    }
    return as === 'json' ? response.json() : response;
  };

  const setStatus = (text) => {
    $('status').textContent = text;
  };

  const showError = (error) => {
    const box = $('error');
    if (!error) {
      box.hidden = true;
      box.textContent = '';
      return;
    }
    box.hidden = false;
    box.textContent =
      error.status === 401
        ? 'Not signed in. Open this page once with ?token=<your API token> in the address.'
        : `Could not load the data: ${error.message}`;
  };

  /** One colour per model in every chart, fixed by the model's place in the sorted list of known models. */
  const colorOf = (model) => {
    const models = [...$('model').options].map((o) => o.value).filter(Boolean);
    const index = models.indexOf(model);
    return PALETTE[(index < 0 ? models.length : index) % PALETTE.length];
  };

  const makeChart = (id, config) => {
    state.charts[id]?.destroy();
    state.charts[id] = new window.Chart($(id), {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    });
  };

  const renderTotals = (summary) => {
    $('total-calls').textContent = integer.format(summary.total_calls);
    $('success-rate').textContent = summary.total_calls === 0 ? '–' : `${summary.success_rate}%`;
    $('total-cost').textContent = usd(summary.total_cost_usd);
    $('total-tokens').textContent = integer.format(summary.total_tokens);
    $('avg-latency').textContent = ms(summary.average_latency_ms);
    $('p95-latency').textContent = ms(summary.p95_latency_ms);
    $('empty').hidden = summary.total_calls !== 0;
    // An unknown model is not free: say how many calls the cost leaves out.
    $('unpriced').hidden = summary.unpriced_calls === 0;
    $('unpriced').textContent =
      `${integer.format(summary.unpriced_calls)} calls of unpriced models not included`;
  };

  const renderCharts = (summary, timeseries) => {
    const models = summary.by_model ?? [];
    makeChart('chart-calls-by-model', {
      type: 'doughnut',
      data: {
        labels: models.map((m) => m.model),
        datasets: [
          {
            label: 'Calls',
            data: models.map((m) => m.calls),
            backgroundColor: models.map((m) => colorOf(m.model)),
          },
        ],
      },
      options: { plugins: { legend: { position: 'bottom' } } },
    });
    makeChart('chart-cost', {
      type: 'line',
      data: {
        labels: timeseries.buckets.map(label),
        datasets: timeseries.series.map((s) => ({
          label: s.model,
          data: s.points.map((p) => p.cost_usd),
          borderColor: colorOf(s.model),
          backgroundColor: colorOf(s.model),
          tension: 0,
          pointRadius: timeseries.buckets.length > 48 ? 0 : 2,
        })),
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'USD' } } } },
    });
    makeChart('chart-tokens', {
      type: 'bar',
      data: {
        labels: models.map((m) => m.model),
        datasets: TOKEN_KINDS.map(([field, name], i) => ({
          label: name,
          data: models.map((m) => m[field]),
          backgroundColor: TOKEN_COLORS[i % TOKEN_COLORS.length],
        })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
  };

  const renderModels = (models) => {
    const select = $('model');
    const known = new Set(models.map((m) => m.model));
    if (state.model) known.add(state.model);
    const wanted = ['', ...[...known].sort()];
    const current = [...select.options].map((o) => o.value);
    if (wanted.join('\n') === current.join('\n')) return;
    select.replaceChildren(
      ...wanted.map((value) => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent = value || 'All models';
        return option;
      }),
    );
    select.value = state.model;
  };

  const refresh = async () => {
    if (state.loading) {
      // A change made while an answer is on its way is loaded right after it, not at the next timer tick.
      state.again = true;
      return;
    }
    state.loading = true;
    $('content').classList.add('loading');
    setStatus('Loading…');
    try {
      const [summary, timeseries, models] = await Promise.all([
        get('summary', query()),
        get('timeseries', query()),
        get('models', new URLSearchParams({ hours: String(state.hours) })),
      ]);
      renderModels(models.models);
      renderTotals(summary);
      renderCharts(summary, timeseries);
      // Views in their own files (errors and speed over time) draw from the same answers.
      document.dispatchEvent(new CustomEvent('claude-monitor:data', { detail: { summary, timeseries } }));
      showError(undefined);
      document.body.dataset.state = summary.total_calls === 0 ? 'empty' : 'ready';
      setStatus(
        `Updated ${new Date().toLocaleTimeString()} · ${summary.start} – ${summary.end} (UTC buckets)`,
      );
    } catch (error) {
      showError(error);
      document.dispatchEvent(new CustomEvent('claude-monitor:error', { detail: { error } }));
      document.body.dataset.state = 'error';
      setStatus('Last update failed.');
    } finally {
      state.loading = false;
      $('content').classList.remove('loading');
      if (state.again) {
        state.again = false;
        refresh();
      }
    }
  };

  const download = (name, type, parts) => {
    const url = URL.createObjectURL(new Blob(parts, { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  /** Fetches every page of the export of the current view and saves it as one file. */
  const exportView = async (format) => {
    setStatus(`Preparing ${format.toUpperCase()} export…`);
    try {
      const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '');
      const suffix = `${state.hours}h${state.model ? `-${state.model}` : ''}-${stamp}`;
      let cursor;
      if (format === 'json') {
        const calls = [];
        do {
          const page = await get('export', query({ format, ...(cursor ? { cursor } : {}) }));
          calls.push(...page.calls);
          cursor = page.next_cursor;
        } while (cursor);
        const body = { hours: state.hours, model: state.model || null, count: calls.length, calls };
        download(`claude-calls-${suffix}.json`, 'application/json', [JSON.stringify(body, null, 2)]);
      } else {
        const parts = [];
        do {
          const response = await get('export', query({ format, ...(cursor ? { cursor } : {}) }), 'csv');
          parts.push(await response.text());
          cursor = response.headers.get('X-Next-Cursor');
        } while (cursor);
        download(`claude-calls-${suffix}.csv`, 'text/csv;charset=utf-8', parts);
      }
      setStatus('Export ready.');
    } catch (error) {
      showError(error);
      setStatus('Export failed.');
    }
  };

  const readRange = () => {
    const range = $('range').value;
    $('custom-wrap').hidden = range !== 'custom';
    const hours = range === 'custom' ? Number($('custom-hours').value) : Number(range);
    if (Number.isInteger(hours) && hours >= 1) state.hours = hours;
  };

  const schedule = () => {
    clearInterval(state.timer);
    if ($('auto').checked) {
      state.timer = setInterval(() => {
        if (!document.hidden) refresh();
      }, REFRESH_MS);
    }
  };

  const start = () => {
    if (!window.Chart) {
      showError(new Error('the chart library did not load'));
      return;
    }
    $('range').addEventListener('change', () => {
      readRange();
      refresh();
    });
    $('custom-hours').addEventListener('change', () => {
      readRange();
      refresh();
    });
    $('model').addEventListener('change', () => {
      state.model = $('model').value;
      refresh();
    });
    $('auto').addEventListener('change', schedule);
    $('refresh').addEventListener('click', refresh);
    $('download-json').addEventListener('click', () => exportView('json'));
    $('download-csv').addEventListener('click', () => exportView('csv'));
    $('controls').addEventListener('submit', (event) => event.preventDefault());
    readRange();
    schedule();
    // Once every deferred script has run, so the views listening for the data event are there.
    document.addEventListener('DOMContentLoaded', () => refresh(), { once: true });
  };

  start();
})();
