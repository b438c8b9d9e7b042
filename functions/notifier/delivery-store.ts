import {
  ConditionalCheckFailedException,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DELIVERY_RETENTION_DAYS, ITEM_TYPE, KEY } from 'claude-monitor/domain';
import type { NotifierDeps } from './deps';
import type { Notification } from './notification';

/** States of a delivery marker (see the table layout in `table-schema.ts`). */
export const DELIVERY_STATE = {
  delivering: 'delivering',
  delivered: 'delivered',
  digested: 'digested',
  failed: 'failed',
} as const;
export type DeliveryState = (typeof DELIVERY_STATE)[keyof typeof DELIVERY_STATE];

/** `claimed`: deliver it now; `done`: delivered, held or refused before; `busy`: another worker holds it. */
export type ClaimResult = 'claimed' | 'done' | 'busy';

type Deps = Pick<NotifierDeps, 'client' | 'tableName' | 'now'>;

/** Key of the marker of one notification on one channel. */
export const deliveryKey = (notificationId: string, channel: string) => ({
  [KEY.partition]: `DELIVERY#${notificationId}`,
  [KEY.sort]: channel,
});

/** Key of a notification held for a channel's digest. */
export const digestItemKey = (channel: string, releaseAtIso: string, notificationId: string) => ({
  [KEY.partition]: `DIGEST#${channel}`,
  [KEY.sort]: `${releaseAtIso}#${notificationId}`,
});

const expiresAt = (nowMs: number): number => Math.floor(nowMs / 1000) + DELIVERY_RETENTION_DAYS * 86_400;

/** A marker may be (re)claimed when there is none, or when its delivering lease has run out (a crash). */
const CLAIMABLE = 'attribute_not_exists(#pk) OR (#state = :delivering AND leaseUntil < :now)';

const stateOf = async (
  deps: Deps,
  notificationId: string,
  channel: string,
): Promise<DeliveryState | undefined> => {
  const out = await deps.client.send(
    new GetItemCommand({
      TableName: deps.tableName,
      Key: marshall(deliveryKey(notificationId, channel)),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (unmarshall(out.Item).state as DeliveryState) : undefined;
};

const settled = (state: DeliveryState | undefined): ClaimResult =>
  state === DELIVERY_STATE.delivering ? 'busy' : 'done';

/**
 * Takes the delivery of a notification to a channel, or says why not. The conditional write makes two
 * concurrent deliveries of the same notification (SNS and SQS are both at-least-once) deliver it once; the
 * lease makes a delivery whose worker died be taken over instead of lost.
 */
export const claimDelivery = async (
  deps: Deps,
  notificationId: string,
  channel: string,
  leaseUntilMs: number,
): Promise<ClaimResult> => {
  const now = deps.now();
  try {
    await deps.client.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: marshall(deliveryKey(notificationId, channel)),
        UpdateExpression:
          'SET #state = :delivering, leaseUntil = :until, #type = :type, #ttl = :ttl, notificationId = :id ADD attempts :one',
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: {
          '#pk': KEY.partition,
          '#state': 'state',
          '#type': KEY.type,
          '#ttl': KEY.ttl,
        },
        ExpressionAttributeValues: marshall({
          ':delivering': DELIVERY_STATE.delivering,
          ':until': leaseUntilMs,
          ':now': now,
          ':type': ITEM_TYPE.delivery,
          ':ttl': expiresAt(now),
          ':id': notificationId,
          ':one': 1,
        }),
      }),
    );
    return 'claimed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return settled(await stateOf(deps, notificationId, channel));
  }
};

/** Records how a claimed delivery ended: `delivered`, or `failed` for good (with the reason). */
export const finishDelivery = async (
  deps: Deps,
  notificationId: string,
  channel: string,
  state: typeof DELIVERY_STATE.delivered | typeof DELIVERY_STATE.failed,
  detail: { status?: number; reason?: string },
): Promise<void> => {
  await deps.client.send(
    new UpdateItemCommand({
      TableName: deps.tableName,
      Key: marshall(deliveryKey(notificationId, channel)),
      UpdateExpression:
        'SET #state = :state, finishedAt = :at, httpStatus = :status, reason = :reason REMOVE leaseUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: marshall({
        ':state': state,
        ':at': new Date(deps.now()).toISOString(),
        ':status': detail.status ?? 0,
        ':reason': detail.reason ?? '',
      }),
    }),
  );
};

/** Gives a claimed delivery back after a failed attempt, so that the next try may claim it at once. */
export const releaseDelivery = async (deps: Deps, notificationId: string, channel: string): Promise<void> => {
  try {
    await deps.client.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: marshall(deliveryKey(notificationId, channel)),
        UpdateExpression: 'SET leaseUntil = :zero',
        ConditionExpression: '#state = :delivering',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':zero': 0, ':delivering': DELIVERY_STATE.delivering }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};

/**
 * Holds a notification for the channel's digest: the marker (`digested`) and the held entry are written
 * in one transaction, so a duplicate is held once and a held notification always has its entry.
 */
export const holdForDigest = async (
  deps: Deps,
  channel: string,
  notification: Notification,
  releaseAtMs: number,
): Promise<'held' | ClaimResult> => {
  const now = deps.now();
  const releaseAt = new Date(releaseAtMs).toISOString();
  try {
    await deps.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: deps.tableName,
              Item: marshall({
                ...deliveryKey(notification.id, channel),
                [KEY.type]: ITEM_TYPE.delivery,
                [KEY.ttl]: expiresAt(now),
                state: DELIVERY_STATE.digested,
                notificationId: notification.id,
                releaseAt,
              }),
              ConditionExpression: CLAIMABLE,
              ExpressionAttributeNames: { '#pk': KEY.partition, '#state': 'state' },
              ExpressionAttributeValues: marshall({ ':delivering': DELIVERY_STATE.delivering, ':now': now }),
            },
          },
          {
            Put: {
              TableName: deps.tableName,
              Item: marshall({
                ...digestItemKey(channel, releaseAt, notification.id),
                [KEY.type]: ITEM_TYPE.digest,
                [KEY.ttl]: expiresAt(releaseAtMs),
                notification: JSON.stringify(notification),
              }),
            },
          },
        ],
      }),
    );
    return 'held';
  } catch (error) {
    const duplicate =
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
    if (!duplicate) throw error;
    return settled(await stateOf(deps, notification.id, channel));
  }
};
