/** Base error of the aggregator: every error it raises is one of these, with the cause attached. */
export class AggregatorError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AggregatorError';
  }
}

/**
 * A chunk's transaction could not be committed: after its retries (throttling, conflicts, an outage), or at
 * once for a reason no retry can change (a value DynamoDB refuses, a number it cannot hold).
 */
export class ChunkCommitError extends AggregatorError {
  public readonly callIds: readonly string[];
  /** False when the same transaction would fail again: split the chunk to find the record at fault. */
  public readonly retryable: boolean;
  public constructor(callIds: readonly string[], retryable: boolean, options?: ErrorOptions) {
    super(
      `could not commit the rollups of ${callIds.length} call records${retryable ? '' : ' (not retryable)'}`,
      options,
    );
    this.name = 'ChunkCommitError';
    this.callIds = callIds;
    this.retryable = retryable;
  }
}

/** The recompute range or its arguments are unusable. */
export class RecomputeInputError extends AggregatorError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecomputeInputError';
  }
}
