import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE } from 'claude-monitor/domain';
import { handle } from 'hono/aws-lambda';
import { createApp } from './app';
import { depsFromEnv } from './deps-from-env';

const logger = new Logger({ serviceName: SERVICE.api });

/** API Gateway HTTP API (payload v2) entry point of the monitoring API and dashboard. */
export const handler = handle(
  createApp({
    ...depsFromEnv(),
    logger: { error: (message, details) => logger.error(message, { details }) },
  }),
);
