/* Tracked against billed: the reconciliation panel. Its own script, so the main dashboard stays unchanged. */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const DAYS = 14;
  const REFRESH_MS = 5 * 60_000;
  const TITLES = { anthropic: 'Claude API (Anthropic Admin API)', bedrock: 'Amazon Bedrock (Cost Explorer)' };
  const COLORS = { tracked: '#2f6fc2', billed: '#c2562f' };

  const $ = (id) => document.getElementById(id);
  const charts = {};
  const usd = (value) =>
    `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2 })}`;
  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /** Every day of the window, so a day the reconciler has not stored shows as a gap, not as $0. */
  const daysOf = (start, end) => {
    const days = [];
    for (let ms = Date.parse(`${start}T00:00:00Z`); ms <= Date.parse(`${end}T00:00:00Z`); ms += 86_400_000) {
      days.push(new Date(ms).toISOString().slice(0, 10));
    }
    return days;
  };

  const summaryOf = (source) => {
    const over = source.days.filter((day) => !day.within_threshold);
    const unmonitored = source.days.reduce((sum, day) => sum + day.unmonitored_cost_usd, 0);
    const parts = [`${source.days.length} day${source.days.length === 1 ? '' : 's'} compared`];
    parts.push(
      over.length === 0
        ? 'all within the threshold'
        : `${over.length} over the threshold (${over.map((d) => d.day).join(', ')})`,
    );
    if (unmonitored > 0) {
      const keys = new Set(
        source.days.flatMap((day) => day.unmonitored.map((u) => u.api_key_id ?? u.workspace_id ?? 'no key')),
      );
      parts.push(`${usd(unmonitored)} unmonitored under ${[...keys].join(', ')}`);
    }
    return parts.join(' · ');
  };

  const renderSource = (source, range) => {
    const box = element('figure', 'chart wide recon-source');
    box.dataset.source = source.source;
    box.append(element('figcaption', '', TITLES[source.source] ?? source.source));
    if (source.message) box.append(element('p', 'recon-message', source.message));
    if (source.last_error) {
      box.append(
        element(
          'p',
          'note',
          `Last run failed (${source.last_error.at}): ${source.last_error.message}. The next run retries.`,
        ),
      );
    }
    if (source.days.length === 0) {
      if (!source.message)
        box.append(element('p', 'recon-message', 'No day of this range has been reconciled yet.'));
      return box;
    }
    const canvasBox = element('div', 'canvas-box');
    const canvas = element('canvas');
    canvas.id = `chart-recon-${source.source}`;
    canvas.setAttribute('aria-label', `Tracked against billed per day, ${source.source}`);
    canvasBox.append(canvas);
    box.append(canvasBox, element('p', 'recon-summary', summaryOf(source)));
    const byDay = new Map(source.days.map((day) => [day.day, day]));
    const labels = daysOf(range.start, range.end);
    charts[canvas.id]?.destroy();
    charts[canvas.id] = new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: labels.map((day) => day.slice(5)),
        datasets: [
          {
            label: 'Tracked',
            data: labels.map((d) => byDay.get(d)?.tracked_cost_usd ?? null),
            backgroundColor: COLORS.tracked,
          },
          {
            label: 'Billed',
            data: labels.map((d) => byDay.get(d)?.billed_cost_usd ?? null),
            backgroundColor: COLORS.billed,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: 'USD' } } },
      },
    });
    return box;
  };

  const load = async () => {
    const section = $('reconciliation');
    try {
      const response = await fetch(new URL(`reconciliation?days=${DAYS}`, API), {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      const body = await response.json();
      for (const chart of Object.values(charts)) chart.destroy();
      for (const key of Object.keys(charts)) delete charts[key];
      $('recon-sources').replaceChildren(...body.sources.map((source) => renderSource(source, body)));
      section.dataset.state = 'ready';
    } catch (error) {
      $('recon-sources').replaceChildren(
        element('p', 'error', `Could not load the reconciliation: ${error.message}`),
      );
      section.dataset.state = 'error';
    }
  };

  if (!window.Chart) return;
  $('refresh')?.addEventListener('click', load);
  setInterval(() => {
    if (!document.hidden) load();
  }, REFRESH_MS);
  load();
})();
