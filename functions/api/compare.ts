import {
  COUNTER,
  HISTOGRAM_SIZE,
  LATENCY_BUCKETS_MS,
  latencyBucketCounter,
  type RollupCounters,
  ttftBucketCounter,
} from 'claude-monitor/domain';
import {
  type Cluster,
  normalInterval,
  quantileRankInterval,
  ratioEstimate,
  wilsonInterval,
  Z_95,
} from '../shared/intervals';

/** Counters of one compared group, per hour bucket (the clusters its intervals are computed over). */
export interface GroupHours {
  key: string;
  hours: readonly RollupCounters[];
}

/** A figure with its 95 % interval (null when the data cannot give one, e.g. all calls in one hour). */
export interface Estimate {
  value: number | null;
  ci95: { low: number; high: number | null } | null;
}

/** A percentile read off the latency histogram: bucket upper edges, interval from bucket edges. */
export interface PercentileEstimate extends Estimate {
  /** Calls behind the figure (calls with a latency, or with a time to first token). */
  calls: number;
}

export interface GroupComparison {
  key: string;
  calls: number;
  errors: number;
  /** Hour buckets holding calls: the clusters behind the per-call intervals. */
  hours_with_calls: number;
  cost_per_call_usd: Estimate;
  tokens_per_call: Estimate;
  error_rate: Estimate;
  p50_latency_ms: PercentileEstimate;
  p95_latency_ms: PercentileEstimate;
  p50_ttft_ms: PercentileEstimate;
  p95_ttft_ms: PercentileEstimate;
  /** Difference to the first group (absent on the first): this group minus the baseline. */
  vs_baseline?: {
    cost_per_call_usd: Difference;
    error_rate: Difference;
  };
}

/** A difference with its 95 % interval; `significant` when the interval excludes 0. */
export interface Difference {
  value: number | null;
  ci95: { low: number; high: number } | null;
  significant: boolean | null;
}

const n = (c: RollupCounters, name: string): number => c[name] ?? 0;

const TOKEN_COUNTERS = [
  COUNTER.inputTokens,
  COUNTER.outputTokens,
  COUNTER.cacheWrite5mTokens,
  COUNTER.cacheWrite1hTokens,
  COUNTER.cacheReadTokens,
] as const;

const tokensOf = (c: RollupCounters): number => TOKEN_COUNTERS.reduce((sum, name) => sum + n(c, name), 0);

const clustersOf = (hours: readonly RollupCounters[], sumOf: (c: RollupCounters) => number): Cluster[] =>
  hours.map((c) => ({ calls: n(c, COUNTER.calls), sum: sumOf(c) }));

/** Bucket index holding the value of 1-based `rank` in a histogram. */
const bucketOfRank = (counts: readonly number[], rank: number): number => {
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return i;
  }
  return counts.length - 1;
};

const upperEdge = (index: number): number | null => LATENCY_BUCKETS_MS[index] ?? null;
const lowerEdge = (index: number): number => (index === 0 ? 0 : LATENCY_BUCKETS_MS[index - 1]!);

/**
 * The p-th percentile from summed histogram counters, as the upper edge of its bucket (the open last bucket
 * reports its lower edge, as the summary does). The interval runs from the lower edge of the bucket holding
 * the low rank to the upper edge of the bucket holding the high rank (null: the open-ended bucket).
 */
