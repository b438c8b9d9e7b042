import {
  COUNTER,
  histogramPercentile,
  LATENCY_BUCKETS_MS,
  latencyBucketCounter,
  type RollupCounters,
} from 'claude-monitor/domain';
import { median } from './stats';

/** The figures of one hour of one scope that anomaly detection looks at. */
export interface HourFigures {
  calls: number;
  errors: number;
  costNanoUsd: number;
  /** From the latency histogram; null without calls. */
  p95LatencyMs: number | null;
}

/** What can be unusual about an hour. */
export const ANOMALY_METRIC = {
  spend: 'spend',
  errorRate: 'error-rate',
  p95Latency: 'p95-latency',
} as const;
export type AnomalyMetric = (typeof ANOMALY_METRIC)[keyof typeof ANOMALY_METRIC];

/** Thresholds of the detector; the defaults are the ones the false-alarm and delay figures were measured at. */
export interface AnomalyOptions {
  /**
   * An hour with fewer calls is never judged, so quiet scopes stay quiet.
   * @default 30
   */
  minCalls: number;
  /**
   * Same-hour-of-week hours (with at least `minCalls` calls) the baseline needs.
   * @default 3
   */
  minBaselineHours: number;
  /**
   * Robust z-score ((value − median) / scale) at and above which an hour is anomalous.
   * @default 6
   */
  threshold: number;
  /**
   * Smallest scale, as a share of the baseline median (spend, latency): a flat baseline has MAD 0, and a
   * change of a few percent must not count as many deviations.
   * @default 0.25
   */
  relativeFloor: number;
  /**
   * Smallest scale of the p95 latency, as a share of the baseline median: the histogram's buckets are
   * coarse (3 s, 5 s, 7.5 s), so one bucket up is not a spike.
   * @default 0.3
   */
  latencyRelativeFloor: number;
  /**
   * Smallest baseline error rate the binomial test assumes, so a baseline of error-free hours does not make
   * two errors an anomaly.
   * @default 0.01
   */
  errorRateFloor: number;
  /**
   * The error rate is anomalous when so many errors in the hour's calls have at most this probability at
   * the baseline rate (one-sided binomial test).
   * @default 1e-7
   */
  errorRateSignificance: number;
}

export const DEFAULT_ANOMALY_OPTIONS: Readonly<AnomalyOptions> = Object.freeze({
  minCalls: 30,
  minBaselineHours: 3,
  threshold: 6,
  relativeFloor: 0.25,
  latencyRelativeFloor: 0.3,
  errorRateFloor: 0.01,
  errorRateSignificance: 1e-7,
});

/** One unusual figure, with the baseline it is unusual against. */
export interface Anomaly {
  metric: AnomalyMetric;
  value: number;
  baselineMedian: number;
  /** The scale the score divides by: 1.4826 × MAD, or the floor when that is larger (0 for error rates). */
  baselineScale: number;
  baselineHours: number;
  /** Robust z-score; for error rates −log10 of the binomial test's p-value. */
  score: number;
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed in log space from k up (terms shrink fast past the mean, so the
 * sum stops once they no longer matter).
 */
export const binomialUpperTail = (k: number, n: number, p: number): number => {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let logTerm = 0;
  for (let i = 0; i < k; i++) logTerm += Math.log((n - i) / (k - i));
  logTerm += k * Math.log(p) + (n - k) * Math.log1p(-p);
  let sum = 0;
  for (let x = k; x <= n; x++) {
    const term = Math.exp(logTerm);
    sum += term;
    if (term < sum * 1e-12) break;
    logTerm += Math.log((n - x) / (x + 1)) + Math.log(p) - Math.log1p(-p);
  }
  return Math.min(1, sum);
};

/** MAD scaled to estimate a normal distribution's standard deviation. */
const MAD_TO_SD = 1.4826;

/** Figures of an hour from its rollup counters. */
export const hourFiguresOf = (c: RollupCounters): HourFigures => ({
  calls: c[COUNTER.calls] ?? 0,
  errors: c[COUNTER.errors] ?? 0,
  costNanoUsd: c[COUNTER.costNanoUsd] ?? 0,
  p95LatencyMs: histogramPercentile(c, latencyBucketCounter, LATENCY_BUCKETS_MS, 95) ?? null,
});

const judge = (
  metric: AnomalyMetric,
  value: number,
  baseline: number[],
  floor: (medianValue: number) => number,
  options: AnomalyOptions,
): Anomaly | undefined => {
  const m = median(baseline);
  const mad = median(baseline.map((v) => Math.abs(v - m)));
  const scale = Math.max(MAD_TO_SD * mad, floor(m));
  if (!(scale > 0)) return undefined;
  const score = (value - m) / scale;
  // Only upward: less spend, fewer errors or faster answers are not what anyone is paged for.
  if (score < options.threshold) return undefined;
  return {
    metric,
    value,
    baselineMedian: m,
    baselineScale: scale,
    baselineHours: baseline.length,
    score: Math.round(score * 100) / 100,
  };
};

/**
 * Errors are counts, and a small hour's few errors make a jumpy rate: instead of a z-score the hour's error
 * count is tested against the baseline's median hourly rate (floored) with a one-sided binomial test.
 */
const errorRateAnomaly = (
  hour: HourFigures,
  baseline: readonly HourFigures[],
  options: AnomalyOptions,
): Anomaly | undefined => {
  const rate = Math.max(options.errorRateFloor, median(baseline.map((h) => h.errors / h.calls)));
  if (rate >= 1) return undefined;
  const pValue = binomialUpperTail(hour.errors, hour.calls, rate);
  if (pValue > options.errorRateSignificance) return undefined;
  return {
    metric: ANOMALY_METRIC.errorRate,
    value: hour.errors / hour.calls,
    baselineMedian: rate,
    baselineScale: 0,
    baselineHours: baseline.length,
    score: Math.round(-Math.log10(Math.max(pValue, Number.MIN_VALUE)) * 100) / 100,
  };
};

/**
 * Compares an hour with the same hour of the week in earlier weeks, by median and MAD: robust to a past
 * spike in the baseline, and blind to the daily and weekly rhythm by construction. An hour below
 * `minCalls`, or a baseline with fewer than `minBaselineHours` hours of that volume, is not judged.
 */
export const detectAnomalies = (
  hour: HourFigures,
  sameHourOfWeek: readonly HourFigures[],
  options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS,
): Anomaly[] => {
  if (hour.calls < options.minCalls) return [];
  const baseline = sameHourOfWeek.filter((h) => h.calls >= options.minCalls);
  if (baseline.length < options.minBaselineHours) return [];
  const found: (Anomaly | undefined)[] = [
    judge(
      ANOMALY_METRIC.spend,
      hour.costNanoUsd,
      baseline.map((h) => h.costNanoUsd),
      (m) => options.relativeFloor * m,
      options,
    ),
    errorRateAnomaly(hour, baseline, options),
  ];
  const latencies = baseline.flatMap((h) => (h.p95LatencyMs === null ? [] : [h.p95LatencyMs]));
  if (hour.p95LatencyMs !== null && latencies.length >= options.minBaselineHours) {
    found.push(
      judge(
        ANOMALY_METRIC.p95Latency,
        hour.p95LatencyMs,
        latencies,
        (m) => options.latencyRelativeFloor * m,
        options,
      ),
    );
  }
  return found.filter((a): a is Anomaly => a !== undefined);
};
