import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/aggregator/alerts/alert';
import { fireAlerts } from '../../functions/aggregator/alerts/outbox';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { alertOfEveryRule } from '../helpers/alert-log';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { NO_ALERTS, testDeps } from '../integration/aggregator/harness';
import { NOW } from '../integration/api/app-under-test';

const TOKEN = 'alerts-panel-token';
const PAGE = '/dashboard/claude-monitoring/';
const HOUR = 3_600_000;

let browser: TestBrowser;
const apis: LocalApi[] = [];
let withAlerts: LocalApi;
let withNone: LocalApi;

/** 27 alerts, three of every rule, one every three hours back from 10:00 on the 29th (all in the last 7 days). */
const ALERTS: Alert[] = [0, 1, 2].flatMap((k) =>
  alertOfEveryRule('2026-11-29T10:00:00.000Z').map((alert) => ({ ...alert, scope: `${alert.scope}-${k}` })),
);

const serve = async (table: TestTable): Promise<LocalApi> => {
  const api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => NOW },
  });
  apis.push(api);
  return api;
};

const apiGet = async (path: string) => {
  const response = await fetch(`${withAlerts.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as { alerts: { subject: string; fired_at: string; severity: string }[] };
};

const open = async (api: LocalApi): Promise<Page> => {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('#alerts:not([data-state="loading"])');
  if ((await page.getAttribute('#alerts', 'data-state')) !== 'ready') {
    throw new Error(`panel failed: ${await page.textContent('#alerts-error')} ${errors.join('; ')}`);
  }
  return page;
};

/** Each row of the panel: its row header (time) and cells, as text. */
const rows = (page: Page): Promise<string[][]> =>
  page.$$eval('#alert-rows tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
  );

beforeAll(async () => {
  browser = await launchChromium();
  const table = await createTestTable('alerts-panel');
  for (const [i, alert] of ALERTS.entries()) {
    const firedAt = Date.parse('2026-11-29T10:00:00.000Z') - i * 3 * HOUR;
    await fireAlerts(testDeps(table, NO_ALERTS, { now: () => firedAt }), [alert]);
  }
  withAlerts = await serve(table);
  withNone = await serve(await createTestTable('alerts-panel-empty'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const api of apis) await api.close();
});

describe('recent alerts panel in Chromium', () => {
  it('lists the newest page of the alert log as the API gives it: time, severity, rule, scope, what happened', async () => {
    // Prepare
    const served = await apiGet('/api/monitoring/alerts?limit=20');

    // Act
    const page = await open(withAlerts);
    const shown = await rows(page);

    // Assess
    expect(shown).toHaveLength(20);
    expect(shown.map((r, i) => r[4]!.startsWith(served.alerts[i]!.subject))).toEqual(Array(20).fill(true));
    expect(shown.map((r) => r[0])).toEqual(
      served.alerts.map((a) => `${a.fired_at.slice(0, 10)} ${a.fired_at.slice(11, 16)}`),
    );
    expect(shown[0]).toEqual([
      '2026-11-29 10:00',
      'warning',
      'Session cost',
      'session s1-0',
      expect.stringContaining('Claude spend: session s1-0 exceeded $10.00'),
      '$12.00 (threshold $10.00)',
    ]);
    expect(shown.find((r) => r[2] === 'Anomaly')).toEqual([
      expect.any(String),
      'warning',
      'Anomaly',
      'function fn-a-0',
      expect.stringContaining('In the hour 2026-11-29T10:00 UTC the spend was $9.00'),
      '$9.00 (threshold $1.00)',
    ]);
    await page.close();
  });

  it('is a table under its heading, with column and row headers', async () => {
    // Act
    const page = await open(withAlerts);
    const heading = await page.textContent('#alerts-title');
    const label = await page.getAttribute('#alerts-table', 'aria-labelledby');
    const columns = await page.$$eval('#alerts-table thead th', (ths) =>
      ths.map((th) => `${th.getAttribute('scope')} ${th.textContent}`),
    );
    const rowHeaders = await page.$$eval('#alert-rows tr > th[scope="row"] time', (times) =>
      times.map((t) => t.getAttribute('datetime')),
    );

    // Assess
    expect(heading).toContain('Recent alerts');
    expect(label).toBe('alerts-title');
    expect(columns).toEqual([
      'col Fired (UTC)',
      'col Severity',
      'col Rule',
      'col Scope',
      'col What happened',
      'col Value',
    ]);
    expect(rowHeaders).toHaveLength(20);
    expect(rowHeaders[0]).toBe('2026-11-29T10:00:00.000Z');
    await page.close();
  });

  it('reaches "show older alerts" from the rule filter with Tab, and Enter brings the rest and moves focus to it', async () => {
    // Prepare
    const page = await open(withAlerts);
    await page.focus('#alerts-rule');

    // Act
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.id);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (total) => document.querySelectorAll('#alert-rows tr').length === total,
      ALERTS.length,
      { polling: 100 },
    );
    const focusedRow = await page.evaluate(() => document.activeElement?.textContent);

    // Assess
    expect(focused).toBe('alerts-more');
    expect(await page.isHidden('#alerts-more')).toBe(true);
    const shown = await rows(page);
    expect(new Set(shown.map((r) => `${r[2]} ${r[3]}`)).size).toBe(ALERTS.length);
    expect(focusedRow).toBe(shown[20]![0]);
    await page.close();
  });

  it('shows one rule when it is picked', async () => {
    // Prepare
    const page = await open(withAlerts);

    // Act
    await page.selectOption('#alerts-rule', 'anomaly');
    await page.waitForFunction(() => document.querySelectorAll('#alert-rows tr').length === 3, null, {
      polling: 100,
    });

    // Assess
    expect((await rows(page)).map((r) => `${r[2]} ${r[3]}`)).toEqual([
      'Anomaly function fn-a-0',
      'Anomaly function fn-a-1',
      'Anomaly function fn-a-2',
    ]);
    await page.close();
  });

  it('says so when no alert fired, instead of an empty table', async () => {
    // Act
    const page = await open(withNone);

    // Assess
    expect(await page.isVisible('#alerts-empty')).toBe(true);
    expect(await page.textContent('#alerts-empty')).toBe('No alert fired in the last 7 days.');
    expect(await page.isHidden('#alerts-table')).toBe(true);
    expect(await page.isHidden('#alerts-more')).toBe(true);
    await page.close();
  });
});
