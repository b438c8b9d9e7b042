import { randomBytes } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { ENV, type NotificationChannelConfig } from 'claude-monitor/domain';
import type { NotifierChannel } from '../../functions/notifier/config';
import { createChannelQueues } from './channel-queues';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { type ReceivedRequest, startLocalReceivers } from './local-receivers';
import { startLocalSecrets } from './local-secrets';
import { LocalStackError } from './local-stack-errors';
import { startQueueRunner } from './queue-runner';

/** One request a channel endpoint received from the notifier. */
export interface LocalDelivery extends ReceivedRequest {
  channel: string;
  type: NotificationChannelConfig['type'];
}

/** The local channels: one receiver of each kind, plus a real Slack channel when a URL is given. */
export const LOCAL_CHANNEL = {
  slack: { name: 'slack-local', path: '/slack/local' },
  teams: { name: 'teams-local', path: '/teams/local' },
  webhook: { name: 'webhook-local', path: '/webhook/local' },
  realSlack: { name: 'slack' },
} as const;

export interface LocalNotifierOptions {
  /** Endpoint of the SNS/SQS emulator and the alert topic on it. */
  snsEndpoint: string;
  topicArn: string;
  /** The dashboard page the messages link to. */
  dashboardUrl: string;
  /** A real Slack incoming webhook (`https://hooks.slack.com/...`) to deliver to as well. */
  slackWebhook?: string;
  onDelivery?: (delivery: LocalDelivery) => void;
  log: (line: string) => void;
}

export interface LocalNotifier {
  readonly channels: readonly NotifierChannel[];
  /** Base URL of the local receivers. */
  readonly receiversUrl: string;
  /** Signing secret of `webhook-local`, so that the demo can show the check a receiver makes. */
  readonly webhookSigningSecret: string;
  stop(): Promise<void>;
}

/** How often held digests are checked; every 15 minutes in AWS, every minute here. */
const DIGEST_INTERVAL_MS = 60_000;

/** A Lambda context whose remaining time is the notifier's timeout, for the handler's deadline. */
const localContext = (ms: number): Context => ({ getRemainingTimeInMillis: () => ms }) as unknown as Context;

/**
 * The notifier on this machine: local Slack, Teams and webhook receivers, their URLs in a local Secrets
 * Manager stand-in, a queue per channel subscribed to the alert topic, and the real notifier handler called
 * by a poller per queue, as each channel's event source mapping calls it in AWS. Expects the process
 * environment of the aggregator (table, DynamoDB endpoint) to be set.
 */
export const startLocalNotifier = async (options: LocalNotifierOptions): Promise<LocalNotifier> => {
  if (options.slackWebhook !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.slackWebhook);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') {
      throw new LocalStackError('--slack-webhook must be an https URL (a Slack incoming webhook)');
    }
  }
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const byPath = new Map<string, { name: string; type: NotificationChannelConfig['type'] }>();
    const receivers = await startLocalReceivers({
      onRequest: (request) => {
        const channel = byPath.get(request.path);
        if (channel) options.onDelivery?.({ ...request, channel: channel.name, type: channel.type });
      },
    });
    stops.push(() => receivers.stop());
    const secrets = await startLocalSecrets();
    stops.push(() => secrets.stop());
    const webhookSigningSecret = randomBytes(24).toString('base64url');
    const specs: (NotificationChannelConfig & { url: string })[] = [
      { ...LOCAL_CHANNEL.slack, type: 'slack', secret: '', url: receivers.urlFor(LOCAL_CHANNEL.slack.path) },
      { ...LOCAL_CHANNEL.teams, type: 'teams', secret: '', url: receivers.urlFor(LOCAL_CHANNEL.teams.path) },
      {
        ...LOCAL_CHANNEL.webhook,
        type: 'webhook',
        secret: '',
        url: receivers.urlFor(LOCAL_CHANNEL.webhook.path),
      },
      ...(options.slackWebhook
        ? [
            {
              name: LOCAL_CHANNEL.realSlack.name,
              type: 'slack' as const,
              secret: '',
              url: options.slackWebhook,
            },
          ]
        : []),
    ];
    for (const [type, { name, path }] of [
      ['slack', LOCAL_CHANNEL.slack],
      ['teams', LOCAL_CHANNEL.teams],
      ['webhook', LOCAL_CHANNEL.webhook],
    ] as const) {
      byPath.set(path, { name, type });
    }
    receivers.setSigningSecret(LOCAL_CHANNEL.webhook.path, webhookSigningSecret);

    const config = { endpoint: options.snsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const sns = new SNSClient(config);
    const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
    stops.push(async () => {
      sns.destroy();
      sqs.destroy();
    });
    const channels: NotifierChannel[] = [];
    for (const spec of specs) {
      const value =
        spec.type === 'webhook'
          ? JSON.stringify({ url: spec.url, signingSecret: webhookSigningSecret })
          : JSON.stringify({ url: spec.url });
      const { url: _url, ...channel } = spec;
      channels.push(
        await createChannelQueues({ sns, sqs }, options.topicArn, {
          ...channel,
          secret: secrets.put(`claude-monitor/${spec.name}`, value),
        }),
      );
    }

    // The handlers read their configuration at cold start, as in Lambda: set it before importing them.
    Object.assign(process.env, {
      [ENV.notifierChannels]: JSON.stringify(channels),
      [ENV.sqsEndpoint]: options.snsEndpoint,
      [ENV.secretsEndpoint]: secrets.endpoint,
      [ENV.dashboardUrl]: options.dashboardUrl,
    });
    const notifier = await import('../../functions/notifier/handler');
    const digests = await import('../../functions/notifier/digest-handler');
    const runner = startQueueRunner({
      sqs,
      channels,
      handler: (event) => notifier.handler(event, localContext(60_000)),
      onError: (channel, error) => options.log(`notifier queue ${channel}: ${error.message}`),
    });
    stops.push(() => runner.stop());
    let digestRun: Promise<unknown> = Promise.resolve();
    const digestTimer = setInterval(() => {
      digestRun = digests
        .handler({}, localContext(60_000))
        .catch((error: Error) => options.log(`notifier digests: ${error.message}`));
    }, DIGEST_INTERVAL_MS);
    stops.push(async () => {
      clearInterval(digestTimer);
      await digestRun;
    });
    return { channels, receiversUrl: receivers.url, webhookSigningSecret, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
