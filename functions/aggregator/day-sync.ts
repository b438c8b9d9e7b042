import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  addCounters,
  type CallRecord,
  countersOfItem,
  type Dimension,
  KEY,
  pairSlotsOfItem,
  type RollupCounters,
  rollupPk,
} from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
import type { AggregatorDeps } from './deps';
import type { RollupDelta } from './pre-aggregate';
import { rollupItemOf } from './recompute-store';
import { type RollupKey, rollupKey, rollupKeyId, rollupKeysOf } from './rollup-keys';

/**
 * Dimensions whose day rollup is the sum of its hour rollups, written once per batch after the batch's
 * transactions instead of inside each of them. These are the hot dimensions (few values, most calls): nearly
 * every transaction of a batch rewrites their rollups, so taking the days out of the transactions halves
 * those rewrites. A user's or a session's rollup is written about once per batch anyway, where a separate
 * write would save nothing.
 */
export const DAY_FROM_HOURS: ReadonlySet<Dimension> = new Set<Dimension>([
  'all',
  'model',
  'function',
  'tenant',
]);

/** Attribute of an hour rollup of those dimensions: how many writes it took (every `ADD` adds 1). */
export const HOUR_VERSION = 'v';
/** Attribute of their day rollup: the sum of the `HOUR_VERSION`s of the hours it was summed from. */
export const DAY_VERSION = 'vs';

/** Whether this rollup is summed from its hours after the transactions (`DAY_FROM_HOURS`). */
export const isSummedDay = (key: Pick<RollupKey, 'granularity' | 'dim'>): boolean =>
  key.granularity === 'day' && DAY_FROM_HOURS.has(key.dim);

/** Whether this rollup carries `HOUR_VERSION`: an hour of a day that is summed from its hours. */
export const isVersionedHour = (key: Pick<RollupKey, 'granularity' | 'dim'>): boolean =>
  key.granularity === 'hour' && DAY_FROM_HOURS.has(key.dim);

/**
 * What an hour rollup rewritten whole (recompute) keeps of its version: one more than the stored one, so no
 * day summed before the rewrite can pass for newer than one summed after it.
 */
export const rewrittenHourVersion = (
  key: Pick<RollupKey, 'granularity' | 'dim'>,
  stored: Readonly<Record<string, unknown>> | undefined,
): Record<string, number> => {
  if (!isVersionedHour(key)) return {};
  const version = stored?.[HOUR_VERSION];
  return { [HOUR_VERSION]: (typeof version === 'number' ? version : 0) + 1 };
};

/** The rollups a record's transaction adds to: all of `rollupKeysOf` but the days summed afterwards. */
export const transactionalRollupKeysOf = (record: CallRecord): RollupKey[] =>
  rollupKeysOf(record).filter((key) => !isSummedDay(key));

/** The summed day rollups the records contribute to, by `rollupKeyId`. */
export const summedDaysOf = (records: Iterable<CallRecord>): Map<string, RollupKey> => {
  const days = new Map<string, RollupKey>();
  for (const record of records) {
    for (const key of rollupKeysOf(record)) if (isSummedDay(key)) days.set(rollupKeyId(key), key);
  }
  return days;
};

/** A day rollup as the sum of its hours, and the version it was read at. */
export interface DaySum {
  delta: RollupDelta;
  /** Sum of the hours' `HOUR_VERSION`s: no smaller for any read that began after this one. */
  version: number;
  hours: number;
}

/**
 * Reads the hour rollups of a day (strongly consistent: every transaction committed before the read is in
 * it) and sums them. Undefined when the day has no hour rollup.
 */
export const readDaySum = async (
  deps: Pick<AggregatorDeps, 'client' | 'tableName'>,
  day: RollupKey,
): Promise<DaySum | undefined> => {
  const hours = await queryAll(deps.client, {
    TableName: deps.tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :day)',
    ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': KEY.sort },
    ExpressionAttributeValues: marshall({ ':pk': rollupPk('hour', day.dim, day.value), ':day': day.bucket }),
    ConsistentRead: true,
  });
  if (hours.length === 0) return undefined;
  const counters: RollupCounters = {};
  const pairNames = new Map<string, Set<string>>();
  let version = 0;
  for (const hour of hours) {
    addCounters(counters, countersOfItem(hour));
    for (const [slot, { models }] of pairSlotsOfItem(hour)) {
      if (models.length === 0) continue;
      const names = pairNames.get(slot) ?? new Set<string>();
      for (const model of models) names.add(model);
      pairNames.set(slot, names);
    }
    const v = hour[HOUR_VERSION];
    version += typeof v === 'number' ? v : 0;
  }
  const key = rollupKey('day', day.dim, day.value, day.bucket);
  return { delta: { key, counters, pairNames }, version, hours: hours.length };
};

/**
 * Writes a day's sum unless the stored one was read later (a larger version; an equal one holds the same
 * sums, and is rewritten, which costs what the failed condition would). Hour rollups only grow, and
 * every write adds to their version, so of two reads the later one has the larger version or the same
 * sums: whichever order concurrent writers land in, the day ends equal to its hours once the last
 * transaction's own sync has run. A day written before days were summed (no version) is replaced.
 * Returns whether this sum was written.
 */
export const writeDaySum = async (
  deps: Pick<AggregatorDeps, 'client' | 'tableName'>,
  sum: DaySum,
): Promise<boolean> => {
  try {
    await deps.client.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: marshall({ ...rollupItemOf(sum.delta), [DAY_VERSION]: sum.version }),
        ConditionExpression: 'attribute_not_exists(#vs) OR #vs <= :vs',
        ExpressionAttributeNames: { '#vs': DAY_VERSION },
        ExpressionAttributeValues: marshall({ ':vs': sum.version }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Days summed at once: enough to hide round trips, few enough to stay clear of throttling. */
const SYNC_CONCURRENCY = 8;

/**
 * Sums every day rollup of `DAY_FROM_HOURS` the records contribute to from its hours, after the batch's
 * transactions. Run for records committed now and for records an earlier delivery committed, so a delivery
 * stopped between its transactions and this step is completed by the next one. Returns the days that could
 * not be summed or written, by key id, with the reason: their records go back to the stream, and their
 * redelivery sums them again.
 */
export const syncDays = async (
  deps: AggregatorDeps,
  records: readonly CallRecord[],
): Promise<Map<string, string>> => {
  const days = [...summedDaysOf(records)];
  const failed = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < days.length) {
      const [id, day] = days[next++]!;
      try {
        const sum = await readDaySum(deps, day);
        if (sum) await writeDaySum(deps, sum);
      } catch (error) {
        failed.set(id, String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, days.length) }, worker));
  return failed;
};

/** Whether a record contributes to one of the failed days of a sync. */
export const touchesFailedDay = (record: CallRecord, failed: ReadonlyMap<string, string>): boolean =>
  failed.size > 0 && rollupKeysOf(record).some((key) => isSummedDay(key) && failed.has(rollupKeyId(key)));
