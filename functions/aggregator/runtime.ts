import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDynamoClient, createSnsClient } from 'claude-monitor/aws';
import { METRIC_NAMESPACE, SERVICE, type Service } from 'claude-monitor/domain';
import { cachedBudgetSource, readStoredBudgets } from '../shared/budget-definitions';
import { readAggregatorConfig } from './config';
import type { AggregatorDeps } from './deps';

/** How long a warm aggregator keeps the run-time budgets before reading them again. */
const BUDGET_REFRESH_MS = 60_000;

/**
 * Builds the aggregator's dependencies from the environment: once per cold start. The stream aggregator,
 * the outbox publisher and the insights job share them, each under its own service name.
 */
export const createRuntime = (
  service: Service = SERVICE.aggregator,
  env: NodeJS.ProcessEnv = process.env,
): { deps: AggregatorDeps; metrics: Metrics } => {
  const config = readAggregatorConfig(env);
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: service });
  const client = createDynamoClient(env);
  return {
    deps: {
      client,
      tableName: config.tableName,
      alertConfig: config.alertConfig,
      budgets: cachedBudgetSource(
        config.budgets,
        () => readStoredBudgets(client, config.tableName),
        BUDGET_REFRESH_MS,
        (problem) => logger.warn('budget definitions', { problem }),
      ),
      sns: createSnsClient(env, { maxAttempts: 2 }),
      ...(config.alertTopicArn ? { alertTopicArn: config.alertTopicArn } : {}),
      logger: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        warn: (message, extra) => logger.warn(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
      metrics,
      writeMetricLine: (line) => {
        process.stdout.write(`${line}\n`);
      },
    },
    metrics,
  };
};
