import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { NotificationChannelConfig } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClaudeMonitor } from '../../infra/constructs/claude-monitor';
import type { ClaudeMonitorProps } from '../../infra/constructs/claude-monitor-props';
import { InvalidClaudeMonitorPropsError } from '../../infra/constructs/errors';
import {
  functionIdByDescription,
  NO_BUNDLING,
  roleIdOfFunction,
  SYNTH_TIMEOUT,
  statementsOfRole,
  synthMonitorStack,
} from './support/synth-stack';

const CHANNELS: NotificationChannelConfig[] = [
  { name: 'acme-slack', type: 'slack', secret: 'claude-monitor/acme-slack', filter: { tenants: ['acme'] } },
  {
    name: 'finance-teams',
    type: 'teams',
    secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:finance-teams-AbCdEf',
    filter: { rules: ['budget'], severities: ['warning', 'critical'] },
    digest: {
      belowSeverity: 'critical',
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
    },
  },
  { name: 'siem', type: 'webhook', secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:siem' },
];

const NOTIFIER = 'Delivers alerts to Slack, Teams and signed webhooks';

describe('notifier stack resources', () => {
  let template: Template;

  beforeAll(() => {
    template = synthMonitorStack({
      alertChannels: CHANNELS,
      alertEmails: ['ops@example.com', { address: 'finance@example.com', filter: { rules: ['budget'] } }],
    }).template;
  }, 120_000);

  it('subscribes one queue per channel with its filter policy, the SNS envelope kept and a dead-letter queue', () => {
    // Prepare
    const sqsSubscriptions = template.findResources('AWS::SNS::Subscription', {
      Properties: { Protocol: 'sqs' },
    });

    // Act
    const policies = Object.values(sqsSubscriptions).map(
      (resource) => (resource as { Properties: { FilterPolicy?: unknown } }).Properties.FilterPolicy,
    );

    // Assess
    expect(Object.keys(sqsSubscriptions)).toHaveLength(3);
    expect(policies).toEqual(
      expect.arrayContaining([
        { tenant: ['acme'] },
        { rule: ['budget'], severity: ['warning', 'critical'] },
        undefined,
      ]),
    );
    for (const resource of Object.values(sqsSubscriptions)) {
      expect(resource).toMatchObject({
        Properties: {
          RawMessageDelivery: false,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] },
          },
        },
      });
    }
  });

  it('gives email subscriptions their filter policy', () => {
    // Prepare / Act
    const finance = () =>
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'finance@example.com',
        FilterPolicy: { rule: ['budget'] },
      });
    const ops = template.findResources('AWS::SNS::Subscription', {
      Properties: { Protocol: 'email', Endpoint: 'ops@example.com' },
    });

    // Assess
    expect(finance).not.toThrow();
    expect(Object.values(ops)[0]).not.toHaveProperty('Properties.FilterPolicy');
  });

  it('encrypts the queues, redrives after 8 receives, and maps each queue to the notifier with partial batch responses', () => {
    // Prepare / Act
    const queues = template.findResources('AWS::SQS::Queue', {
      Properties: { RedrivePolicy: { maxReceiveCount: 8 } },
    });
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      },
    });

    // Assess
    expect(Object.keys(queues)).toHaveLength(3);
    for (const queue of Object.values(queues)) {
      expect(queue).toMatchObject({ Properties: { SqsManagedSseEnabled: true, VisibilityTimeout: 360 } });
    }
    expect(Object.keys(mappings)).toHaveLength(3);
  });

  it('keeps channel URLs out of the template: the function gets secret names and may read only those secrets', () => {
    // Prepare
    const fnId = functionIdByDescription(template, NOTIFIER);
    const fn = template.toJSON().Resources[fnId] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };

    // Act
    const statements = statementsOfRole(template, roleIdOfFunction(template, fnId));
    const secretResources = statements
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => [s.Resource].flat());

    // Assess
    expect(JSON.stringify(template.toJSON())).not.toMatch(
      /hooks\.slack\.com|webhook\.office\.com|https:\/\/[^"]*\/workflows/,
    );
    expect(JSON.stringify(fn.Properties.Environment.Variables.CLAUDE_MONITOR_NOTIFIER_CHANNELS)).toContain(
      'claude-monitor/acme-slack',
    );
    expect(JSON.stringify(secretResources)).toContain('secret:claude-monitor/acme-slack-??????');
    expect(JSON.stringify(secretResources)).toContain('secret:finance-teams-AbCdEf');
    expect(JSON.stringify(secretResources)).toContain('secret:siem-??????');
  });

  it('touches only delivery and digest items of the table, and never scans', () => {
    // Prepare
    const fnId = functionIdByDescription(template, NOTIFIER);

    // Act
    const tableStatements = statementsOfRole(template, roleIdOfFunction(template, fnId)).filter((s) =>
      [s.Action].flat().some((action) => action.startsWith('dynamodb:')),
    );

    // Assess
    expect(tableStatements).toHaveLength(1);
    expect(tableStatements[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERY#*', 'DIGEST#*'] },
    });
    expect([tableStatements[0]!.Action].flat()).not.toContain('dynamodb:Scan');
  });

  it('raises an alarm to the alert topic when the dead-letter queue holds messages', () => {
    // Prepare / Act
    const alarm = () =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('notifier dead-letter queue'),
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [Match.anyValue()],
      });

    // Assess
    expect(alarm).not.toThrow();
  });

  it('schedules the digest sender because a channel has digest settings', () => {
    // Prepare / Act
    const digest = () => functionIdByDescription(template, 'Sends the alert digests that are due');
    const schedule = () =>
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });

    // Assess
    expect(digest).not.toThrow();
    expect(schedule).not.toThrow();
  });
});

