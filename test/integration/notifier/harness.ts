import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { NotificationChannelConfig } from 'claude-monitor/domain';
import { startFauxqs } from 'fauxqs';
import { type Alert, alertId } from '../../../functions/aggregator/alerts/alert';
import { formatAlert } from '../../../functions/aggregator/alerts/message';
import { OUTBOX_PK, publishEntries } from '../../../functions/aggregator/alerts/outbox';
import { NO_METRICS, SILENT_LOGGER } from '../../../functions/aggregator/deps';
import { secretChannelTargets } from '../../../functions/notifier/channel-targets';
import type { NotifierChannel } from '../../../functions/notifier/config';
import { deliveryKey } from '../../../functions/notifier/delivery-store';
import type { NotifierDeps } from '../../../functions/notifier/deps';
import { DEFAULT_DELIVERY_POLICY } from '../../../functions/notifier/http-delivery';
import { handleQueueBatch } from '../../../functions/notifier/queue-batch';
import { createChannelQueues } from '../../../infra/local/channel-queues';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { type LocalReceivers, startLocalReceivers } from '../../../infra/local/local-receivers';
import { type LocalSecrets, startLocalSecrets } from '../../../infra/local/local-secrets';
import { pollQueueOnce } from '../../../infra/local/queue-runner';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

/** A channel of a test: its configuration and the local receiver path its secret points at. */
export interface TestChannel extends Omit<NotificationChannelConfig, 'secret'> {
  /** Receiver path; the channel's secret holds its URL. @default `/<type>/<name>` */
  path?: string;
  /** Webhooks: the signing secret. @default a random one */
  signingSecret?: string;
}

