import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId } from '../../../functions/aggregator/alerts/alert';
import { deliveryKey } from '../../../functions/notifier/delivery-store';
import { handleQueueBatch } from '../../../functions/notifier/queue-batch';
import { type NotifierHarness, sessionAlert, startNotifierHarness } from './harness';

describe('notifier: one delivery per channel although SNS and SQS deliver at least once', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([
      { name: 'chat', type: 'slack' },
      { name: 'hook', type: 'webhook' },
    ]);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('the same alert published twice (a publish retried after a lost answer) reaches each channel once', async () => {
    // Prepare
    const alert = sessionAlert('published-twice');
    await h.publish(alert);
    await h.publish(alert);

    // Act
    const handled = [await h.drain('chat'), await h.drain('hook')];

    // Assess: two SQS messages per channel, one request per channel.
    expect(handled).toEqual([2, 2]);
    const chat = h.receivers.requests(h.pathOf('chat')).filter((r) => r.body.includes('published-twice'));
    const hook = h.receivers.requests(h.pathOf('hook')).filter((r) => r.body.includes('published-twice'));
    expect(chat).toHaveLength(1);
    expect(hook).toHaveLength(1);
  });

  it('one SQS message handled by two invocations at the same time is delivered once', async () => {
    // Prepare: both invocations see the same record, as after a visibility timeout that ran out too early.
    const alert = sessionAlert('concurrent');
    await h.publish(alert);
    const { ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
    const out = await h.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: h.channel('chat').queueUrl,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const message = out.Messages![0]!;
    const event = {
      Records: [
        {
          messageId: message.MessageId!,
          receiptHandle: message.ReceiptHandle!,
          body: message.Body!,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '0',
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: h.channel('chat').queueArn,
          awsRegion: 'us-east-1',
        },
      ],
    };
    const deadline = Date.now() + 60_000;

    // Act
    const results = await Promise.all([
      handleQueueBatch(h.deps, h.channels, event, deadline),
      handleQueueBatch(h.deps, h.channels, event, deadline),
    ]);

    // Assess: one request; the invocation that lost the race either saw it done or asks for a retry.
    const requests = h.receivers.requests(h.pathOf('chat')).filter((r) => r.body.includes('concurrent'));
    expect(requests).toHaveLength(1);
    expect(results.flatMap((r) => r.batchItemFailures).length).toBeLessThanOrEqual(1);
    expect(await h.marker(alert, 'chat')).toMatchObject({ state: 'delivered' });
  });

  it('a delivery whose worker died mid-way is taken over once its lease has run out, not lost', async () => {
    // Prepare: a marker left in `delivering` by a crashed invocation, its lease over.
    const alert = sessionAlert('crashed');
    await h.table.client.send(
      new UpdateItemCommand({
        TableName: h.table.tableName,
        Key: marshall(deliveryKey(alertId(alert), 'chat')),
        UpdateExpression: 'SET #state = :delivering, leaseUntil = :past, attempts = :one',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({
          ':delivering': 'delivering',
          ':past': Date.now() - 1,
          ':one': 1,
        }),
      }),
    );
    await h.publish(alert);

    // Act
    const result = await h.poll('chat');

    // Assess
    const requests = h.receivers.requests(h.pathOf('chat')).filter((r) => r.body.includes('crashed'));
    expect(requests).toHaveLength(1);
    expect(result.failed).toEqual([]);
    expect(await h.marker(alert, 'chat')).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('while another worker holds a live lease, the duplicate waits instead of delivering again', async () => {
    // Prepare: a delivery in progress elsewhere.
    const alert = sessionAlert('in-progress');
    await h.table.client.send(
      new UpdateItemCommand({
        TableName: h.table.tableName,
        Key: marshall(deliveryKey(alertId(alert), 'chat')),
        UpdateExpression: 'SET #state = :delivering, leaseUntil = :later',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':delivering': 'delivering', ':later': Date.now() + 600_000 }),
      }),
    );
    await h.publish(alert);

    // Act
    const result = await h.poll('chat');

    // Assess
    expect(h.receivers.requests(h.pathOf('chat')).filter((r) => r.body.includes('in-progress'))).toEqual([]);
    expect(result.failed).toHaveLength(1);
    expect(await h.queueDepth('chat')).toMatchObject({ visible: 0 });
  });
});
