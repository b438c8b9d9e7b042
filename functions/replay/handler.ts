import type { CloudWatchLogsEvent } from 'aws-lambda';
import { type ReplaySummary, replayLogEvent } from './replay-logs';
import { createReplayRuntime } from './runtime';

const { deps, logger, metrics } = createReplayRuntime();

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
