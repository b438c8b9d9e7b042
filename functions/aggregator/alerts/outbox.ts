import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ITEM_TYPE, KEY, METRIC } from 'claude-monitor/domain';
import type { AggregatorDeps } from '../deps';
import { type Alert, alertId, alertItemKey } from './alert';
import { alertLogItem } from './alert-log';
import { type AlertMessage, formatAlert } from './message';

export const OUTBOX_PK = 'OUTBOX';

/** How long a publisher owns an outbox entry before another may take it over. */
const CLAIM_MS = 60_000;

/** An alert waiting to be published. */
export interface OutboxEntry {
  pk: string;
  sk: string;
  alertId: string;
  subject: string;
  body: string;
  attributes: AlertMessage['attributes'];
}

type Deps = Pick<
  AggregatorDeps,
  'client' | 'tableName' | 'sns' | 'alertTopicArn' | 'logger' | 'metrics' | 'now'
>;

/**
 * Records each alert once: the conditional Put of its marker, the Put of its outbox entry and the Put of its
 * alert log entry commit together, so of two invocations crossing the same threshold at the same moment
 * exactly one gets an outbox entry and a log entry, and a crash can never leave a marker without a message to
 * send or an alert that fired without its log entry. Every alert path (aggregator thresholds and streaks,
 * budget refusals, reconciliation, insights) fires through here. Returns the new entries, already claimed by
 * this invocation.
 */
export const fireAlerts = async (deps: Deps, alerts: readonly Alert[]): Promise<OutboxEntry[]> => {
  const now = (deps.now ?? Date.now)();
  const entries: OutboxEntry[] = [];
  for (const alert of alerts) {
    const id = alertId(alert);
    const message = formatAlert(alert);
    const marker = alertItemKey(alert);
    const entry: OutboxEntry = {
      pk: OUTBOX_PK,
      sk: `${new Date(now).toISOString()}#${id}`,
      alertId: id,
      subject: message.subject,
      body: message.body,
      attributes: message.attributes,
    };
    try {
      await deps.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: deps.tableName,
                Item: marshall({
                  ...marker,
                  [KEY.type]: ITEM_TYPE.alert,
                  alertId: id,
                  firedAt: alert.time,
                  value: alert.value,
                }),
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': KEY.partition },
              },
            },
            {
              Put: {
                TableName: deps.tableName,
                Item: marshall({
                  ...entry,
                  [KEY.type]: ITEM_TYPE.outbox,
                  claimedUntil: now + CLAIM_MS,
                  attempts: 0,
                }),
              },
            },
            { Put: { TableName: deps.tableName, Item: marshall(alertLogItem(alert, id, message, now)) } },
          ],
        }),
      );
      entries.push(entry);
    } catch (error) {
      const fired =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!fired) throw error;
    }
  }
  return entries;
};

const claim = async (deps: Deps, entry: Pick<OutboxEntry, 'pk' | 'sk'>): Promise<boolean> => {
  const now = (deps.now ?? Date.now)();
  try {
    await deps.client.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: marshall({ [KEY.partition]: entry.pk, [KEY.sort]: entry.sk }),
        UpdateExpression: 'SET claimedUntil = :until ADD attempts :one',
        ConditionExpression:
          'attribute_exists(#pk) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
        ExpressionAttributeNames: { '#pk': KEY.partition },
        ExpressionAttributeValues: marshall({ ':until': now + CLAIM_MS, ':now': now, ':one': 1 }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

const release = (deps: Deps, entry: OutboxEntry) =>
  deps.client.send(
    new UpdateItemCommand({
      TableName: deps.tableName,
      Key: marshall({ [KEY.partition]: entry.pk, [KEY.sort]: entry.sk }),
      UpdateExpression: 'REMOVE claimedUntil',
    }),
  );

/**
 * Publishes claimed entries; each is deleted once SNS accepted it. A failed publish leaves the entry in
 * the outbox (claim released) for the outbox handler or the next aggregator run: never dropped, and
 * never in the way of aggregation. Returns how many were published.
 */
export const publishEntries = async (deps: Deps, entries: readonly OutboxEntry[]): Promise<number> => {
  let published = 0;
  for (const entry of entries) {
    try {
      if (!deps.sns || !deps.alertTopicArn) throw new Error('no alert topic configured');
      await deps.sns.send(
        new PublishCommand({
          TopicArn: deps.alertTopicArn,
          Subject: entry.subject,
          Message: entry.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(entry.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
    } catch (error) {
      deps.logger.warn('alert publish failed; it stays in the outbox', {
        alertId: entry.alertId,
        error: error instanceof Error ? error.message : String(error),
      });
      deps.metrics.addMetric(METRIC.alertsPending, 'Count', 1);
      await release(deps, entry).catch(() => undefined);
      continue;
    }
    await deps.client.send(
      new DeleteItemCommand({
        TableName: deps.tableName,
        Key: marshall({ [KEY.partition]: entry.pk, [KEY.sort]: entry.sk }),
      }),
    );
    deps.metrics.addMetric(METRIC.alertsPublished, 'Count', 1);
    published++;
  }
  return published;
};

/**
 * Retries alerts left in the outbox, oldest first. `limit` keeps the aggregator's own pass cheap (one
 * small Query when the outbox is empty); the scheduled outbox handler passes a larger one.
 */
export const publishPendingAlerts = async (
  deps: Deps,
  limit: number,
): Promise<{ published: number; pending: number }> => {
  const result = await deps.client.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.partition },
      ExpressionAttributeValues: marshall({ ':pk': OUTBOX_PK }),
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const entries = (result.Items ?? []).map((item) => unmarshall(item) as OutboxEntry);
  const claimed: OutboxEntry[] = [];
  for (const entry of entries) if (await claim(deps, entry)) claimed.push(entry);
  const published = await publishEntries(deps, claimed);
  return { published, pending: entries.length - published };
};
