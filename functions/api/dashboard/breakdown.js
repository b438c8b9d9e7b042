/* Model within a tenant, user, function or session: the breakdown route's split, for the page's time range. */
(() => {
  const API = new URL('../../api/monitoring/', window.location.href);
  const TOP_VALUES = '10';
  const $ = (id) => document.getElementById(id);
  const integer = new Intl.NumberFormat('en-US');
  const usd = (value) =>
    `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 1 ? 6 : 2 })}`;
  const ms = (value) => (value === null ? '–' : `${integer.format(Math.round(value))} ms`);
  const share = (part, whole) => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)}%`);
  let answer;
  // Answers can arrive out of order (range and dimension changed in quick succession): only the latest counts.
  let latest = 0;

  const hours = () => {
    const choice = $('range').value;
    return choice === 'custom' ? $('custom-hours').value || '48' : choice;
  };

  const get = async (params) => {
    const response = await fetch(new URL(`breakdown?${new URLSearchParams(params)}`, API), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
    return body;
  };

  const row = (cells, header) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) el.scope = 'row';
      el.textContent = text;
      tr.append(el);
    });
    if (header) tr.title = header;
    return tr;
  };

  const figures = (name, f, whole) => [
    name,
    integer.format(f.calls),
    `${integer.format(f.errors)} (${f.error_rate}%)`,
    usd(f.cost_usd),
    share(f.cost_nano_usd, whole),
    integer.format(f.total_tokens),
    ms(f.average_latency_ms),
  ];

  const renderValue = () => {
    const body = $('breakdown-rows');
    body.replaceChildren();
    const value = answer?.values.find((v) => v.value === $('breakdown-value').value);
    $('breakdown-empty').hidden = Boolean(value);
    $('breakdown-note').textContent = '';
    if (!value) return;
    for (const m of value.models) {
      const name = m.shared_with ? [m.model, ...m.shared_with].join(' + ') : m.model;
      body.append(row(figures(name, m, value.cost_nano_usd)));
    }
    if (value.other) {
      body.append(
        row(
          figures('Other (unpriced or unknown models)', value.other, value.cost_nano_usd),
          answer.notes.other,
        ),
      );
    }
    const notes = [`${value.value}: ${integer.format(value.calls)} calls, ${usd(value.cost_usd)} in all.`];
    if (value.other) notes.push(`Other: ${answer.notes.other}.`);
    if (value.unsplit_calls > 0) {
      notes.push(`${integer.format(value.unsplit_calls)} calls are in no model: ${answer.notes.unsplit}.`);
    }
    $('breakdown-note').textContent = notes.join(' ');
  };

  const fillValues = () => {
    const select = $('breakdown-value');
    const previous = select.value;
    select.replaceChildren(
      ...answer.values.map((v) => {
        const option = document.createElement('option');
        option.value = v.value;
        option.textContent = `${v.value} (${usd(v.cost_usd)})`;
        return option;
      }),
    );
    if (answer.values.some((v) => v.value === previous)) select.value = previous;
    $('breakdown-more').textContent =
      answer.values_total > answer.values.length
        ? `The ${answer.values.length} costliest of ${integer.format(answer.values_total)}.`
        : '';
  };

  const refresh = async () => {
    const request = ++latest;
    try {
      $('breakdown-error').hidden = true;
      const body = await get({ dimension: $('breakdown-dim').value, hours: hours(), limit: TOP_VALUES });
      if (request !== latest) return;
      answer = body;
      fillValues();
      renderValue();
      $('breakdown').dataset.loaded = 'true';
    } catch (error) {
      if (request !== latest) return;
      $('breakdown-error').hidden = false;
      $('breakdown-error').textContent = `Could not load the breakdown: ${error.message}`;
    }
  };

  document.addEventListener('DOMContentLoaded', () => {
    $('breakdown-dim').addEventListener('change', () => {
      $('breakdown-value').value = '';
      refresh();
    });
    $('breakdown-value').addEventListener('change', () => renderValue());
    $('range').addEventListener('change', () => refresh());
    $('refresh').addEventListener('click', () => refresh());
    refresh();
  });
})();