export interface NotifierHarness {
  table: TestTable;
  sqs: SQSClient;
  receivers: LocalReceivers;
  secrets: LocalSecrets;
  channels: NotifierChannel[];
  /** Every wait the notifier asked for, ms (waits are real; only recorded). */
  sleeps: number[];
  /** The notifier's dependencies, real clients against the local stand-ins. */
  deps: NotifierDeps;
  channel(name: string): NotifierChannel;
  pathOf(name: string): string;
  signingSecretOf(name: string): string;
  /** Publishes an alert through the aggregator's own publish path (formatAlert + outbox publish). */
  publish(alert: Alert): Promise<void>;
  /** One receive of the channel's queue handled by the notifier, as one Lambda invocation. */
  poll(name: string, deadlineMs?: number): Promise<{ received: number; failed: string[] }>;
  /** Polls until the queue yields nothing (each message handled once per receive). */
  drain(name: string): Promise<number>;
  /** Messages in the channel's dead-letter queue (received, not deleted). */
  deadLetters(name: string): Promise<Message[]>;
  /** Visible and in-flight messages of the channel's queue. */
  queueDepth(name: string): Promise<{ visible: number; inFlight: number }>;
  /** The delivery marker of an alert on a channel. */
  marker(alert: Alert, channel: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

/** Generous bound on one simulated invocation; only a safety net. */
export const INVOCATION_MS = 60_000;

/**
 * The notifier's real parts on one machine: a table in DynamoDB Local, the SNS/SQS emulator with the alert
 * topic and one queue per channel subscribed with the channel's filter policy (built as the stack builds
 * it), the Secrets Manager stand-in holding each channel's URL, and local HTTP receivers.
 */
export const startNotifierHarness = async (
  testChannels: TestChannel[],
  overrides: Partial<NotifierDeps> = {},
): Promise<NotifierHarness> => {
  const table = await createTestTable('notifier');
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sns = new SNSClient(config);
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
  const receivers = await startLocalReceivers();
  const secrets = await startLocalSecrets();
  const topic = await sns.send(new CreateTopicCommand({ Name: `alerts-${randomUUID().slice(0, 8)}` }));
  const topicArn = topic.TopicArn!;
  const paths = new Map<string, string>();
  const signingSecrets = new Map<string, string>();
  const channels: NotifierChannel[] = [];
  for (const test of testChannels) {
    const path = test.path ?? `/${test.type}/${test.name}`;
    paths.set(test.name, path);
    const signingSecret = test.signingSecret ?? randomUUID();
    signingSecrets.set(test.name, signingSecret);
    const secretValue =
      test.type === 'webhook'
        ? JSON.stringify({ url: receivers.urlFor(path), signingSecret })
        : JSON.stringify({ url: receivers.urlFor(path) });
    const secretArn = secrets.put(`claude-monitor/${test.name}`, secretValue);
    if (test.type === 'webhook') receivers.setSigningSecret(path, signingSecret);
    const { path: _path, signingSecret: _signing, ...channelConfig } = test;
    channels.push(
      await createChannelQueues(
        { sns, sqs },
        topicArn,
        { ...channelConfig, secret: secretArn },
        `q-${randomUUID().slice(0, 6)}`,
      ),
    );
  }
  const sleeps: number[] = [];
  const deps: NotifierDeps = {
    client: table.client,
    tableName: table.tableName,
    sqs,
    targets: secretChannelTargets({
      client: new SecretsManagerClient({ ...config, endpoint: secrets.endpoint }),
    }),
    dashboardUrl: 'https://monitor.example.com/dashboard/claude-monitoring/',
    policy: { ...DEFAULT_DELIVERY_POLICY, baseBackoffMs: 100 },
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    now: Date.now,
    logger: SILENT_LOGGER,
    metrics: { count: () => undefined },
    ...overrides,
  };
  const channel = (name: string) => {
    const found = channels.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no test channel ${name}`);
    return found;
  };
  const handler = (deadlineMs?: number) => (event: Parameters<typeof handleQueueBatch>[2]) =>
    handleQueueBatch(deps, channels, event, deadlineMs ?? deps.now() + INVOCATION_MS);
  return {
    table,
    sqs,
    receivers,
    secrets,
    channels,
    sleeps,
    deps,
    channel,
    pathOf: (name) => paths.get(name)!,
    signingSecretOf: (name) => signingSecrets.get(name)!,
    publish: async (alert) => {
      const message = formatAlert(alert);
      const id = alertId(alert);
      await publishEntries(
        {
          client: table.client,
          tableName: table.tableName,
          sns,
          alertTopicArn: topicArn,
          logger: SILENT_LOGGER,
          metrics: NO_METRICS,
        },
        [
          {
            pk: OUTBOX_PK,
            sk: `${alert.time}#${id}`,
            alertId: id,
            subject: message.subject,
            body: message.body,
            attributes: message.attributes,
          },
        ],
      );
    },
    poll: (name, deadlineMs) => pollQueueOnce(sqs, channel(name), handler(deadlineMs)),
    drain: async (name) => {
      let handled = 0;
      for (;;) {
        const { received } = await pollQueueOnce(sqs, channel(name), handler());
        if (received === 0) return handled;
        handled += received;
      }
    },
    deadLetters: async (name) => {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: channel(name).deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          VisibilityTimeout: 0,
        }),
      );
      return out.Messages ?? [];
    },
    queueDepth: async (name) => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: channel(name).queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    marker: async (alert, channelName) => {
      const out = await table.client.send(
        new GetItemCommand({
          TableName: table.tableName,
          Key: marshall(deliveryKey(alertId(alert), channelName)),
          ConsistentRead: true,
        }),
      );
      return out.Item ? unmarshall(out.Item) : undefined;
    },
    stop: async () => {
      sns.destroy();
      sqs.destroy();
      await receivers.stop();
      await secrets.stop();
      await server.stop();
    },
  };
};

/** A session-cost alert of tenant `tenant`, unique per `session`. */
export const sessionAlert = (session: string, tenant = 'acme', user = 'ann'): Alert => ({
  rule: 'session-cost',
  scope: `session:${session}`,
  window: 'total',
  step: '10',
  value: 12_500_000_000,
  threshold: 10_000_000_000,
  unit: 'nanoUsd',
  time: new Date().toISOString(),
  context: { tenantId: tenant, userId: user },
});

/** A budget alert of a tenant at a percentage of a $100 monthly budget. */
export const budgetAlert = (tenant: string, percent: number): Alert => ({
  rule: 'budget',
  scope: `tenant:${tenant}`,
  window: '2026-11',
  step: String(percent),
  value: percent * 1_000_000_000,
  threshold: percent * 1_000_000_000,
  unit: 'nanoUsd',
  time: new Date().toISOString(),
  budget: { period: 'month', percent, amountNanoUsd: 100_000_000_000 },
});

/** Five failed calls in a row in a function. */
export const streakAlert = (functionName: string): Alert => ({
  rule: 'consecutive-errors',
  scope: `function:${functionName}`,
  window: new Date().toISOString(),
  step: '5',
  value: 5,
  threshold: 5,
  unit: 'count',
  time: new Date().toISOString(),
});
