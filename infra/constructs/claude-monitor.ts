import { RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { StringParameter } from 'aws-cdk-lib/aws-ssm';
import {
  type BudgetConfig,
  DEFAULT_RETENTION_DAYS,
  modeOf,
  resolveAlertConfig,
  resolveBudgetEnforcement,
} from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { resolveReconciliationConfig } from '../../functions/reconciler/config';
import { Aggregator } from './aggregator';
import { AlertTopic } from './alert-topic';
import { ApiTokenSecret } from './api-token-secret';
import { type AttachOptions, attachFunction } from './attach-function';
import { BudgetSweeper } from './budget-sweeper';
import { provisionedCapacityOf } from './capacity';
import type { ClaudeMonitorProps } from './claude-monitor-props';
import { InvalidClaudeMonitorPropsError } from './errors';
import { InsightsJob } from './insights-job';
import { MetricsDashboard } from './metrics-dashboard';
import { MonitorAlarms } from './monitor-alarms';
import { DASHBOARD_PATH, MonitorApi } from './monitor-api';
import { MonitorLayer } from './monitor-layer';
import { MonitorTable } from './monitor-table';
import { Notifier } from './notifier';
import { DEFAULT_RECONCILIATION_SCHEDULE, Reconciler } from './reconciler';
import { RecordReplay } from './record-replay';
import { STREAM_BATCHING_DEFAULTS } from './stream-batching';
import { validateClaudeMonitorProps } from './validate-props';

export type { AttachOptions } from './attach-function';

/**
 * Lambda allows 4 KB of environment in all; attached functions also carry the layer's own variables and
 * their own, so the deploy-time enforced budgets get at most this much of it.
 */
export const MAX_ENFORCED_BUDGETS_JSON = 2_048;

/** `{ [name]: value }`, or nothing when the value is undefined (the props are read-only and exact). */
const optional = <K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };

