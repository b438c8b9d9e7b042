import { describe, expect, it } from 'vitest';
import type { BilledCostRow, BilledReport, BilledUsageRow } from '../../../functions/reconciler/billed';
import { type CompareInput, compareDay, thresholdOf } from '../../../functions/reconciler/compare';
import type { TrackedModel } from '../../../functions/reconciler/tracked';

const DAY = '2026-11-20';
const USD = 1_000_000_000;

const tracked = (costNanoUsd: number, extra: Partial<TrackedModel> = {}): TrackedModel => ({
  calls: 1,
  unpricedCalls: 0,
  costNanoUsd,
  tokens: { uncached_input: 1000, output: 100 },
  webSearchRequests: 0,
  ...extra,
});

const cost = (
  model: string | null,
  costNanoUsd: number,
  extra: Partial<BilledCostRow> = {},
): BilledCostRow => ({
  day: DAY,
  model,
  apiKeyId: 'apikey_a',
  workspaceId: 'wrkspc_a',
  kind: 'uncached_input',
  costNanoUsd,
  ...extra,
});

const usage = (model: string, extra: Partial<BilledUsageRow> = {}): BilledUsageRow => ({
  day: DAY,
  model,
  apiKeyId: 'apikey_a',
  workspaceId: 'wrkspc_a',
  tokens: { uncached_input: 1000, output: 100 },
  webSearchRequests: 0,
  ...extra,
});

const input = (trackedModels: Record<string, TrackedModel>, bill: Partial<BilledReport>): CompareInput => ({
  source: 'anthropic',
  day: DAY,
  reconciledAt: '2026-11-21T06:00:00.000Z',
  tracked: new Map(Object.entries(trackedModels)),
  billed: { usage: [], costs: [], hasTokenCounts: true, costByApiKey: true, estimatedDays: [], ...bill },
  scope: null,
  canonical: (model) => model,
  webSearchFeeNanoUsd: 10_000_000,
  differencePercent: 1,
  differenceUsd: 1,
});

describe('thresholdOf', () => {
  it('is the larger of the percentage of the bill and the fixed amount', () => {
    // Act
    const small = thresholdOf(50 * USD, 1, 1);
    const large = thresholdOf(500 * USD, 1, 1);
    const percentOnly = thresholdOf(500 * USD, 2.5, 0);

    // Assess
    expect(small).toBe(USD);
    expect(large).toBe(5 * USD);
    expect(percentOnly).toBe(12.5 * USD);
  });
});

describe('compareDay', () => {
  it('is within the threshold at exactly the tolerance, and out one nano-dollar above it', () => {
    // Prepare: $10 billed; the tolerance is max($0.10, $1) = $1.
    const at = input({ m: tracked(9 * USD) }, { costs: [cost('m', 10 * USD)] });
    const above = input({ m: tracked(9 * USD - 1) }, { costs: [cost('m', 10 * USD)] });

    // Act
    const exact = compareDay(at);
    const over = compareDay(above);

    // Assess
    expect(exact).toMatchObject({
      absoluteDifferenceNanoUsd: USD,
      thresholdNanoUsd: USD,
      withinThreshold: true,
    });
    expect(over).toMatchObject({ absoluteDifferenceNanoUsd: USD + 1, withinThreshold: false });
  });

  it('does not let one model billed high and another billed low cancel out', () => {
    // Prepare
    const day = input(
      { a: tracked(10 * USD), b: tracked(10 * USD) },
      { costs: [cost('a', 12 * USD), cost('b', 8 * USD)] },
    );

    // Act
    const result = compareDay(day);

    // Assess
    expect(result).toMatchObject({
      differenceNanoUsd: 0,
      absoluteDifferenceNanoUsd: 4 * USD,
      withinThreshold: false,
    });
  });

  it('compares web search once for the day, with tracked fees taken out of the model line', () => {
    // Prepare: the tracked cost carries 2 searches ($0.02); the bill lists them without a model.
    const day = input(
      { m: tracked(5 * USD + 20_000_000, { webSearchRequests: 2 }) },
      {
        costs: [cost('m', 5 * USD), cost(null, 20_000_000, { kind: 'web_search' })],
        usage: [usage('m', { webSearchRequests: 2 })],
      },
    );

    // Act
    const result = compareDay(day);

    // Assess
    expect(result.models).toHaveLength(1);
    expect(result.models[0]).toMatchObject({ model: 'm', differenceNanoUsd: 0 });
    expect(result.webSearch).toEqual({
      trackedRequests: 2,
      billedRequests: 2,
      trackedCostNanoUsd: 20_000_000,
      billedCostNanoUsd: 20_000_000,
    });
    expect(result.absoluteDifferenceNanoUsd).toBe(0);
  });

  it('lists code execution and session hours apart instead of counting them as a difference', () => {
    // Prepare
    const day = input(
      { m: tracked(USD) },
      { costs: [cost('m', USD), cost(null, 300_000_000, { kind: 'code_execution' })] },
    );

    // Act
    const result = compareDay(day);

    // Assess
    expect(result).toMatchObject({
      absoluteDifferenceNanoUsd: 0,
      notTrackedNanoUsd: { code_execution: 300_000_000 },
    });
  });

  it('shows a model billed but never recorded, and one recorded as unpriced, as differences', () => {
    // Prepare: the table has no price for `future`, so its calls were recorded at $0.
    const day = input(
      { future: tracked(0, { unpricedCalls: 3, calls: 3 }) },
      { costs: [cost('future', 2 * USD), cost('elsewhere', USD)] },
    );

    // Act
    const result = compareDay(day);

    // Assess
    expect(result.models.map((m) => [m.model, m.tracked.unpricedCalls, m.differenceNanoUsd])).toEqual([
      ['future', 3, 2 * USD],
      ['elsewhere', 0, USD],
    ]);
    expect(result.withinThreshold).toBe(false);
  });

  it('compares only the monitored keys and lists the others as unmonitored, largest first', () => {
    // Prepare
    const day = {
      ...input(
        { m: tracked(USD) },
        {
          costs: [
            cost('m', USD),
            cost('m', 2 * USD, { apiKeyId: 'apikey_b' }),
            cost('m', 3 * USD, { apiKeyId: null, workspaceId: 'wrkspc_console' }),
          ],
        },
      ),
      scope: { apiKeyIds: ['apikey_a'], workspaceIds: [] },
    };

    // Act
    const result = compareDay(day);

    // Assess
    expect(result).toMatchObject({
      billedCostNanoUsd: USD,
      differenceNanoUsd: 0,
      unmonitoredCostNanoUsd: 5 * USD,
    });
    expect(result.unmonitored.map((u) => [u.apiKeyId, u.workspaceId, u.costNanoUsd])).toEqual([
      [null, 'wrkspc_console', 3 * USD],
      ['apikey_b', 'wrkspc_a', 2 * USD],
    ]);
  });

  it('ignores bill rows of other days', () => {
    // Prepare
    const day = input(
      { m: tracked(USD) },
      { costs: [cost('m', USD), cost('m', 7 * USD, { day: '2026-11-19' })] },
    );

    // Act
    const result = compareDay(day);

    // Assess
    expect(result.billedCostNanoUsd).toBe(USD);
  });
});
