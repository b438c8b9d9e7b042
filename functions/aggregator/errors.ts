/** Base error of the aggregator: every error it raises is one of these, with the cause attached. */
export class AggregatorError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AggregatorError';
  }
}

/** A chunk's transaction could not be committed after its retries (throttling, conflicts, outage). */
export class ChunkCommitError extends AggregatorError {
  public readonly callIds: readonly string[];
  public constructor(callIds: readonly string[], options?: ErrorOptions) {
    super(`could not commit the rollups of ${callIds.length} call records`, options);
    this.name = 'ChunkCommitError';
    this.callIds = callIds;
  }
}

/** The recompute range or its arguments are unusable. */
export class RecomputeInputError extends AggregatorError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecomputeInputError';
  }
}
