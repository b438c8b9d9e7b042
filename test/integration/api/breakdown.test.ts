import { type CallRecord, PAIR_DIMENSIONS, type PairDimension } from 'claude-monitor/domain';
import { PRICE_TABLE, resolveModel } from 'claude-monitor/pricing';
import { beforeAll, describe, expect, it } from 'vitest';
import { recomputeRollups } from '../../../functions/aggregator/recompute';
import type { createApp } from '../../../functions/api/app';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls, seedThroughPipeline } from '../../helpers/seed';
import { authorizedGet, createTestApp, NOW } from './app-under-test';
import { inLastHours, type Json } from './expectations';

const TOKEN = 'breakdown-test-token';
const DAY = 86_400_000;
const MANY = 'tenant-many-models';
const UNKNOWN_MODELS = ['claude-future-9', 'my-proxy-model', 'claude-sonnet-9-preview'];

let records: CallRecord[];
let app: ReturnType<typeof createApp>;
let table: Awaited<ReturnType<typeof createTestTable>>;
const get = authorizedGet(() => app, TOKEN);

const dimensionOf = (record: CallRecord, dim: PairDimension): string | undefined =>
  ({
    tenant: record.tenantId,
    user: record.userId,
    function: record.functionName,
    session: record.sessionId,
  })[dim];

/** The split a group of raw records should show, worked out longhand: by canonical model, unpriced apart. */
const expectedSplit = (group: readonly CallRecord[]) => {
  const sums = (rows: readonly CallRecord[]) => ({
    calls: rows.length,
    errors: rows.filter((r) => r.status !== 'success').length,
    cost_nano_usd: rows.reduce((a, r) => a + r.cost.totalNanoUsd, 0),
    input_tokens: rows.reduce((a, r) => a + r.usage.inputTokens, 0),
    output_tokens: rows.reduce((a, r) => a + r.usage.outputTokens, 0),
    cache_write_tokens: rows.reduce((a, r) => a + r.usage.cacheWrite5mTokens + r.usage.cacheWrite1hTokens, 0),
    cache_read_tokens: rows.reduce((a, r) => a + r.usage.cacheReadTokens, 0),
    average_latency_ms:
      rows.length === 0
        ? null
        : Math.round((rows.reduce((a, r) => a + r.latencyMs, 0) / rows.length) * 10) / 10,
  });
  const canonical = (r: CallRecord) => (r.cost.priced ? resolveModel(r.model)?.model : undefined);
  const models = new Map<string, CallRecord[]>();
  for (const r of group) {
    const model = canonical(r);
    if (model !== undefined) models.set(model, [...(models.get(model) ?? []), r]);
  }
  const other = group.filter((r) => canonical(r) === undefined);
  return {
    totals: sums(group),
    models: Object.fromEntries([...models].map(([model, rows]) => [model, sums(rows)])),
    other: other.length === 0 ? null : sums(other),
  };
};

const expectValue = (actual: Json, group: readonly CallRecord[]) => {
  const want = expectedSplit(group);
  expect(actual).toMatchObject({ ...want.totals, unsplit_calls: 0, unsplit_cost_nano_usd: 0 });
  expect(Object.fromEntries(actual.models.map((m: Json) => [m.model, m]))).toMatchObject(want.models);
  expect(actual.models).toHaveLength(Object.keys(want.models).length);
  if (want.other === null) expect(actual.other).toBeNull();
  else expect(actual.other).toMatchObject(want.other);
  const costs = actual.models.map((m: Json) => m.cost_nano_usd);
  expect(costs).toEqual([...costs].sort((a, b) => b - a));
};

beforeAll(async () => {
  table = await createTestTable('api-breakdown');
  // Five days of varied calls (days and hours of the window are crossed), then one tenant past the bound:
  // every model of the price table, one of them by its Bedrock spelling, and three unpriced ids.
  records = generateCalls({ count: 500, startMs: NOW.getTime() - 5 * DAY, endMs: NOW.getTime(), seed: 41 });
  const models = Object.keys(PRICE_TABLE.models);
  const base = { tenantId: MANY, timestamp: new Date(NOW.getTime() - 2 * 3_600_000).toISOString() };
  const many = [
    ...models.map((model, i) => makeCallRecord({ ...base, model, callId: `many-${i}`, latencyMs: 100 + i })),
    makeCallRecord({
      ...base,
      provider: 'bedrock',
      model: `eu.anthropic.${models.find((m) => m.startsWith('claude-haiku-4-5'))}-v1:0`,
      callId: 'many-bedrock',
    }),
    ...UNKNOWN_MODELS.map((model, i) =>
      makeCallRecord({
        ...base,
        model,
        callId: `many-unknown-${i}`,
        cost: { ...makeCallRecord().cost, priced: false, totalNanoUsd: 0, inputNanoUsd: 0, outputNanoUsd: 0 },
      }),
    ),
  ];
  records.push(...many);
  await seedThroughPipeline(table, records);
  app = createTestApp(table, TOKEN);
}, 300_000);

