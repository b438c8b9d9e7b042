import { mkdir } from 'node:fs/promises';
import { type BudgetConfig, windowRefOf } from 'claude-monitor/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { BudgetStore } from '../../layers/claude-monitor/src/budget/budget-store';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { makeCallRecord } from '../helpers/call-records';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { seedThroughPipeline } from '../helpers/seed';
import { NOW } from '../integration/api/app-under-test';

const TOKEN = 'dashboard-budgets-token';
const PAGE = '/dashboard/claude-monitoring/';
const BUDGETS: BudgetConfig[] = [
  { scope: 'tenant', id: 'umbrella', period: 'day', usd: 1, mode: 'enforce' },
  { scope: 'account', period: 'month', usd: 500 },
  { scope: 'user', period: 'day', usd: 5, mode: 'enforce', downgradeTo: 'claude-haiku-4-5' },
];

let table: TestTable;
let api: LocalApi;
let browser: TestBrowser;
let page: Page;

/** The budgets table as the page shows it: one row of cell texts per budget (or per id of a budget for every id). */
const rowsOf = (p: Page) =>
  p.$$eval('#budget-rows tr', (rows) =>
    rows.map((row) => ({
      status: (row as HTMLElement).dataset.status,
      cells: [...row.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''),
    })),
  );

beforeAll(async () => {
  table = await createTestTable('e2e-budgets');
  const spend = (tenantId: string, userId: string, nano: number) => {
    const base = makeCallRecord({ tenantId, userId, timestamp: '2026-11-29T08:00:00.000Z' });
    return { ...base, cost: { ...base.cost, totalNanoUsd: nano } };
  };
  await seedThroughPipeline(table, [
    spend('umbrella', 'ann', 960_000_000),
    spend('acme', 'bob', 1_250_000_000),
  ]);
  const store = new BudgetStore({
    tableName: table.tableName,
    client: table.client,
    requestTimeoutMs: 5_000,
    env: {},
  });
  const umbrella = windowRefOf({ budget: BUDGETS[0]!, value: 'umbrella' }, NOW.getTime());
  await store.addSpend(umbrella, 960_000_000);
  await store.countRefusal(umbrella);
  await store.countRefusal(umbrella);
  api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW, budgets: BUDGETS },
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('#budgets[data-state="ready"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('dashboard budgets panel in Chromium', () => {
  it('shows each budget with its spend, what is left, its refusals and its status', async () => {
    // Act
    const rows = await rowsOf(page);
    await mkdir('test-results', { recursive: true });
    await page.locator('#budgets').screenshot({ path: 'test-results/dashboard-budgets.png' });

    // Assess
    expect(rows).toHaveLength(4);
    const umbrella = rows.find((row) => row.cells[0] === 'Tenant umbrella')!;
    expect(umbrella.status).toBe('refusing');
    expect(umbrella.cells).toEqual([
      'Tenant umbrella',
      'Daily · resets 11-30 00:00 UTC',
      'Enforced',
      '$1.00',
      '$0.96',
      '$0.00',
      '$0.04',
      '96 %',
      '2',
      '11-29 10:56 UTC',
      'Refusing calls',
    ]);
    expect(rows.find((row) => row.cells[0] === 'Account')!.cells.slice(2, 5)).toEqual([
      'Alert only',
      '$500.00',
      '$2.21',
    ]);
    const users = rows.filter((row) => row.cells[0]?.startsWith('User'));
    expect(users.map((row) => [row.cells[0], row.cells[2], row.cells[4], row.status])).toEqual([
      ['User bob', 'Enforced → claude-haiku-4-5', '$1.25', 'ok'],
      ['User ann', 'Enforced → claude-haiku-4-5', '$0.96', 'ok'],
    ]);
  });
});
