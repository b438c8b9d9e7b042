import { resolveModel } from 'claude-monitor/pricing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../../functions/reconciler/reconcile';
import { billAtListPrice } from '../../../infra/local/admin-api-ledger';
import { type AdminApiStub, startAdminApiStub } from '../../../infra/local/admin-api-stub';
import { firingMonths, readAlertLogItems } from '../../helpers/alert-log';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { seedThroughPipeline } from '../../helpers/seed';
import { type SnsEmulator, type SnsEnvelope, startSnsEmulator } from '../../helpers/sns';
import {
  ADMIN_KEY,
  billedAs,
  DAY,
  MONITORED_KEY,
  OTHER_KEY,
  RUN_AT,
  reconcilerDeps,
  recordOf,
  storedDay,
  storedStatus,
  WORKSPACE,
} from './harness';

/**
 * A day of about $32: Opus 5.5 with cache reads and Sonnet 4.5 (asked for by its alias, billed under its dated
 * id, its prompt in the >200K tier) with web search, so 5% is above both the 1% and the $1 bound.
 */
const dayOfCalls = (day = DAY) => [
  recordOf({
    model: 'claude-opus-5-5',
    usage: { inputTokens: 2_000_000, outputTokens: 600_000, cacheReadTokens: 4_000_000 },
    at: `${day}T09:30:00.000Z`,
  }),
  recordOf({
    model: 'claude-sonnet-4-5',
    usage: {
      inputTokens: 1_000_000,
      outputTokens: 200_000,
      cacheWrite5mTokens: 50_000,
      webSearchRequests: 3,
    },
    at: `${day}T14:45:00.000Z`,
  }),
];

/** The bill names the dated model id, as Anthropic's reports do. */
const billed = (records: ReturnType<typeof dayOfCalls>, apiKeyId: string | null, surcharge = 0) =>
  billedAs(
    records.map((r) => ({ ...r, model: resolveModel(r.model)?.model ?? r.model })),
    apiKeyId,
    surcharge,
  );

const subjects = (messages: SnsEnvelope[]) => messages.map((m) => m.Subject ?? '');

/** Each test seeds through the real aggregator and reads real HTTP; generous, as a safety net on a busy machine. */
const SLOW = { timeout: 120_000 };

