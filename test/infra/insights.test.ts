import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthMonitorStack } from './support/synth-stack';

describe('insights job', () => {
  const { template } = synthMonitorStack({
    budgets: [{ scope: 'tenant', id: 'acme', period: 'month', usd: 500 }],
  });

  it('runs the insights handler every hour at minute 10, without retries', () => {
    // Prepare
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'Hourly anomaly and month-end forecast alerts from rollups' },
    });
    const id = Object.keys(functions)[0]!;

    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(10 * * * ? *)',
        Targets: [
          Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
        ],
      });

    // Assess
    expect(Object.keys(functions)).toHaveLength(1);
    expect(assess).not.toThrow();
  });

  it('gets the table, the alert topic and the same alert configuration as the aggregator', () => {
    // Prepare
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'Hourly anomaly and month-end forecast alerts from rollups' },
      }),
    )[0]!;

    // Act
    const env = fn.Properties.Environment.Variables;

    // Assess
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'CLAUDE_MONITOR_TABLE',
        'CLAUDE_MONITOR_ALERT_TOPIC_ARN',
        'CLAUDE_MONITOR_ALERT_CONFIG',
        'CLAUDE_MONITOR_BUDGETS',
      ]),
    );
    expect(JSON.parse(env.CLAUDE_MONITOR_BUDGETS)).toEqual([
      { scope: 'tenant', id: 'acme', period: 'month', usd: 500 },
    ]);
  });
});
