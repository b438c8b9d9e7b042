import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { callMetricDocuments, METRIC } from 'claude-monitor/domain';
import { evaluateAlerts } from './alerts/evaluate';
import { publishEntries, publishPendingAlerts } from './alerts/outbox';
import { updateStreaks } from './alerts/streak-store';
import { chunkCalls, MAX_TRANSACTION_ITEMS, sortForSharing } from './chunking';
import { commitIsolated, type UncommittedCall } from './commit-isolated';
import { syncDays, touchesFailedDay } from './day-sync';
import type { AggregatorDeps } from './deps';
import { ledgerKeyOf } from './ledger';
import { committedCallIds } from './ledger-read';
import { compareSequenceNumbers, parseStreamRecords, type StreamCall } from './parse-records';

/** Outbox entries the aggregator retries per invocation: enough to catch up, small enough to stay cheap. */
const OUTBOX_PASS_LIMIT = 10;

/** What one invocation did, for logs, tests and the benchmark. */
export interface AggregationSummary {
  committed: number;
  duplicates: number;
  /** Stream records that are not valid call records. */
  poison: number;
  /** Valid-looking records that no transaction could store (isolated from their chunk). */
  rejected: number;
  /** Records whose chunk failed for a reason that may pass, after retries. */
  failed: number;
  /** Committed records reported for retry because a day rollup of theirs could not be summed (`syncDays`). */
  unsynced: number;
  ignored: number;
  transactions: number;
  alertsFired: number;
}

export type AggregationResult = DynamoDBBatchResponse & { summary: AggregationSummary };

const logUncommitted = (deps: AggregatorDeps, rejected: UncommittedCall[], failed: UncommittedCall[]) => {
  for (const { call, reason } of rejected) {
    deps.logger.error(
      'call record rejected: no transaction can store its rollups; reported for retry and the on-failure destination',
      { sequenceNumber: call.sequenceNumber, callId: call.record.callId, reason, record: call.record },
    );
  }
  const byReason = new Map<string, string[]>();
  for (const { call, reason } of failed)
    byReason.set(reason, [...(byReason.get(reason) ?? []), call.record.callId]);
  for (const [reason, callIds] of byReason) {
    deps.logger.error('chunk not committed; its records are reported for retry', { callIds, error: reason });
  }
};

/**
 * Prints the CloudWatch metrics of the calls this invocation counted, as soon as their transactions have
 * committed: calls counted by an earlier delivery are not counted again, so CloudWatch's `Calls` and
 * `CostUsd` agree with the rollups. An invocation stopped between a commit and this line (a timeout) leaves
 * those calls out of CloudWatch, never in twice; the table and its rollups hold them either way.
 */
const writeCallMetrics = (deps: AggregatorDeps, committed: readonly StreamCall[]): void => {
  if (!deps.writeMetricLine || committed.length === 0) return;
  const documents = callMetricDocuments(
    committed.map((call) => call.record),
    (deps.now ?? Date.now)(),
  );
  for (const document of documents) {
    try {
      deps.writeMetricLine(JSON.stringify(document));
    } catch (error) {
      deps.logger.warn('call metrics not written; aggregation is unaffected', { error: String(error) });
      return;
    }
  }
};

