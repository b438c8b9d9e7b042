/**
 * How the aggregator's event source batches the table's stream by default. Kept free of CDK imports: the
 * benchmark sizes its batches from these figures.
 */
export const STREAM_BATCHING_DEFAULTS = {
  /** Lambda's largest batch: a busy stream's batches end at the 6 MB payload limit or the window instead. */
  batchSize: 10_000,
  /** Calls that arrive within 30 s share rollup writes; alerts are at most this late (docs/performance.md). */
  batchingWindowSeconds: 30,
  /** One batch per shard at a time: no concurrent commits on the same rollups unless asked for. */
  parallelizationFactor: 1,
} as const;
