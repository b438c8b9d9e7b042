import { type CallRecord, LATENCY_BUCKETS_MS } from 'claude-monitor/domain';

/** Figures computed straight from raw records, the way a person would, to hold the API's rollup math to. */
export interface RawTotals {
  calls: number;
  successes: number;
  failures: number;
  costNano: number;
  input: number;
  output: number;
  cache5m: number;
  cache1h: number;
  cacheRead: number;
  webSearch: number;
  unpriced: number;
  latencySum: number;
  latencies: number[];
  ttfts: number[];
}

export const rawTotals = (records: readonly CallRecord[]): RawTotals => {
  const t: RawTotals = {
    calls: 0,
    successes: 0,
    failures: 0,
    costNano: 0,
    input: 0,
    output: 0,
    cache5m: 0,
    cache1h: 0,
    cacheRead: 0,
    webSearch: 0,
    unpriced: 0,
    latencySum: 0,
    latencies: [],
    ttfts: [],
  };
  for (const r of records) {
    t.calls++;
    if (r.status === 'success') t.successes++;
    else t.failures++;
    t.costNano += r.cost.totalNanoUsd;
    t.input += r.usage.inputTokens;
    t.output += r.usage.outputTokens;
    t.cache5m += r.usage.cacheWrite5mTokens;
    t.cache1h += r.usage.cacheWrite1hTokens;
    t.cacheRead += r.usage.cacheReadTokens;
    t.webSearch += r.usage.webSearchRequests;
    if (!r.cost.priced) t.unpriced++;
    t.latencySum += r.latencyMs;
    t.latencies.push(r.latencyMs);
    if (r.ttftMs !== undefined) t.ttfts.push(r.ttftMs);
  }
  return t;
};

/** The p-th value, reported as the upper edge of its histogram bucket (what rollups can know). */
export const bucketedPercentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
  return (
    LATENCY_BUCKETS_MS.find((edge) => value <= edge) ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!
  );
};

/**
 * Error class of each error type as docs/api.md states it, written out here rather than taken from the
 * domain, so a change of the mapping shows up as a failing figure.
 */
const ERROR_CLASS_OF: Readonly<Record<string, string>> = {
  rate_limit: 'rate_limit',
  overloaded: 'overloaded',
  server: 'server',
  client: 'client',
  authentication: 'client',
  connection: 'connection',
  timeout: 'connection',
  budget_exceeded: 'budget',
  budget_unavailable: 'budget',
};

/** Failed calls per error class, every class present (0 included), counted off the raw records. */
export const errorsByClass = (records: readonly CallRecord[]): Record<string, number> => {
  const counts: Record<string, number> = Object.fromEntries(
    ['rate_limit', 'overloaded', 'server', 'client', 'connection', 'budget', 'other'].map((c) => [c, 0]),
  );
  for (const r of records) {
    if (r.status === 'success') continue;
    const cls = ERROR_CLASS_OF[r.errorType ?? ''] ?? 'other';
    counts[cls] = counts[cls]! + 1;
  }
  return counts;
};

/** Records whose hour bucket is among the last `hours` hours before `now`, current hour included. */
export const inLastHours = (records: readonly CallRecord[], now: Date, hours: number): CallRecord[] => {
  const end = Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000;
  const start = end - hours * 3_600_000;
  return records.filter((r) => {
    const t = Date.parse(r.timestamp);
    return t >= start && t < end;
  });
};

/** Records of the last `days` UTC days, today included. */
export const inLastDays = (records: readonly CallRecord[], now: Date, days: number): CallRecord[] => {
  const end = Math.floor(now.getTime() / 86_400_000) * 86_400_000 + 86_400_000;
  const start = end - days * 86_400_000;
  return records.filter((r) => {
    const t = Date.parse(r.timestamp);
    return t >= start && t < end;
  });
};

export const groupBy = <K extends string>(
  records: readonly CallRecord[],
  key: (r: CallRecord) => K | undefined,
) => {
  const groups = new Map<K, CallRecord[]>();
  for (const r of records) {
    const k = key(r);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return groups;
};

export const usd = (nano: number): number => Number((nano / 1e9).toFixed(6));

/** A parsed response body: tests read it field by field and compare each with an expectation. */
// biome-ignore lint/suspicious/noExplicitAny: the shape is what the assertions check
export type Json = any;
