import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { KEY } from 'claude-monitor/domain';
import type { NotifierChannel } from './config';
import { claimDelivery } from './delivery-store';
import { type NotifierDeps, sleep } from './deps';
import type { Digest } from './formats/digest';
import type { Notification } from './notification';
import { deliverClaimed, LEASE_MARGIN_MS } from './notify';
import { digestRequest } from './render';

/** Held notifications read per channel and run; more wait for the next run. */
export const DIGEST_READ_LIMIT = 500;
const BATCH_WRITE_LIMIT = 25;
const ISO_LENGTH = '2026-01-01T00:00:00.000Z'.length;

interface HeldItem {
  pk: string;
  sk: string;
  notification: string;
}

const dueItems = async (deps: NotifierDeps, channel: string): Promise<HeldItem[]> => {
  // Keys are `<releaseAt ISO>#<id>`; '$' sorts right after '#', so this bound takes every release time <= now.
  const bound = `${new Date(deps.now()).toISOString()}$`;
  const out = await deps.client.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk < :bound',
      ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': KEY.sort },
      ExpressionAttributeValues: marshall({ ':pk': `DIGEST#${channel}`, ':bound': bound }),
      ConsistentRead: true,
      Limit: DIGEST_READ_LIMIT,
    }),
  );
  return (out.Items ?? []).map((item) => unmarshall(item) as HeldItem);
};

const deleteItems = async (deps: NotifierDeps, items: readonly HeldItem[]): Promise<void> => {
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let requests = items.slice(start, start + BATCH_WRITE_LIMIT).map((item) => ({
      DeleteRequest: { Key: marshall({ [KEY.partition]: item.pk, [KEY.sort]: item.sk }) },
    }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 5) throw new Error('held digest entries could not be deleted');
      const out = await deps.client.send(
        new BatchWriteItemCommand({ RequestItems: { [deps.tableName]: requests } }),
      );
      requests = (out.UnprocessedItems?.[deps.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await sleep(50 * 2 ** attempt);
    }
  }
};

/** Held entries grouped by release time, oldest first. */
const byRelease = (items: readonly HeldItem[]): Map<string, HeldItem[]> => {
  const groups = new Map<string, HeldItem[]>();
  for (const item of items) {
    const releaseAt = item.sk.slice(0, ISO_LENGTH);
    groups.set(releaseAt, [...(groups.get(releaseAt) ?? []), item]);
  }
  return groups;
};

/**
 * Sends every digest that is due: per channel with digest settings and per release time, one message with
 * all the notifications held for it. A digest is delivered once (its own delivery marker); its entries are
 * deleted once it was delivered or refused for good, and stay for the next run when it should be retried.
 */
export const sendDueDigests = async (
  deps: NotifierDeps,
  channels: readonly NotifierChannel[],
  deadlineMs: number,
): Promise<{ sent: number; pending: number }> => {
  let sent = 0;
  let pending = 0;
  for (const channel of channels.filter((candidate) => candidate.digest)) {
    for (const [releaseAt, items] of byRelease(await dueItems(deps, channel.name))) {
      if (deps.now() + deps.policy.attemptTimeoutMs > deadlineMs) {
        pending++;
        continue;
      }
      const id = `digest|${channel.name}|${releaseAt}`;
      const claim = await claimDelivery(deps, id, channel.name, deadlineMs + LEASE_MARGIN_MS);
      if (claim === 'busy') {
        pending++;
        continue;
      }
      if (claim === 'done') {
        await deleteItems(deps, items);
        continue;
      }
      const digest: Digest = {
        id,
        channel: channel.name,
        releaseAt,
        notifications: items.map((item) => JSON.parse(item.notification) as Notification),
      };
      const outcome = await deliverClaimed(
        deps,
        channel,
        id,
        (target) => digestRequest(deps, channel, target, digest),
        deadlineMs,
      );
      if (outcome.action === 'retry') {
        pending++;
        continue;
      }
      if (outcome.action === 'dead-letter') {
        await deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: channel.deadLetterQueueUrl,
            MessageBody: JSON.stringify({ type: 'digest', ...digest }),
            MessageAttributes: {
              channel: { DataType: 'String', StringValue: channel.name },
              reason: { DataType: 'String', StringValue: outcome.reason.slice(0, 250) || '-' },
            },
          }),
        );
      } else sent++;
      await deleteItems(deps, items);
    }
  }
  return { sent, pending };
};
