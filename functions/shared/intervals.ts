/**
 * Confidence intervals the insights figures report. All are two-sided 95 % intervals built from counts and
 * sums that rollups keep, so they can be computed without reading raw calls.
 */

/** z of a two-sided 95 % normal interval. */
export const Z_95 = 1.959963984540054;

/** A closed interval; `null` ends mean the data cannot bound that side. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval of a proportion `successes / trials` (Wilson 1927). Unlike the normal interval it
 * stays inside [0, 1] and is usable for rates near 0, as error rates are.
 * Returns undefined when there are no trials.
 */
export const wilsonInterval = (successes: number, trials: number, z = Z_95): Interval | undefined => {
  if (trials <= 0) return undefined;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
};

/** One cluster of calls (an hour bucket): how many calls and the sum of a per-call quantity over them. */
export interface Cluster {
  calls: number;
  sum: number;
}

/** A per-call mean with its standard error. */
export interface RatioEstimate {
  mean: number;
  /** Undefined with fewer than two clusters holding calls: the spread cannot be estimated. */
  standardError?: number;
}

/**
 * Mean per call, `Σ sum / Σ calls`, with the standard error of a ratio estimator over clusters (Cochran,
 * Sampling Techniques, 3rd ed., §6.4, with the k/(k−1) small-sample factor): each hour bucket is one cluster.
 * Rollups keep per-hour sums, not per-call values, and calls of one hour are alike (same traffic, same
 * prompts), so treating hours as the sampling unit is both what the data allows and the honest choice.
 * Returns undefined when no cluster holds a call.
 */
export const ratioEstimate = (clusters: readonly Cluster[]): RatioEstimate | undefined => {
  const used = clusters.filter((c) => c.calls > 0);
  const calls = used.reduce((a, c) => a + c.calls, 0);
  if (calls === 0) return undefined;
  const mean = used.reduce((a, c) => a + c.sum, 0) / calls;
  const k = used.length;
  if (k < 2) return { mean };
  const squares = used.reduce((a, c) => a + (c.sum - mean * c.calls) ** 2, 0);
  return { mean, standardError: Math.sqrt((k / (k - 1)) * squares) / calls };
};

/** `estimate ± z · se` as an interval, or undefined without a standard error. */
export const normalInterval = (estimate: number, standardError: number | undefined, z = Z_95) =>
  standardError === undefined
    ? undefined
    : { low: estimate - z * standardError, high: estimate + z * standardError };

/**
 * Ranks (1-based, inclusive) that bound the p-th quantile of `n` values with about 95 % confidence, from the
 * normal approximation of the binomial count of values below the quantile (distribution-free: it holds
 * whatever the latency distribution). Undefined for no values.
 */
export const quantileRankInterval = (
  n: number,
  p: number,
  z = Z_95,
): { low: number; high: number } | undefined => {
  if (n <= 0) return undefined;
  const q = p / 100;
  const spread = z * Math.sqrt(n * q * (1 - q));
  return {
    low: Math.min(n, Math.max(1, Math.floor(n * q - spread))),
    high: Math.min(n, Math.max(1, Math.ceil(n * q + spread) + 1)),
  };
};
