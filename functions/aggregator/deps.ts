import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AlertConfig, BudgetConfig } from 'claude-monitor/domain';

/** The structured logger the aggregator writes to; Powertools' `Logger` fits it. */
export interface AggregatorLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Where counts go; Powertools' `Metrics` fits it. */
export interface AggregatorMetrics {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/** Everything the aggregator needs from the outside, built once at cold start. */
export interface AggregatorDeps {
  client: DynamoDBClient;
  tableName: string;
  alertConfig: AlertConfig;
  /**
   * Every budget in force (deploy-time merged with run-time ones), for budget alerts and the correction of
   * enforced windows. @default none
   */
  budgets?: () => Promise<BudgetConfig[]>;
  /** SNS client and topic; without them alerts still go to the outbox and wait there. */
  sns?: SNSClient;
  alertTopicArn?: string;
  logger: AggregatorLogger;
  metrics: AggregatorMetrics;
  /**
   * Where the CloudWatch metrics of newly counted calls go, one EMF document per line (`callMetricDocuments`):
   * stdout in Lambda, whose logs CloudWatch turns into metrics. @default not written
   */
  writeMetricLine?: (line: string) => void;
  /**
   * Attempts per chunk transaction on throttling and transaction conflicts.
   * @default 5
   */
  maxCommitAttempts?: number;
  /**
   * First backoff delay in ms, doubled on every retry with full jitter.
   * @default 50
   */
  baseBackoffMs?: number;
  /** Clock, in ms since the epoch. @default Date.now */
  now?: () => number;
}

/** A logger that drops everything, for callers that do not want output (the benchmark). */
export const SILENT_LOGGER: AggregatorLogger = { info: () => {}, warn: () => {}, error: () => {} };
/** Metrics that are not recorded. */
export const NO_METRICS: AggregatorMetrics = { addMetric: () => {} };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff for attempt `n` (0-based). */
export const backoffMs = (base: number, attempt: number): number => Math.random() * base * 2 ** attempt;
