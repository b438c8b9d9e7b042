import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../../functions/reconciler/reconcile';
import { type AdminApiStub, startAdminApiStub } from '../../../infra/local/admin-api-stub';
import { type CostExplorerStub, startCostExplorerStub } from '../../../infra/local/cost-explorer-stub';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { seedThroughPipeline } from '../../helpers/seed';
import { type SnsEmulator, startSnsEmulator } from '../../helpers/sns';
import {
  ADMIN_KEY,
  bedrockLines,
  billedAs,
  DAY,
  MONITORED_KEY,
  reconcilerDeps,
  recordOf,
  storedDay,
  storedStatus,
} from './harness';

const SONNET = 'Claude Sonnet 4.5 (Amazon Bedrock Edition)';
const HAIKU = 'Claude Haiku 4.5 (Amazon Bedrock Edition)';

/**
 * Bedrock calls through a geographic profile (regional rate, +10%) and the global one, about $23 in all, next
 * to a Claude API call of the same Sonnet model that the Bedrock bill must not count.
 */
const bedrockDay = (day = DAY) => ({
  sonnet: recordOf({
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    provider: 'bedrock',
    usage: { inputTokens: 150_000, outputTokens: 100_000, cacheReadTokens: 2_000_000 },
    at: `${day}T08:00:00.000Z`,
  }),
  haiku: recordOf({
    model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    provider: 'bedrock',
    usage: { inputTokens: 180_000, outputTokens: 4_000_000 },
    at: `${day}T12:00:00.000Z`,
  }),
  direct: recordOf({
    model: 'claude-sonnet-4-5-20250929',
    usage: { inputTokens: 10_000, outputTokens: 5_000 },
    at: `${day}T13:00:00.000Z`,
  }),
});

