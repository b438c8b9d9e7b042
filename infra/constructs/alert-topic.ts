import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { EmailSubscriptionConfig } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { subscriptionFilterOf } from './notifier-channel-queue';

export interface AlertTopicProps {
  /**
   * Email addresses to subscribe, each optionally with a filter (e.g. only budget alerts).
   * @default - none
   */
  readonly emails?: readonly (string | EmailSubscriptionConfig)[];
  /**
   * HTTPS endpoints to subscribe.
   * @default - none
   */
  readonly webhooks?: readonly string[];
}

/**
 * The SNS topic that carries budget, session-cost, error-streak and operational alarms to people.
 * Encrypted with a customer managed key because CloudWatch alarms can only publish to an encrypted topic
 * whose key policy lets CloudWatch use the key, which the AWS managed SNS key does not allow.
 */
export class AlertTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  public constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Claude monitor alert topic',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      // Nothing stays encrypted under it once the topic is gone: scheduled for deletion with the stack,
      // rather than retained and billed for ever.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Claude monitor alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) {
      const { address, filter } = typeof email === 'string' ? { address: email, filter: undefined } : email;
      const filterPolicy = subscriptionFilterOf(filter);
      this.topic.addSubscription(new EmailSubscription(address, filterPolicy ? { filterPolicy } : {}));
    }
    for (const url of props.webhooks ?? []) {
      this.topic.addSubscription(new UrlSubscription(url, { protocol: SubscriptionProtocol.HTTPS }));
    }
  }
}
