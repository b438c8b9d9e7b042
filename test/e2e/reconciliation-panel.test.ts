import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, serveApi } from '../../functions/api/local-server';
import { staticAdminKey } from '../../functions/reconciler/admin-key';
import { reconcile } from '../../functions/reconciler/reconcile';
import { type AdminApiStub, startAdminApiStub } from '../../infra/local/admin-api-stub';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { seedThroughPipeline } from '../helpers/seed';
import { type SnsEmulator, startSnsEmulator } from '../helpers/sns';
import type { Json } from '../integration/api/expectations';
import {
  ADMIN_KEY,
  billedAs,
  DAY,
  MONITORED_KEY,
  OTHER_KEY,
  reconcilerDeps,
  recordOf,
} from '../integration/reconciler/harness';

const TOKEN = 'reconciliation-panel-token';
const PAGE = '/dashboard/claude-monitoring/';
const API_NOW = new Date('2026-11-21T12:00:00.000Z');

let admin: AdminApiStub;
let sns: SnsEmulator;
let browser: TestBrowser;
const apis: LocalApi[] = [];
/** A day billed 10% above what was tracked, plus spend under a key the monitor never saw. */
let reconciled: TestTable;
/** Runs without an admin key. */
let noKey: TestTable;

const serve = async (table: TestTable): Promise<LocalApi> => {
  const api = await serveApi({
    port: 0,
    token: TOKEN,
    deps: { client: table.client, tableName: table.tableName, now: () => API_NOW },
  });
  apis.push(api);
  return api;
};

const open = async (api: LocalApi): Promise<Page> => {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${api.url}${PAGE}?token=${TOKEN}`);
  await page.waitForSelector('#reconciliation:not([data-state="loading"])');
  const state = await page.getAttribute('#reconciliation', 'data-state');
  if (state !== 'ready')
    throw new Error(`panel ${state}: ${await page.textContent('#recon-sources')} ${errors.join('; ')}`);
  return page;
};

beforeAll(async () => {
  admin = await startAdminApiStub({ adminKey: ADMIN_KEY });
  sns = await startSnsEmulator('recon-panel');
  browser = await launchChromium();
  reconciled = await createTestTable('recon-panel');
  const record = recordOf({
    model: 'claude-opus-5-5',
    usage: { inputTokens: 100_000, outputTokens: 10_000 },
  });
  await seedThroughPipeline(reconciled, [record]);
  admin.bill([...billedAs([record], MONITORED_KEY, 10), ...billedAs([record], OTHER_KEY)]);
  await reconcile(
    reconcilerDeps(reconciled, admin, sns, { scope: { apiKeyIds: [MONITORED_KEY], workspaceIds: [] } }),
  );
  noKey = await createTestTable('recon-panel-nokey');
  const deps = reconcilerDeps(noKey, admin, sns);
  const key = staticAdminKey('');
  await reconcile({
    ...deps,
    sources: [{ ...deps.sources[0]!, open: async () => ({ hint: key.configured ? '' : key.hint }) }],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const api of apis) await api.close();
  await admin?.close();
  await sns?.stop();
});

describe('reconciliation panel in Chromium', () => {
  it('charts tracked against billed per day and names the unmonitored key', async () => {
    // Prepare
    const page = await open(await serve(reconciled));

    // Act
    const chart = await page.evaluate(() => {
      const instance = (window as Json).Chart.getChart('chart-recon-anthropic');
      return {
        labels: instance.data.labels as string[],
        datasets: instance.data.datasets.map((d: Json) => ({
          label: d.label as string,
          data: d.data as (number | null)[],
        })),
      };
    });
    const summary = await page.textContent('[data-source="anthropic"] .recon-summary');
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/reconciliation-panel.png', fullPage: true });

    // Assess: the 14 days up to today; the run compared the three days up to yesterday, two of them empty.
    const index = chart.labels.indexOf(DAY.slice(5));
    expect(chart.labels).toHaveLength(14);
    expect(chart.datasets.map((d: { label: string }) => d.label)).toEqual(['Tracked', 'Billed']);
    expect(chart.datasets[0].data[index]).toBe(0.6);
    expect(chart.datasets[1].data[index]).toBe(0.66);
    expect(chart.datasets[0].data.filter((v: number | null) => v !== null)).toEqual([0, 0, 0.6]);
    expect(summary).toBe(`3 days compared · all within the threshold · $0.60 unmonitored under ${OTHER_KEY}`);
  }, 120_000);

  it('says plainly when no admin key is configured, with no chart', async () => {
    // Prepare
    const page = await open(await serve(noKey));

    // Act
    const message = await page.textContent('[data-source="anthropic"] .recon-message');
    const canvases = await page.locator('[data-source="anthropic"] canvas').count();

    // Assess
    expect(message).toMatch(/^No Anthropic admin key is configured\./);
    expect(canvases).toBe(0);
  }, 120_000);
});
