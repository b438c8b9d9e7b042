/*
 * Failures by error type and latency / time-to-first-token percentiles over time, each chart with a table
 * of the same figures for screen readers and keyboard users. Drawn from the timeseries answer the main view
 * already fetched (its `health` points, read off the rollup histograms), so these views cost no request.
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat('en-US');
  const ms = (value) => (value === null || value === undefined ? '–' : integer.format(value));

  /** Error classes of the rollups in the order docs/api.md lists them, with their names and colours. */
  const ERROR_CLASSES = [
    ['rate_limit', 'Rate limited', '#b7791f'],
    ['overloaded', 'Overloaded', '#c2562f'],
    ['server', 'Server error', '#a4161a'],
    ['client', 'Client error', '#2f6fc2'],
    ['connection', 'Connection / timeout', '#8e44ad'],
    ['budget', 'Budget refused', '#16a085'],
    ['other', 'Other (aborted, stream)', '#5b6475'],
  ];
  /** Percentile, line colour and dash: the lines differ by more than their colour. */
  const PERCENTILES = [
    ['p50', '#2f6fc2', []],
    ['p95', '#c2562f', [6, 3]],
    ['p99', '#a4161a', [2, 2]],
  ];
  const charts = {};

  /** Bucket id to a short UTC label: `2026-11-29T10` → `11-29 10:00`, `2026-11-29` → `11-29`. */
  const label = (bucket) =>
    bucket.length > 10 ? `${bucket.slice(5, 10)} ${bucket.slice(11, 13)}:00` : bucket.slice(5);

  const draw = (id, config) => {
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    });
  };

  const headerRow = (names) => {
    const row = document.createElement('tr');
    for (const name of names) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      row.append(th);
    }
    return row;
  };

  const bodyRow = (bucket, values) => {
    const row = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label(bucket);
    row.append(th);
    for (const value of values) {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = value;
      row.append(td);
    }
    return row;
  };

  const total = (points, pick) => points.reduce((sum, p) => sum + pick(p), 0);

  const renderErrors = (points) => {
    // Only the classes that failed in the range get a bar and a column; the API answer has all of them.
    const seen = ERROR_CLASSES.filter(([cls]) => points.some((p) => p.errors_by_class[cls] > 0));
    const failed = total(points, (p) => p.errors);
    const calls = total(points, (p) => p.calls);
    const parts = seen.map(
      ([cls, name]) => `${name} ${integer.format(total(points, (p) => p.errors_by_class[cls]))}`,
    );
    $('errors-summary').textContent =
      failed === 0
        ? 'No failed calls in this time range.'
        : `${integer.format(failed)} of ${integer.format(calls)} calls failed: ${parts.join(', ')}.`;
    draw('chart-errors', {
      type: 'bar',
      data: {
        labels: points.map((p) => label(p.bucket)),
        datasets: seen.map(([cls, name, color]) => ({
          label: name,
          data: points.map((p) => p.errors_by_class[cls]),
          backgroundColor: color,
        })),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: 'Failed calls' },
          },
        },
      },
    });
    $('errors-head').replaceChildren(
      headerRow(['Time (UTC)', 'Calls', 'Failed', ...seen.map(([, name]) => name)]),
    );
    $('errors-rows').replaceChildren(
      ...points
        .filter((p) => p.errors > 0)
        .map((p) =>
          bodyRow(p.bucket, [
            integer.format(p.calls),
            integer.format(p.errors),
            ...seen.map(([cls]) => integer.format(p.errors_by_class[cls])),
          ]),
        ),
    );
  };

  /** p50, p95 and p99 of `latency` or `ttft`; a bucket without a value is a gap in the line, not a zero. */
  const percentileChart = (id, points, field) =>
    draw(id, {
      type: 'line',
      data: {
        labels: points.map((p) => label(p.bucket)),
        datasets: PERCENTILES.map(([p, color, dash]) => ({
          label: p,
          data: points.map((point) => point[`${p}_${field}_ms`]),
          borderColor: color,
          backgroundColor: color,
          borderDash: dash,
          tension: 0,
          pointRadius: points.length > 48 ? 0 : 2,
        })),
      },
      options: {
        plugins: { legend: { labels: { usePointStyle: true, pointStyle: 'line' } } },
        scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
      },
    });

  const renderSpeed = (points) => {
    percentileChart('chart-latency', points, 'latency');
    percentileChart('chart-ttft', points, 'ttft');
    $('speed-rows').replaceChildren(
      ...points
        .filter((p) => p.calls > 0)
        .map((p) =>
          bodyRow(p.bucket, [
            integer.format(p.calls),
            ...PERCENTILES.map(([q]) => ms(p[`${q}_latency_ms`])),
            ...PERCENTILES.map(([q]) => ms(p[`${q}_ttft_ms`])),
          ]),
        ),
    );
  };

  document.addEventListener('claude-monitor:data', (event) => {
    const points = event.detail.timeseries.health ?? [];
    renderErrors(points);
    renderSpeed(points);
    $('health').dataset.state = 'ready';
  });
  document.addEventListener('claude-monitor:error', () => {
    $('health').dataset.state = 'error';
  });
})();
