import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { NotifierChannel } from './config';
import type { NotifierDeps } from './deps';
import { NotificationParseError } from './errors';
import { parseNotification } from './notification';
import { type MessageOutcome, notifyChannel } from './notify';

/** Waits between receives of a message that keeps failing: 30 s, doubled per receive, at most 15 minutes. */
export const QUEUE_BACKOFF = { baseSeconds: 30, maxSeconds: 900 } as const;

/** How long a failed message stays invisible: the endpoint's `Retry-After`, else the queue backoff. */
export const retryDelaySeconds = (receiveCount: number, retryAfterSeconds?: number): number =>
  retryAfterSeconds ??
  Math.min(QUEUE_BACKOFF.baseSeconds * 2 ** Math.max(0, receiveCount - 1), QUEUE_BACKOFF.maxSeconds);

/** SQS message attributes are at most 256 KB in all; a reason is kept short. */
const REASON_CHARS = 250;

const receiveCountOf = (record: SQSRecord): number => Number(record.attributes.ApproximateReceiveCount) || 1;

const delayRetry = async (
  deps: NotifierDeps,
  channel: NotifierChannel,
  record: SQSRecord,
  seconds: number,
): Promise<void> => {
  try {
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: channel.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  } catch (error) {
    // The queue's own visibility timeout then decides when it comes back: later, never lost.
    deps.logger.warn('could not delay the retry of a notification', {
      channel: channel.name,
      error: error instanceof Error ? error.message : String(error),
    });
  }
};

const deadLetter = (
  deps: NotifierDeps,
  channel: NotifierChannel,
  record: SQSRecord,
  outcome: MessageOutcome,
) =>
  deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: channel.deadLetterQueueUrl,
      MessageBody: record.body,
      MessageAttributes: {
        channel: { DataType: 'String', StringValue: channel.name },
        reason: {
          DataType: 'String',
          StringValue:
            (outcome.action === 'dead-letter' ? outcome.reason : 'refused').slice(0, REASON_CHARS) || '-',
        },
        ...(outcome.action === 'dead-letter' && outcome.status !== undefined
          ? { status: { DataType: 'Number', StringValue: String(outcome.status) } }
          : {}),
      },
    }),
  );

const outcomeOf = async (
  deps: NotifierDeps,
  channel: NotifierChannel,
  record: SQSRecord,
  deadlineMs: number,
): Promise<MessageOutcome> => {
  if (deps.now() + deps.policy.attemptTimeoutMs > deadlineMs) {
    return { action: 'retry', reason: 'no time left in this invocation', retryAfterSeconds: 1 };
  }
  try {
    return await notifyChannel(deps, channel, parseNotification(record.body), deadlineMs);
  } catch (error) {
    if (error instanceof NotificationParseError) return { action: 'dead-letter', reason: error.message };
    deps.logger.error('notification failed unexpectedly; it will be retried', {
      channel: channel.name,
      messageId: record.messageId,
      error: error instanceof Error ? error.message : String(error),
    });
    return { action: 'retry', reason: 'unexpected error' };
  }
};

/**
 * Handles a batch of one channel's queue (each channel has its own queue and event source mapping, so a
 * slow or dead endpoint only ever holds up its own messages). Returns the messages to retry as a partial
 * batch response; a refused one is moved to the dead-letter queue with its reason and not retried.
 */
export const handleQueueBatch = async (
  deps: NotifierDeps,
  channels: readonly NotifierChannel[],
  event: SQSEvent,
  deadlineMs: number,
): Promise<SQSBatchResponse> => {
  const failed: string[] = [];
  for (const record of event.Records) {
    const channel = channels.find((candidate) => candidate.queueArn === record.eventSourceARN);
    if (!channel) {
      // A queue without a channel is a deployment error; the queue's redrive policy ends the retries.
      deps.logger.error('message from a queue no channel is configured for', {
        queueArn: record.eventSourceARN,
      });
      failed.push(record.messageId);
      continue;
    }
    const outcome = await outcomeOf(deps, channel, record, deadlineMs);
    if (outcome.action === 'retry') {
      await delayRetry(
        deps,
        channel,
        record,
        retryDelaySeconds(receiveCountOf(record), outcome.retryAfterSeconds),
      );
      failed.push(record.messageId);
    } else if (outcome.action === 'dead-letter') {
      try {
        await deadLetter(deps, channel, record, outcome);
      } catch (error) {
        deps.logger.error(
          'could not move a refused notification to the dead-letter queue; it will be retried',
          {
            channel: channel.name,
            error: error instanceof Error ? error.message : String(error),
          },
        );
        failed.push(record.messageId);
      }
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
