import { ConfigError, ENV } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { readAggregatorConfig } from '../../../functions/aggregator/config';

describe('aggregator configuration from the environment', () => {
  it('merges the alert JSON over the defaults', () => {
    // Prepare
    const env = {
      [ENV.tableName]: 'monitor',
      [ENV.alertConfig]: '{"sessionCostUsd": 25}',
      [ENV.alertTopicArn]: 'arn:topic',
    };

    // Act
    const config = readAggregatorConfig(env);

    // Assess
    expect(config).toEqual({
      tableName: 'monitor',
      alertTopicArn: 'arn:topic',
      budgets: [],
      alertConfig: {
        sessionCostUsd: 25,
        consecutiveErrors: 5,
        budgetSteps: [50, 80, 100],
        unpricedModel: true,
      },
    });
  });

  it('names the variable when the alert JSON is broken or invalid', () => {
    // Prepare
    const broken = { [ENV.tableName]: 'monitor', [ENV.alertConfig]: '{oops' };
    const invalid = { [ENV.tableName]: 'monitor', [ENV.alertConfig]: '{"consecutiveErrors": -1}' };

    // Act
    const readBroken = () => readAggregatorConfig(broken);
    const readInvalid = () => readAggregatorConfig(invalid);

    // Assess
    expect(readBroken).toThrow(ConfigError);
    expect(readBroken).toThrow(`${ENV.alertConfig}: is not valid JSON`);
    expect(readInvalid).toThrow('alerts.consecutiveErrors must be a whole number >= 0, got -1');
  });

  it('requires the table name', () => {
    // Prepare
    const env = {};

    // Act
    const read = () => readAggregatorConfig(env);

    // Assess
    expect(read).toThrow(`${ENV.tableName}: is not set`);
  });
});
