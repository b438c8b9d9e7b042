import {
  ConfigError,
  ENV,
  type NotificationChannelConfig,
  readRequired,
  validateChannels,
} from 'claude-monitor/domain';

/**
 * A channel as the notifier runs it: the configured channel (its filter already applied by the SNS
 * subscription) plus the queue its messages arrive on and the dead-letter queue for refused ones.
 */
export interface NotifierChannel
  extends Pick<NotificationChannelConfig, 'name' | 'type' | 'secret' | 'digest'> {
  /** ARN of the channel's queue: how an SQS record is matched to its channel. */
  readonly queueArn: string;
  readonly queueUrl: string;
  /** Where a notification the endpoint refused for good is sent, with the reason. */
  readonly deadLetterQueueUrl: string;
}

/**
 * How each channel's queue is set up, the same in the stack and the local stack: the function's timeout,
 * a visibility timeout six times as long (as AWS advises for Lambda), and the receives of a failing message
 * before SQS moves it to the dead-letter queue.
 */
export const CHANNEL_QUEUE_SETTINGS = {
  functionTimeoutSeconds: 60,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 8,
} as const;

/** The notifier's settings, read from the environment once at cold start. */
export interface NotifierConfig {
  tableName: string;
  channels: NotifierChannel[];
  /** The dashboard page; chat messages link to it filtered to the alert's scope. @default - no link */
  dashboardUrl?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and validates the environment; throws a `ConfigError` naming the variable. */
export const readNotifierConfig = (env: NodeJS.ProcessEnv = process.env): NotifierConfig => {
  const tableName = readRequired(env, ENV.tableName);
  const raw = readRequired(env, ENV.notifierChannels);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(ENV.notifierChannels, 'is not valid JSON', { cause });
  }
  if (!Array.isArray(parsed)) throw new ConfigError(ENV.notifierChannels, 'must be a JSON list of channels');
  const problems = validateChannels(parsed as NotificationChannelConfig[], 'channels');
  parsed.forEach((channel: unknown, i) => {
    for (const key of ['queueArn', 'queueUrl', 'deadLetterQueueUrl']) {
      if (isObject(channel) && (typeof channel[key] !== 'string' || channel[key] === '')) {
        problems.push(`channels[${i}].${key} must be a non-empty string`);
      }
    }
  });
  if (problems.length > 0) throw new ConfigError(ENV.notifierChannels, problems.join('; '));
  const dashboardUrl = env[ENV.dashboardUrl]?.trim();
  if (dashboardUrl) {
    try {
      new URL(dashboardUrl);
    } catch (cause) {
      throw new ConfigError(ENV.dashboardUrl, `is not a URL: "${dashboardUrl}"`, { cause });
    }
  }
  return {
    tableName,
    channels: parsed as NotifierChannel[],
    ...(dashboardUrl ? { dashboardUrl } : {}),
  };
};
