import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

describe('alert topic', () => {
  it('has no subscriptions when no email or webhook is configured', SYNTH_TIMEOUT, () => {
    // Prepare
    const { template } = synthMonitorStack();
    // Act
    const subscriptions = template.findResources('AWS::SNS::Subscription');
    // Assess
    expect(Object.keys(subscriptions)).toHaveLength(0);
  });

  it('subscribes each configured email address', SYNTH_TIMEOUT, () => {
    // Prepare
    const emails = ['ops@example.com', 'finance@example.com'];
    // Act
    const { template } = synthMonitorStack({ alertEmails: emails });
    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const email of emails) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
    }
  });

  it('subscribes HTTPS webhooks', SYNTH_TIMEOUT, () => {
    // Prepare
    const hook = 'https://hooks.example.com/claude';
    // Act
    const { template } = synthMonitorStack({ alertWebhooks: [hook] });
    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: hook });
  });

  it('encrypts the topic with a rotated key and refuses publishes without TLS', SYNTH_TIMEOUT, () => {
    // Prepare
    const { template } = synthMonitorStack();
    // Act
    const encrypted = () =>
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const rotated = () => template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const tlsOnly = () =>
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    // Assess
    expect(encrypted).not.toThrow();
    expect(rotated).not.toThrow();
    expect(tlsOnly).not.toThrow();
  });
});
