import type { Granularity } from 'claude-monitor/domain';
import { RecomputeInputError } from './errors';

const HOUR_MS = 3_600_000;

/** The buckets a recompute may rewrite: whole buckets inside the range that are closed. */
export interface RecomputeBuckets {
  /** Every hour (`yyyy-mm-ddThh`) whose raw records are read. */
  hours: string[];
  /** Closed buckets wholly inside the range, per granularity (`total` is handled per session). */
  closed: Record<Exclude<Granularity, 'total'>, string[]>;
  /** Buckets in the range left alone because they are still open (or within the grace period). */
  open: string[];
  /** The range aligned to whole hours, ISO. */
  from: string;
  to: string;
}

const parseInstant = (name: string, text: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new RecomputeInputError(`${name} must be an ISO 8601 date or time, got "${text}"`);
  return ms;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** End of the day or month bucket that starts at `startMs`. */
const endOf = (startMs: number, granularity: 'day' | 'month'): number => {
  const start = new Date(startMs);
  return granularity === 'day'
    ? startMs + 24 * HOUR_MS
    : Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
};

/**
 * Splits `[from, to)` into buckets. The range is widened to whole hours; day and month buckets count only
 * when wholly inside it, since their totals need every hour's raw records. A bucket is closed when it
 * ended at least `graceMs` before `nowMs`: live aggregation may still add late records to open ones.
 */
export const recomputeBuckets = (
  from: string,
  to: string,
  nowMs: number,
  graceMs: number,
): RecomputeBuckets => {
  const startMs = Math.floor(parseInstant('from', from) / HOUR_MS) * HOUR_MS;
  const endMs = Math.ceil(parseInstant('to', to) / HOUR_MS) * HOUR_MS;
  if (endMs <= startMs) throw new RecomputeInputError(`from (${from}) must be before to (${to})`);
  const closedBefore = nowMs - graceMs;
  const hours: string[] = [];
  const closed: RecomputeBuckets['closed'] = { hour: [], day: [], month: [] };
  const open: string[] = [];
  for (let ms = startMs; ms < endMs; ms += HOUR_MS) {
    const hour = iso(ms).slice(0, 13);
    hours.push(hour);
    (ms + HOUR_MS <= closedBefore ? closed.hour : open).push(hour);
  }
  for (const granularity of ['day', 'month'] as const) {
    const seen = new Set<string>();
    for (let ms = startMs; ms < endMs; ms += HOUR_MS) {
      const bucket = granularity === 'day' ? iso(ms).slice(0, 10) : iso(ms).slice(0, 7);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      const bucketStart = Date.parse(
        granularity === 'day' ? `${bucket}T00:00:00Z` : `${bucket}-01T00:00:00Z`,
      );
      const bucketEnd = endOf(bucketStart, granularity);
      if (bucketStart < startMs || bucketEnd > endMs) continue;
      (bucketEnd <= closedBefore ? closed[granularity] : open).push(bucket);
    }
  }
  return { hours, closed, open, from: iso(startMs), to: iso(endMs) };
};
