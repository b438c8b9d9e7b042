import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

const ESM = 'AWS::Lambda::EventSourceMapping';

describe('aggregator event source', () => {
  const { template } = synthMonitorStack({ aggregator: { batchSize: 250, batchingWindowSeconds: 7 } });

  it('only delivers INSERTs of call records', () => {
    // Prepare: stack synthesized above
    const pattern = {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['call'] } } },
    };
    // Act
    const assess = () =>
      template.hasResourceProperties(ESM, {
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(pattern) }] },
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('reports partial batch failures and bisects a failing batch', () => {
    // Prepare: stack synthesized above
    // Act
    const assess = () =>
      template.hasResourceProperties(ESM, {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('sends records it gives up on to the on-failure queue, after bounded retries and age', () => {
    // Prepare
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0]!;
    // Act
    const assess = () =>
      template.hasResourceProperties(ESM, {
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 21_600,
        ParallelizationFactor: 1,
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('takes batch size and batching window from the props', () => {
    // Prepare: batchSize 250 and window 7 s above
    // Act
    const assess = () =>
      template.hasResourceProperties(ESM, { BatchSize: 250, MaximumBatchingWindowInSeconds: 7 });
    // Assess
    expect(assess).not.toThrow();
  });

  it("batches by default up to Lambda's largest batch within a 30-second window", SYNTH_TIMEOUT, () => {
    // Prepare: a stack without aggregator props
    const { template: defaults } = synthMonitorStack();
    // Act
    const assess = () =>
      defaults.hasResourceProperties(ESM, { BatchSize: 10_000, MaximumBatchingWindowInSeconds: 30 });
    // Assess
    expect(assess).not.toThrow();
  });

  it('keeps the on-failure queue encrypted and reachable over TLS only', () => {
    // Prepare: stack synthesized above
    // Act
    const encrypted = () => template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const tlsOnly = () =>
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    // Assess
    expect(encrypted).not.toThrow();
    expect(tlsOnly).not.toThrow();
  });

  it('schedules the daily rollup check and the 5-minute outbox retry', () => {
    // Prepare: stack synthesized above
    // Act
    const daily = () =>
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(17 3 * * ? *)',
        Targets: [Match.objectLike({ Input: JSON.stringify({ mode: 'check' }) })],
      });
    const outbox = () =>
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    // Assess
    expect(daily).not.toThrow();
    expect(outbox).not.toThrow();
  });
});
