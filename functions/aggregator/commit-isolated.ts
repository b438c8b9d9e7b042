import { commitChunk } from './commit-chunk';
import type { AggregatorDeps } from './deps';
import { ChunkCommitError } from './errors';
import type { StreamCall } from './parse-records';

/** A record that could not be committed, and why. */
export interface UncommittedCall {
  call: StreamCall;
  reason: string;
}

/** What became of the records of one chunk. */
export interface IsolatedCommit {
  /** Records whose deltas were added now. */
  committed: StreamCall[];
  /** Records another delivery had already committed. */
  duplicates: StreamCall[];
  /** Records no transaction can take (a value DynamoDB refuses), each found alone, with the reason. */
  rejected: UncommittedCall[];
  /** Records whose chunk failed for a reason that may pass (throttling, conflicts, an outage), after retries. */
  failed: UncommittedCall[];
  /** Transactions committed. */
  transactions: number;
}

const reasonOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.name}: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/**
 * Commits a chunk, and when its transaction fails for a reason that no retry can change, splits it in halves
 * and commits each, down to single records: the record at fault stands alone and is rejected with DynamoDB's
 * reason, and every other record of the chunk commits. The split is by records, so it holds whatever the
 * rollup items look like. A failure that may pass is not split: the whole chunk is retried later.
 * `fullSessionRollups`: session rollups the ledger read found full (`committedCallIds`).
 */
export const commitIsolated = async (
  deps: AggregatorDeps,
  chunk: readonly StreamCall[],
  fullSessionRollups: ReadonlySet<string> = new Set(),
): Promise<IsolatedCommit> => {
  const result: IsolatedCommit = { committed: [], duplicates: [], rejected: [], failed: [], transactions: 0 };
  const commit = async (calls: readonly StreamCall[]): Promise<void> => {
    try {
      const done = await commitChunk(deps, calls, fullSessionRollups);
      result.committed.push(...done.committed);
      result.duplicates.push(...done.duplicates);
      if (done.committed.length > 0) result.transactions++;
    } catch (error) {
      const reason = reasonOf(error);
      if (!(error instanceof ChunkCommitError) || error.retryable) {
        result.failed.push(...calls.map((call) => ({ call, reason })));
      } else if (calls.length === 1) {
        result.rejected.push({ call: calls[0]!, reason });
      } else {
        const middle = Math.ceil(calls.length / 2);
        await commit(calls.slice(0, middle));
        await commit(calls.slice(middle));
      }
    }
  };
  await commit(chunk);
  return result;
};
