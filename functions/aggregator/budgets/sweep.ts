import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BUDGET_WINDOW_ATTRIBUTE as A,
  BUDGET_KEY,
  ITEM_TYPE,
  KEY,
  RESERVATION_SLOT_MS,
  reservationAttribute,
} from 'claude-monitor/domain';
import { queryAll } from '../../shared/query-all';
import type { AggregatorLogger } from '../deps';

export interface SweepDeps {
  client: import('@aws-sdk/client-dynamodb').DynamoDBClient;
  tableName: string;
  /** Seconds after which a reservation that never settled is released (`reservationTtlSeconds`). */
  reservationTtlSeconds: number;
  logger: AggregatorLogger;
  /** @default Date.now */
  now?: () => number;
}

/** What one sweep did. */
export interface SweepResult {
  /** Minutes whose reservations were examined, oldest first (none when nothing had expired yet). */
  fromSlot: number | null;
  toSlot: number | null;
  /** Windows that still held reservations of those minutes, and what was released from them (nano-USD). */
  windowsReleased: number;
  releasedNanoUsd: number;
}

/** Minutes examined by one run at most: a schedule that stopped for a while catches up over a few runs. */
export const MAX_SLOTS_PER_RUN = 240;
/** How far back the very first run looks (a new deployment has nothing older). */
export const FIRST_RUN_LOOKBACK_SLOTS = 60;
const MAX_ATTEMPTS = 5;

const cursorKey = marshall({ [KEY.partition]: BUDGET_KEY.sweepPk, [KEY.sort]: BUDGET_KEY.sweepSk });

/**
 * Releases what is left of one minute's reservations on one window: those of calls that never settled
 * (crashed, timed out, frozen). Conditional on the value read, so a settlement arriving at the same moment
 * is never lost: whichever lands first, the other sees it. Returns the amount released.
 */
const releaseSlot = async (
  deps: SweepDeps,
  windowPk: string,
  windowSk: string,
  slot: number,
): Promise<number> => {
  const key = marshall({ [KEY.partition]: windowPk, [KEY.sort]: windowSk });
  const name = reservationAttribute(slot);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await deps.client.send(
      new GetItemCommand({
        TableName: deps.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#slot',
        ExpressionAttributeNames: { '#slot': name },
      }),
    );
    const left = read.Item ? unmarshall(read.Item)[name] : undefined;
    if (typeof left !== 'number') return 0;
    try {
      await deps.client.send(
        new UpdateItemCommand({
          TableName: deps.tableName,
          Key: key,
          UpdateExpression: left === 0 ? 'REMOVE #slot' : 'REMOVE #slot ADD #committed :release',
          ConditionExpression: '#slot = :left',
          ExpressionAttributeNames: { '#slot': name, ...(left === 0 ? {} : { '#committed': A.committed }) },
          ExpressionAttributeValues: marshall({
            ':left': left,
            ...(left === 0 ? {} : { ':release': -left }),
          }),
        }),
      );
      return left;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  throw new Error(
    `reservations of minute ${slot} on ${windowPk} ${windowSk} kept changing; left for the next run`,
  );
};

/**
 * Releases the reservations of calls that never settled, once they are older than the reservation TTL.
 * Every reservation sits in the attribute of the minute it was made in, and each window with reservations in
 * a minute is listed under that minute (`BUDGETSLOT#<minute>`); the sweep walks the minutes that have
 * expired since its last run (its cursor), and removes what is left in each. DynamoDB's TTL is no help here:
 * it deletes items lazily, up to days late, and a reservation is an attribute, not an item.
 */
export const sweepReservations = async (deps: SweepDeps): Promise<SweepResult> => {
  const now = (deps.now ?? Date.now)();
  const lastExpired = Math.floor((now - deps.reservationTtlSeconds * 1_000) / RESERVATION_SLOT_MS) - 1;
  const cursor = await deps.client.send(
    new GetItemCommand({ TableName: deps.tableName, Key: cursorKey, ConsistentRead: true }),
  );
  const swept = cursor.Item ? unmarshall(cursor.Item).lastSlot : undefined;
  const from = typeof swept === 'number' ? swept + 1 : lastExpired - FIRST_RUN_LOOKBACK_SLOTS + 1;
  const to = Math.min(lastExpired, from + MAX_SLOTS_PER_RUN - 1);
  const result: SweepResult = { fromSlot: null, toSlot: null, windowsReleased: 0, releasedNanoUsd: 0 };
  if (to < from) return result;
  result.fromSlot = from;
  for (let slot = from; slot <= to; slot++) {
    const windows = await queryAll(deps.client, {
      TableName: deps.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.partition },
      ExpressionAttributeValues: { ':pk': { S: BUDGET_KEY.slotPk(slot) } },
      ConsistentRead: true,
    });
    for (const entry of windows) {
      const released = await releaseSlot(deps, String(entry.windowPk), String(entry.windowSk), slot);
      if (released > 0) {
        result.windowsReleased++;
        result.releasedNanoUsd += released;
        deps.logger.warn('released the reservations of calls that never settled', {
          window: `${String(entry.windowPk)} ${String(entry.windowSk)}`,
          minute: new Date(slot * RESERVATION_SLOT_MS).toISOString(),
          releasedNanoUsd: released,
        });
      }
    }
    await deps.client.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: marshall({ ...unmarshall(cursorKey), [KEY.type]: ITEM_TYPE.budgetSweep, lastSlot: slot }),
      }),
    );
    result.toSlot = slot;
  }
  return result;
};
