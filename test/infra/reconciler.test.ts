import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { InvalidClaudeMonitorPropsError } from '../../infra/constructs/errors';
import {
  actionsOf,
  functionIdByDescription,
  roleIdOfFunction,
  SYNTH_TIMEOUT,
  statementsOfRole,
  synthMonitorStack,
} from './support/synth-stack';

const DESCRIPTION = 'Compares tracked Claude spend with the Anthropic and Bedrock bills, day by day';
const SECRET = 'AWS::SecretsManager::Secret';

describe('reconciler with the default props', () => {
  const { template } = synthMonitorStack();
  const fnId = functionIdByDescription(template, DESCRIPTION);
  const actions = actionsOf(statementsOfRole(template, roleIdOfFunction(template, fnId)));

  it('runs daily at 06:15 UTC with an empty event', () => {
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(15 6 * * ? *)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Input: '{}' })],
      });

    // Assess
    expect(assess).not.toThrow();
  });

  it('creates the admin-key secret holding the "no key yet" marker, and passes its ARN and the settings', () => {
    // Prepare
    const secrets = template.findResources(SECRET, { Properties: { SecretString: 'none' } });
    const secretId = Object.keys(secrets)[0]!;

    // Act
    const env = (template.toJSON().Resources[fnId].Properties.Environment.Variables ?? {}) as Record<
      string,
      unknown
    >;

    // Assess
    expect(Object.keys(secrets)).toHaveLength(1);
    expect(env.CLAUDE_MONITOR_ADMIN_KEY_SECRET_ARN).toEqual({ Ref: secretId });
    expect(JSON.parse(String(env.CLAUDE_MONITOR_RECONCILIATION))).toMatchObject({
      lookbackDays: 3,
      differencePercent: 1,
      differenceUsd: 1,
      bedrock: { enabled: false },
    });
  });

  it('may read the secret and the table, publish alerts, and nothing of Cost Explorer', () => {
    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'dynamodb:Query', 'sns:Publish']),
    );
    expect(actions.filter((action) => action.startsWith('ce:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('alarms on the topic when a run cannot read a bill', () => {
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'SELECT SUM(ReconciliationErrors) FROM "ClaudeMonitor"' }),
        ]),
        AlarmActions: Match.anyValue(),
      });

    // Assess
    expect(assess).not.toThrow();
  });
});

describe('reconciler props', () => {
  it(
    'may read Cost Explorer only with the Bedrock comparison on, and follows the schedule given',
    SYNTH_TIMEOUT,
    () => {
      // Prepare
      const { template } = synthMonitorStack({
        reconciliation: { schedule: 'rate(12 hours)', bedrock: { enabled: true } },
      });
      const fnId = functionIdByDescription(template, DESCRIPTION);

      // Act
      const actions = actionsOf(statementsOfRole(template, roleIdOfFunction(template, fnId)));

      // Assess
      expect(actions).toEqual(expect.arrayContaining(['ce:GetCostAndUsage', 'ce:GetDimensionValues']));
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(12 hours)' });
    },
  );

  it('uses an existing secret instead of creating one', SYNTH_TIMEOUT, () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:claude/admin-key-AbCdEf';

    // Act
    const { template } = synthMonitorStack({ reconciliation: { adminKeySecretArn: arn } });

    // Assess
    const fnId = functionIdByDescription(template, DESCRIPTION);
    const env = template.toJSON().Resources[fnId].Properties.Environment.Variables as Record<string, unknown>;
    expect(env.CLAUDE_MONITOR_ADMIN_KEY_SECRET_ARN).toBe(arn);
    expect(Object.keys(template.findResources(SECRET, { Properties: { SecretString: 'none' } }))).toEqual([]);
  });

  it('leaves the reconciler out when disabled', SYNTH_TIMEOUT, () => {
    // Act
    const { template } = synthMonitorStack({ reconciliation: { enabled: false } });

    // Assess
    expect(
      Object.keys(
        template.findResources('AWS::Lambda::Function', { Properties: { Description: DESCRIPTION } }),
      ),
    ).toEqual([]);
  });

  it('fails at synth time naming every bad reconciliation prop', () => {
    // Act
    const synth = () =>
      synthMonitorStack({
        reconciliation: {
          schedule: 'every day',
          adminKeySecretArn: 'claude/admin-key',
          lookbackDays: 40,
          anthropic: { monitoredApiKeyIds: ['key-1'] },
        },
      });

    // Assess
    expect(synth).toThrow(InvalidClaudeMonitorPropsError);
    expect(synth).toThrow(
      'Invalid ClaudeMonitor props: reconciliation.schedule must be an EventBridge expression like cron(15 6 * * ? *) or rate(12 hours), got "every day"; ' +
        'reconciliation.adminKeySecretArn must be a Secrets Manager secret ARN, got "claude/admin-key"; ' +
        'reconciliation.lookbackDays must be a whole number from 1 to 31, got 40; ' +
        'reconciliation.anthropic.monitoredApiKeyIds[0] must be an id starting with apikey_, got "key-1"',
    );
  });
});
