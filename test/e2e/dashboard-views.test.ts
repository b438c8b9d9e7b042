import { mkdir } from 'node:fs/promises';
import type { BudgetConfig, CallRecord } from 'claude-monitor/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { runAxe, SERIOUS_IMPACTS } from '../helpers/axe';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable } from '../helpers/dynamodb';
import { generateCalls, SEED_MODELS, seedThroughPipeline } from '../helpers/seed';
import { NOW } from '../integration/api/app-under-test';
import {
  bucketedPercentile,
  errorsByClass,
  inLastHours,
  type Json,
  rawTotals,
} from '../integration/api/expectations';

const TOKEN = 'dashboard-views-token';
const HOUR = 3_600_000;
const PAGE = '/dashboard/claude-monitoring/';
const TAGS = ['variant:control', 'variant:new-prompt'] as const;
/** Error classes as the errors view names them, in its order. */
const CLASS_NAMES: Record<string, string> = {
  rate_limit: 'Rate limited',
  overloaded: 'Overloaded',
  server: 'Server error',
  client: 'Client error',
  connection: 'Connection / timeout',
  budget: 'Budget refused',
  other: 'Other (aborted, stream)',
};
const integer = new Intl.NumberFormat('en-US');

let records: CallRecord[];
let budgets: BudgetConfig[];
let api: LocalApi;
let browser: TestBrowser;
let page: Page;

const apiGet = async (path: string) => {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Record<string, Json>;
};

/** The last `hours` hour buckets before NOW, computed here rather than taken from the API. */
const hourBuckets = (hours: number): string[] => {
  const end = Math.floor(NOW.getTime() / HOUR) * HOUR;
  return Array.from({ length: hours }, (_, i) =>
    new Date(end - (hours - 1 - i) * HOUR).toISOString().slice(0, 13),
  );
};

const label = (bucket: string) => `${bucket.slice(5, 10)} ${bucket.slice(11, 13)}:00`;

/** Raw records of the last `hours` hours by hour bucket (empty buckets included). */
const byHour = (list: readonly CallRecord[], hours: number) => {
  const window = inLastHours(list, NOW, hours);
  return hourBuckets(hours).map((bucket) => ({
    bucket,
    records: window.filter((r) => r.timestamp.slice(0, 13) === bucket),
  }));
};

interface ChartView {
  type: string;
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
}

/** What a chart shows, read from its Chart.js instance on the page. */
const chartOf = (p: Page, id: string): Promise<ChartView> =>
  p.evaluate((chartId) => {
    const chart = (window as Json).Chart.getChart(chartId);
    return {
      type: chart.config.type as string,
      labels: chart.data.labels as string[],
      datasets: chart.data.datasets.map((d: Json) => ({
        label: d.label as string,
        data: d.data as number[],
      })),
    };
  }, id);

const tableText = (p: Page, id: string): Promise<string[][]> =>
  p.evaluate(
    (bodyId) =>
      [...((document.getElementById(bodyId) as HTMLTableSectionElement | null)?.rows ?? [])].map((row) =>
        [...row.cells].map((c) => c.textContent ?? ''),
      ),
    id,
  );

const open = async (p: Page) => {
  await p.goto(`${api.url}${PAGE}`);
  await p.waitForSelector('#health[data-state="ready"]');
  await p.waitForSelector('#compare[data-state="ready"]');
};

