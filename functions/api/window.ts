import type { Granularity } from 'claude-monitor/domain';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A window of whole hour buckets, both ends included. */
export interface HourWindow {
  /** Start of the first hour, epoch ms. */
  startMs: number;
  /** Start of the last hour (the current one), epoch ms. */
  endMs: number;
}

/** A run of rollup buckets at one granularity, both ends included. */
export interface Segment {
  granularity: Extract<Granularity, 'hour' | 'day'>;
  from: string;
  to: string;
}

export const hourBucketOf = (ms: number): string => new Date(ms).toISOString().slice(0, 13);
export const dayBucketOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The last `hours` hour buckets, the current hour included. */
export const lastHours = (now: Date, hours: number): HourWindow => {
  const endMs = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return { startMs: endMs - (hours - 1) * HOUR_MS, endMs };
};

/** The last `days` day buckets, today included, as hours. */
export const lastDays = (now: Date, days: number): HourWindow => {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { startMs: today - (days - 1) * DAY_MS, endMs: today + DAY_MS - HOUR_MS };
};

/** Every hour bucket of the window, oldest first. */
export const hoursOf = (window: HourWindow): string[] => {
  const out: string[] = [];
  for (let ms = window.startMs; ms <= window.endMs; ms += HOUR_MS) out.push(hourBucketOf(ms));
  return out;
};

/**
 * Splits a window into the fewest rollup reads that cover it exactly: hourly buckets for the partial days
 * at either end and daily buckets for the whole days between, so a 30-day window costs about 30 + 2 × 24
 * items per key, never one per call. Without daily rollups (sessions) the whole window is hourly.
 */
export const segmentsOf = (window: HourWindow, daily: boolean): Segment[] => {
  const hourly = (from: number, to: number): Segment => ({
    granularity: 'hour',
    from: hourBucketOf(from),
    to: hourBucketOf(to),
  });
  if (!daily) return [hourly(window.startMs, window.endMs)];
  const firstWholeDay = Math.ceil(window.startMs / DAY_MS) * DAY_MS;
  const afterLastWholeDay = Math.floor((window.endMs + HOUR_MS) / DAY_MS) * DAY_MS;
  if (firstWholeDay >= afterLastWholeDay) return [hourly(window.startMs, window.endMs)];
  const segments: Segment[] = [];
  if (window.startMs < firstWholeDay) segments.push(hourly(window.startMs, firstWholeDay - HOUR_MS));
  segments.push({
    granularity: 'day',
    from: dayBucketOf(firstWholeDay),
    to: dayBucketOf(afterLastWholeDay - DAY_MS),
  });
  if (afterLastWholeDay <= window.endMs) segments.push(hourly(afterLastWholeDay, window.endMs));
  return segments;
};
