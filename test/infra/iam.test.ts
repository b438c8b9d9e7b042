import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  functionIdByDescription,
  roleIdOfFunction,
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

  it('the API role can read items but never write, scan or publish', () => {
    // Prepare
    const description = 'Claude monitor API and dashboard';
    // Act
    const actions = actionsOfFunction(description);
    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']),
    );
    expect(actions.filter((action) => WRITE_ACTION.test(action))).toEqual([]);
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
