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
import { HOUR_VERSION, isVersionedHour, transactionalRollupKeysOf } from './day-sync';
import { type AggregatorDeps, backoffMs, sleep } from './deps';
import { ChunkCommitError } from './errors';
import {
  type LedgerKey,
  ledgerKeyId,
  ledgerKeyOf,
  ledgerWrite,
  markedCallIds,
  SESSION_ROLLUP_MARKS,
  sessionRollupMarks,
  sessionRollupOf,
  withSessionMarks,
} from './ledger';
import type { StreamCall } from './parse-records';
import { preAggregate, type RollupDelta } from './pre-aggregate';
import { type RollupKey, rollupKeyId } from './rollup-keys';

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

/**
 * One `ADD` of pre-aggregated counters; also sets the attributes the API filters and groups by. An hour
 * whose day is summed from its hours also counts the write in its version (`HOUR_VERSION`).
 */
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
  if (isVersionedHour(key)) {
    names['#v'] = HOUR_VERSION;
    values[':v'] = 1;
    adds.push('#v :v');
  }
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

/** The calls of a transaction marked in one ledger entry: their own, or their session's minute entry. */
interface EntryGroup {
  key: LedgerKey;
  calls: StreamCall[];
}

/**
 * The calls of a transaction of one session and hour: marked in the session's hour rollup, or, once it is
 * `full`, in their minute entries (`entries`) while the rollup's condition still says none of them is in it.
 */
interface SessionGroup {
  rollup: RollupKey;
  calls: StreamCall[];
  full: boolean;
  entries: EntryGroup[];
}

/** Calls grouped by `idOf`, each group described by `make` from its first call. */
const groupBy = <T>(
  calls: readonly StreamCall[],
  idOf: (call: StreamCall) => string,
  make: (call: StreamCall) => T,
): (T & { calls: StreamCall[] })[] => {
  const groups = new Map<string, T & { calls: StreamCall[] }>();
  for (const call of calls) {
    const id = idOf(call);
    const group = groups.get(id);
    if (group) group.calls.push(call);
    else groups.set(id, { ...make(call), calls: [call] });
  }
  return [...groups.values()];
};

const entryGroupsOf = (calls: readonly StreamCall[]): EntryGroup[] =>
  groupBy(
    calls,
    (call) => ledgerKeyId(ledgerKeyOf(call.record)),
    (call) => ({ key: ledgerKeyOf(call.record) }),
  );

/**
 * Where the calls of a transaction are marked. A session group is full when its rollup was found full
 * (`full`, by key id) or when its calls alone are more marks than a rollup holds.
 */
const markGroupsOf = (
  calls: readonly StreamCall[],
  full: ReadonlySet<string>,
): { own: EntryGroup[]; sessions: SessionGroup[] } => {
  const rollupOf = new Map(calls.map((call) => [call, sessionRollupOf(call.record)]));
  const own = entryGroupsOf(calls.filter((call) => !rollupOf.get(call)));
  const sessions = groupBy<Omit<SessionGroup, 'calls'>>(
    calls.filter((call) => rollupOf.get(call)),
    (call) => rollupKeyId(rollupOf.get(call)!),
    (call) => ({ rollup: rollupOf.get(call)!, full: false, entries: [] }),
  );
  for (const group of sessions) {
    group.full = full.has(rollupKeyId(group.rollup)) || group.calls.length > SESSION_ROLLUP_MARKS;
    if (group.full) group.entries = entryGroupsOf(group.calls);
  }
  return { own, sessions };
};

/** A transaction's actions, and for each the mark group its condition speaks for (none: no condition). */
interface Transaction {
  items: TransactWriteItem[];
  owners: (EntryGroup | SessionGroup | undefined)[];
}

/**
 * The transaction of a chunk: the ledger entries first (calls without a session, then the minute entries of
 * full session rollups), then the rollups, the session rollups carrying their calls' marks. The days of
 * `DAY_FROM_HOURS` are not in it: they are summed from their hours after the batch (`syncDays`).
 */
const transactionOf = (
  deps: AggregatorDeps,
  calls: readonly StreamCall[],
  own: readonly EntryGroup[],
  sessions: readonly SessionGroup[],
): Transaction => {
  const nowMs = (deps.now ?? Date.now)();
  const items: TransactWriteItem[] = [];
  const owners: Transaction['owners'] = [];
  const callIds = (group: { calls: StreamCall[] }) => group.calls.map((call) => call.record.callId);
  for (const group of own) {
    items.push(ledgerWrite(deps.tableName, group.key, callIds(group), nowMs));
    owners.push(group);
  }
  for (const session of sessions) {
    for (const entry of session.entries) {
      items.push(ledgerWrite(deps.tableName, entry.key, callIds(entry), nowMs));
      owners.push(session);
    }
  }
  const bySessionRollup = new Map(sessions.map((session) => [rollupKeyId(session.rollup), session]));
  for (const [id, delta] of preAggregate(
    calls.map((call) => call.record),
    transactionalRollupKeysOf,
  )) {
    const session = bySessionRollup.get(id);
    const update = rollupUpdate(deps.tableName, delta);
    items.push(session ? withSessionMarks(update, callIds(session), session.full) : update);
    owners.push(session);
  }
  return { items, owners };
};

