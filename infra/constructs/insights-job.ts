import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type AlertConfig, ENV, METRIC_NAMESPACE, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { MonitorFunction } from './monitor-function';
import { grantTableReadWrite } from './table-access';

export interface InsightsJobProps {
  readonly table: ITable;
  readonly topic: ITopic;
  readonly alertConfig: AlertConfig;
  /** Deploy-time budgets as JSON (`CLAUDE_MONITOR_BUDGETS`); run-time ones are read from the table. */
  readonly budgets: string;
  readonly logRetention: RetentionDays;
}

/**
 * Minute past each hour the job runs: the stream's batching window and retries have by then settled the
 * previous hour's rollups in all but pathological cases.
 */
export const INSIGHTS_MINUTE = 10;

/**
 * The hourly insights job: anomaly alerts for the last complete hour and month-end forecast alerts against
 * monthly budgets, through the aggregator's fire-once markers and outbox (it writes markers and outbox
 * entries, and publishes to the alert topic).
 */
export class InsightsJob extends Construct {
  public readonly function: MonitorFunction;

  public constructor(scope: Construct, id: string, props: InsightsJobProps) {
    super(scope, id);
    this.function = new MonitorFunction(this, 'Function', {
      entry: 'functions/insights/handler.ts',
      description: 'Hourly anomaly and month-end forecast alerts from rollups',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.alertTopicArn]: props.topic.topicArn,
        [ENV.alertConfig]: JSON.stringify(props.alertConfig),
        [ENV.budgets]: props.budgets,
        POWERTOOLS_SERVICE_NAME: SERVICE.insights,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
    });
    grantTableReadWrite(this.function, props.table);
    props.topic.grantPublish(this.function);
    this.function.acknowledgeWildcard(
      'Action::kms:GenerateDataKey*',
      'Granted by the topic to publishers, on the topic key only: SNS asks for a data key per publish.',
    );
    new Rule(this, 'Schedule', {
      description: 'Judges the last complete hour for anomalies and projects monthly budgets',
      schedule: Schedule.cron({ minute: String(INSIGHTS_MINUTE) }),
      // A missed run is not retried: the next hour judges its own hour, and a retry would judge a later one.
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