/** Defaults of `ClaudeMonitorProps`, applied after validation. */
export const CLAUDE_MONITOR_DEFAULTS = {
  stageName: 'prod',
  ...STREAM_BATCHING_DEFAULTS,
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
  /** Name of that parameter, as plain text. */
  public readonly layerArnParameterName: string;
  public readonly alertTopic: Topic;
  public readonly apiTokenSecret: Secret;
  public readonly aggregator: Aggregator;
  /** The hourly anomaly and forecast alert job. */
  public readonly insights: InsightsJob;
  /**
   * CloudWatch dashboard of the monitor's metrics (the calls', the layer's health, the functions'); absent
   * with `metricsDashboard: false`.
   */
  public readonly metricsDashboard: MetricsDashboard | undefined;
  public readonly api: MonitorApi;
  public readonly alarms: MonitorAlarms;
  /** Releases the budget reservations of calls that never settled. */
  public readonly budgetSweeper: BudgetSweeper;
  /** Delivers alerts to Slack, Teams and webhooks; only when `alertChannels` are configured. */
  public readonly notifier?: Notifier;
  /** The daily reconciliation with the bill; absent when `reconciliation.enabled` is false. */
  public readonly reconciler?: Reconciler;
  /** Stores the records attached functions logged as not written or unconfirmed (see `attach`). */
  public readonly recordReplay: RecordReplay;
  /** Days raw call records are kept. */
  public readonly retentionDays: number;
  /** Deploy-time budgets, both modes, as JSON (`CLAUDE_MONITOR_BUDGETS` of the aggregator and the API). */
  private readonly budgetsJson: string;
  /** The enforced ones only, for attached functions. */
  private readonly enforcedBudgetsJson: string;
  private readonly budgetEnforcementJson: string;

  /** @throws InvalidClaudeMonitorPropsError naming every invalid prop. */
  public constructor(scope: Construct, id: string, props: ClaudeMonitorProps = {}) {
    super(scope, id);
    const problems = validateClaudeMonitorProps(props);
    const budgets: BudgetConfig[] = [...(props.budgets ?? [])];
    const enforced = JSON.stringify(budgets.filter((budget) => modeOf(budget) === 'enforce'));
    if (enforced.length > MAX_ENFORCED_BUDGETS_JSON) {
      problems.push(
        `budgets: the enforced deploy-time budgets take ${enforced.length} characters of JSON, more than the ${MAX_ENFORCED_BUDGETS_JSON} an attached function's environment can spare; set some at run time with PUT /api/monitoring/budgets`,
      );
    }
    if (problems.length > 0) throw new InvalidClaudeMonitorPropsError(problems);
    this.budgetsJson = JSON.stringify(budgets);
    this.enforcedBudgetsJson = enforced;
    this.budgetEnforcementJson = JSON.stringify(resolveBudgetEnforcement(props.budgetEnforcement));

    const defaults = CLAUDE_MONITOR_DEFAULTS;
    const stageName = props.stageName ?? defaults.stageName;
    const logRetention = props.logRetention ?? defaults.logRetention;
    this.retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;

    this.table = new MonitorTable(this, 'Storage', {
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
      keepLegacyDimensionIndex: props.keepLegacyDimensionIndex ?? false,
      keepSessionIndex: props.keepSessionIndex ?? false,
      ...optional('provisioned', provisionedCapacityOf(props.capacity)),
    }).table;
    const layer = new MonitorLayer(this, 'Layer', { stageName });
    this.layer = layer.layer;
    this.layerArnParameter = layer.parameter;
    this.layerArnParameterName = layer.parameterName;
    this.alertTopic = new AlertTopic(this, 'Alerts', {
      emails: props.alertEmails ?? [],
      webhooks: props.alertWebhooks ?? [],
    }).topic;
    this.apiTokenSecret = new ApiTokenSecret(this, 'ApiToken').secret;
    // One resolved alert configuration for the two functions that fire alerts from rollups.
    const alertConfig = resolveAlertConfig(props.alerts);
    this.aggregator = new Aggregator(this, 'Aggregator', {
      table: this.table,
      topic: this.alertTopic,
      alertConfig,
      budgets: this.budgetsJson,
      logRetention,
      batchSize: props.aggregator?.batchSize ?? defaults.batchSize,
      batchingWindowSeconds: props.aggregator?.batchingWindowSeconds ?? defaults.batchingWindowSeconds,
      parallelizationFactor: props.aggregator?.parallelizationFactor ?? defaults.parallelizationFactor,
    });
    this.insights = new InsightsJob(this, 'Insights', {
      table: this.table,
      topic: this.alertTopic,
      alertConfig,
      budgets: this.budgetsJson,
      logRetention,
    });
    this.api = new MonitorApi(this, 'Api', {
      table: this.table,
      tokenSecret: this.apiTokenSecret,
      logRetention,
      stageName,
      rateLimit: props.apiThrottle?.rateLimit ?? defaults.rateLimit,
      burstLimit: props.apiThrottle?.burstLimit ?? defaults.burstLimit,
      budgets: this.budgetsJson,
      ...(props.dashboardOrigin ? { dashboardOrigin: props.dashboardOrigin } : {}),
    });
    if ((props.alertChannels ?? []).length > 0) {
      this.notifier = new Notifier(this, 'Notifier', {
        table: this.table,
        topic: this.alertTopic,
        channels: props.alertChannels ?? [],
        logRetention,
        dashboardUrl: `${this.api.url}${DASHBOARD_PATH.slice(1)}`,
      });
    }
    const { enabled = true, schedule, adminKeySecretArn, ...settings } = props.reconciliation ?? {};
    if (enabled) {
      this.reconciler = new Reconciler(this, 'Reconciliation', {
        table: this.table,
        topic: this.alertTopic,
        logRetention,
        config: resolveReconciliationConfig(settings),
        schedule: schedule ?? DEFAULT_RECONCILIATION_SCHEDULE,
        ...(adminKeySecretArn ? { adminKeySecretArn } : {}),
      });
    }
    this.budgetSweeper = new BudgetSweeper(this, 'BudgetSweeper', {
      table: this.table,
      logRetention,
      budgetEnforcement: this.budgetEnforcementJson,
    });
    this.metricsDashboard =
      props.metricsDashboard === false ? undefined : new MetricsDashboard(this, 'Metrics');
    this.alarms = new MonitorAlarms(this, 'Alarms', {
      topic: this.alertTopic,
      aggregator: this.aggregator.streamFunction,
      budgetSweeper: this.budgetSweeper.sweepFunction,
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
   * Monitors the Claude calls of a function in the same app, in this stack or another: with no change to its
   * code by default (see {@link AttachOptions}). Adds the layer (across stacks through SSM, with no export),
   * the environment the layer reads (with the enforced budgets and the enforcement settings), permission to
   * write call records into the table (`BatchWriteItem`, only `CALL#` partitions, no reads) and to enforce
   * budgets (only the budget partitions), and subscribes the record replay to the function's log group, so
   * records it logs as not written or unconfirmed reach the table by themselves. Node.js 22 and 24 functions
   * only.
   * @throws UnsupportedFunctionError for another runtime, a container image or a function attached twice
   */
  public attach(fn: LambdaFunction, options: AttachOptions = {}): void {
    attachFunction(
      fn,
      {
        table: this.table,
        layer: this.layer,
        layerArnParameterName: this.layerArnParameterName,
        retentionDays: this.retentionDays,
        enforcedBudgets: this.enforcedBudgetsJson,
        budgetEnforcement: this.budgetEnforcementJson,
      },
      options,
    );
    this.recordReplay.subscribe(fn);
  }
}
