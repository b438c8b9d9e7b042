import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { type AlertConfig, ENV, ITEM_TYPE, KEY, METRIC_NAMESPACE, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { MonitorFunction } from './monitor-function';
import { grantTableReadWrite } from './table-access';

export interface AggregatorConstructProps {
  readonly table: ITable;
  readonly topic: ITopic;
  readonly alertConfig: AlertConfig;
  /** JSON of the deploy-time budgets (both modes): alerts, and the correction of enforced windows. */
  readonly budgets: string;
  readonly logRetention: RetentionDays;
  /** Records per invocation. */
  readonly batchSize: number;
  /** Seconds to wait to fill a batch. */
  readonly batchingWindowSeconds: number;
  /** Batches of one shard processed at once (1 to 10). */
  readonly parallelizationFactor: number;
}

/** Retries of a failing batch; with bisection a poison record is isolated in about log2(batch size) steps. */
export const STREAM_RETRY_ATTEMPTS = 10;
/** Past this age a record goes to the on-failure queue instead of holding up its shard. */
export const STREAM_MAX_RECORD_AGE = Duration.hours(6);

const powertoolsEnv = (service: string): Record<string, string> => ({
  POWERTOOLS_SERVICE_NAME: service,
  POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
});

/** Publishing to the encrypted topic needs data keys of its (single) key; the wildcard is KMS's action family. */
const acknowledgeTopicKey = (fn: MonitorFunction): void =>
  fn.acknowledgeWildcard(
    'Action::kms:GenerateDataKey*',
    'Granted by the topic to publishers, on the topic key only: SNS asks for a data key per publish.',
  );

/**
 * Turns call records into rollups and alerts: the stream-triggered aggregator (only call-record INSERTs reach
 * it), the recompute/check function (daily check, or invoked by hand), and the outbox function that retries
 * alerts whose publish failed. Records that keep failing land in an encrypted on-failure queue.
 */
export class Aggregator extends Construct {
  public readonly streamFunction: MonitorFunction;
  public readonly recomputeFunction: MonitorFunction;
  public readonly outboxFunction: MonitorFunction;
  public readonly deadLetterQueue: Queue;

  public constructor(scope: Construct, id: string, props: AggregatorConstructProps) {
    super(scope, id);
    const { table, topic, logRetention } = props;
    const alertConfig = JSON.stringify(props.alertConfig);

    this.deadLetterQueue = new Queue(this, 'OnFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the stream; its depth raises an alarm.',
    });

    this.streamFunction = new MonitorFunction(this, 'StreamFunction', {
      entry: 'functions/aggregator/handler.ts',
      description: 'Aggregates call records from the table stream into rollups and alerts',
      logRetention,
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.alertTopicArn]: topic.topicArn,
        [ENV.alertConfig]: alertConfig,
        [ENV.budgets]: props.budgets,
        ...powertoolsEnv(SERVICE.aggregator),
      },
    });
    grantTableReadWrite(this.streamFunction, table);
    topic.grantPublish(this.streamFunction);
    this.streamFunction.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(props.batchingWindowSeconds),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        maxRecordAge: STREAM_MAX_RECORD_AGE,
        parallelizationFactor: props.parallelizationFactor,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { [KEY.type]: { S: FilterRule.isEqual(ITEM_TYPE.call) } } },
          }),
        ],
      }),
    );

    this.streamFunction.acknowledgeWildcard(
      'Resource::*',
      'dynamodb:ListStreams has no resource-level permissions; the event source mapping needs it to find the stream.',
    );
    acknowledgeTopicKey(this.streamFunction);

    this.recomputeFunction = new MonitorFunction(this, 'RecomputeFunction', {
      entry: 'functions/aggregator/recompute-handler.ts',
      description: 'Recomputes or checks rollups from raw call records',
      logRetention,
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.alertConfig]: alertConfig,
        ...powertoolsEnv(SERVICE.recompute),
      },
    });
    grantTableReadWrite(this.recomputeFunction, table);
    new Rule(this, 'DailyCheck', {
      description: 'Checks every day that rollups equal a recomputation from the raw call records',
      schedule: Schedule.cron({ hour: '3', minute: '17' }),
      targets: [
        new LambdaFunction(this.recomputeFunction, {
          event: RuleTargetInput.fromObject({ mode: 'check' }),
          retryAttempts: 2,
        }),
      ],
    });

    this.outboxFunction = new MonitorFunction(this, 'OutboxFunction', {
      entry: 'functions/aggregator/outbox-handler.ts',
      description: 'Publishes alerts whose first publish failed',
      logRetention,
      timeout: Duration.minutes(1),
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.alertTopicArn]: topic.topicArn,
        ...powertoolsEnv(SERVICE.outbox),
      },
    });
    grantTableReadWrite(this.outboxFunction, table);
    topic.grantPublish(this.outboxFunction);
    acknowledgeTopicKey(this.outboxFunction);
    new Rule(this, 'OutboxSchedule', {
      description: 'Retries pending alert publishes',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(this.outboxFunction, { retryAttempts: 0 })],
    });
  }
}
