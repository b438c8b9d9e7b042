import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { NotifierChannel } from '../../functions/notifier/config';
import { LOCAL_REGION } from './dynamodb-local';

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface PollOptions {
  /** @default 10 */
  batchSize?: number;
  /** Long-poll wait, seconds. @default 0 */
  waitSeconds?: number;
  abortSignal?: AbortSignal;
}

/**
 * One receive of a channel's queue and one handler call, as Lambda's SQS event source does it: the event in
 * Lambda's shape, the messages the handler did not report as failed deleted, the failed ones left to come
 * back after their visibility timeout (and to the dead-letter queue after too many receives).
 */
export const pollQueueOnce = async (
  sqs: SQSClient,
  channel: NotifierChannel,
  handler: QueueHandler,
  options: PollOptions = {},
): Promise<{ received: number; failed: string[] }> => {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: channel.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    options.abortSignal ? { abortSignal: options.abortSignal } : {},
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return { received: 0, failed: [] };
  const records: SQSRecord[] = messages.map((message) => ({
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: message.Attributes?.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp:
        message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: channel.queueArn,
    awsRegion: LOCAL_REGION,
  }));
  const response = await handler({ Records: records });
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = records.filter((record) => !failed.has(record.messageId));
  if (done.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: channel.queueUrl,
        Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
      }),
    );
  }
  return { received: records.length, failed: [...failed] };
};

export interface QueueRunner {
  stop(): Promise<void>;
}

/**
 * Polls every channel's queue in its own loop, so that a slow endpoint holds up only its own channel, as
 * separate event source mappings do in AWS.
 */
export const startQueueRunner = (options: {
  sqs: SQSClient;
  channels: readonly NotifierChannel[];
  handler: QueueHandler;
  onError: (channel: string, error: Error) => void;
}): QueueRunner => {
  const stopping = new AbortController();
  const loop = async (channel: NotifierChannel): Promise<void> => {
    while (!stopping.signal.aborted) {
      try {
        await pollQueueOnce(options.sqs, channel, options.handler, {
          waitSeconds: 1,
          abortSignal: stopping.signal,
        });
      } catch (error) {
        if (stopping.signal.aborted) return;
        options.onError(channel.name, error as Error);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  const loops = options.channels.map((channel) => loop(channel));
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };
};
