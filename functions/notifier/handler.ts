import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleQueueBatch } from './queue-batch';
import { createNotifierRuntime } from './runtime';

const runtime = createNotifierRuntime();

/** Time kept back from the invocation's limit for recording outcomes and answering. */
const SAFETY_MS = 5_000;

/**
 * Delivers alerts to one channel per batch (SQS event source of the channel's queue, with
 * `ReportBatchItemFailures`): once each, retried with backoff, refused ones to the dead-letter queue.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  handleQueueBatch(
    runtime.deps,
    runtime.config.channels,
    event,
    runtime.deps.now() + context.getRemainingTimeInMillis() - SAFETY_MS,
  );
