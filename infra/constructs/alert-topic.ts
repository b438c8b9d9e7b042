import { Duration } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertTopicProps {
  /**
   * Email addresses to subscribe.
   * @default - none
   */
  readonly emails?: readonly string[];
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
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Claude monitor alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new EmailSubscription(email));
    }
    for (const url of props.webhooks ?? []) {
      this.topic.addSubscription(new UrlSubscription(url, { protocol: SubscriptionProtocol.HTTPS }));
    }
  }
}
