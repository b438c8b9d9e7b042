import { type CallRecord, LATENCY_BUCKETS_MS } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls, SEED_MODELS, seedThroughPipeline } from '../../helpers/seed';
import { authorizedGet, createTestApp, NOW } from './app-under-test';
import { bucketedPercentile, inLastHours, type Json } from './expectations';

const TOKEN = 'compare-test-token';
const DAY = 86_400_000;
const Z = 1.959963984540054;
const TAGS = ['variant:control', 'variant:new-prompt'] as const;

let records: CallRecord[];
let app: ReturnType<typeof createApp>;
const get = authorizedGet(() => app, TOKEN);

/** Figures of one group worked out straight from its raw records, written out longhand. */
const direct = (group: readonly CallRecord[]) => {
  const calls = group.length;
  const errors = group.filter((r) => r.status === 'error').length;
  const tokens = (r: CallRecord) =>
    r.usage.inputTokens +
    r.usage.outputTokens +
    r.usage.cacheWrite5mTokens +
    r.usage.cacheWrite1hTokens +
    r.usage.cacheReadTokens;
  const byHour = new Map<string, CallRecord[]>();
  for (const r of group)
    byHour.set(r.timestamp.slice(0, 13), [...(byHour.get(r.timestamp.slice(0, 13)) ?? []), r]);
  const perCall = (value: (r: CallRecord) => number) => {
    const mean = group.reduce((a, r) => a + value(r), 0) / calls;
    const k = byHour.size;
    let squares = 0;
    for (const hour of byHour.values())
      squares += (hour.reduce((a, r) => a + value(r), 0) - mean * hour.length) ** 2;
    const se = Math.sqrt((k / (k - 1)) * squares) / calls;
    return { mean, low: mean - Z * se, high: mean + Z * se };
  };
  const edgeRange = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    const nv = sorted.length;
    const spread = Z * Math.sqrt(nv * (p / 100) * (1 - p / 100));
    const lowRank = Math.max(1, Math.floor(nv * (p / 100) - spread));
    const highRank = Math.min(nv, Math.ceil(nv * (p / 100) + spread) + 1);
    const bucket = (v: number) => LATENCY_BUCKETS_MS.findIndex((edge) => v <= edge);
    const lowBucket = bucket(sorted[lowRank - 1]!);
    const highBucket = bucket(sorted[highRank - 1]!);
    return {
      value: bucketedPercentile(values, p),
      low: lowBucket <= 0 ? 0 : LATENCY_BUCKETS_MS[lowBucket - 1],
      high: highBucket === -1 ? null : LATENCY_BUCKETS_MS[highBucket],
      calls: nv,
    };
  };
  return {
    calls,
    errors,
    hours: byHour.size,
    cost: perCall((r) => r.cost.totalNanoUsd / 1e9),
    tokens: perCall(tokens),
    errorRate: errors / calls,
    latency: (p: number) =>
      edgeRange(
        group.map((r) => r.latencyMs),
        p,
      ),
    ttft: (p: number) =>
      edgeRange(
        group.flatMap((r) => (r.ttftMs === undefined ? [] : [r.ttftMs])),
        p,
      ),
  };
};

const expectGroup = (actual: Json, group: readonly CallRecord[]) => {
  const d = direct(group);
  expect(actual).toMatchObject({ calls: d.calls, errors: d.errors, hours_with_calls: d.hours });
  expect(actual.cost_per_call_usd.value).toBeCloseTo(d.cost.mean, 9);
  expect(actual.cost_per_call_usd.ci95.low).toBeCloseTo(d.cost.low, 9);
  expect(actual.cost_per_call_usd.ci95.high).toBeCloseTo(d.cost.high, 9);
  // Tokens per call are given to one decimal.
  expect(Math.abs(actual.tokens_per_call.value - d.tokens.mean)).toBeLessThanOrEqual(0.05 + 1e-9);
  expect(Math.abs(actual.tokens_per_call.ci95.low - d.tokens.low)).toBeLessThanOrEqual(0.05 + 1e-9);
  expect(actual.error_rate.value).toBeCloseTo(d.errorRate, 6);
  expect(actual.error_rate.ci95.low).toBeLessThanOrEqual(d.errorRate);
  expect(actual.error_rate.ci95.high).toBeGreaterThanOrEqual(d.errorRate);
  for (const [name, expected] of [
    ['p50_latency_ms', d.latency(50)],
    ['p95_latency_ms', d.latency(95)],
    ['p50_ttft_ms', d.ttft(50)],
    ['p95_ttft_ms', d.ttft(95)],
  ] as const) {
    expect(actual[name], name).toEqual({
      value: expected.value,
      ci95: { low: expected.low, high: expected.high },
      calls: expected.calls,
    });
  }
};

