import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  functionIdByDescription,
  roleIdOfFunction,
  type Statement,
  statementsOfRole,
  synthMonitorStack,
} from './support/synth-stack';

const WRITE_ACTION = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|\*)$/;

describe('least privilege', () => {
  const { template } = synthMonitorStack();
  const actionsOfFunction = (description: string): string[] =>
    actionsOf(
      statementsOfRole(template, roleIdOfFunction(template, functionIdByDescription(template, description))),
    );

  const statementsOfFunction = (description: string) =>
    statementsOfRole(template, roleIdOfFunction(template, functionIdByDescription(template, description)));
  const leadingKeysOf = (statement: Statement): string[] | undefined =>
    (statement.Condition as Record<string, Record<string, string[]>> | undefined)?.[
      'ForAllValues:StringLike'
    ]?.['dynamodb:LeadingKeys'];

  it('the API role can read items, write only run-time budgets and their audit trail, never scan or publish', () => {
    // Prepare
    const description = 'Claude monitor API and dashboard';
    // Act
    const actions = actionsOfFunction(description);
    const writes = statementsOfFunction(description).filter((statement) =>
      actionsOf([statement]).some((action) => WRITE_ACTION.test(action)),
    );
    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']),
    );
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(leadingKeysOf(writes[0]!)).toEqual(['BUDGETDEF', 'BUDGETAUDIT']);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.some((action) => action.startsWith('sns:'))).toBe(false);
  });

  it('the authorizer role only reads the token secret and writes its own logs', () => {
    // Prepare
    const description = 'Checks the bearer token of API and dashboard requests';
    // Act
    const actions = actionsOfFunction(description);
    // Assess
    expect([...new Set(actions)].sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it('the budget sweeper role touches budget windows, minute markers and its cursor only', () => {
    // Prepare
    const description = 'Releases budget reservations of Claude calls that never settled';
    // Act
    const dynamo = statementsOfFunction(description).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
    );
    // Assess
    expect(dynamo.map((statement) => [actionsOf([statement]).sort(), leadingKeysOf(statement)])).toEqual([
      [['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['BUDGET#*']],
      [['dynamodb:Query'], ['BUDGETSLOT#*']],
      [['dynamodb:GetItem', 'dynamodb:PutItem'], ['BUDGETSWEEP']],
    ]);
  });

  it('the aggregator role reads the stream, writes items and publishes, without Scan', () => {
    // Prepare
    const description = 'Aggregates call records from the table stream into rollups and alerts';
    // Act
    const actions = actionsOfFunction(description);
    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:UpdateItem', 'dynamodb:Query', 'sns:Publish']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:DeleteTable');
  });
});