export const percentileEstimate = (
  totals: RollupCounters,
  bucketName: (index: number) => string,
  p: number,
): PercentileEstimate => {
  const counts = Array.from({ length: HISTOGRAM_SIZE }, (_, i) => n(totals, bucketName(i)));
  const calls = counts.reduce((a, b) => a + b, 0);
  const ranks = quantileRankInterval(calls, p);
  if (!ranks) return { value: null, ci95: null, calls };
  const at = bucketOfRank(counts, Math.ceil((p / 100) * calls));
  const value = upperEdge(at) ?? lowerEdge(at);
  const low = lowerEdge(bucketOfRank(counts, ranks.low));
  const high = upperEdge(bucketOfRank(counts, ranks.high));
  return { value, ci95: { low, high }, calls };
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

const perCall = (clusters: Cluster[], scale: (v: number) => number, digits: number): Estimate => {
  const estimate = ratioEstimate(clusters);
  if (!estimate) return { value: null, ci95: null };
  const ci = normalInterval(estimate.mean, estimate.standardError);
  return {
    value: round(scale(estimate.mean), digits),
    ci95: ci ? { low: round(scale(ci.low), digits), high: round(scale(ci.high), digits) } : null,
  };
};

const difference = (value: number, standardError: number | undefined, digits: number): Difference => {
  const ci = normalInterval(value, standardError);
  return {
    value: round(value, digits),
    ci95: ci ? { low: round(ci.low, digits), high: round(ci.high, digits) } : null,
    significant: ci ? ci.low > 0 || ci.high < 0 : null,
  };
};

const sumHours = (hours: readonly RollupCounters[]): RollupCounters => {
  const total: RollupCounters = {};
  for (const c of hours) for (const [name, v] of Object.entries(c)) total[name] = (total[name] ?? 0) + v;
  return total;
};

interface Internals {
  cost?: { mean: number; standardError?: number };
  errors: number;
  calls: number;
}

const compareOne = (group: GroupHours): { figures: GroupComparison; internals: Internals } => {
  const totals = sumHours(group.hours);
  const calls = n(totals, COUNTER.calls);
  const errors = n(totals, COUNTER.errors);
  const costClusters = clustersOf(group.hours, (c) => n(c, COUNTER.costNanoUsd));
  const rate = wilsonInterval(errors, calls);
  return {
    figures: {
      key: group.key,
      calls,
      errors,
      hours_with_calls: group.hours.filter((c) => n(c, COUNTER.calls) > 0).length,
      cost_per_call_usd: perCall(costClusters, nanoToUsdExact, 9),
      tokens_per_call: perCall(clustersOf(group.hours, tokensOf), (v) => v, 1),
      error_rate: {
        value: calls === 0 ? null : round(errors / calls, 6),
        ci95: rate ? { low: round(rate.low, 6), high: round(rate.high, 6) } : null,
      },
      p50_latency_ms: percentileEstimate(totals, latencyBucketCounter, 50),
      p95_latency_ms: percentileEstimate(totals, latencyBucketCounter, 95),
      p50_ttft_ms: percentileEstimate(totals, ttftBucketCounter, 50),
      p95_ttft_ms: percentileEstimate(totals, ttftBucketCounter, 95),
    },
    internals: {
      ...(ratioEstimate(costClusters) ? { cost: ratioEstimate(costClusters) } : {}),
      errors,
      calls,
    },
  };
};

/** Nano-dollars (possibly fractional, as a mean is) to dollars, unrounded. */
const nanoToUsdExact = (nano: number): number => nano / 1e9;

/**
 * Compares groups (models or tag values) over the same window. Every figure is per call with a 95 % interval
 * and the counts behind it; each group after the first also gets its difference to the first (the baseline)
 * in cost per call (normal interval of the difference of two independent ratio estimates) and error rate
 * (normal interval of the difference of two proportions), flagged significant when the interval excludes 0.
 */
export const compareGroups = (groups: readonly GroupHours[]): GroupComparison[] => {
  const compared = groups.map(compareOne);
  const base = compared[0]?.internals;
  return compared.map(({ figures, internals }, i) => {
    if (i === 0 || !base) return figures;
    const cost =
      base.cost && internals.cost
        ? difference(
            nanoToUsdExact(internals.cost.mean - base.cost.mean),
            base.cost.standardError !== undefined && internals.cost.standardError !== undefined
              ? nanoToUsdExact(Math.sqrt(base.cost.standardError ** 2 + internals.cost.standardError ** 2))
              : undefined,
            9,
          )
        : { value: null, ci95: null, significant: null };
    const rates =
      base.calls > 0 && internals.calls > 0
        ? (() => {
            const p1 = base.errors / base.calls;
            const p2 = internals.errors / internals.calls;
            const se = Math.sqrt((p1 * (1 - p1)) / base.calls + (p2 * (1 - p2)) / internals.calls);
            // Both rates 0 (or 1): no spread to test against, so no interval rather than a zero-width one.
            return difference(p2 - p1, se > 0 ? se : undefined, 6);
          })()
        : { value: null, ci95: null, significant: null };
    return { ...figures, vs_baseline: { cost_per_call_usd: cost, error_rate: rates } };
  });
};

/** The test statistic's level, stated in answers so a reader knows what "significant" means. */
export const COMPARISON_METHOD = {
  confidence: 0.95,
  z: Z_95,
  per_call_means:
    'ratio estimator over hour buckets (each hour one cluster), normal 95% interval; needs calls in 2+ hours',
  error_rate: 'Wilson score 95% interval',
  percentiles:
    'nearest-rank percentile on the latency histogram (bucket upper edge); distribution-free 95% interval from binomial ranks, widened to bucket edges',
  vs_baseline:
    'difference to the first group with a normal 95% interval; significant when the interval excludes 0',
} as const;
