import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { aggregateStreamBatch } from './aggregate';
import type { AggregatorDeps } from './deps';

/** What N aggregator invocations running at once over one workload did. */
export interface ConcurrentRun {
  invocations: number;
  /** Invocations in all, first deliveries plus the redeliveries of reported failures. */
  deliveries: number;
  committed: number;
  duplicates: number;
  transactions: number;
  /** `TransactWriteItems` calls cancelled because another transaction held one of their items. */
  conflicts: number;
  /** Records reported as failed and redelivered (a chunk that ran out of conflict retries). */
  redelivered: number;
}

const MIDDLEWARE = 'claudeMonitorConflictCount';

/** Records reported failed start a redelivery from the lowest of them, as Lambda does within a shard. */
const redeliveryOf = (batch: readonly DynamoDBRecord[], failedIds: readonly string[]): DynamoDBRecord[] => {
  const first = batch.findIndex((record) => failedIds.includes(record.dynamodb?.SequenceNumber ?? ''));
  return first < 0 ? [] : batch.slice(first);
};

/**
 * Runs one aggregator invocation per shard at the same time (as a parallelization factor or several stream
 * shards do), each retried from its lowest failed record until none fails, like Lambda's event source
 * mapping. Counts the transactions DynamoDB cancelled for conflicts on the shared hot rollups.
 * @param maxDeliveries bound on deliveries per shard, so a commit that can never succeed ends the run.
 */
export const aggregateConcurrently = async (
  deps: AggregatorDeps,
  shards: readonly (readonly DynamoDBRecord[])[],
  maxDeliveries = 50,
): Promise<ConcurrentRun> => {
  const run: ConcurrentRun = {
    invocations: shards.length,
    deliveries: 0,
    committed: 0,
    duplicates: 0,
    transactions: 0,
    conflicts: 0,
    redelivered: 0,
  };
  deps.client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const conflict =
          context.commandName === 'TransactWriteItemsCommand' &&
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
        if (conflict) run.conflicts++;
        throw error;
      }
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  const shard = async (records: readonly DynamoDBRecord[]): Promise<void> => {
    let batch = [...records];
    for (let delivery = 0; batch.length > 0; delivery++) {
      if (delivery >= maxDeliveries)
        throw new Error(`a shard still failed after ${maxDeliveries} deliveries`);
      run.deliveries++;
      const result = await aggregateStreamBatch(deps, { Records: batch });
      run.committed += result.summary.committed;
      run.duplicates += result.summary.duplicates;
      run.transactions += result.summary.transactions;
      const failed = result.batchItemFailures.map((failure) => failure.itemIdentifier);
      batch = redeliveryOf(batch, failed);
      run.redelivered += batch.length;
    }
  };
  try {
    await Promise.all(shards.map(shard));
  } finally {
    deps.client.middlewareStack.remove(MIDDLEWARE);
  }
  return run;
};
