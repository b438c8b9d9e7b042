import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ENV, METRIC_NAMESPACE, type NotificationChannelConfig, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import type { NotifierChannel } from '../../functions/notifier/config';
import { MonitorFunction } from './monitor-function';
import { NOTIFIER_TIMEOUT, NotifierChannelQueue } from './notifier-channel-queue';

export interface NotifierProps {
  readonly table: ITable;
  readonly topic: ITopic;
  readonly channels: readonly NotificationChannelConfig[];
  readonly logRetention: RetentionDays;
  /** Dashboard page that messages link to. */
  readonly dashboardUrl: string;
}

/** Messages per invocation: one channel's, posted one after the other within the function's timeout. */
const BATCH_SIZE = 5;
/** Concurrent invocations per channel (SQS's minimum is 2): a flood to one channel cannot take them all. */
const MAX_CONCURRENCY_PER_CHANNEL = 2;
/** Partitions of the table the notifier may touch: delivery markers and held digest entries. */
const NOTIFIER_KEYS = ['DELIVERY#*', 'DIGEST#*'];
const NOTIFIER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** `AlertChannelSlackOps` style construct ids from channel names. */
const idOf = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** A secret from its name, full ARN (with the 6-character suffix) or partial ARN. */
const secretOf = (scope: Construct, id: string, reference: string): ISecret => {
  if (!reference.startsWith('arn:')) return Secret.fromSecretNameV2(scope, id, reference);
  return /-[A-Za-z0-9]{6}$/.test(reference)
    ? Secret.fromSecretCompleteArn(scope, id, reference)
    : Secret.fromSecretPartialArn(scope, id, reference);
};

/**
 * Delivers alerts to Slack, Teams and signed webhooks. Each channel has its own queue subscribed to the
 * alert topic with the channel's filter, and its own event source mapping to the notifier function, so a
 * slow or failing endpoint only ever holds up its own messages; SQS (rather than SNS invoking Lambda
 * directly) gives each channel retries with backoff, a visibility delay for `Retry-After`, and a
 * dead-letter queue. Channel URLs and signing secrets stay in Secrets Manager; the template holds names only.
 */
export class Notifier extends Construct {
  public readonly function: MonitorFunction;
  /** Scheduled digest sender; only when a channel has digest settings. */
  public readonly digestFunction?: MonitorFunction;
  public readonly deadLetterQueue: Queue;
  public readonly queues: Record<string, Queue> = {};
  public readonly deadLetterAlarm: Alarm;

  public constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const { table, topic, logRetention } = props;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the channel queues; its depth raises an alarm.',
    });

    const runtimeChannels: NotifierChannel[] = [];
    const secrets: ISecret[] = [];
    for (const channel of props.channels) {
      const queue = new NotifierChannelQueue(this, `Channel${idOf(channel.name)}`, {
        topic,
        channel,
        deadLetterQueue: this.deadLetterQueue,
      }).queue;
      this.queues[channel.name] = queue;
      secrets.push(secretOf(this, `Channel${idOf(channel.name)}Secret`, channel.secret));
      runtimeChannels.push({
        name: channel.name,
        type: channel.type,
        secret: channel.secret,
        ...(channel.digest ? { digest: channel.digest } : {}),
        queueArn: queue.queueArn,
        queueUrl: queue.queueUrl,
        deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
      });
    }

    const environment = {
      [ENV.tableName]: table.tableName,
      [ENV.notifierChannels]: Stack.of(this).toJsonString(runtimeChannels),
      [ENV.dashboardUrl]: props.dashboardUrl,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };
    const grant = (fn: MonitorFunction): void => {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: NOTIFIER_TABLE_ACTIONS,
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': NOTIFIER_KEYS } },
        }),
      );
      for (const secret of secrets) secret.grantRead(fn);
      this.deadLetterQueue.grantSendMessages(fn);
    };

    this.function = new MonitorFunction(this, 'Function', {
      entry: 'functions/notifier/handler.ts',
      description: 'Delivers alerts to Slack, Teams and signed webhooks',
      logRetention,
      timeout: NOTIFIER_TIMEOUT,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: SERVICE.notifier },
    });
    grant(this.function);
    for (const queue of Object.values(this.queues)) {
      this.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: BATCH_SIZE,
          reportBatchItemFailures: true,
          maxConcurrency: MAX_CONCURRENCY_PER_CHANNEL,
        }),
      );
    }

    if (props.channels.some((channel) => channel.digest)) {
      this.digestFunction = new MonitorFunction(this, 'DigestFunction', {
        entry: 'functions/notifier/digest-handler.ts',
        description: 'Sends the alert digests that are due',
        logRetention,
        timeout: Duration.minutes(5),
        environment: { ...environment, POWERTOOLS_SERVICE_NAME: SERVICE.digest },
      });
      grant(this.digestFunction);
      new Rule(this, 'DigestSchedule', {
        description: 'Sends hourly digests and those held over quiet hours',
        schedule: Schedule.rate(Duration.minutes(15)),
        targets: [new LambdaFunction(this.digestFunction, { retryAttempts: 2 })],
      });
    }

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Alerts that a channel refused or that could not be delivered after every retry are in the notifier dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new SnsAction(topic));
  }
}
