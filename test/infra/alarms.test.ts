import { Match } from 'aws-cdk-lib/assertions';
import { METRIC_NAMESPACE } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { synthMonitorStack } from './support/synth-stack';

type Alarm = {
  Properties: { AlarmActions: unknown[]; MetricName?: string; Metrics?: { Expression?: string }[] };
};

describe('alarms', () => {
  const { template } = synthMonitorStack();
  const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];

  it('sends every alarm to the alert topic', () => {
    // Prepare: alarms of the default stack
    // Act
    const actions = alarms.map((alarm) => alarm.Properties.AlarmActions);
    // Assess
    expect(actions.length).toBeGreaterThanOrEqual(6);
    for (const action of actions) expect(action).toEqual([{ Ref: topicId }]);
  });

  it('watches the budget sweeper for errors', () => {
    // Prepare
    const sweeperId = Object.keys(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'Releases budget reservations of Claude calls that never settled' },
      }),
    )[0]!;
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: sweeperId } }],
        Threshold: 0,
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('watches aggregator errors, iterator age, the on-failure queue and API 5xx', () => {
    // Prepare
    const expected = ['Errors', 'IteratorAge', 'ApproximateNumberOfMessagesVisible', '5xx'];
    // Act
    const names = alarms.map((alarm) => alarm.Properties.MetricName);
    // Assess
    expect(names).toEqual(expect.arrayContaining(expected));
  });

  it('fires as soon as one message waits in the on-failure queue', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it("sums the layer's UnpricedCalls and RecordsNotWritten over every dimension", () => {
    // Prepare
    const queryOf = (metric: string) => `SELECT SUM(${metric}) FROM "${METRIC_NAMESPACE}"`;
    // Act
    const assess = (metric: string) => () =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([Match.objectLike({ Expression: queryOf(metric) })]),
      });
    // Assess
    expect(assess('UnpricedCalls')).not.toThrow();
    expect(assess('RecordsNotWritten')).not.toThrow();
  });
});
