import {
  ALL_VALUE,
  addCounters,
  COUNTER,
  type Dimension,
  nanoToUsd,
  type RollupCounters,
} from 'claude-monitor/domain';
import { type HealthPoint, healthPointOf } from './health-series';
import type { Filter } from './params';
import type { RollupReader, RollupRow } from './rollup-reader';
import { type SummaryTotals, summaryOf, type UsageTotals, usageOf } from './totals';
import { type HourWindow, hoursOf } from './window';

/** Counters summed per key. */
const sumBy = (
  rows: readonly RollupRow[],
  keyOf: (row: RollupRow) => string,
): Map<string, RollupCounters> => {
  const sums = new Map<string, RollupCounters>();
  for (const row of rows) {
    const key = keyOf(row);
    const target = sums.get(key) ?? {};
    addCounters(target, row.counters);
    sums.set(key, target);
  }
  return sums;
};

const sumAll = (rows: readonly RollupRow[]): RollupCounters =>
  rows.reduce<RollupCounters>((sum, row) => addCounters(sum, row.counters), {});

const byCostThenName = (
  a: { cost_nano_usd: number; key: string },
  b: { cost_nano_usd: number; key: string },
) => b.cost_nano_usd - a.cost_nano_usd || a.key.localeCompare(b.key);

export const windowInfo = (window: HourWindow) => ({
  start: new Date(window.startMs).toISOString(),
  end: new Date(window.endMs + 3_600_000).toISOString(),
});

export type ModelBreakdown = UsageTotals & {
  model: string;
  successful_calls: number;
  failed_calls: number;
  average_latency_ms: number | null;
};

const modelBreakdown = (model: string, counters: RollupCounters): ModelBreakdown => {
  const summary = summaryOf(counters);
  return {
    model,
    ...usageOf(counters),
    successful_calls: summary.successful_calls,
    failed_calls: summary.failed_calls,
    average_latency_ms: summary.average_latency_ms,
  };
};

export type Summary = SummaryTotals & { by_model: ModelBreakdown[] | null };

/**
 * Totals of the window, optionally for one dimension value. `by_model` is null under a user, tenant, session
 * or function filter: rollups are kept per single dimension, so that split does not exist.
 */
export const readSummary = async (
  reader: RollupReader,
  window: HourWindow,
  filter: Filter | undefined,
): Promise<Summary> => {
  const dim: Dimension = filter?.dim ?? 'all';
  const [rows, modelRows] = await Promise.all([
    reader.ofValue(dim, filter?.value ?? ALL_VALUE, window),
    filter ? Promise.resolve([]) : reader.ofDimension('model', window),
  ]);
  const totals = sumAll(rows);
  let byModel: ModelBreakdown[] | null = null;
  if (!filter) {
    byModel = [...sumBy(modelRows, (row) => row.value)].map(([model, c]) => modelBreakdown(model, c));
  } else if (filter.dim === 'model') {
    byModel = (totals[COUNTER.calls] ?? 0) > 0 ? [modelBreakdown(filter.value, totals)] : [];
  }
  byModel?.sort((a, b) => byCostThenName({ ...a, key: a.model }, { ...b, key: b.model }));
  return { ...summaryOf(totals), by_model: byModel };
};

export const GROUP_BY = ['model', 'day', 'user', 'tenant', 'session', 'function'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export type CostItem = UsageTotals & { key: string };

export interface Costs {
  total_cost_usd: number;
  total_cost_nano_usd: number;
  total_calls: number;
  /** Cost of calls that carry no value for the grouping dimension (e.g. no user id). */
  unattributed_cost_usd: number;
  unattributed_calls: number;
  items: CostItem[];
}

/** Cost per group over the window; day groups are in date order, others by cost, highest first. */
export const readCosts = async (
  reader: RollupReader,
  window: HourWindow,
  groupBy: GroupBy,
): Promise<Costs> => {
  const [allRows, groupRows] = await Promise.all([
    reader.ofValue('all', ALL_VALUE, window),
    groupBy === 'day' ? Promise.resolve([]) : reader.ofDimension(groupBy, window),
  ]);
  const total = usageOf(sumAll(allRows));
  const groups =
    groupBy === 'day'
      ? sumBy(allRows, (row) => row.bucket.slice(0, 10))
      : sumBy(groupRows, (row) => row.value);
  const items = [...groups].map(([key, c]) => ({ key, ...usageOf(c) }));
  if (groupBy === 'day') items.sort((a, b) => a.key.localeCompare(b.key));
  else items.sort(byCostThenName);
  const grouped = items.reduce((sum, item) => sum + item.cost_nano_usd, 0);
  const groupedCalls = items.reduce((sum, item) => sum + item.calls, 0);
  const unattributed = Math.max(0, total.cost_nano_usd - grouped);
  return {
    total_cost_usd: total.cost_usd,
    total_cost_nano_usd: total.cost_nano_usd,
    total_calls: total.calls,
    unattributed_cost_usd: nanoToUsd(unattributed),
    unattributed_calls: Math.max(0, total.calls - groupedCalls),
    items,
  };
};

export const INTERVAL = ['hour', 'day'] as const;
export type Interval = (typeof INTERVAL)[number];

export interface SeriesPoint {
  bucket: string;
  calls: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface Timeseries {
  buckets: string[];
  series: { model: string; points: SeriesPoint[] }[];
  /** Errors by class and latency / TTFT percentiles per bucket, over every model of `series` together. */
  health: HealthPoint[];
}

const pointOf = (bucket: string, c: RollupCounters | undefined): SeriesPoint => {
  const usage = usageOf(c ?? {});
  return {
    bucket,
    calls: usage.calls,
    cost_usd: usage.cost_usd,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
  };
};

/**
 * Per-model series with a point for every bucket of the window (zeros included), and the health of each
 * bucket over those models, for charts. One read of the model rollups serves both.
 */
export const readTimeseries = async (
  reader: RollupReader,
  window: HourWindow,
  interval: Interval,
  model: string | undefined,
): Promise<Timeseries> => {
  const hourly = interval === 'hour';
  const rows = model
    ? await reader.ofValue('model', model, window, { hourly })
    : await reader.ofDimension('model', window, { hourly });
  const bucketKey = (row: RollupRow): string => (hourly ? row.bucket : row.bucket.slice(0, 10));
  const buckets = hourly ? hoursOf(window) : [...new Set(hoursOf(window).map((hour) => hour.slice(0, 10)))];
  const models = [...new Set(rows.map((row) => row.value))].sort();
  const series = models.map((name) => {
    const sums = sumBy(
      rows.filter((row) => row.value === name),
      bucketKey,
    );
    return { model: name, points: buckets.map((bucket) => pointOf(bucket, sums.get(bucket))) };
  });
  const perBucket = sumBy(rows, bucketKey);
  const health = buckets.map((bucket) => healthPointOf(bucket, perBucket.get(bucket)));
  return { buckets, series, health };
};

/** Models with calls in the window, most used first. */
export const readModels = async (reader: RollupReader, window: HourWindow) => {
  const sums = sumBy(await reader.ofDimension('model', window), (row) => row.value);
  return [...sums]
    .map(([model, c]) => {
      const { calls, cost_usd } = usageOf(c);
      return { model, calls, cost_usd };
    })
    .filter((m) => m.calls > 0)
    .sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
};
