import type { CallRecord, ErrorType } from './call-record';

/**
 * Time granularities of rollups, finest first. `total` has the single bucket `TOTAL_BUCKET`: a session's
 * running total and a lifetime budget's window. `month` and `total` are not stored (see `summedFrom`).
 */
export const GRANULARITY = {
  hour: 'hour',
  day: 'day',
  month: 'month',
  total: 'total',
} as const;
export type Granularity = (typeof GRANULARITY)[keyof typeof GRANULARITY];

export const TOTAL_BUCKET = 'total';

/** Dimensions a rollup is kept for. `all` has the single value `ALL_VALUE`. */
export const DIMENSION = {
  all: 'all',
  model: 'model',
  user: 'user',
  tenant: 'tenant',
  function: 'function',
  session: 'session',
  /**
   * Platform and model together (`bedrock/us.anthropic.claude-…`), for Bedrock and Vertex calls only: the
   * same model id can be served by the Claude API and by a cloud, which bill separately. The daily
   * reconciliation reads a cloud's calls here and the Claude API's as the model rollup minus them, so
   * Claude-API-only traffic writes no extra rollup.
   */
  providerModel: 'provider_model',
} as const;
export type Dimension = (typeof DIMENSION)[keyof typeof DIMENSION];

export const ALL_VALUE = '*';

/**
 * Which granularities each dimension is stored at. Sessions are short-lived: hourly only. Nothing is stored
 * by month or in total: every call that adds to a month adds to one of its days, and every call that adds to
 * a session's total adds to one of its hours, so those are read as sums (`summedFrom`) and no call pays a
 * transactional write for them.
 */
export const ROLLUP_PLAN: Readonly<Record<Dimension, readonly Granularity[]>> = {
  all: ['hour', 'day'],
  model: ['hour', 'day'],
  user: ['hour', 'day'],
  tenant: ['hour', 'day'],
  function: ['hour', 'day'],
  session: ['hour'],
  provider_model: ['day'],
};

const FINEST_FIRST: readonly Granularity[] = Object.values(GRANULARITY);

/**
 * How a rollup that is not stored is read: as the sum of the dimension's stored rollups of the coarsest
 * finer granularity whose buckets begin with `prefix` (a month is the sum of its days, `2026-12-01` to
 * `2026-12-31`; a session's total the sum of all its hours, prefix empty). Undefined when the rollup is
 * stored, or when nothing finer is (it then has no value).
 */
export const summedFrom = (
  granularity: Granularity,
  dim: Dimension,
  bucket: string,
): { granularity: Granularity; prefix: string } | undefined => {
  const stored = ROLLUP_PLAN[dim];
  if (stored.includes(granularity)) return undefined;
  const finer = FINEST_FIRST.slice(0, FINEST_FIRST.indexOf(granularity)).filter((g) => stored.includes(g));
  const source = finer.at(-1);
  if (source === undefined) return undefined;
  return { granularity: source, prefix: granularity === 'total' ? '' : bucket };
};

/**
 * The five error classes rollups count, `budget` (calls an enforced budget refused; never sent, never billed),
 * plus `other` (aborts, stream errors, unknown).
 */
export const ERROR_CLASS = {
  rateLimit: 'rate_limit',
  overloaded: 'overloaded',
  server: 'server',
  client: 'client',
  connection: 'connection',
  budget: 'budget',
  other: 'other',
} as const;
export type ErrorClass = (typeof ERROR_CLASS)[keyof typeof ERROR_CLASS];

export const errorClassOf = (type: ErrorType | undefined): ErrorClass => {
  switch (type) {
    case 'rate_limit':
      return 'rate_limit';
    case 'overloaded':
      return 'overloaded';
    case 'server':
      return 'server';
    case 'client':
    case 'authentication':
      return 'client';
    case 'connection':
    case 'timeout':
      return 'connection';
    case 'budget_exceeded':
    case 'budget_unavailable':
      return 'budget';
    default:
      return 'other';
  }
};

