import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable } from '../helpers/dynamodb';
import { generateCalls, seedThroughPipeline } from '../helpers/seed';
import { NOW } from '../integration/api/app-under-test';
import type { Json } from '../integration/api/expectations';

const TOKEN = 'breakdown-e2e-token';
const DAY = 86_400_000;
const PAGE = '/dashboard/claude-monitoring/';

let api: LocalApi;
let browser: TestBrowser;
let page: Page;

const apiGet = async (path: string) => {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Record<string, Json>;
};

/** Model and call-count cells of the panel's table, row by row. */
const shownRows = (p: Page): Promise<string[][]> =>
  p.evaluate(() =>
    [...((document.getElementById('breakdown-rows') as HTMLTableSectionElement | null)?.rows ?? [])].map(
      (row) => [row.cells[0]?.textContent ?? '', row.cells[1]?.textContent ?? ''],
    ),
  );

/** The rows the panel should show for one value of a breakdown answer. */
const expectedRows = (value: Json): string[][] => [
  ...value.models.map((m: Json) => [m.model, m.calls.toLocaleString('en-US')]),
  ...(value.other ? [['Other (unpriced or unknown models)', value.other.calls.toLocaleString('en-US')]] : []),
];

beforeAll(async () => {
  const table = await createTestTable('e2e-breakdown');
  await seedThroughPipeline(
    table,
    generateCalls({ count: 300, startMs: NOW.getTime() - 2 * DAY, endMs: NOW.getTime(), seed: 53 }),
  );
  api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('#breakdown[data-loaded="true"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('models within a tenant, user, function or session in Chromium', () => {
  it('shows the costliest tenant split by model, other included, as the breakdown API gives it', async () => {
    // Prepare
    const answer = await apiGet('/api/monitoring/breakdown?dimension=tenant&hours=24&limit=10');
    const first = answer.values[0];

    // Act
    const rows = await shownRows(page);
    const selected = await page.inputValue('#breakdown-value');

    // Assess
    expect(selected).toBe(first.value);
    expect(first.models.length).toBeGreaterThan(1);
    expect(first.other).not.toBeNull();
    expect(rows).toEqual(expectedRows(first));
    expect(await page.textContent('#breakdown-note')).toContain(
      'without an entry in the built-in price table',
    );
  });

  it('follows the chosen dimension and value, and the page time range', async () => {
    // Prepare
    const answer = await apiGet('/api/monitoring/breakdown?dimension=user&hours=168&limit=10');
    const second = answer.values[1];

    // Act
    await page.selectOption('#range', '168');
    await page.selectOption('#breakdown-dim', 'user');
    await page.waitForFunction(
      (n) => (document.getElementById('breakdown-value') as HTMLSelectElement | null)?.options.length === n,
      answer.values.length,
    );
    await page.selectOption('#breakdown-value', second.value);
    const rows = await shownRows(page);

    // Assess
    expect(rows).toEqual(expectedRows(second));
    expect(await page.textContent('#breakdown-note')).toContain(`${second.value}: `);
  });
});
