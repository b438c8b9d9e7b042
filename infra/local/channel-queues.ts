import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { filterPolicyOf, type NotificationChannelConfig } from 'claude-monitor/domain';
import { CHANNEL_QUEUE_SETTINGS, type NotifierChannel } from '../../functions/notifier/config';

const arnOf = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
};

/**
 * What the CDK stack builds per channel, on the SNS/SQS emulator: a queue subscribed to the alert topic
 * with the channel's filter policy (SNS envelope kept, not raw), redriving to a dead-letter queue.
 */
export const createChannelQueues = async (
  clients: { sns: SNSClient; sqs: SQSClient },
  topicArn: string,
  channel: NotificationChannelConfig,
  prefix = 'claude-monitor-notify',
): Promise<NotifierChannel> => {
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${channel.name}-dlq` }));
  const deadLetterQueueUrl = dlq.QueueUrl!;
  const queue = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${channel.name}`,
      Attributes: {
        VisibilityTimeout: String(CHANNEL_QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: await arnOf(clients.sqs, deadLetterQueueUrl),
          maxReceiveCount: CHANNEL_QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl!;
  const queueArn = await arnOf(clients.sqs, queueUrl);
  const policy = filterPolicyOf(channel.filter);
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: {
        RawMessageDelivery: 'false',
        ...(policy ? { FilterPolicy: JSON.stringify(policy) } : {}),
      },
    }),
  );
  return {
    name: channel.name,
    type: channel.type,
    secret: channel.secret,
    ...(channel.digest ? { digest: channel.digest } : {}),
    queueArn,
    queueUrl,
    deadLetterQueueUrl,
  };
};
