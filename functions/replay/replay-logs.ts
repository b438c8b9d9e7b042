import { gunzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { METRIC } from 'claude-monitor/domain';
import { type ReplayResult, replayableItems, replayItems } from 'claude-monitor/replay';
import { ReplayError } from './errors';

/** What the replay function needs from outside, built once at cold start. */
export interface ReplayDeps {
  client: DynamoDBClient;
  tableName: string;
  logger: {
    info(message: string, extra?: Record<string, unknown>): void;
    error(message: string, extra?: Record<string, unknown>): void;
  };
  metrics: { addMetric(name: string, unit: 'Count', value: number): void };
}

/** What one subscription delivery did. */
export interface ReplaySummary extends ReplayResult {
  logGroup: string;
  /** Log events delivered. */
  events: number;
  /** Records found in "not written" and "unconfirmed" lines, each once. */
  recordsFound: number;
  /** Lines that name the monitor's message but hold no valid record, with the reason. */
  malformedLines: { source: string; line: number; reason: string }[];
}

/**
 * The payload CloudWatch Logs hands a subscribed function: base64 of gzip of JSON.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 */
export const decodeLogsEvent = (event: CloudWatchLogsEvent): CloudWatchLogsDecodedData => {
  try {
    return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'));
  } catch (cause) {
    throw new ReplayError(
      'the event is not a CloudWatch Logs subscription payload (base64 of gzip of JSON)',
      {
        cause,
      },
    );
  }
};

/**
 * Stores the records that a monitored function logged as "not written" or "unconfirmed", as its log
 * subscription delivers them: each only if it is not in the table yet (a conditional put), so a delivery
 * that comes twice, and a record that was stored after all, change nothing. Lines that hold no valid record
 * and records DynamoDB refuses are logged and counted (`ReplayFailures`), since no retry can store them;
 * a failure that may pass (throttling, an outage) throws, so that Lambda delivers the event again.
 */
export const replayLogEvent = async (
  deps: ReplayDeps,
  event: CloudWatchLogsEvent,
): Promise<ReplaySummary> => {
  const data = decodeLogsEvent(event);
  const summary: ReplaySummary = {
    logGroup: data.logGroup,
    events: data.logEvents?.length ?? 0,
    recordsFound: 0,
    malformedLines: [],
    written: 0,
    alreadyStored: 0,
    failed: [],
  };
  // CloudWatch Logs checks that the destination is reachable with a control message; it carries no lines.
  if (data.messageType !== 'DATA_MESSAGE') return summary;
  const found = replayableItems(
    (data.logEvents ?? []).map((logEvent) => ({
      source: `${data.logGroup} ${data.logStream} ${logEvent.id}`,
      text: logEvent.message,
    })),
  );
  summary.recordsFound = found.items.length;
  summary.malformedLines = found.malformed;
  Object.assign(
    summary,
    await replayItems({ client: deps.client, tableName: deps.tableName, items: found.items }),
  );
  if (summary.written > 0) deps.metrics.addMetric(METRIC.recordsReplayed, 'Count', summary.written);
  const permanent = summary.failed.filter((failure) => !failure.retryable);
  const transient = summary.failed.filter((failure) => failure.retryable);
  const failures = found.malformed.length + permanent.length;
  if (failures > 0) {
    deps.metrics.addMetric(METRIC.replayFailures, 'Count', failures);
    deps.logger.error('logged records that cannot be replayed', {
      logGroup: data.logGroup,
      malformedLines: found.malformed,
      refused: permanent,
    });
  }
  if (transient.length > 0) {
    throw new ReplayError(
      `${transient.length} of ${found.items.length} records could not be stored yet (${transient[0]!.error}); the delivery is retried`,
    );
  }
  return summary;
};