describe.each(['analytics', 'usage-cost'] as const)(
  'reconciliation with the Anthropic bill (%s API)',
  SLOW,
  (reportApi) => {
    let admin: AdminApiStub;
    let sns: SnsEmulator;
    let table: TestTable;

    beforeAll(async () => {
      admin = await startAdminApiStub({ adminKey: ADMIN_KEY });
      sns = await startSnsEmulator(`recon-${reportApi}`);
    });
    afterAll(async () => {
      await admin.close();
      await sns.stop();
    });
    beforeEach(async () => {
      table = await createTestTable('recon');
    });
    afterEach(async () => {
      admin.clear();
      admin.requests.length = 0;
      admin.setMaxPerPage(1000);
      await sns.receiveAll();
    });

    it('a day billed exactly as tracked: difference 0 to the nano-dollar and no alert', async () => {
      // Prepare
      const records = dayOfCalls();
      await seedThroughPipeline(table, records);
      admin.bill(billed(records, MONITORED_KEY));
      const deps = reconcilerDeps(table, admin, sns, { reportApi });

      // Act
      const report = await reconcile(deps);

      // Assess
      const day = await storedDay(table, 'anthropic');
      const tracked = records.reduce((sum, r) => sum + r.cost.totalNanoUsd, 0);
      expect(report.sources[0]).toMatchObject({ configured: true, alertsFired: 0, outOfThreshold: [] });
      expect(day).toMatchObject({
        trackedCostNanoUsd: tracked,
        billedCostNanoUsd: tracked,
        differenceNanoUsd: 0,
        absoluteDifferenceNanoUsd: 0,
        withinThreshold: true,
        unmonitored: [],
      });
      expect(day!.models.map((m) => [m.model, m.differenceNanoUsd])).toEqual([
        ['claude-opus-5-5', 0],
        ['claude-sonnet-4-5-20250929', 0],
      ]);
      for (const model of day!.models)
        expect(Object.values(model.tokenDifference!).every((n) => n === 0)).toBe(true);
      expect(day!.webSearch).toEqual({
        trackedRequests: 3,
        billedRequests: 3,
        trackedCostNanoUsd: 30_000_000,
        billedCostNanoUsd: 30_000_000,
      });
      expect(await sns.receiveAll()).toEqual([]);
      expect(deps.metricLog).toContainEqual({
        source: 'anthropic',
        name: 'ReconciliationDifferenceUsd',
        value: 0,
      });
    });

    it('a day billed 5% above what was tracked: one alert, sent once even when the run repeats', async () => {
      // Prepare
      const records = dayOfCalls();
      await seedThroughPipeline(table, records);
      const bill = billed(records, MONITORED_KEY, 5);
      admin.bill(bill);
      const deps = reconcilerDeps(table, admin, sns, { reportApi });

      // Act
      const first = await reconcile(deps);
      const firstAlerts = await sns.receiveAll();
      const second = await reconcile(deps);
      const secondAlerts = await sns.receiveAll();

      // Assess: the difference is exactly what the stand-in billed on top, component by component.
      const tracked = records.reduce((sum, r) => sum + r.cost.totalNanoUsd, 0);
      const total = bill.reduce(
        (sum, c) => sum + Object.values(c.costs).reduce((a, b) => a + (b ?? 0), 0),
        0,
      );
      const day = await storedDay(table, 'anthropic');
      expect(day).toMatchObject({
        billedCostNanoUsd: total,
        differenceNanoUsd: total - tracked,
        withinThreshold: false,
      });
      expect(total - tracked).toBeGreaterThan(1_000_000_000);
      expect(first.sources[0]).toMatchObject({ alertsFired: 1, outOfThreshold: [DAY] });
      // Tokens: Opus $20.80, Sonnet 4.5 in its >200K tier $10.875; 5% of $31.675 (web search is not surcharged).
      expect(total - tracked).toBe(1_583_750_000);
      expect(subjects(firstAlerts)).toEqual([
        `Claude bill: anthropic billed $1.58 away from tracked spend on ${DAY}`,
      ]);
      expect(second.sources[0]).toMatchObject({ alertsFired: 0, outOfThreshold: [DAY] });
      expect(secondAlerts).toEqual([]);
      const logged = await readAlertLogItems(table, firingMonths());
      expect(logged.map((e) => `${e.rule} ${e.scope} ${e.window}`)).toEqual([
        `reconciliation-difference anthropic ${DAY}`,
      ]);
    });

    it('billed usage under an API key or workspace that never recorded a call is reported as unmonitored', async () => {
      // Prepare: the monitored functions' calls, and a batch job under another key and workspace, never recorded.
      const records = dayOfCalls();
      await seedThroughPipeline(table, records);
      admin.bill(billed(records, MONITORED_KEY));
      const unrecorded = billAtListPrice({
        at: `${DAY}T20:00:00.000Z`,
        model: 'claude-sonnet-5-5',
        apiKeyId: OTHER_KEY,
        workspaceId: 'wrkspc_01sandbox',
        usage: { ...records[0]!.usage, inputTokens: 300_000, outputTokens: 100_000, cacheReadTokens: 0 },
      });
      admin.bill([unrecorded]);
      // The legacy cost report has no API-key dimension: there the monitored scope is the workspace.
      const scope =
        reportApi === 'analytics'
          ? { apiKeyIds: [MONITORED_KEY], workspaceIds: [] }
          : { apiKeyIds: [], workspaceIds: [WORKSPACE] };
      const deps = reconcilerDeps(table, admin, sns, { reportApi, scope });

      // Act
      await reconcile(deps);
      const alerts = await sns.receiveAll();

      // Assess: $0.60 + $1.00 of Sonnet 5.5, apart from the comparison, which still matches.
      const day = await storedDay(table, 'anthropic');
      const expectedKey = reportApi === 'analytics' ? OTHER_KEY : null;
      expect(day!.unmonitored).toEqual([
        {
          apiKeyId: expectedKey,
          workspaceId: 'wrkspc_01sandbox',
          costNanoUsd: 1_600_000_000,
          tokens: {
            uncached_input: 300_000,
            cache_write_5m: 0,
            cache_write_1h: 0,
            cache_read: 0,
            output: 100_000,
          },
          models: ['claude-sonnet-5-5'],
        },
      ]);
      expect(day).toMatchObject({
        unmonitoredCostNanoUsd: 1_600_000_000,
        differenceNanoUsd: 0,
        withinThreshold: true,
      });
      const scopeLabel = reportApi === 'analytics' ? `api_key ${OTHER_KEY}` : 'workspace wrkspc_01sandbox';
      expect(subjects(alerts)).toEqual([
        `Claude bill: $1.60 of unmonitored spend under ${scopeLabel} on ${DAY}`,
      ]);
    });

    it('reads every page of reports that span several responses', async () => {
      // Prepare: three days of calls, and a stand-in that answers one row (or one daily bucket) per page.
      const days = ['2026-11-18', '2026-11-19', DAY];
      const records = days.flatMap((day) => dayOfCalls(day));
      await seedThroughPipeline(table, records);
      admin.bill(billed(records, MONITORED_KEY));
      admin.setMaxPerPage(1);
      const deps = reconcilerDeps(table, admin, sns, { reportApi });

      // Act
      await reconcile(deps);

      // Assess: a report read only in part would leave days or models billed at 0.
      const requests = admin.requests.filter((r) => r.status === 200);
      const usagePages = requests.filter((r) => r.path.includes('usage'));
      expect(usagePages.length).toBe(reportApi === 'analytics' ? 6 : 3);
      expect(usagePages.slice(1).every((r) => r.query.get('page')?.startsWith('page_'))).toBe(true);
      expect(requests.filter((r) => r.path.includes('cost')).length).toBe(reportApi === 'analytics' ? 6 : 3);
      for (const day of days) {
        const result = await storedDay(table, 'anthropic', day);
        const tracked = records
          .filter((r) => r.timestamp.startsWith(day))
          .reduce((s, r) => s + r.cost.totalNanoUsd, 0);
        expect(result).toMatchObject({ billedCostNanoUsd: tracked, absoluteDifferenceNanoUsd: 0 });
      }
    });

    it.each([
      [401, 'refused the admin key (usage report: HTTP 401 authentication_error)'],
      [429, 'kept rate-limiting the requests (usage report: HTTP 429 rate_limit_error)'],
      [500, 'failed (usage report: HTTP 500 api_error)'],
    ])(
      'the Admin API answering %i: a clear error and a metric, never a crash, and the next run retries',
      async (status, text) => {
        // Prepare: every attempt of the first run fails (401 is not retried; 429 and 500 are, once).
        const records = dayOfCalls();
        await seedThroughPipeline(table, records);
        admin.bill(billed(records, MONITORED_KEY));
        admin.failNext(status, status === 401 ? 1 : 2);
        const deps = reconcilerDeps(table, admin, sns, { reportApi, maxRetries: 1 });

        // Act
        const failed = await reconcile(deps);
        const statusAfterFailure = await storedStatus(table, 'anthropic');
        const dayAfterFailure = await storedDay(table, 'anthropic');
        const retried = await reconcile(deps);

        // Assess
        expect(failed.sources[0]!.error).toBe(`the Anthropic Admin API ${text}`);
        expect(statusAfterFailure).toMatchObject({
          configured: true,
          lastRunAt: RUN_AT.toISOString(),
          lastError: { message: failed.sources[0]!.error, status },
        });
        expect(dayAfterFailure).toBeUndefined();
        expect(deps.metricLog).toContainEqual({
          source: 'anthropic',
          name: 'ReconciliationErrors',
          value: 1,
        });
        expect(retried.sources[0]!.error).toBeUndefined();
        expect(await storedDay(table, 'anthropic')).toMatchObject({ differenceNanoUsd: 0 });
        const status2 = await storedStatus(table, 'anthropic');
        expect(status2?.lastError).toBeUndefined();
        expect(status2?.lastSuccessAt).toBe(RUN_AT.toISOString());
      },
    );
  },
);
