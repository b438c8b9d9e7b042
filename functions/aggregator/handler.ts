import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { aggregateStreamBatch } from './aggregate';
import { createRuntime } from './runtime';

const runtime = createRuntime();

/**
 * Stream trigger of the aggregator. Reports failed records by sequence number (partial batch response),
 * so the event source mapping needs `ReportBatchItemFailures`.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  try {
    const { batchItemFailures, summary } = await aggregateStreamBatch(runtime.deps, event);
    runtime.deps.logger.info('stream batch aggregated', { ...summary });
    return { batchItemFailures };
  } finally {
    // Most invocations record no metric; publishing nothing would only log a warning.
    if (runtime.metrics.hasStoredMetrics()) runtime.metrics.publishStoredMetrics();
  }
};
