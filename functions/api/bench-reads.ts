import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  ALL_VALUE,
  addCounters,
  COUNTER,
  DEFAULT_RETENTION_DAYS,
  type Dimension,
  errorCounter,
  type Granularity,
  histogramIndex,
  latencyBucketCounter,
  type RollupCounters,
  rollupPk,
  toCallItem,
} from 'claude-monitor/domain';
import { benchWorkload } from '../aggregator/bench-workload';
import type { RollupDelta } from '../aggregator/pre-aggregate';
import { rollupItemOf, writeBatches } from '../aggregator/recompute-store';
import { rollupKeyId } from '../aggregator/rollup-keys';
import { median } from '../shared/stats';
import { createApp } from './app';
import { countReads } from './read-counter';
import { staticTokenSource } from './token-source';

const HOUR_MS = 3_600_000;
const BENCH_MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];

export interface MeasureSummaryReadsOptions {
  client: DynamoDBClient;
  /** A table with the monitor's layout; rollups are added to it. */
  tableName: string;
  /** Calls the seeded rollups stand for. @default 1000000 */
  calls?: number;
  /** Days of history. @default 30 */
  days?: number;
  /** Requests per measured summary; the median is reported. @default 15 */
  runs?: number;
  /**
   * Raw call records to store as well, spread over the window. A summary must not read them: with them the
   * item count of a summary has to stay what the rollups alone give.
   * @default 0
   */
  rawCalls?: number;
  /** @default new Date() */
  now?: Date;
}

export interface SummaryReadFigures {
  hours: number;
  /** Items DynamoDB read for one summary request. */
  itemsRead: number;
  /** Read units DynamoDB reported for one summary. */
  readUnits: number;
  /** DynamoDB requests for one summary request. */
  requests: number;
  /** Median time the app took to answer, ms (in-process, so no network between client and app). */
  medianMs: number;
  totalCalls: number;
}

export interface SummaryReadsResult {
  seededCalls: number;
  oneDay: SummaryReadFigures;
  thirtyDays: SummaryReadFigures;
}

/** Counters of `calls` calls of one model in one hour, with plausible tokens, errors and latencies. */
const hourCounters = (calls: number): RollupCounters => {
  const errors = Math.floor(calls / 50);
  const latencies = [400, 900, 1_800, 4_000];
  const counters: RollupCounters = {
    [COUNTER.calls]: calls,
    [COUNTER.successes]: calls - errors,
    [COUNTER.errors]: errors,
    [errorCounter('overloaded')]: errors,
    [COUNTER.inputTokens]: calls * 1_200,
    [COUNTER.outputTokens]: calls * 300,
    [COUNTER.cacheReadTokens]: calls * 500,
    [COUNTER.costNanoUsd]: calls * 8_100_000,
    [COUNTER.latencySumMs]: 0,
    [COUNTER.latencyCount]: calls,
  };
  latencies.forEach((ms, i) => {
    const share = i === latencies.length - 1 ? calls - 3 * Math.floor(calls / 4) : Math.floor(calls / 4);
    const name = latencyBucketCounter(histogramIndex(ms));
    counters[name] = (counters[name] ?? 0) + share;
    counters[COUNTER.latencySumMs] = (counters[COUNTER.latencySumMs] ?? 0) + share * ms;
  });
  return counters;
};

const add = (
  sums: Map<string, RollupDelta>,
  granularity: Granularity,
  dim: Dimension,
  value: string,
  bucket: string,
  c: RollupCounters,
) => {
  const key = { pk: rollupPk(granularity, dim, value), sk: bucket, granularity, dim, value, bucket };
  const delta = sums.get(rollupKeyId(key)) ?? { key, counters: {} };
  addCounters(delta.counters, c);
  sums.set(rollupKeyId(key), delta);
};

/**
 * Rollups (hour and day × all and model, as the aggregator stores them) equal to `calls` calls spread evenly
 * over the last `days` days.
 */
export const benchRollupItems = (calls: number, days: number, now: Date): Record<string, unknown>[] => {
  const endHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const hours = days * 24;
  const cells = hours * BENCH_MODELS.length;
  const sums = new Map<string, RollupDelta>();
  for (let h = 0; h < hours; h++) {
    const stamp = new Date(endHour - h * HOUR_MS).toISOString();
    BENCH_MODELS.forEach((model, m) => {
      const cell = h * BENCH_MODELS.length + m;
      const count = Math.floor(calls / cells) + (cell < calls % cells ? 1 : 0);
      if (count === 0) return;
      const c = hourCounters(count);
      for (const [g, bucket] of [
        ['hour', stamp.slice(0, 13)],
        ['day', stamp.slice(0, 10)],
      ] as const) {
        add(sums, g, 'all', ALL_VALUE, bucket, c);
        add(sums, g, 'model', model, bucket, c);
      }
    });
  }
  return [...sums.values()].map(rollupItemOf);
};

/**
 * Seeds rollups equal to a million recorded calls over 30 days (and `rawCalls` raw records, none by default) and
 * measures what a 1-day and a 30-day summary read: items and requests per summary, and the median time.
 */
export const measureSummaryReads = async (
  options: MeasureSummaryReadsOptions,
): Promise<SummaryReadsResult> => {
  const calls = options.calls ?? 1_000_000;
  const days = options.days ?? 30;
  const runs = options.runs ?? 15;
  const now = options.now ?? new Date();
  const items = benchRollupItems(calls, days, now);
  const windowMs = days * 24 * HOUR_MS;
  const raw = benchWorkload(options.rawCalls ?? 0).map((record, i, all) =>
    toCallItem(
      {
        ...record,
        timestamp: new Date(now.getTime() - windowMs + Math.floor((i * windowMs) / all.length)).toISOString(),
      },
      DEFAULT_RETENTION_DAYS,
    ),
  );
  await writeBatches(options.client, options.tableName, [
    ...items.map((item) => ({ PutRequest: { Item: marshall(item) } })),
    ...raw.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } })),
  ]);
  const counter = countReads(options.client);
  const token = 'bench-token';
  const app = createApp({
    client: options.client,
    tableName: options.tableName,
    token: staticTokenSource(token),
    now: () => now,
  });
  const measure = async (hours: number): Promise<SummaryReadFigures> => {
    const times: number[] = [];
    let figures = { itemsRead: 0, readUnits: 0, requests: 0, totalCalls: 0 };
    for (let run = 0; run < runs; run++) {
      counter.reset();
      const started = performance.now();
      const response = await app.request(`/api/monitoring/summary?hours=${hours}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { total_calls: number };
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`summary answered ${response.status}`);
      figures = {
        itemsRead: counter.items,
        readUnits: counter.units,
        requests: counter.requests,
        totalCalls: body.total_calls,
      };
    }
    return { hours, ...figures, medianMs: Math.round(median(times) * 100) / 100 };
  };
  return {
    seededCalls: calls,
    oneDay: await measure(24),
    thirtyDays: await measure(days * 24),
  };
};
