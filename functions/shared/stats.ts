/** Value at percentile `p` (0–100) of `values`, nearest-rank on a sorted copy. NaN for no values. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
};

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Element-wise `a[i] - b[i]`; both come from the same rounds, so index i is the same round. */
export const pairwiseDifferences = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((value, i) => value - b[i]!);
