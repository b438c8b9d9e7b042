import {
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  ITEM_TYPE,
  KEY,
  pairNameAttribute,
  rollupDimensionPk,
  rollupDimensionSk,
} from 'claude-monitor/domain';
import { MAX_TRANSACTION_ITEMS } from './chunking';
import { type AggregatorDeps, backoffMs, sleep } from './deps';
import { ChunkCommitError } from './errors';
import { ledgerItem } from './ledger';
import type { StreamCall } from './parse-records';
import { preAggregate, type RollupDelta } from './pre-aggregate';

/** Cancellation reasons worth another attempt: the same transaction can succeed a moment later. */
const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * Whether sending the same transaction again can succeed. DynamoDB's answers say so: a cancellation for
 * conflicts or throttling can, a `ValidationException` (a key over its size, an item too large, a number it
 * cannot store) or a cancellation with `ValidationError` cannot. An error without a response (the network)
 * can.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
 */
const isRetryable = (error: unknown): boolean => {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => RETRYABLE_REASONS.has(reason.Code ?? ''));
  }
  return !(error instanceof Error && error.name === 'ValidationException');
};

/** One `ADD` of pre-aggregated counters; also sets the attributes the API filters and groups by. */
export const rollupUpdate = (tableName: string, delta: RollupDelta): TransactWriteItem => {
  const { key, counters } = delta;
  const names: Record<string, string> = {
    '#type': KEY.type,
    '#granularity': 'granularity',
    '#dim': 'dim',
    '#value': 'value',
    '#bucket': 'bucket',
    '#dpk': 'dpk',
    '#dsk': 'dsk',
  };
  const values: Record<string, unknown> = {
    ':type': ITEM_TYPE.rollup,
    ':granularity': key.granularity,
    ':dim': key.dim,
    ':value': key.value,
    ':bucket': key.bucket,
    ':dpk': rollupDimensionPk(key.granularity, key.dim),
    ':dsk': rollupDimensionSk(key.bucket, key.value),
  };
  const sets = [
    '#type = :type',
    '#granularity = :granularity',
    '#dim = :dim',
    '#value = :value',
    '#bucket = :bucket',
    '#dpk = :dpk',
    '#dsk = :dsk',
  ];
  const adds = Object.entries(counters).map(([name, amount], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = amount;
    return `#c${i} :c${i}`;
  });
  // Model names of the pair slots: a string set grown with ADD, so any order of writes gives the same set.
  for (const [i, [slot, models]] of [...(delta.pairNames ?? [])].entries()) {
    if (models.size === 0) continue;
    names[`#m${i}`] = pairNameAttribute(slot);
    values[`:m${i}`] = models;
    adds.push(`#m${i} :m${i}`);
  }
  return {
    Update: {
      TableName: tableName,
      Key: marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }),
      UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    },
  };
};

const transactionOf = (deps: AggregatorDeps, calls: readonly StreamCall[]): TransactWriteItem[] => {
  const nowMs = (deps.now ?? Date.now)();
  const ledgerPuts: TransactWriteItem[] = calls.map((call) => ({
    Put: {
      TableName: deps.tableName,
      Item: marshall(ledgerItem(call.record.callId, nowMs)),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': KEY.partition },
    },
  }));
  const updates = [...preAggregate(calls.map((call) => call.record)).values()].map((delta) =>
    rollupUpdate(deps.tableName, delta),
  );
  return [...ledgerPuts, ...updates];
};

export interface ChunkResult {
  /** Records whose deltas this transaction added. */
  committed: StreamCall[];
  /** Records another delivery had already committed (their ledger Put's condition failed). */
  duplicates: StreamCall[];
}

/**
 * Commits a chunk: ledger Puts (condition: not yet committed) and the chunk's pre-aggregated `ADD`s in
 * ONE transaction, so a record's deltas are added exactly when its ledger entry is created. When a ledger
 * condition fails, another delivery got there first: those records are dropped and the rest is retried,
 * which makes any redelivery (replay, bisect, partial retry, concurrent shards) harmless.
 */
export const commitChunk = async (
  deps: AggregatorDeps,
  chunk: readonly StreamCall[],
): Promise<ChunkResult> => {
  const maxAttempts = deps.maxCommitAttempts ?? 5;
  const base = deps.baseBackoffMs ?? 50;
  let pending = [...chunk];
  const duplicates: StreamCall[] = [];
  let failures = 0;
  const callIds = () => pending.map((call) => call.record.callId);
  while (pending.length > 0) {
    let items: TransactWriteItem[];
    try {
      items = transactionOf(deps, pending);
    } catch (error) {
      // Building failed (e.g. a sum beyond what a number attribute holds): the same records fail every time.
      throw new ChunkCommitError(callIds(), false, { cause: error });
    }
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new ChunkCommitError(callIds(), false, {
        cause: new Error(`${items.length} actions, more than a transaction takes (${MAX_TRANSACTION_ITEMS})`),
      });
    }
    try {
      await deps.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return { committed: pending, duplicates };
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      const already = pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      if (already.length > 0) {
        // Not a failure: drop the records committed elsewhere and try again with the rest at once.
        duplicates.push(...already);
        pending = pending.filter((call) => !already.includes(call));
        continue;
      }
      const retryable = isRetryable(error);
      failures++;
      if (!retryable || failures >= maxAttempts)
        throw new ChunkCommitError(callIds(), retryable, { cause: error });
      await sleep(backoffMs(base, failures - 1));
    }
  }
  return { committed: [], duplicates };
};
