import { Match } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { REPLAY_FILTER_PATTERN } from '../../infra/constructs/record-replay';
import {
  actionsOf,
  functionIdByDescription,
  roleIdOfFunction,
  statementsOfRole,
  synthMonitorStack,
} from './support/synth-stack';

const REPLAY_DESCRIPTION =
  'Stores call records that monitored functions logged as not written or unconfirmed';
const EXPECTED_PATTERN =
  '{ ($.message = "claude-monitor: record not written") || ($.message = "claude-monitor: record unconfirmed") }';

describe('record replay', () => {
  const { template } = synthMonitorStack({}, (stack) => {
    const plain = new LambdaFunction(stack, 'PlainFunction', {
      description: 'a user function without a log group of its own',
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    const logged = new LambdaFunction(stack, 'LoggedFunction', {
      description: 'a user function with its own log group',
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
      logGroup: new LogGroup(stack, 'UserLogGroup'),
    });
    stack.monitor.attach(plain);
    stack.monitor.attach(logged);
    stack.monitor.recordReplay.subscribe(logged);
  });
  const replayId = functionIdByDescription(template, REPLAY_DESCRIPTION);
  const filters = template.findResources('AWS::Logs::SubscriptionFilter');

  it('matches only the monitor\'s "not written" and "unconfirmed" lines', () => {
    // Act
    const pattern = REPLAY_FILTER_PATTERN.logPatternString;
    // Assess
    expect(pattern).toBe(EXPECTED_PATTERN);
    for (const filter of Object.values(filters))
      expect(filter.Properties.FilterPattern).toBe(EXPECTED_PATTERN);
  });

  it('subscribes each attached function once, on its own log group, to the replay function', () => {
    // Prepare
    const userLogGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) =>
      id.startsWith('UserLogGroup'),
    )!;
    // Act
    const destinations = Object.values(filters).map((filter) => filter.Properties.DestinationArn);
    const logGroups = Object.values(filters).map((filter) => JSON.stringify(filter.Properties.LogGroupName));
    // Assess
    expect(Object.keys(filters)).toHaveLength(2);
    expect(destinations).toEqual([{ 'Fn::GetAtt': [replayId, 'Arn'] }, { 'Fn::GetAtt': [replayId, 'Arn'] }]);
    expect(logGroups.some((name) => name.includes(userLogGroupId))).toBe(true);
    // The plain function's group is the one Lambda writes to, /aws/lambda/<name>, made sure of by CDK.
    expect(logGroups.some((name) => name.includes('LogRetention'))).toBe(true);
  });

  it('lets CloudWatch Logs invoke the replay function for those log groups only', () => {
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [replayId, 'Arn'] },
        Principal: 'logs.amazonaws.com',
        SourceArn: Match.anyValue(),
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('grants the replay function a conditional put of call records, the check of their earlier key and nothing else', () => {
    // Prepare
    const roleId = roleIdOfFunction(template, replayId);
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]!;
    // Act
    const statements = statementsOfRole(template, roleId);
    const dynamo = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
    // Assess
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CALL#*'] } },
      },
    ]);
    for (const denied of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan']) {
      expect(actionsOf(statements)).not.toContain(denied);
    }
  });

  it('retries failed deliveries, then keeps them in a queue whose depth raises an alarm', () => {
    // Act
    const invokeConfig = () =>
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: replayId },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmDescription as string,
    );
    // Assess
    expect(invokeConfig).not.toThrow();
    expect(alarms.some((text) => text.includes('could not be replayed after every retry'))).toBe(true);
    expect(alarms.some((text) => text.includes('cannot be stored'))).toBe(true);
  });

  it('names the replay function in the stack outputs, for functions deployed elsewhere', () => {
    // Act
    const outputs = template.findOutputs('ReplayFunctionArn');
    // Assess
    expect(outputs.ReplayFunctionArn?.Value).toEqual({ 'Fn::GetAtt': [replayId, 'Arn'] });
  });
});