beforeAll(async () => {
  const table = await createTestTable('e2e-views');
  // 26 hours of varied calls, so the 24-hour view must leave the oldest out; half of them in each arm of
  // an A/B test, and a few refused by a budget (never sent, never billed).
  const generated = generateCalls({
    count: 260,
    startMs: NOW.getTime() - 26 * HOUR,
    endMs: NOW.getTime(),
    seed: 5,
  });
  const unstreamed = hourBuckets(24)[5];
  records = generated.map((record, i) => {
    const tagged: CallRecord = { ...record, tags: [TAGS[i % 2]!, 'team:support'] };
    if (tagged.timestamp.startsWith(unstreamed!)) {
      // One hour without a streamed call, so without a time to first token.
      delete tagged.ttftMs;
      tagged.operation = 'create';
    }
    if (i % 37 !== 3) return tagged;
    return { ...tagged, status: 'error', errorType: 'budget_exceeded', errorMessage: 'budget refused' };
  });
  await seedThroughPipeline(table, records);
  const monthSpend = records.reduce((sum, r) => sum + r.cost.totalNanoUsd, 0) / 1e9;
  budgets = [
    // About 90 % used: past the warning line.
    { scope: 'account', period: 'month', usd: Math.ceil((monthSpend / 0.9) * 100) / 100 },
    { scope: 'tenant', id: 'tenant-a', period: 'day', usd: 10_000 },
  ];
  api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW, budgets },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await open(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('failures and speed over time in Chromium', () => {
  it('charts the failed calls of each hour by error type, with the counts of the seeded records', async () => {
    // Prepare
    const hours = byHour(records, 24);
    const perHour = hours.map((h) => errorsByClass(h.records));
    const classes = Object.keys(CLASS_NAMES).filter((cls) => perHour.some((counts) => counts[cls]! > 0));
    const failed = hours.flatMap((h) => h.records).filter((r) => r.status !== 'success');

    // Act
    const chart = await chartOf(page, 'chart-errors');
    const summary = await page.textContent('#errors-summary');

    // Assess
    expect(classes).toContain('budget');
    expect(chart.type).toBe('bar');
    expect(chart.labels).toEqual(hours.map((h) => label(h.bucket)));
    expect(chart.datasets.map((d) => d.label)).toEqual(classes.map((cls) => CLASS_NAMES[cls]));
    for (const [i, cls] of classes.entries()) {
      expect(chart.datasets[i]!.data).toEqual(perHour.map((counts) => counts[cls]));
    }
    expect(summary).toContain(
      `${integer.format(failed.length)} of ${integer.format(inLastHours(records, NOW, 24).length)} calls failed`,
    );
  });

  it('gives the same failures as a table, one row per hour with failures', async () => {
    // Prepare
    const hours = byHour(records, 24).filter((h) => h.records.some((r) => r.status !== 'success'));
    const classes = Object.keys(CLASS_NAMES).filter((cls) =>
      hours.some((h) => errorsByClass(h.records)[cls]! > 0),
    );

    // Act
    const head = await page.$$eval('#errors-head th', (cells) => cells.map((c) => c.textContent));
    const rows = await tableText(page, 'errors-rows');

    // Assess
    expect(head).toEqual(['Time (UTC)', 'Calls', 'Failed', ...classes.map((cls) => CLASS_NAMES[cls])]);
    expect(rows).toEqual(
      hours.map((h) => {
        const counts = errorsByClass(h.records);
        return [
          label(h.bucket),
          integer.format(h.records.length),
          integer.format(rawTotals(h.records).failures),
          ...classes.map((cls) => integer.format(counts[cls]!)),
        ];
      }),
    );
  });

  it('charts latency and time-to-first-token p50, p95 and p99 per hour off the histogram buckets', async () => {
    // Prepare
    const hours = byHour(records, 24);
    const expected = (field: 'latencies' | 'ttfts', p: number) =>
      hours.map((h) => bucketedPercentile(rawTotals(h.records)[field], p));

    // Act
    const latency = await chartOf(page, 'chart-latency');
    const ttft = await chartOf(page, 'chart-ttft');
    const rows = await tableText(page, 'speed-rows');

    // Assess
    expect(latency.datasets.map((d) => d.label)).toEqual(['p50', 'p95', 'p99']);
    expect(latency.datasets.map((d) => d.data)).toEqual([50, 95, 99].map((p) => expected('latencies', p)));
    expect(ttft.datasets.map((d) => d.data)).toEqual([50, 95, 99].map((p) => expected('ttfts', p)));
    const ms = (value: number | null) => (value === null ? '–' : integer.format(value));
    expect(rows).toEqual(
      hours
        .filter((h) => h.records.length > 0)
        .map((h) => {
          const t = rawTotals(h.records);
          return [
            label(h.bucket),
            integer.format(t.calls),
            ...[50, 95, 99].map((p) => ms(bucketedPercentile(t.latencies, p))),
            ...[50, 95, 99].map((p) => ms(bucketedPercentile(t.ttfts, p))),
          ];
        }),
    );
    // Some hours have no streamed call: their TTFT is a gap, not a zero.
    expect(ttft.datasets[0]!.data).toContain(null);
  });

  it('follows the model filter', async () => {
    // Prepare
    const model = SEED_MODELS[0];
    const hours = byHour(
      records.filter((r) => r.model === model),
      24,
    );

    // Act
    await page.selectOption('#model', model);
    await page.waitForFunction(
      (m) =>
        (window as Json).Chart.getChart('chart-cost')
          ?.data.datasets.map((d: Json) => d.label)
          .join() === m,
      model,
    );
    const latency = await chartOf(page, 'chart-latency');
    const failed = (await chartOf(page, 'chart-errors')).datasets
      .flatMap((d) => d.data)
      .reduce<number>((a, b) => a + (b ?? 0), 0);
    await page.selectOption('#model', '');
    await page.waitForSelector('#health[data-state="ready"]');

    // Assess
    expect(latency.datasets[1]!.data).toEqual(
      hours.map((h) => bucketedPercentile(rawTotals(h.records).latencies, 95)),
    );
    expect(failed).toBe(hours.reduce((sum, h) => sum + rawTotals(h.records).failures, 0));
  });

  it('follows the time range: one bar per day beyond 48 hours', async () => {
    // Prepare
    const window = inLastHours(records, NOW, 168);
    const days = [...new Set(hourBuckets(168).map((hour) => hour.slice(0, 10)))];
    const perDay = days.map((day) => errorsByClass(window.filter((r) => r.timestamp.startsWith(day))));

    // Act
    await page.selectOption('#range', '168');
    await page.waitForFunction(
      (n) => (window as Json).Chart.getChart('chart-errors')?.data.labels.length === n,
      days.length,
    );
    const chart = await chartOf(page, 'chart-errors');
    await page.selectOption('#range', '24');
    await page.waitForFunction(
      () => (window as Json).Chart.getChart('chart-errors')?.data.labels.length === 24,
    );

    // Assess
    expect(chart.labels).toEqual(days.map((day) => day.slice(5)));
    for (const dataset of chart.datasets) {
      const cls = Object.keys(CLASS_NAMES).find((c) => CLASS_NAMES[c] === dataset.label)!;
      expect(dataset.data).toEqual(perDay.map((counts) => counts[cls]));
    }
    expect(chart.datasets.flatMap((d) => d.data).reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(
      rawTotals(window).failures,
    );
  });

  it('loads a range chosen while another is loading as soon as that answer arrives', async () => {
    // Prepare: no timer refresh, and the 168-hour summary held back until the second choice is made.
    const view = await browser.context.newPage();
    await open(view);
    await view.uncheck('#auto');
    const sixHours = await apiGet('/api/monitoring/summary?hours=6');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      asked = resolve;
    });
    await view.route(/summary\?hours=168/, async (route) => {
      asked();
      await held;
      await route.continue();
    });

    // Act
    await view.selectOption('#range', '168');
    await inFlight;
    await view.selectOption('#range', '6');
    release();
    await view.waitForFunction(
      () => (window as Json).Chart.getChart('chart-errors')?.data.labels.length === 6,
    );
    const calls = await view.textContent('#total-calls');

    // Assess
    expect(calls).toBe(integer.format(sixHours.total_calls));
    await view.close();
  });

  it('says plainly when there is nothing: no calls, no budgets, nothing to compare', async () => {
    // Prepare
    const empty = await createTestTable('e2e-views-empty');
    const emptyApi = await serveApi({
      port: 0,
      token: TOKEN,
      deps: { client: empty.client, tableName: empty.tableName, now: () => NOW },
    });
    const view = await browser.context.newPage();

    // Act
    await view.goto(`${emptyApi.url}${PAGE}?token=${TOKEN}`);
    await view.waitForSelector('#health[data-state="ready"]');
    await view.waitForSelector('#compare[data-state="ready"]');
    await view.waitForFunction(
      () => !document.getElementById('insights-budgets-text')?.textContent?.startsWith('Loading'),
    );
    const texts = await view.evaluate(() =>
      ['errors-summary', 'insights-budgets-text', 'compare-empty'].map(
        (id) => document.getElementById(id)?.textContent,
      ),
    );
    const rows = [await tableText(view, 'errors-rows'), await tableText(view, 'speed-rows')];
    const violations = await runAxe(view);

    // Assess
    expect(texts).toEqual([
      'No failed calls in this time range.',
      'No budgets are set.',
      'Fewer than two models have calls in this time range.',
    ]);
    expect(rows).toEqual([[], []]);
    expect(violations.filter((v) => SERIOUS_IMPACTS.includes(v.impact))).toEqual([]);
    await view.close();
    await emptyApi.close();
  });

  it('says what could not be loaded when the API fails', async () => {
    // Prepare
    const broken = await createTestTable('e2e-views-broken');
    const brokenApi = await serveApi({
      port: 0,
      token: TOKEN,
      deps: {
        client: broken.client,
        tableName: 'no-such-table',
        now: () => NOW,
        logger: { error: () => {} },
      },
    });
    const view = await browser.context.newPage();

    // Act
    await view.goto(`${brokenApi.url}${PAGE}?token=${TOKEN}`);
    await view.waitForSelector('#health[data-state="error"]');
    await view.waitForSelector('#compare[data-state="error"]');
    await view.waitForFunction(
      () => !document.getElementById('insights-budgets-text')?.textContent?.startsWith('Loading'),
    );
    const budgetsText = await view.textContent('#insights-budgets-text');
    const compareError = await view.textContent('#compare-error');

    // Assess
    expect(budgetsText).toBe('The budgets could not be loaded; the budgets panel says why.');
    expect(compareError).toBe('Could not compare: internal error');
    await view.close();
    await brokenApi.close();
  });
});

describe('comparison of tag values in Chromium', () => {
  it('compares the arms of an A/B test typed in by keyboard, with the calls and error rates of the records', async () => {
    // Prepare
    const window = inLastHours(records, NOW, 24);
    const arms = TAGS.map((tag) => rawTotals(window.filter((r) => r.tags?.includes(tag))));

    // Act
    await page.focus('#compare-by');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('#compare-tags', { state: 'visible' });
    await page.keyboard.press('Tab');
    await page.keyboard.type(TAGS.join(', '));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#compare[data-by="tag"][data-state="ready"]');
    const rows = await tableText(page, 'compare-rows');

    // Assess
    expect(await page.textContent('#compare-key')).toBe('Tag value');
    expect(rows.map((r) => r[0])).toEqual([...TAGS]);
    expect(rows.map((r) => r[1])).toEqual(arms.map((t) => integer.format(t.calls)));
    expect(rows.map((r) => r[4]!.split(' ')[0])).toEqual(
      arms.map((t) => `${((t.failures / t.calls) * 100).toFixed(1)}%`),
    );
    expect(rows[0]![7]).toBe('baseline');
    expect(rows[1]![7]).toMatch(/significant/);
    expect(await page.textContent('#compare-source')).toContain('raw records');
  });

  it('asks for a second value instead of sending one, and shows the API refusal in words', async () => {
    // Act
    await page.fill('#compare-tags', 'variant:control');
    await page.press('#compare-tags', 'Enter');
    await page.waitForSelector('#compare-empty:not([hidden])');
    const ask = await page.textContent('#compare-empty');
    await page.fill('#compare-tags', Array.from({ length: 9 }, (_, i) => `t:${i}`).join(','));
    await page.press('#compare-tags', 'Enter');
    await page.waitForSelector('#compare[data-state="error"]');
    const refusal = await page.textContent('#compare-error');

    // Assess
    expect(ask).toContain('two or more tag values');
    expect(await tableText(page, 'compare-rows')).toEqual([]);
    expect(refusal).toContain('tags must name between 2 and 8 distinct values');
  });
});

describe('budgets in the insights answer', () => {
  it('says how many budgets are past their lines and which is closest, as the budgets API has them', async () => {
    // Prepare
    const status = await apiGet('/api/monitoring/budgets');
    const account = status.budgets.find((b: Json) => b.scope === 'account');

    // Act
    await page.waitForFunction(
      () => !document.getElementById('insights-budgets-text')?.textContent?.startsWith('Loading'),
    );
    const text = await page.textContent('#insights-budgets-text');
    const link = await page.getAttribute('#insights-budgets a', 'href');

    // Assess
    expect(account.status).toBe('warning');
    expect(text).toBe(
      `2 budgets in force: 1 past 80 %. Closest to the limit: Account (monthly) ${account.percent_used} %.`,
    );
    expect(link).toBe('#budgets');
  });
});

describe('accessibility', () => {
  it('has no serious or critical axe-core violation on the full dashboard, tables and tag comparison shown', async () => {
    // Prepare: every view on screen, the chart alternatives open and the tag comparison drawn.
    const view = await browser.context.newPage();
    await open(view);
    await view.selectOption('#compare-by', 'tag');
    await view.fill('#compare-tags', TAGS.join(','));
    await view.press('#compare-tags', 'Enter');
    await view.waitForSelector('#compare[data-by="tag"][data-state="ready"]');
    await view.waitForSelector('#budgets[data-state="ready"]');
    await view.waitForSelector('#insights[data-loaded="true"]');
    await mkdir('docs', { recursive: true });
    await view.locator('#health').screenshot({ path: 'docs/dashboard-health.png' });
    await view.locator('#insights').screenshot({ path: 'docs/dashboard-insights-tags.png' });
    await view.$$eval('details.as-table', (all) => {
      for (const d of all) (d as HTMLDetailsElement).open = true;
    });

    // Act: at desktop width, then at phone width (the layout reflows, tables scroll).
    const desktop = await runAxe(view);
    await view.setViewportSize({ width: 390, height: 844 });
    const phone = await runAxe(view);

    // Assess: the lists themselves, so a failure names every rule, element and fix.
    expect(desktop.filter((v) => SERIOUS_IMPACTS.includes(v.impact))).toEqual([]);
    expect(phone.filter((v) => SERIOUS_IMPACTS.includes(v.impact))).toEqual([]);
    await view.close();
  });

  it('reaches and works every new control by keyboard alone', async () => {
    // Prepare
    const view = await browser.context.newPage();
    await open(view);
    const wanted = [
      'errors-table-toggle',
      'speed-table-toggle',
      'budgets-link',
      'compare-by',
      'compare-submit',
    ];
    const reached = new Set<string>();

    // Act: Tab from the top of the page until every wanted control had the focus (or the page ran out).
    for (let i = 0; i < 80 && wanted.some((id) => !reached.has(id)); i++) {
      await view.keyboard.press('Tab');
      const id = await view.evaluate(() => document.activeElement?.id);
      if (id) reached.add(id);
    }
    await view.focus('#errors-table-toggle');
    await view.keyboard.press('Enter');
    const errorsOpen = await view.$eval(
      '#errors-table-toggle',
      (s) => (s.parentElement as HTMLDetailsElement).open,
    );
    await view.focus('#compare-by');
    await view.keyboard.press('ArrowDown');
    const tagsShown = await view.isVisible('#compare-tags');
    await view.focus('#compare-tags');
    await view.keyboard.press('Shift+Tab');
    const back = await view.evaluate(() => document.activeElement?.id);

    // Assess
    expect(wanted.filter((id) => !reached.has(id))).toEqual([]);
    expect(errorsOpen).toBe(true);
    expect(tagsShown).toBe(true);
    expect(back).toBe('compare-by');
    await view.close();
  });
});