describe('notifier props', () => {
  it('creates no notifier without channels', SYNTH_TIMEOUT, () => {
    // Prepare / Act
    const { template } = synthMonitorStack({});

    // Assess
    expect(
      Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: NOTIFIER } })),
    ).toEqual([]);
  });

  const build = (props: ClaudeMonitorProps) => () =>
    new ClaudeMonitor(new Stack(new App({ context: NO_BUNDLING }), 'Props'), 'Monitor', props);
  const slack = CHANNELS[0]!;

  it.each([
    [
      { alertChannels: [{ ...slack, name: 'Ops Room' }] },
      'alertChannels[0].name must be 1-40 lower-case letters',
    ],
    [{ alertChannels: [slack, slack] }, 'alertChannels[1].name "acme-slack" is used by another channel'],
    [
      { alertChannels: [{ ...slack, type: 'discord' }] },
      'alertChannels[0].type must be slack, teams or webhook',
    ],
    [
      { alertChannels: [{ ...slack, secret: 'https://hooks.slack.com/services/T/B/X' }] },
      'alertChannels[0].secret must name a secret holding the URL, not the URL itself',
    ],
    [
      { alertChannels: [{ ...slack, filter: { tenant: ['acme'] } }] },
      'alertChannels[0].filter.tenant is not a filter key',
    ],
    [
      { alertChannels: [{ ...slack, filter: { severities: ['urgent'] } }] },
      'alertChannels[0].filter.severities[0] must be info, warning or critical',
    ],
    [
      {
        alertChannels: [
          {
            ...slack,
            filter: {
              rules: ['a'],
              severities: ['info'],
              tenants: ['t'],
              users: ['u'],
              functions: ['f'],
              models: ['m'],
            },
          },
        ],
      },
      'alertChannels[0].filter may use at most 5 keys',
    ],
    [
      {
        alertChannels: [
          {
            ...slack,
            filter: {
              tenants: Array.from({ length: 20 }, (_, i) => `t${i}`),
              rules: Array.from({ length: 8 }, (_, i) => `r${i}`),
            },
          },
        ],
      },
      'alertChannels[0].filter has 160 value combinations; SNS allows at most 150',
    ],
    [
      { alertChannels: [{ ...slack, digest: { belowSeverity: 'info' } }] },
      'alertChannels[0].digest.belowSeverity must be warning or critical',
    ],
    [
      {
        alertChannels: [
          { ...slack, digest: { belowSeverity: 'critical', quietHours: { start: '22', end: '07:00' } } },
        ],
      },
      'alertChannels[0].digest.quietHours.start must be a time HH:MM',
    ],
    [
      {
        alertChannels: [
          {
            ...slack,
            digest: {
              belowSeverity: 'critical',
              quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' },
            },
          },
        ],
      },
      'alertChannels[0].digest.quietHours.timeZone must be an IANA time zone',
    ],
    [
      { alertEmails: [{ address: 'finance', filter: { rules: ['budget'] } }] },
      'alertEmails[0].address must be an email address',
    ],
    [
      { alertEmails: [{ address: 'f@example.com', filter: { rules: [] } }] },
      'alertEmails[0].filter.rules must be a non-empty list',
    ],
  ] as [ClaudeMonitorProps, string][])('rejects %j naming the key', (props, message) => {
    // Prepare: the invalid props of this case
    // Act
    const act = build(props);
    // Assess
    expect(act).toThrow(InvalidClaudeMonitorPropsError);
    expect(act).toThrow(message);
  });
});
