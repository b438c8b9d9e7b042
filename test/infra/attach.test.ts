import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { actionsOf, roleIdOfFunction, statementsOfRole, synthMonitorStack } from './support/synth-stack';

const USER_FUNCTION_DESCRIPTION = 'a user function that calls Claude';
const SUMMARY_FUNCTION_DESCRIPTION = 'a user function that reads its own summary';

describe('ClaudeMonitor.attach', () => {
  const { template } = synthMonitorStack({ retentionDays: 30 }, (stack) => {
    const fn = new LambdaFunction(stack, 'UserFunction', {
      description: USER_FUNCTION_DESCRIPTION,
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    stack.monitor.attach(fn);
    const reader = new LambdaFunction(stack, 'SummaryFunction', {
      description: SUMMARY_FUNCTION_DESCRIPTION,
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    stack.monitor.attach(reader, { allowSummaryReads: true });
  });
  const userFunctionId = Object.keys(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: USER_FUNCTION_DESCRIPTION },
    }),
  )[0]!;
  const userFunction = template.toJSON().Resources[userFunctionId].Properties;
  const tableId = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]!;

  it('grants exactly BatchWriteItem, what the recorder calls, limited to call-record partitions', () => {
    // Prepare
    const roleId = roleIdOfFunction(template, userFunctionId);
    // Act
    const statements = statementsOfRole(template, roleId);
    // Assess
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchWriteItem',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CALL#*'] } },
      },
    ]);
  });

  it('grants no read, query or scan', () => {
    // Prepare
    const roleId = roleIdOfFunction(template, userFunctionId);
    // Act
    const actions = actionsOf(statementsOfRole(template, roleId));
    // Assess
    for (const read of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem']) {
      expect(actions).not.toContain(read);
    }
  });

  it('adds the layer and the environment the layer reads', () => {
    // Prepare
    const layerId = Object.keys(template.findResources('AWS::Lambda::LayerVersion'))[0]!;
    // Act
    const { Layers, Environment } = userFunction;
    // Assess
    expect(Layers).toEqual([{ Ref: layerId }]);
    expect(Environment.Variables).toEqual({
      [ENV.tableName]: { Ref: tableId },
      [ENV.retentionDays]: '30',
      [ENV.originalHandler]: 'index.handler',
    });
  });

  it("leaves the code alone: the handler is the layer wrapper, which runs the function's own handler", () => {
    // Act
    const { Handler, Environment } = userFunction;
    // Assess
    expect(Handler).toBe(LAYER_PATHS.wrapperHandler);
    expect(Environment.Variables[ENV.originalHandler]).toBe('index.handler');
  });

  it('adds a Query of call-record partitions only when summary reads are asked for', () => {
    // Prepare
    const readerId = Object.keys(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: SUMMARY_FUNCTION_DESCRIPTION },
      }),
    )[0]!;
    // Act
    const statements = statementsOfRole(template, roleIdOfFunction(template, readerId));
    // Assess
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CALL#*'] } },
    });
    expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
  });
});
