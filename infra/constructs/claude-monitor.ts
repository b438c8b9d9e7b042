import { RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { DEFAULT_RETENTION_DAYS, ENV, resolveAlertConfig } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { Aggregator } from './aggregator';
import { AlertTopic } from './alert-topic';
import { ApiTokenSecret } from './api-token-secret';
import { provisionedCapacityOf } from './capacity';
import type { ClaudeMonitorProps } from './claude-monitor-props';
import { InvalidClaudeMonitorPropsError } from './errors';
import { MonitorAlarms } from './monitor-alarms';
import { MonitorApi } from './monitor-api';
import { MonitorLayer } from './monitor-layer';
import { MonitorTable } from './monitor-table';
import { RecordReplay } from './record-replay';
import { layerSummaryReadStatement, layerWriteStatement } from './table-access';
import { validateClaudeMonitorProps } from './validate-props';

/** How `attach()` sets up a monitored function. */
export interface AttachOptions {
  /**
   * Store prompt and completion text with each record.
   * @default false
   */
  readonly captureContent?: boolean;
  /**
   * Patch `@anthropic-ai/sdk` at load time so every client is monitored without code changes.
   * @default false
   */
  readonly autoInstrument?: boolean;
  /**
   * Let the function call the layer's `getMonitoringSummary`, which queries raw call records
   * (`dynamodb:Query`, call-record partitions only).
   * @default false
   */
  readonly allowSummaryReads?: boolean;
}

/** `{ [name]: value }`, or nothing when the value is undefined (the props are read-only and exact). */
const optional = <K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };

/** Defaults of `ClaudeMonitorProps`, applied after validation. */
export const CLAUDE_MONITOR_DEFAULTS = {
  stageName: 'prod',
  batchSize: 1_000,
  batchingWindowSeconds: 5,
  /** One batch per shard at a time: no concurrent commits on the same rollups unless asked for. */
  parallelizationFactor: 1,
  rateLimit: 20,
  burstLimit: 40,
  logRetention: RetentionDays.ONE_MONTH,
} as const;

/**
 * The whole Claude usage and cost monitor: table, layer, aggregator, alert topic, API with dashboard and
 * alarms. Put it in any stack; call `attach(fn)` for each Lambda function whose Claude calls to record.
 *
 * @example
 * const monitor = new ClaudeMonitor(this, 'Monitor', { alertEmails: ['ops@example.com'] });
 * monitor.attach(myClaudeFunction);
 */
export class ClaudeMonitor extends Construct {
  public readonly table: Table;
  public readonly layer: LayerVersion;
  /** SSM parameter holding the current layer version ARN. */
  public readonly layerArnParameter: StringParameter;
  public readonly alertTopic: Topic;
  public readonly apiTokenSecret: Secret;
  public readonly aggregator: Aggregator;
  public readonly api: MonitorApi;
  public readonly alarms: MonitorAlarms;
  /** Stores the records attached functions logged as not written or unconfirmed (see `attach`). */
  public readonly recordReplay: RecordReplay;
  /** Days raw call records are kept. */
  public readonly retentionDays: number;

  /** @throws InvalidClaudeMonitorPropsError naming every invalid prop. */
  public constructor(scope: Construct, id: string, props: ClaudeMonitorProps = {}) {
    super(scope, id);
    const problems = validateClaudeMonitorProps(props);
    if (problems.length > 0) throw new InvalidClaudeMonitorPropsError(problems);

    const defaults = CLAUDE_MONITOR_DEFAULTS;
    const stageName = props.stageName ?? defaults.stageName;
    const logRetention = props.logRetention ?? defaults.logRetention;
    this.retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;

    this.table = new MonitorTable(this, 'Storage', {
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
      ...optional('provisioned', provisionedCapacityOf(props.capacity)),
    }).table;
    const layer = new MonitorLayer(this, 'Layer', { stageName });
    this.layer = layer.layer;
    this.layerArnParameter = layer.parameter;
    this.alertTopic = new AlertTopic(this, 'Alerts', {
      emails: props.alertEmails ?? [],
      webhooks: props.alertWebhooks ?? [],
    }).topic;
    this.apiTokenSecret = new ApiTokenSecret(this, 'ApiToken').secret;
    this.aggregator = new Aggregator(this, 'Aggregator', {
      table: this.table,
      topic: this.alertTopic,
      alertConfig: resolveAlertConfig(props.alerts),
      logRetention,
      batchSize: props.aggregator?.batchSize ?? defaults.batchSize,
      batchingWindowSeconds: props.aggregator?.batchingWindowSeconds ?? defaults.batchingWindowSeconds,
      parallelizationFactor: props.aggregator?.parallelizationFactor ?? defaults.parallelizationFactor,
    });
    this.api = new MonitorApi(this, 'Api', {
      table: this.table,
      tokenSecret: this.apiTokenSecret,
      logRetention,
      stageName,
      rateLimit: props.apiThrottle?.rateLimit ?? defaults.rateLimit,
      burstLimit: props.apiThrottle?.burstLimit ?? defaults.burstLimit,
      ...(props.dashboardOrigin ? { dashboardOrigin: props.dashboardOrigin } : {}),
    });
    this.alarms = new MonitorAlarms(this, 'Alarms', {
      topic: this.alertTopic,
      aggregator: this.aggregator.streamFunction,
      deadLetterQueue: this.aggregator.deadLetterQueue,
      api: this.api.api,
    });
    this.recordReplay = new RecordReplay(this, 'RecordReplay', {
      table: this.table,
      topic: this.alertTopic,
      logRetention,
    });
  }

  /**
   * Monitors the Claude calls of a function in the same app: adds the layer, the environment the layer reads,
   * and permission to write call records into the table (`BatchWriteItem`, only `CALL#` partitions, no reads),
   * and subscribes the record replay to the function's log group, so records it logs as not written reach
   * the table by themselves.
   */
  public attach(fn: LambdaFunction, options: AttachOptions = {}): void {
    fn.addLayers(this.layer);
    fn.addEnvironment(ENV.tableName, this.table.tableName);
    fn.addEnvironment(ENV.retentionDays, String(this.retentionDays));
    if (options.captureContent) fn.addEnvironment(ENV.captureContent, 'true');
    if (options.autoInstrument) fn.addEnvironment(ENV.autoInstrument, 'true');
    fn.addToRolePolicy(layerWriteStatement(this.table));
    if (options.allowSummaryReads) fn.addToRolePolicy(layerSummaryReadStatement(this.table));
    this.recordReplay.subscribe(fn);
  }
}