beforeAll(async () => {
  const table = await createTestTable('api-compare');
  records = generateCalls({ count: 900, startMs: NOW.getTime() - 10 * DAY, endMs: NOW.getTime(), seed: 23 });
  // Every third call is untagged; the others alternate between the two variants, new-prompt dearer.
  records.forEach((record, i) => {
    if (i % 3 === 2) return;
    const tag = TAGS[i % 2]!;
    record.tags = [tag, 'team:search'];
    if (tag === 'variant:new-prompt') {
      record.cost.totalNanoUsd += 50_000_000;
      record.cost.outputNanoUsd += 50_000_000;
    }
  });
  await seedThroughPipeline(table, records);
  app = createTestApp(table, TOKEN);
}, 300_000);

describe('GET /api/monitoring/compare', () => {
  it('models: every figure and interval equals the direct computation over the raw records', async () => {
    // Prepare
    const window = inLastHours(records, NOW, 168);
    const models = [SEED_MODELS[0], SEED_MODELS[1], SEED_MODELS[2]];

    // Act
    const { status, body } = await get(`/api/monitoring/compare?hours=168&models=${models.join(',')}`);

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ by: 'model', source: 'rollups', hours: 168 });
    expect(body.groups.map((g: Json) => g.key)).toEqual(models);
    models.forEach((model, i) => {
      expectGroup(
        body.groups[i],
        window.filter((r) => r.model === model),
      );
    });
    expect(body.groups[0].vs_baseline).toBeUndefined();
    const diff = body.groups[1].vs_baseline.cost_per_call_usd;
    expect(diff.value).toBeCloseTo(
      direct(window.filter((r) => r.model === models[1])).cost.mean -
        direct(window.filter((r) => r.model === models[0])).cost.mean,
      9,
    );
  });

  it('tags: figures equal the direct computation, and a real cost difference is found significant', async () => {
    // Prepare
    const window = inLastHours(records, NOW, 72);

    // Act
    const { status, body } = await get(`/api/monitoring/compare?hours=72&tags=${TAGS.join(',')}`);

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ by: 'tag', source: 'raw_records' });
    TAGS.forEach((tag, i) => {
      expectGroup(
        body.groups[i],
        window.filter((r) => r.tags?.includes(tag)),
      );
    });
    expect(body.groups[1].vs_baseline.cost_per_call_usd.significant).toBe(true);
    expect(body.groups[1].vs_baseline.cost_per_call_usd.value).toBeGreaterThan(0);
  });

  it('a model without calls in the window is reported with zero calls and no figures', async () => {
    // Act
    const { body } = await get(`/api/monitoring/compare?models=${SEED_MODELS[0]},claude-none`);

    // Assess
    expect(body.groups[1]).toMatchObject({
      key: 'claude-none',
      calls: 0,
      cost_per_call_usd: { value: null, ci95: null },
      p95_latency_ms: { value: null, ci95: null, calls: 0 },
    });
    expect(body.groups[1].vs_baseline.cost_per_call_usd.significant).toBeNull();
  });

  it.each([
    ['', 'models', 'exactly one'],
    [`models=a,b&tags=x,y`, 'tags', 'exactly one'],
    ['models=only-one', 'models', 'between 2 and 8'],
    ['models=a,,b', 'models', 'non-empty'],
    ['tags=a,b,c,d,e,f,g,h,i', 'tags', 'between 2 and 8'],
    ['models=a,b&hours=0', 'hours', 'between 1 and'],
  ])('rejects "%s" with a 400 naming %s', async (query, parameter, message) => {
    // Act
    const { status, body } = await get(`/api/monitoring/compare?${query}`);

    // Assess
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(message);
  });
});
