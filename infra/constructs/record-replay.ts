import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnPermission, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, type RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ENV, LOG_MESSAGE, METRIC, METRIC_DIMENSION, METRIC_NAMESPACE, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { MonitorFunction } from './monitor-function';
import { CALL_KEY_PATTERN } from './table-access';

/**
 * The lines the subscription passes on: only the monitor's own "not written" and "unconfirmed" records,
 * matched on the `message` field of the JSON line the recorder writes (other output never reaches the
 * replay function, so it costs nothing).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export const REPLAY_FILTER_PATTERN = FilterPattern.any(
  FilterPattern.stringValue('$.message', '=', LOG_MESSAGE.notWritten),
  FilterPattern.stringValue('$.message', '=', LOG_MESSAGE.unconfirmed),
);

/** Id of the subscription filter `subscribe()` adds to a monitored function. */
export const REPLAY_SUBSCRIPTION_ID = 'ClaudeMonitorReplay';

/** Name of that filter in CloudWatch Logs (the CLI steps of docs/deploy.md use the same). */
const REPLAY_FILTER_NAME = 'claude-monitor-replay';

/** Delivery retries Lambda makes for the asynchronous invocations of CloudWatch Logs (its maximum). */
export const REPLAY_RETRY_ATTEMPTS = 2;

export interface RecordReplayProps {
  readonly table: ITable;
  /** Where the alarms of the replay go. */
  readonly topic: ITopic;
  readonly logRetention: RetentionDays;
}

/**
 * Recovery of records the layer could not write, without a person: a function that stores the records a
 * monitored function logged as not written or unconfirmed, fed by a subscription filter on that function's
 * log group (`subscribe`). Each record is put only if it is not in the table yet, so repeated deliveries
 * and records that were stored after all change nothing. Deliveries that still fail after Lambda's retries
 * go to an encrypted queue, and lines that cannot be replayed raise an alarm.
 */
export class RecordReplay extends Construct {
  public readonly replayFunction: MonitorFunction;
  /** Subscription deliveries that failed after every retry (with the event, to replay by hand). */
  public readonly deadLetterQueue: Queue;
  public readonly alarms: Alarm[];

  public constructor(scope: Construct, id: string, props: RecordReplayProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'FailedDeliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the replay function; its depth raises an alarm.',
    });
    this.replayFunction = new MonitorFunction(this, 'Function', {
      entry: 'functions/replay/handler.ts',
      description: 'Stores call records that monitored functions logged as not written or unconfirmed',
      logRetention: props.logRetention,
      timeout: Duration.minutes(1),
      environment: {
        [ENV.tableName]: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE.replay,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
    });
    // A conditional put of call records, and nothing else: no reads, no rollups, no alert state. The
    // condition check looks for the record under the key earlier layer versions gave it (`putOnce`).
    this.replayFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [CALL_KEY_PATTERN] } },
      }),
    );
    this.replayFunction.configureAsyncInvoke({
      retryAttempts: REPLAY_RETRY_ATTEMPTS,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const action = new SnsAction(props.topic);
    const alarm = (alarmId: string, description: string, metric: Metric): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      return created;
    };
    const period = Duration.minutes(5);
    this.alarms = [
      alarm(
        'FailedDeliveriesAlarm',
        'Logged call records could not be replayed after every retry: the events wait in the failure queue.',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM }),
      ),
      alarm(
        'ReplayFailuresAlarm',
        'Logged call records were found that cannot be stored (malformed lines or records DynamoDB refuses).',
        new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: METRIC.replayFailures,
          dimensionsMap: { [METRIC_DIMENSION.service]: SERVICE.replay },
          period,
          statistic: Stats.SUM,
        }),
      ),
    ];
  }

  /**
   * Subscribes the replay function to a monitored function's log group, for its "not written" and
   * "unconfirmed" lines only. The filter is created next to the function (so it deploys with it) on the
   * function's own log group: the one it was given, or the `/aws/lambda/<name>` group CDK makes sure of
   * (`fn.logGroup`). A log group takes at most two subscription filters. Subscribing twice is a no-op.
   */
  public subscribe(fn: LambdaFunction): SubscriptionFilter {
    const existing = fn.node.tryFindChild(REPLAY_SUBSCRIPTION_ID);
    if (existing instanceof SubscriptionFilter) return existing;
    const logGroup = fn.logGroup;
    if (Stack.of(fn) === Stack.of(this)) {
      return new SubscriptionFilter(fn, REPLAY_SUBSCRIPTION_ID, {
        logGroup,
        destination: new LambdaDestination(this.replayFunction),
        filterPattern: REPLAY_FILTER_PATTERN,
        filterName: REPLAY_FILTER_NAME,
      });
    }
    // A function in another stack: CloudWatch Logs' permission to invoke the replay function lives in the
    // function's stack (`LambdaDestination` would put it in the monitor's stack, which would then refer to
    // the function's log group while the function's stack already refers to the monitor: a cycle).
    const permission = new CfnPermission(fn, `${REPLAY_SUBSCRIPTION_ID}Permission`, {
      action: 'lambda:InvokeFunction',
      functionName: this.replayFunction.functionArn,
      principal: 'logs.amazonaws.com',
      sourceArn: logGroup.logGroupArn,
      sourceAccount: Stack.of(fn).account,
    });
    const replayArn = this.replayFunction.functionArn;
    const filter = new SubscriptionFilter(fn, REPLAY_SUBSCRIPTION_ID, {
      logGroup,
      destination: { bind: () => ({ arn: replayArn }) },
      filterPattern: REPLAY_FILTER_PATTERN,
      filterName: REPLAY_FILTER_NAME,
    });
    filter.node.addDependency(permission);
    return filter;
  }
}