/**
 * Upper edges (ms, inclusive) of the fixed latency histogram shared by latency and time to first token.
 * The last bucket is open-ended. Percentiles from rollups are read off these buckets.
 */
export const LATENCY_BUCKETS_MS = [
  25, 50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000,
  60_000, 120_000,
] as const;
/** Number of histogram buckets (edges plus the open-ended last one). */
export const HISTOGRAM_SIZE = LATENCY_BUCKETS_MS.length + 1;

/** Index of the histogram bucket holding `ms`. */
export const histogramIndex = (ms: number): number => {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  }
  return LATENCY_BUCKETS_MS.length;
};

/** Attribute names of the rollup counters. Every one is a number summed with `ADD`. */
export const COUNTER = {
  calls: 'calls',
  successes: 'successes',
  errors: 'errors',
  unpricedCalls: 'unpricedCalls',
  inputTokens: 'inputTokens',
  outputTokens: 'outputTokens',
  cacheWrite5mTokens: 'cacheWrite5mTokens',
  cacheWrite1hTokens: 'cacheWrite1hTokens',
  cacheReadTokens: 'cacheReadTokens',
  webSearchRequests: 'webSearchRequests',
  webFetchRequests: 'webFetchRequests',
  costNanoUsd: 'costNanoUsd',
  latencySumMs: 'latencySumMs',
  latencyCount: 'latencyCount',
  ttftSumMs: 'ttftSumMs',
  ttftCount: 'ttftCount',
} as const;

/** Counter attribute for an error class, e.g. `err_rate_limit`. */
export const errorCounter = (cls: ErrorClass): string => `err_${cls}`;
/** Counter attribute for a latency histogram bucket, e.g. `lat_07`. */
export const latencyBucketCounter = (index: number): string => `lat_${String(index).padStart(2, '0')}`;
/** Counter attribute for a time-to-first-token histogram bucket, e.g. `ttft_07`. */
export const ttftBucketCounter = (index: number): string => `ttft_${String(index).padStart(2, '0')}`;

/** `2026-11-29T10:15:00.000Z` → bucket id at the granularity (`2026-11-29T10`, `2026-11-29`, `2026-11`). */
export const bucketOf = (timestamp: string, granularity: Granularity): string => {
  switch (granularity) {
    case 'hour':
      return timestamp.slice(0, 13);
    case 'day':
      return timestamp.slice(0, 10);
    case 'month':
      return timestamp.slice(0, 7);
    case 'total':
      return TOTAL_BUCKET;
  }
};

/** The value of a dimension for a record, or undefined when the record has none (e.g. no user). */
export const dimensionValue = (record: CallRecord, dim: Dimension): string | undefined => {
  switch (dim) {
    case 'all':
      return ALL_VALUE;
    case 'model':
      return record.model;
    case 'user':
      return record.userId;
    case 'tenant':
      return record.tenantId;
    case 'function':
      return record.functionName;
    case 'session':
      return record.sessionId;
    case 'provider_model':
      return record.provider === 'anthropic' ? undefined : providerModelValue(record.provider, record.model);
  }
};

/** Value of the `provider_model` dimension: the provider never contains `/`, so the first one splits it. */
export const providerModelValue = (provider: string, model: string): string => `${provider}/${model}`;

/** Partition key of a rollup item. */
export const rollupPk = (granularity: Granularity, dim: Dimension, value: string): string =>
  `ROLLUP#${granularity}#${dim}#${value}`;

/** Partition key of the group-by index for a dimension at a granularity. */
export const rollupDimensionPk = (granularity: Granularity, dim: Dimension): string =>
  `ROLLUP#${granularity}#${dim}`;

/** Sort key of the group-by index. */
export const rollupDimensionSk = (bucket: string, value: string): string => `${bucket}#${value}`;