/**
 * Aggregates one stream batch with exactly-once effect. Lambda events carry no shard id, and stream order
 * holds only within a shard, so no checkpoint or watermark can be derived from them. Instead every record
 * is marked in the ledger atomically with its rollup deltas (see `commitChunk` and `ledger.ts`): whatever
 * the redelivery pattern, a record's deltas are added exactly once.
 *
 * The day rollups of the hot dimensions are summed from their hours once the transactions are done
 * (`syncDays`); a day that cannot be summed sends its records back, and their redelivery sums it again.
 *
 * One record never costs others: a chunk whose transaction DynamoDB refuses is split until the record at
 * fault stands alone (`commitIsolated`). Poison records, rejected records, records whose chunk could not
 * commit and records whose error streak could not be written are reported in `batchItemFailures` after all
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

  let known = new Set<string>();
  let fullSessionRollups = new Set<string>();
  /** Calls held back for a retry because the ledger could not be read (see `committedCallIds`). */
  const unread: UncommittedCall[] = [];
  let calls = parsed.calls;
  try {
    ({ committed: known, fullSessionRollups } = await committedCallIds(
      deps.client,
      deps.tableName,
      calls.map((call) => call.record),
    ));
  } catch (error) {
    const reason = `ledger read failed: ${String(error)}`;
    deps.logger.warn(
      'ledger read failed; calls with a session are retried, the others rely on the ledger conditions',
      { error: String(error) },
    );
    // Only the conditions of entries of their own also cover the earlier layout (`committedCallIds`).
    const inSessionEntry = (call: StreamCall) => ledgerKeyOf(call.record).grouped;
    unread.push(...calls.filter(inSessionEntry).map((call) => ({ call, reason })));
    calls = calls.filter((call) => !inSessionEntry(call));
  }
  const fresh = calls.filter((call) => !known.has(call.record.callId));

  const committed: StreamCall[] = [];
  // Committed by an earlier delivery: their rollups are in, their streaks may not be (a crash in between).
  const duplicates = calls.filter((call) => known.has(call.record.callId));
  const rejected: UncommittedCall[] = [];
  const failed: UncommittedCall[] = [...unread];
  let transactions = 0;
  for (const chunk of chunkCalls(sortForSharing(fresh), MAX_TRANSACTION_ITEMS)) {
    const result = await commitIsolated(deps, chunk, fullSessionRollups);
    committed.push(...result.committed);
    duplicates.push(...result.duplicates);
    rejected.push(...result.rejected);
    failed.push(...result.failed);
    transactions += result.transactions;
  }
  // The days summed from their hours, for every record counted now or by an earlier delivery.
  const counted = [...committed, ...duplicates];
  const failedDays = await syncDays(
    deps,
    counted.map((call) => call.record),
  );
  const unsynced = counted.filter((call) => touchesFailedDay(call.record, failedDays));
  if (failedDays.size > 0) {
    deps.logger.error('day rollups not summed from their hours; their records are reported for retry', {
      days: [...failedDays.keys()],
      error: [...failedDays.values()][0],
    });
  }
  writeCallMetrics(deps, committed);
  logUncommitted(deps, rejected, failed);
  const poisonCount = parsed.poison.length + rejected.length;
  if (poisonCount > 0) deps.metrics.addMetric(METRIC.poisonRecords, 'Count', poisonCount);

  let alertsFired = 0;
  const streaks = await updateStreaks(
    deps,
    [...committed, ...duplicates],
    deps.alertConfig.consecutiveErrors,
  );
  if (streaks.failed.length > 0) {
    deps.logger.error('error streaks not written; their records are reported for retry', {
      callIds: [...new Set(streaks.failed.map(({ call }) => call.record.callId))],
      error: streaks.failed[0]!.reason,
    });
  }
  try {
    await publishEntries(deps, streaks.entries);
    alertsFired =
      streaks.entries.length +
      (await evaluateAlerts(
        deps,
        committed.map((call) => call.record),
      ));
    await publishPendingAlerts(deps, OUTBOX_PASS_LIMIT);
  } catch (error) {
    // Alerts are level-triggered (totals vs thresholds): the next record of the same scope evaluates again.
    deps.logger.error('alert evaluation failed; aggregation is unaffected', { error: String(error) });
  }

  const failures = new Set([
    ...parsed.poison.map((p) => p.sequenceNumber),
    ...[...rejected, ...failed, ...streaks.failed].map(({ call }) => call.sequenceNumber),
    ...unsynced.map((call) => call.sequenceNumber),
  ]);
  failures.delete('');
  return {
    batchItemFailures: [...failures]
      .sort(compareSequenceNumbers)
      .map((itemIdentifier) => ({ itemIdentifier })),
    summary: {
      committed: committed.length,
      duplicates: duplicates.length,
      poison: parsed.poison.length,
      rejected: rejected.length,
      failed: failed.length,
      unsynced: unsynced.length,
      ignored: parsed.ignored,
      transactions,
      alertsFired,
    },
  };
};
