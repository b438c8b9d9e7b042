import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, METRIC_NAMESPACE, readRequired, SERVICE } from 'claude-monitor/domain';
import type { ReplayDeps } from './replay-logs';

/** The replay function's dependencies from the environment: once per cold start. */
export const createReplayRuntime = (
  env: NodeJS.ProcessEnv = process.env,
): { deps: ReplayDeps; logger: Logger; metrics: Metrics } => {
  const logger = new Logger({ serviceName: SERVICE.replay });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE.replay });
  return {
    deps: {
      client: createDynamoClient(env),
      tableName: readRequired(env, ENV.tableName),
      logger: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
      metrics,
    },
    logger,
    metrics,
  };
};