describe('GET /api/monitoring/breakdown', () => {
  it.each(PAIR_DIMENSIONS.flatMap((dim) => [24, 96].map((hours) => [dim, hours] as const)))(
    'model within every %s over %i hours equals the sums over the raw records',
    async (dim, hours) => {
      // Prepare
      const window = inLastHours(records, NOW, hours);
      const values = [...new Set(window.map((r) => dimensionOf(r, dim)).filter((v) => v !== undefined))];

      // Act
      const { status, body } = await get(
        `/api/monitoring/breakdown?dimension=${dim}&hours=${hours}&limit=50`,
      );

      // Assess
      expect(status).toBe(200);
      expect(body).toMatchObject({ dimension: dim, by: 'model', hours, values_total: values.length });
      expect(body.values.map((v: Json) => v.value).sort()).toEqual(values.sort());
      for (const actual of body.values as Json[]) {
        expectValue(
          actual,
          window.filter((r) => dimensionOf(r, dim) === actual.value),
        );
      }
      const costs = body.values.map((v: Json) => v.cost_nano_usd);
      expect(costs).toEqual([...costs].sort((a, b) => b - a));
    },
  );

  it.each([
    ['tenant', 'tenant-a'],
    ['user', 'user-3'],
    ['function', 'fn-batch'],
    ['session', 'session-7'],
  ] as const)('model within %s %s alone equals the raw records', async (dim, value) => {
    // Prepare
    const group = inLastHours(records, NOW, 120).filter((r) => dimensionOf(r, dim) === value);

    // Act
    const { status, body } = await get(`/api/monitoring/breakdown?dimension=${dim}&value=${value}&hours=120`);

    // Assess
    expect(status).toBe(200);
    expect(group.length).toBeGreaterThan(5);
    expect(body).toMatchObject({ dimension: dim, value, values_total: 1 });
    expectValue(body.values[0], group);
  });

  it('past the bound: one entry per price-table model, every spelling in it, unpriced ids together in other', async () => {
    // Prepare
    const group = records.filter((r) => r.tenantId === MANY);

    // Act
    const { body } = await get(`/api/monitoring/breakdown?dimension=tenant&value=${MANY}&hours=6`);

    // Assess
    const value = body.values[0];
    expectValue(value, group);
    expect(value.models).toHaveLength(Object.keys(PRICE_TABLE.models).length);
    expect(value.models.every((m: Json) => m.shared_with === undefined)).toBe(true);
    expect(value.models.find((m: Json) => m.model.startsWith('claude-haiku-4-5')).calls).toBe(2);
    expect(value.other).toMatchObject({ calls: UNKNOWN_MODELS.length, cost_nano_usd: 0 });
    expect(body.notes.other).toContain('without an entry in the built-in price table');
  });

  it('a recompute from the raw records finds the model split the aggregator wrote, over every closed bucket', async () => {
    // Act
    const report = await recomputeRollups({
      client: table.client,
      tableName: table.tableName,
      from: new Date(NOW.getTime() - 6 * DAY).toISOString(),
      to: new Date(NOW.getTime() + 3_600_000).toISOString(),
      mode: 'check',
      now: () => NOW.getTime() + 2 * 3_600_000,
    });

    // Assess
    expect(report.records).toBe(records.length);
    expect(report.openBuckets).toEqual([]);
    expect(report.keysChecked).toBeGreaterThan(500);
    expect(report.drift).toEqual([]);
    expect(report.passed).toBe(true);
    // A recompute of six days reads every record and rollup of them: minutes when both cores are busy.
  }, 300_000);

  it('lists only the costliest values up to limit, and says how many there are', async () => {
    // Prepare
    const users = new Set(inLastHours(records, NOW, 96).flatMap((r) => (r.userId ? [r.userId] : [])));

    // Act
    const { body } = await get('/api/monitoring/breakdown?dimension=user&hours=96&limit=2');

    // Assess
    expect(body.values).toHaveLength(2);
    expect(body.values_total).toBe(users.size);
    expect(body.limit).toBe(2);
  });

  it.each([
    ['', 'dimension'],
    ['dimension=model', 'dimension'],
    ['dimension=tenant&by=user', 'by'],
    ['dimension=tenant&value=', 'value'],
    ['dimension=tenant&hours=0', 'hours'],
    ['dimension=tenant&limit=51', 'limit'],
    ['dimension=tenant&value=tenant-a&limit=3', 'limit'],
    ['dimension=tenant&tenant=tenant-a', 'tenant'],
  ])('rejects "%s" with a 400 naming %s', async (query, parameter) => {
    // Act
    const { status, body } = await get(`/api/monitoring/breakdown?${query}`);

    // Assess
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toEqual(expect.any(String));
  });
});