/**
 * What the ledger says of the mark groups whose condition failed: the calls it already holds (all the calls
 * of an entry of their own; the calls a session rollup or its minute entries mark, read back, as the
 * condition does not say which) and the session rollups found full.
 */
const alreadyCommitted = async (
  deps: AggregatorDeps,
  failed: ReadonlySet<EntryGroup | SessionGroup>,
): Promise<{ already: StreamCall[]; full: string[] }> => {
  const already: StreamCall[] = [];
  const full: string[] = [];
  for (const group of failed) {
    if (!('rollup' in group)) {
      already.push(...group.calls);
      continue;
    }
    const callIds = group.calls.map((call) => call.record.callId);
    const rollup = await sessionRollupMarks(deps.client, deps.tableName, group.rollup, callIds);
    const marked = new Set(rollup.marked);
    for (const entry of entryGroupsOf(group.calls)) {
      const ids = entry.calls.map((call) => call.record.callId);
      for (const id of await markedCallIds(deps.client, deps.tableName, entry.key, ids)) marked.add(id);
    }
    already.push(...group.calls.filter((call) => marked.has(call.record.callId)));
    if (rollup.full && !group.full && marked.size < group.calls.length) full.push(rollupKeyId(group.rollup));
  }
  return { already, full };
};

export interface ChunkResult {
  /** Records whose deltas this transaction added. */
  committed: StreamCall[];
  /** Records another delivery had already committed (the ledger held them when the condition was checked). */
  duplicates: StreamCall[];
}

/**
 * Commits a chunk: its calls' marks (condition: none of them committed yet) and the chunk's pre-aggregated
 * `ADD`s in ONE transaction, so a record's deltas are added exactly when the ledger marks it. When a mark's
 * condition fails, another delivery got there first or the session rollup is full: the records the ledger
 * holds are dropped, full rollups send their calls to minute entries, and the rest is retried, which makes
 * any redelivery (replay, bisect, partial retry, concurrent shards) harmless. `fullSessionRollups`: session
 * rollups already known to be full (by `rollupKeyId`), whose calls are marked in minute entries at once.
 */
export const commitChunk = (
  deps: AggregatorDeps,
  chunk: readonly StreamCall[],
  fullSessionRollups: ReadonlySet<string> = new Set(),
): Promise<ChunkResult> => commitCalls(deps, chunk, new Set(fullSessionRollups));

const commitCalls = async (
  deps: AggregatorDeps,
  chunk: readonly StreamCall[],
  full: Set<string>,
): Promise<ChunkResult> => {
  const maxAttempts = deps.maxCommitAttempts ?? 5;
  const base = deps.baseBackoffMs ?? 50;
  let pending = [...chunk];
  const duplicates: StreamCall[] = [];
  let failures = 0;
  const callIds = () => pending.map((call) => call.record.callId);
  while (pending.length > 0) {
    const { own, sessions } = markGroupsOf(pending, full);
    let transaction: Transaction;
    try {
      transaction = transactionOf(deps, pending, own, sessions);
    } catch (error) {
      // Building failed (e.g. a sum beyond what a number attribute holds): the same records fail every time.
      throw new ChunkCommitError(callIds(), false, { cause: error });
    }
    if (transaction.items.length > MAX_TRANSACTION_ITEMS) {
      if (pending.length > 1 && sessions.some((session) => session.full)) {
        // Minute entries of full session rollups made the chunk too big: commit it in two halves.
        const half = Math.ceil(pending.length / 2);
        const first = await commitCalls(deps, pending.slice(0, half), full);
        const second = await commitCalls(deps, pending.slice(half), full);
        return {
          committed: [...first.committed, ...second.committed],
          duplicates: [...duplicates, ...first.duplicates, ...second.duplicates],
        };
      }
      throw new ChunkCommitError(callIds(), false, {
        cause: new Error(
          `${transaction.items.length} actions, more than a transaction takes (${MAX_TRANSACTION_ITEMS})`,
        ),
      });
    }
    try {
      await deps.client.send(new TransactWriteItemsCommand({ TransactItems: transaction.items }));
      return { committed: pending, duplicates };
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      const failedGroups = new Set<EntryGroup | SessionGroup>();
      transaction.owners.forEach((owner, i) => {
        if (owner && reasons[i]?.Code === 'ConditionalCheckFailed') failedGroups.add(owner);
      });
      let found: { already: StreamCall[]; full: string[] };
      try {
        found = await alreadyCommitted(deps, failedGroups);
      } catch (readError) {
        throw new ChunkCommitError(callIds(), true, { cause: readError });
      }
      for (const id of found.full) full.add(id);
      if (found.already.length > 0 || found.full.length > 0) {
        // Not a failure: drop the records committed elsewhere, mark full rollups' calls in minute entries,
        // and try again with the rest at once.
        duplicates.push(...found.already);
        pending = pending.filter((call) => !found.already.includes(call));
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
