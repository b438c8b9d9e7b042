import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { LocalStackError } from './local-stack-errors';

/** One alert as an SQS subscriber of the topic receives it, unwrapped from the SNS envelope. */
export interface LocalAlert {
  messageId: string;
  subject: string;
  message: string;
  /** SNS message attributes, by name (string values). */
  attributes: Record<string, string>;
  /** When SNS accepted the publish (the envelope's `Timestamp`). */
  timestamp: string;
}

export interface LocalSnsOptions {
  /** Port of the emulator; a free one when omitted. */
  port?: number;
  /** @default 'claude-monitor-alerts' */
  topicName?: string;
  /** Called once per alert, in arrival order. */
  onAlert?: (alert: LocalAlert) => void;
}

export interface LocalSns {
  /** Loopback URL of the SNS/SQS emulator. */
  readonly endpoint: string;
  readonly topicArn: string;
  /** Every alert received so far. */
  alerts(): readonly LocalAlert[];
  stop(): Promise<void>;
}

interface SnsEnvelope {
  MessageId?: string;
  Subject?: string;
  Message?: string;
  Timestamp?: string;
  MessageAttributes?: Record<string, { Type?: string; Value?: string }>;
}

const QUEUE_NAME = 'claude-monitor-alerts-console';

/** Reads the SNS envelope that a non-raw SQS subscription receives. */
export const parseSnsEnvelope = (body: string): LocalAlert => {
  const envelope = JSON.parse(body) as SnsEnvelope;
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(envelope.MessageAttributes ?? {})) {
    if (attribute.Value !== undefined) attributes[name] = attribute.Value;
  }
  return {
    messageId: envelope.MessageId ?? '',
    subject: envelope.Subject ?? '(no subject)',
    message: envelope.Message ?? '',
    attributes,
    timestamp: envelope.Timestamp ?? new Date().toISOString(),
  };
};

/**
 * Starts the SNS/SQS emulator on loopback with the alert topic and an SQS queue subscribed to it, and
 * drains the queue in the background. The emulator does not deliver to HTTP or email subscriptions, so
 * the queue stands in for a subscriber.
 */
export const startLocalSns = async (options: LocalSnsOptions = {}): Promise<LocalSns> => {
  // buildApp + listen instead of startFauxqs, which always binds every interface.
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  let endpoint: string;
  try {
    await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    endpoint = `http://127.0.0.1:${address.port}`;
  } catch (cause) {
    await app.close();
    const taken = (cause as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new LocalStackError(
      taken
        ? `the SNS emulator could not listen on port ${options.port}: the port is in use`
        : 'the SNS emulator could not start',
      { cause },
    );
  }
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sns = new SNSClient(config);
  // The queue URL names the emulator's host already; the SDK must not derive another endpoint from it.
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
  const topic = await sns.send(
    new CreateTopicCommand({ Name: options.topicName ?? 'claude-monitor-alerts' }),
  );
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: QUEUE_NAME }));
  const queueUrl = queue.QueueUrl!;
  const queueAttributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const topicArn = topic.TopicArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueAttributes.Attributes!.QueueArn!,
    }),
  );

  const received: LocalAlert[] = [];
  const seen = new Set<string>();
  const stopping = new AbortController();
  const drain = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          { abortSignal: stopping.signal },
        );
        const messages = out.Messages ?? [];
        for (const message of messages) {
          const alert = parseSnsEnvelope(message.Body ?? '{}');
          // SQS is at-least-once: a message seen again after a lost delete is the same alert.
          if (seen.has(alert.messageId)) continue;
          seen.add(alert.messageId);
          received.push(alert);
          options.onAlert?.(alert);
        }
        if (messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        }
      } catch (error) {
        if (stopping.signal.aborted) return;
        console.error(`alert queue: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const draining = drain();

  return {
    endpoint,
    topicArn,
    alerts: () => [...received],
    stop: async () => {
      stopping.abort();
      await draining;
      sns.destroy();
      sqs.destroy();
      await app.close();
    },
  };
};
