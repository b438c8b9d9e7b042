import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, METRIC_NAMESPACE, readRequired } from 'claude-monitor/domain';
import { type ReplayDeps, type ReplaySummary, replayLogEvent } from './replay-logs';

const SERVICE = 'claude-monitor-replay';
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE });
const deps: ReplayDeps = {
  client: createDynamoClient(),
  tableName: readRequired(process.env, ENV.tableName),
  logger: {
    info: (message, extra) => logger.info(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  },
  metrics,
};

/**
 * Target of the log subscription on each monitored function: stores the records it logged as not written
 * or unconfirmed. Invoked asynchronously by CloudWatch Logs, so a thrown error means another delivery.
 */
export const handler = async (event: CloudWatchLogsEvent): Promise<ReplaySummary> => {
  try {
    const summary = await replayLogEvent(deps, event);
    const { failed: _failed, malformedLines: _malformed, ...counts } = summary;
    logger.info('log records replayed', counts);
    return summary;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
