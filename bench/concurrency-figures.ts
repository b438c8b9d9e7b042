import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resolveAlertConfig } from 'claude-monitor/domain';
import { streamRecordsOf } from '../functions/aggregator/bench-workload';
import { aggregateConcurrently, type ConcurrentRun } from '../functions/aggregator/concurrent-shards';
import { NO_METRICS, SILENT_LOGGER } from '../functions/aggregator/deps';
import { RATE_SCENARIOS, realisticWorkload } from '../functions/aggregator/realistic-workload';
import { BenchError } from './errors';

/** Aggregator invocations at once: the highest parallelization factor Lambda allows on one shard. */
export const CONCURRENT_INVOCATIONS = 10;

/**
 * N aggregator invocations committing at once to the same hot rollups: the realistic mix at the busy rate,
 * dealt round-robin to N shards (every shard writes the account, model and big-tenant rollups), each
 * invocation retried from its lowest reported failure as Lambda does. Reports the transactions DynamoDB
 * cancelled for conflicts; a run that does not commit every record exactly once is an error (the test
 * `concurrent-shards.test.ts` also compares every rollup with a recomputation).
 */
export const measureConcurrency = async (options: {
  client: DynamoDBClient;
  tableName: string;
  quick: boolean;
}): Promise<ConcurrentRun> => {
  const records = realisticWorkload(options.quick ? 40 : 2_000, RATE_SCENARIOS.busy.callsPerSecond);
  const stream = streamRecordsOf(records, 0);
  const shards = Array.from({ length: CONCURRENT_INVOCATIONS }, (_, k) =>
    stream.filter((_, i) => i % CONCURRENT_INVOCATIONS === k),
  );
  const deps = {
    client: options.client,
    tableName: options.tableName,
    alertConfig: resolveAlertConfig({}),
    logger: SILENT_LOGGER,
    metrics: NO_METRICS,
  };
  const run = await aggregateConcurrently(deps, shards);
  if (run.committed !== records.length) {
    throw new BenchError(
      `${CONCURRENT_INVOCATIONS} concurrent invocations committed ${run.committed} records, not ${records.length}`,
    );
  }
  return run;
};
