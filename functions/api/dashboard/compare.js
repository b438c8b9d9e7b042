/*
 * Comparison view: the most used models of the time range, or tag values named by the reader (an A/B test
 * such as variant:control against variant:new-prompt), side by side with 95 % intervals from the compare
 * API. The first value is the baseline the others are tested against.
 */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const MAX_MODELS = 4;
  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat('en-US');
  const usd = (value) =>
    value === null || value === undefined
      ? '–'
      : `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 6 : 2 })}`;
  const percent = (value) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);
  const range = (ci, format) =>
    ci ? `${format(ci.low)} – ${ci.high === null ? '…' : format(ci.high)}` : 'n/a';
  const msText = (value) => (value === null || value === undefined ? '–' : `${integer.format(value)} ms`);
  /** The one request in flight that may still draw: a slower, older answer must not replace a newer one. */
  let latest = 0;

  /** JSON of a route; a refusal carries the API's own message (e.g. a window too large for tags). */
  const get = async (path, params) => {
    const response = await fetch(new URL(`${path}?${new URLSearchParams(params)}`, API), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        message = (await response.json()).error ?? message;
      } catch {
        // Not JSON: the status line says enough.
      }
      throw new Error(message);
    }
    return response.json();
  };

  const hours = () => {
    const choice = $('range').value;
    return choice === 'custom' ? $('custom-hours').value || '48' : choice;
  };

  /** `variant:control, variant:new-prompt` → the distinct non-empty values, in the order given. */
  const tagList = () => [
    ...new Set(
      $('compare-tags')
        .value.split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];

  const cell = (row, text, header = false) => {
    const el = document.createElement(header ? 'th' : 'td');
    if (header) el.scope = 'row';
    el.textContent = text;
    row.append(el);
  };

  const render = (result) => {
    const rows = result.groups.map((g) => {
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
      return row;
    });
    $('compare-rows').replaceChildren(...rows);
    $('compare-source').textContent =
      result.source === 'raw_records'
        ? 'Tags have no rollups: these figures come from the raw records of the time range.'
        : 'From the hourly model rollups.';
  };

  /** Says why nothing is compared (or nothing, with `text` empty), and clears the table when so. */
  const note = (text) => {
    $('compare-empty').hidden = !text;
    $('compare-empty').textContent = text;
    if (text) {
      $('compare-rows').replaceChildren();
      $('compare-source').textContent = '';
    }
  };

  const refresh = async () => {
    const request = ++latest;
    const by = $('compare-by').value;
    const panel = $('compare');
    $('compare-key').textContent = by === 'tag' ? 'Tag value' : 'Model';
    $('compare-error').hidden = true;
    panel.dataset.state = 'loading';
    try {
      const span = hours();
      let values;
      if (by === 'tag') {
        values = tagList();
        if (values.length < 2) {
          note('Name two or more tag values, separated by commas; the first is the baseline.');
          panel.dataset.state = 'ready';
          return;
        }
      } else {
        values = (await get('models', { hours: span })).models.slice(0, MAX_MODELS).map((m) => m.model);
        if (values.length < 2) {
          if (request !== latest) return;
          note('Fewer than two models have calls in this time range.');
          panel.dataset.state = 'ready';
          return;
        }
      }
      const result = await get('compare', {
        hours: span,
        [by === 'tag' ? 'tags' : 'models']: values.join(','),
      });
      if (request !== latest) return;
      note('');
      render(result);
      panel.dataset.by = by;
      panel.dataset.state = 'ready';
    } catch (error) {
      if (request !== latest) return;
      note('');
      $('compare-rows').replaceChildren();
      $('compare-error').hidden = false;
      $('compare-error').textContent = `Could not compare: ${error.message}`;
      panel.dataset.state = 'error';
    }
  };

  document.addEventListener('DOMContentLoaded', () => {
    $('compare-by').addEventListener('change', () => {
      $('compare-tags-wrap').hidden = $('compare-by').value !== 'tag';
      refresh();
    });
    $('compare-form').addEventListener('submit', (event) => {
      event.preventDefault();
      refresh();
    });
    $('range').addEventListener('change', () => refresh());
    $('custom-hours').addEventListener('change', () => refresh());
    $('refresh').addEventListener('click', () => refresh());
    refresh();
  });
})();
