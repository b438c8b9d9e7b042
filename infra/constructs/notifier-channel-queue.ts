import { Duration } from 'aws-cdk-lib';
import { type ITopic, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { filterPolicyOf, type NotificationChannelConfig } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { CHANNEL_QUEUE_SETTINGS } from '../../functions/notifier/config';

/** Timeout of the notifier function. */
export const NOTIFIER_TIMEOUT = Duration.seconds(CHANNEL_QUEUE_SETTINGS.functionTimeoutSeconds);

export interface NotifierChannelQueueProps {
  readonly topic: ITopic;
  readonly channel: NotificationChannelConfig;
  /** Where refused messages and messages SNS could not deliver end up. */
  readonly deadLetterQueue: IQueue;
}

/** The SNS filter policy of a channel or email filter, in CDK's terms (string allow-lists). */
export const subscriptionFilterOf = (filter: NotificationChannelConfig['filter']) => {
  const policy = filterPolicyOf(filter);
  return policy
    ? Object.fromEntries(
        Object.entries(policy).map(([name, values]) => [
          name,
          SubscriptionFilter.stringFilter({ allowlist: values }),
        ]),
      )
    : undefined;
};

/**
 * One channel's queue, subscribed to the alert topic with the channel's filter policy. The SNS envelope is
 * kept (no raw delivery) so that the subject and the attributes arrive with the message. A message the
 * notifier keeps failing moves to the dead-letter queue after `maxReceiveCount` receives; one
 * SNS could not put in the queue goes there too (the subscription's own dead-letter queue).
 */
export class NotifierChannelQueue extends Construct {
  public readonly queue: Queue;

  public constructor(scope: Construct, id: string, props: NotifierChannelQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(CHANNEL_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: {
        queue: props.deadLetterQueue,
        maxReceiveCount: CHANNEL_QUEUE_SETTINGS.maxReceiveCount,
      },
    });
    const filterPolicy = subscriptionFilterOf(props.channel.filter);
    props.topic.addSubscription(
      new SqsSubscription(this.queue, {
        rawMessageDelivery: false,
        deadLetterQueue: props.deadLetterQueue,
        ...(filterPolicy ? { filterPolicy } : {}),
      }),
    );
  }
}
