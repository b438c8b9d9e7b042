import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { METRIC } from 'claude-monitor/domain';
import { evaluateAlerts } from './alerts/evaluate';
import { publishPendingAlerts } from './alerts/outbox';
import { chunkCalls, MAX_TRANSACTION_ITEMS, sortForSharing } from './chunking';
import { commitChunk } from './commit-chunk';
import type { AggregatorDeps } from './deps';
import { committedCallIds } from './ledger';
import { compareSequenceNumbers, parseStreamRecords, type StreamCall } from './parse-records';

/** Outbox entries the aggregator retries per invocation: enough to catch up, small enough to stay cheap. */
const OUTBOX_PASS_LIMIT = 10;

/** What one invocation did, for logs, tests and the benchmark. */
export interface AggregationSummary {
  committed: number;
  duplicates: number;
  poison: number;
  failed: number;
  ignored: number;
  transactions: number;
  alertsFired: number;
}

export type AggregationResult = DynamoDBBatchResponse & { summary: AggregationSummary };

/**
 * Aggregates one stream batch with exactly-once effect. Lambda events carry no shard id, and stream order
 * holds only within a shard, so no checkpoint or watermark can be derived from them. Instead every record
 * has a ledger entry that commits atomically with its rollup deltas (see `commitChunk`): whatever the
 * redelivery pattern, a record's deltas are added exactly once.
 *
 * Poison records and records whose chunk could not commit are reported in `batchItemFailures` after all
 * other records committed; Lambda retries from the lowest of them, and the ledger skips the rest.
 */
export const aggregateStreamBatch = async (
  deps: AggregatorDeps,
  event: DynamoDBStreamEvent,
): Promise<AggregationResult> => {
  const parsed = parseStreamRecords(event.Records ?? []);
  for (const poison of parsed.poison) {
    deps.logger.error(
      'poison stream record: not a valid call record; reported for retry and the on-failure destination',
      {
        sequenceNumber: poison.sequenceNumber,
        reason: poison.reason,
        streamRecord: poison.streamRecord,
      },
    );
  }
  if (parsed.poison.length > 0) deps.metrics.addMetric(METRIC.poisonRecords, 'Count', parsed.poison.length);

  let known = new Set<string>();
  try {
    known = await committedCallIds(
      deps.client,
      deps.tableName,
      parsed.calls.map((call) => call.record.callId),
    );
  } catch (error) {
    deps.logger.warn('ledger read failed; relying on the ledger conditions alone', { error: String(error) });
  }
  const fresh = parsed.calls.filter((call) => !known.has(call.record.callId));

  const committed: StreamCall[] = [];
  const failed: StreamCall[] = [];
  let duplicates = parsed.calls.length - fresh.length;
  const chunks = chunkCalls(sortForSharing(fresh), MAX_TRANSACTION_ITEMS);
  for (const chunk of chunks) {
    try {
      const result = await commitChunk(deps, chunk);
      committed.push(...result.committed);
      duplicates += result.duplicates.length;
    } catch (error) {
      deps.logger.error('chunk not committed; its records are reported for retry', {
        callIds: chunk.map((call) => call.record.callId),
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, cause: String(error.cause) }
            : String(error),
      });
      failed.push(...chunk);
    }
  }

  let alertsFired = 0;
  try {
    alertsFired = await evaluateAlerts(
      deps,
      committed.map((call) => call.record),
    );
    await publishPendingAlerts(deps, OUTBOX_PASS_LIMIT);
  } catch (error) {
    // Alerts are level-triggered (totals vs thresholds): the next record of the same scope evaluates again.
    deps.logger.error('alert evaluation failed; aggregation is unaffected', { error: String(error) });
  }

  const failures = [
    ...parsed.poison.map((p) => p.sequenceNumber),
    ...failed.map((call) => call.sequenceNumber),
  ]
    .filter((sequenceNumber) => sequenceNumber !== '')
    .sort(compareSequenceNumbers);
  return {
    batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })),
    summary: {
      committed: committed.length,
      duplicates,
      poison: parsed.poison.length,
      failed: failed.length,
      ignored: parsed.ignored,
      transactions: chunks.length,
      alertsFired,
    },
  };
};
