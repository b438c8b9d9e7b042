import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChannelTargets } from './channel-targets';
import type { DeliveryPolicy } from './http-delivery';

/** The structured logger the notifier writes to; Powertools' `Logger` fits it. */
export interface NotifierLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counts per channel (metric names from `METRIC`). */
export interface NotifierMetrics {
  count(metric: string, channel: string): void;
}

/** Everything the notifier needs from the outside, built once at cold start. */
export interface NotifierDeps {
  client: DynamoDBClient;
  tableName: string;
  /** Changes a failed message's visibility and sends refused ones to the dead-letter queue. */
  sqs: SQSClient;
  targets: ChannelTargets;
  /** Dashboard page that messages link to. @default - no link */
  dashboardUrl?: string;
  policy: DeliveryPolicy;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Clock, ms since the epoch. */
  now: () => number;
  /** @default Math.random */
  random?: () => number;
  logger: NotifierLogger;
  metrics: NotifierMetrics;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
