import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DEFAULT_BUDGET_ENFORCEMENT, ENV, LAYER_PATHS } from 'claude-monitor/domain';
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

  it('grants exactly what the recorder and the budget check call, each on its own partitions', () => {
    // Prepare
    const roleId = roleIdOfFunction(template, userFunctionId);
    const onKeys = (Action: string | string[], pattern: string) => ({
      Effect: 'Allow',
      Action,
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [pattern] } },
    });
    // Act
    const statements = statementsOfRole(template, roleId);
    // Assess: records; budget windows (reserve, settle, count refusals, read a full window); the sweep's
    // minute markers; the run-time budget definitions.
    expect(statements).toEqual([
      onKeys('dynamodb:BatchWriteItem', 'CALL#*'),
      onKeys(['dynamodb:UpdateItem', 'dynamodb:GetItem'], 'BUDGET#*'),
      onKeys('dynamodb:PutItem', 'BUDGETSLOT#*'),
      onKeys('dynamodb:Query', 'BUDGETDEF'),
    ]);
  });

  it('grants no read of call records, rollups or alert state, and no scan', () => {
    // Prepare
    const roleId = roleIdOfFunction(template, userFunctionId);
    // Act
    const statements = statementsOfRole(template, roleId);
    // Assess
    for (const statement of statements) {
      const actions = actionsOf([statement]);
      const keys = (statement.Condition as Record<string, Record<string, string[]>> | undefined)?.[
        'ForAllValues:StringLike'
      ]?.['dynamodb:LeadingKeys'];
      expect(keys, JSON.stringify(statement)).toBeDefined();
      if (actions.includes('dynamodb:GetItem') || actions.includes('dynamodb:Query'))
        expect(
          keys!.every((key) => key.startsWith('BUDGET')),
          JSON.stringify(statement),
        ).toBe(true);
    }
    expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    expect(actionsOf(statements)).not.toContain('dynamodb:BatchGetItem');
  });

  it('adds the layer and the environment the layer reads', () => {
    // Prepare
    const layerId = Object.keys(template.findResources('AWS::Lambda::LayerVersion'))[0]!;
    // Act
    const { Layers, Environment } = userFunction;
    // Assess
    expect(Layers).toEqual([{ Ref: layerId }]);
    const { [ENV.budgetEnforcement]: enforcement, ...rest } = Environment.Variables;
    expect(rest).toEqual({
      [ENV.tableName]: { Ref: tableId },
      [ENV.retentionDays]: '30',
      [ENV.originalHandler]: 'index.handler',
    });
    // Always set, so budgets set later through the API are enforced without a redeploy.
    expect(JSON.parse(enforcement)).toEqual(DEFAULT_BUDGET_ENFORCEMENT);
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
