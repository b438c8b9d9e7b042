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
import { type LedgerKey, ledgerKeyId, ledgerKeyOf, ledgerWrite, markedCallIds } from './ledger';
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

/** The calls of a chunk that share one ledger entry. */
interface LedgerGroup {
  key: LedgerKey;
  calls: StreamCall[];
}

const ledgerGroupsOf = (calls: readonly StreamCall[]): LedgerGroup[] => {
  const groups = new Map<string, LedgerGroup>();
  for (const call of calls) {
    const key = ledgerKeyOf(call.record);
    const id = ledgerKeyId(key);
    const group = groups.get(id);
    if (group) group.calls.push(call);
    else groups.set(id, { key, calls: [call] });
  }
  return [...groups.values()];
};

/** The transaction of a chunk: its ledger writes first (one per entry, in `groups` order), then its rollups. */
const transactionOf = (
  deps: AggregatorDeps,
  calls: readonly StreamCall[],
  groups: readonly LedgerGroup[],
): TransactWriteItem[] => {
  const nowMs = (deps.now ?? Date.now)();
  const ledgerWrites = groups.map((group) =>
    ledgerWrite(
      deps.tableName,
      group.key,
      group.calls.map((call) => call.record.callId),
      nowMs,
    ),
  );
  const updates = [...preAggregate(calls.map((call) => call.record)).values()].map((delta) =>
    rollupUpdate(deps.tableName, delta),
  );
  return [...ledgerWrites, ...updates];
};

/**
 * The calls of the ledger entries whose condition failed that the ledger already holds: all the calls of an
 * entry of its own, and the calls a session entry marks (read back, as the condition does not say which).
 */
const alreadyCommitted = async (
  deps: AggregatorDeps,
  failed: readonly LedgerGroup[],
): Promise<StreamCall[]> => {
  const already: StreamCall[] = [];
  for (const group of failed) {
    if (!group.key.grouped) {
      already.push(...group.calls);
      continue;
    }
    const marked = new Set(
      await markedCallIds(
        deps.client,
        deps.tableName,
        group.key,
        group.calls.map((call) => call.record.callId),
      ),
    );
    already.push(...group.calls.filter((call) => marked.has(call.record.callId)));
  }
  return already;
};

export interface ChunkResult {
  /** Records whose deltas this transaction added. */
  committed: StreamCall[];
  /** Records another delivery had already committed (the ledger held them when the condition was checked). */
  duplicates: StreamCall[];
}

/**
 * Commits a chunk: its ledger writes (condition: none of their calls committed yet) and the chunk's
 * pre-aggregated `ADD`s in ONE transaction, so a record's deltas are added exactly when the ledger marks it.
 * When a ledger condition fails, another delivery got there first: the records the ledger holds are dropped
 * and the rest is retried,
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
    const groups = ledgerGroupsOf(pending);
    let items: TransactWriteItem[];
    try {
      items = transactionOf(deps, pending, groups);
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
      const failedEntries = groups.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      let already: StreamCall[] = [];
      try {
        already = await alreadyCommitted(deps, failedEntries);
      } catch (readError) {
        throw new ChunkCommitError(callIds(), true, { cause: readError });
      }
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
