import type { CallRecord } from './call-record';
import {
  COUNTER,
  type Dimension,
  errorClassOf,
  errorCounter,
  type Granularity,
  HISTOGRAM_SIZE,
  histogramIndex,
  latencyBucketCounter,
  ttftBucketCounter,
} from './rollup';
import { isPairCounterAttribute } from './rollup-pairs';

/** Counter attribute name → amount. Only the counters a record touches are present. */
export type RollupCounters = Record<string, number>;

const COUNTER_NAMES = new Set<string>(Object.values(COUNTER));
const BUCKET_COUNTER = /^(err_|lat_|ttft_)/;

/**
 * The counters of a stored rollup item: counter attributes only (the per-model pair counters included, so
 * the drift check compares them too), keys and descriptions left out.
 */
export const countersOfItem = (item: Record<string, unknown>): RollupCounters => {
  const counters: RollupCounters = {};
  for (const [name, value] of Object.entries(item)) {
    if (
      typeof value === 'number' &&
      (COUNTER_NAMES.has(name) || BUCKET_COUNTER.test(name) || isPairCounterAttribute(name))
    ) {
      counters[name] = value;
    }
  }
  return counters;
};

/** What one call record adds to every rollup it belongs to. Pure: the aggregator and recompute share it. */
export const countersOf = (record: CallRecord): RollupCounters => {
  const counters: RollupCounters = {
    [COUNTER.calls]: 1,
    [COUNTER.latencySumMs]: record.latencyMs,
    [COUNTER.latencyCount]: 1,
    [latencyBucketCounter(histogramIndex(record.latencyMs))]: 1,
  };
  if (record.status === 'success') counters[COUNTER.successes] = 1;
  else {
    counters[COUNTER.errors] = 1;
    counters[errorCounter(errorClassOf(record.errorType))] = 1;
  }
  const usage = record.usage;
  const add = (name: string, amount: number): void => {
    if (amount !== 0) counters[name] = (counters[name] ?? 0) + amount;
  };
  add(COUNTER.inputTokens, usage.inputTokens);
  add(COUNTER.outputTokens, usage.outputTokens);
  add(COUNTER.cacheWrite5mTokens, usage.cacheWrite5mTokens);
  add(COUNTER.cacheWrite1hTokens, usage.cacheWrite1hTokens);
  add(COUNTER.cacheReadTokens, usage.cacheReadTokens);
  add(COUNTER.webSearchRequests, usage.webSearchRequests);
  add(COUNTER.webFetchRequests, usage.webFetchRequests);
  add(COUNTER.costNanoUsd, record.cost.totalNanoUsd);
  if (!record.cost.priced) counters[COUNTER.unpricedCalls] = 1;
  if (record.ttftMs !== undefined) {
    counters[COUNTER.ttftSumMs] = record.ttftMs;
    counters[COUNTER.ttftCount] = 1;
    counters[ttftBucketCounter(histogramIndex(record.ttftMs))] = 1;
  }
  return counters;
};

/** Adds `delta` into `target` in place. */
export const addCounters = (target: RollupCounters, delta: RollupCounters): RollupCounters => {
  for (const [name, amount] of Object.entries(delta)) target[name] = (target[name] ?? 0) + amount;
  return target;
};

/** The counters of these stored rollup items added up (a month from its days, a session's total from its hours). */
export const sumOfItems = (items: Iterable<Record<string, unknown>>): RollupCounters => {
  const sum: RollupCounters = {};
  for (const item of items) addCounters(sum, countersOfItem(item));
  return sum;
};

/** A rollup item as stored (unmarshalled). Counters absent from the item are 0. */
export interface RollupItem {
  pk: string;
  sk: string;
  type: 'rollup';
  granularity: Granularity;
  dim: Dimension;
  value: string;
  bucket: string;
  /** Group-by index keys (absent for granularity `total`). */
  dpk?: string;
  dsk?: string;
  [counter: string]: string | number | undefined;
}

/**
 * Percentile from a histogram of counters `lat_00..` or `ttft_00..`: the upper edge of the bucket that holds
 * the p-th value (the open last bucket reports its lower edge). Returns undefined for an empty histogram.
 */
export const histogramPercentile = (
  counters: Readonly<Record<string, unknown>>,
  bucketName: (index: number) => string,
  edges: readonly number[],
  p: number,
): number | undefined => {
  const counts = Array.from({ length: HISTOGRAM_SIZE }, (_, i) => Number(counters[bucketName(i)] ?? 0));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return i < edges.length ? edges[i]! : edges[edges.length - 1]!;
  }
  return edges[edges.length - 1]!;
};