describe('reconciliation with the Bedrock bill from Cost Explorer', { timeout: 120_000 }, () => {
  let admin: AdminApiStub;
  let ce: CostExplorerStub;
  let sns: SnsEmulator;
  let table: TestTable;

  beforeAll(async () => {
    admin = await startAdminApiStub({ adminKey: ADMIN_KEY });
    ce = await startCostExplorerStub();
    sns = await startSnsEmulator('recon-bedrock');
  });
  afterAll(async () => {
    await Promise.all([admin.close(), ce.close(), sns.stop()]);
  });
  beforeEach(async () => {
    table = await createTestTable('recon-bedrock');
  });
  afterEach(async () => {
    ce.clear();
    ce.setMaxGroupsPerPage(500);
    ce.setEstimated([]);
    ce.requests.length = 0;
    await sns.receiveAll();
  });

  it('matches the Bedrock calls only, per model and to the nano-dollar, with no alert', async () => {
    // Prepare
    const { sonnet, haiku, direct } = bedrockDay();
    await seedThroughPipeline(table, [sonnet, haiku, direct]);
    ce.add([...bedrockLines([sonnet], SONNET), ...bedrockLines([haiku], HAIKU)]);
    ce.setEstimated([DAY]);
    const deps = reconcilerDeps(table, admin, sns, { bedrock: ce });

    // Act
    const report = await reconcile(deps);

    // Assess
    const day = await storedDay(table, 'bedrock');
    expect(report.sources[1]).toMatchObject({ source: 'bedrock', alertsFired: 0, outOfThreshold: [] });
    expect(day).toMatchObject({
      trackedCostNanoUsd: sonnet.cost.totalNanoUsd + haiku.cost.totalNanoUsd,
      differenceNanoUsd: 0,
      withinThreshold: true,
      estimated: true,
    });
    expect(day!.models.map((m) => [m.model, m.tracked.calls, m.differenceNanoUsd])).toEqual([
      ['claude-haiku-4-5-20251001', 1, 0],
      ['claude-sonnet-4-5-20250929', 1, 0],
    ]);
    expect(day!.models[1]!.billed.costByKind).toEqual({
      uncached_input: sonnet.cost.inputNanoUsd,
      output: sonnet.cost.outputNanoUsd,
      cache_read: sonnet.cost.cacheReadNanoUsd,
    });
    expect(day!.models[1]!.billed.tokens).toBeUndefined();
    // The Claude API call is the Anthropic bill's, compared there.
    expect((await storedDay(table, 'anthropic'))!.trackedCostNanoUsd).toBe(direct.cost.totalNanoUsd);
    expect(await sns.receiveAll()).toEqual([]);
  });

  it('splits a model served by both the Claude API and Bedrock under the same plain id, exactly', async () => {
    // Prepare: Bedrock responses report the plain Anthropic id, so both calls land in the same model rollup.
    const direct = recordOf({
      model: 'claude-sonnet-4-5-20250929',
      usage: { inputTokens: 7_000, outputTokens: 900 },
    });
    const viaBedrock = recordOf({
      model: 'claude-sonnet-4-5-20250929',
      provider: 'bedrock',
      usage: { inputTokens: 50_000, outputTokens: 4_000 },
    });
    await seedThroughPipeline(table, [direct, viaBedrock]);
    ce.add(bedrockLines([viaBedrock], SONNET));
    admin.bill(billedAs([direct], MONITORED_KEY));
    const deps = reconcilerDeps(table, admin, sns, { bedrock: ce });

    // Act
    await reconcile(deps);

    // Assess
    const anthropic = await storedDay(table, 'anthropic');
    const bedrock = await storedDay(table, 'bedrock');
    expect(
      anthropic!.models.map((m) => [m.model, m.tracked.calls, m.tracked.costNanoUsd, m.differenceNanoUsd]),
    ).toEqual([['claude-sonnet-4-5-20250929', 1, direct.cost.totalNanoUsd, 0]]);
    expect(
      bedrock!.models.map((m) => [m.model, m.tracked.calls, m.tracked.costNanoUsd, m.differenceNanoUsd]),
    ).toEqual([['claude-sonnet-4-5-20250929', 1, viaBedrock.cost.totalNanoUsd, 0]]);
    admin.clear();
  });

  it('a day billed 5% above what was tracked: one alert, sent once even when the run repeats', async () => {
    // Prepare
    const { sonnet, haiku } = bedrockDay();
    await seedThroughPipeline(table, [sonnet, haiku]);
    ce.add([...bedrockLines([sonnet], SONNET, 5), ...bedrockLines([haiku], HAIKU, 5)]);
    const deps = reconcilerDeps(table, admin, sns, { bedrock: ce });

    // Act
    await reconcile(deps);
    const first = await sns.receiveAll();
    await reconcile(deps);
    const second = await sns.receiveAll();

    // Assess
    const day = await storedDay(table, 'bedrock');
    const tracked = sonnet.cost.totalNanoUsd + haiku.cost.totalNanoUsd;
    expect(day!.withinThreshold).toBe(false);
    expect(day!.differenceNanoUsd).toBe(Math.round(tracked * 0.05));
    expect(first.map((m) => m.Subject)).toEqual([
      expect.stringMatching(/^Claude bill: bedrock billed \$1\.\d\d away/),
    ]);
    expect(second).toEqual([]);
  });

  it('reads every page of a Cost Explorer answer', async () => {
    // Prepare: two days of two models, one group per page.
    const days = ['2026-11-19', DAY];
    const records = days.flatMap((day) => Object.values(bedrockDay(day)).slice(0, 2));
    await seedThroughPipeline(table, records);
    ce.add(records.flatMap((r) => bedrockLines([r], r.model.includes('sonnet') ? SONNET : HAIKU)));
    ce.setMaxGroupsPerPage(1);
    const deps = reconcilerDeps(table, admin, sns, { bedrock: ce });

    // Act
    await reconcile(deps);

    // Assess: 2 days × 2 models × 3 usage types, one group a page.
    const pages = ce.requests.filter((r) => r.operation === 'GetCostAndUsage');
    expect(pages).toHaveLength(12);
    expect(pages.slice(1).every((r) => typeof r.body.NextPageToken === 'string')).toBe(true);
    for (const day of days)
      expect(await storedDay(table, 'bedrock', day)).toMatchObject({ absoluteDifferenceNanoUsd: 0 });
  });

  it('Cost Explorer refusing the request: a clear error and a metric, never a crash, and the next run retries', async () => {
    // Prepare
    const { sonnet } = bedrockDay();
    await seedThroughPipeline(table, [sonnet]);
    ce.add(bedrockLines([sonnet], SONNET));
    ce.failNext('LimitExceededException', 400);
    const deps = reconcilerDeps(table, admin, sns, { bedrock: ce });

    // Act
    const failed = await reconcile(deps);
    const retried = await reconcile(deps);

    // Assess
    expect(failed.sources[1]!.error).toBe(
      'Cost Explorer GetDimensionValues failed: LimitExceededException (HTTP 400): stand-in failure LimitExceededException',
    );
    expect(failed.sources[0]!.error).toBeUndefined();
    expect(deps.metricLog).toContainEqual({ source: 'bedrock', name: 'ReconciliationErrors', value: 1 });
    expect(retried.sources[1]!.error).toBeUndefined();
    expect(await storedDay(table, 'bedrock')).toMatchObject({ differenceNanoUsd: 0 });
    expect((await storedStatus(table, 'bedrock'))?.lastError).toBeUndefined();
  });
});
