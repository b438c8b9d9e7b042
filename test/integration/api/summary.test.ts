import type { CallRecord } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls, SEED_MODELS, seedThroughPipeline } from '../../helpers/seed';
import { authorizedGet, createTestApp, NOW } from './app-under-test';
import { bucketedPercentile, groupBy, inLastHours, type Json, rawTotals, usd } from './expectations';

const TOKEN = 'summary-test-token';
const DAY = 86_400_000;

let records: CallRecord[];
let app: ReturnType<typeof createApp>;

const get = authorizedGet(() => app, TOKEN);

const expectTotals = (body: Record<string, Json>, expected: CallRecord[]) => {
  const t = rawTotals(expected);
  expect(body).toMatchObject({
    total_calls: t.calls,
    successful_calls: t.successes,
    failed_calls: t.failures,
    total_cost_nano_usd: t.costNano,
    total_cost_usd: usd(t.costNano),
    input_tokens: t.input,
    output_tokens: t.output,
    cache_write_5m_tokens: t.cache5m,
    cache_write_1h_tokens: t.cache1h,
    cache_read_tokens: t.cacheRead,
    total_tokens: t.input + t.output + t.cache5m + t.cache1h + t.cacheRead,
    web_search_requests: t.webSearch,
    unpriced_calls: t.unpriced,
    p50_latency_ms: bucketedPercentile(t.latencies, 50),
    p95_latency_ms: bucketedPercentile(t.latencies, 95),
    p99_latency_ms: bucketedPercentile(t.latencies, 99),
    p95_ttft_ms: bucketedPercentile(t.ttfts, 95),
  });
  expect(body.success_rate).toBeCloseTo(t.calls ? (100 * t.successes) / t.calls : 0, 2);
  if (t.calls > 0) expect(body.average_latency_ms).toBeCloseTo(t.latencySum / t.calls, 1);
  const errorSum = Object.values(body.errors_by_class as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(errorSum).toBe(t.failures);
};

beforeAll(async () => {
  const table = await createTestTable('api-summary');
  records = generateCalls({ count: 400, startMs: NOW.getTime() - 10 * DAY, endMs: NOW.getTime(), seed: 7 });
  await seedThroughPipeline(table, records);
  app = createTestApp(table, TOKEN);
}, 300_000);

describe('GET /api/monitoring/summary', () => {
  it.each([1, 6, 24, 47, 72, 240])('equals the raw records over the last %i hours', async (hours) => {
    // Prepare
    const expected = inLastHours(records, NOW, hours);

    // Act
    const { status, body } = await get(`/api/monitoring/summary?hours=${hours}`);

    // Assess
    expect(status).toBe(200);
    expectTotals(body, expected);
    expect(body.hours).toBe(hours);
  });

  it('breaks the totals down by model, each equal to the raw records of that model', async () => {
    // Prepare
    const expected = groupBy(inLastHours(records, NOW, 240), (r) => r.model);

    // Act
    const { body } = await get('/api/monitoring/summary?hours=240');

    // Assess
    expect(body.by_model.map((m: { model: string }) => m.model).sort()).toEqual([...expected.keys()].sort());
    for (const row of body.by_model) {
      const t = rawTotals(expected.get(row.model)!);
      expect(row).toMatchObject({
        calls: t.calls,
        successful_calls: t.successes,
        failed_calls: t.failures,
        cost_nano_usd: t.costNano,
        input_tokens: t.input,
        output_tokens: t.output,
      });
    }
  });

  it.each([
    ['model', SEED_MODELS[1], (r: CallRecord) => r.model],
    ['user', 'user-3', (r: CallRecord) => r.userId],
    ['tenant', 'tenant-b', (r: CallRecord) => r.tenantId],
    ['session', 'session-4', (r: CallRecord) => r.sessionId],
    ['function', 'fn-batch', (r: CallRecord) => r.functionName],
  ])('filtered by %s equals the raw records with that value', async (name, value, read) => {
    // Prepare
    const expected = inLastHours(records, NOW, 96).filter((r) => read(r) === value);

    // Act
    const { status, body } = await get(
      `/api/monitoring/summary?hours=96&${name}=${encodeURIComponent(value)}`,
    );

    // Assess
    expect(status).toBe(200);
    expect(expected.length).toBeGreaterThan(0);
    expectTotals(body, expected);
    expect(body.filter).toEqual({ [name]: value });
  });

  it('reports zero calls, not an error, for a value that has none', async () => {
    // Act
    const { status, body } = await get('/api/monitoring/summary?hours=24&user=nobody');

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({
      total_calls: 0,
      success_rate: 0,
      total_cost_usd: 0,
      average_latency_ms: null,
    });
  });
});
