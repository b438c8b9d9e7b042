import { budgetWorkDone } from '../budget/pending-work';
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_SETTLE_TIMEOUT_MS } from '../domain/env';
import { settleOpenCalls } from '../intercept/open-calls';
import { drainDeferred } from './deferred';
import { reportMonitorFailure } from './log-line';
import { addFlushResults, EMPTY_FLUSH, type FlushOptions, type FlushResult, type RecordSink } from './sink';

/** One registry per process, even when the ESM and CommonJS builds of the monitor are both loaded. */
const REGISTRY_KEY = Symbol.for('claude-monitor.sinks');
const global = globalThis as { [REGISTRY_KEY]?: Set<RecordSink> };
global[REGISTRY_KEY] ??= new Set<RecordSink>();
const sinks = global[REGISTRY_KEY];

/** Makes `flush()` (and `withMonitoring`) cover this sink. */
export const registerSink = (sink: RecordSink): void => {
  sinks.add(sink);
};

/**
 * Records every Claude call still open (waiting, until `settleBy`, for responses still arriving: calls the
 * code did not await, streams it did not read) — only those of the invocation `awsRequestId` when given —
 * settles their budget reservations, then writes every buffered record of every recorder in this process,
 * bounded by `deadline` (or each recorder's flush timeout). Never rejects.
 */
export const flush = async (
  options: FlushOptions & { settleBy?: number; awsRequestId?: string } = {},
): Promise<FlushResult> => {
  try {
    await settleOpenCalls(
      options.settleBy ?? options.deadline ?? Date.now() + DEFAULT_SETTLE_TIMEOUT_MS,
      options.awsRequestId,
    );
  } catch (error) {
    reportMonitorFailure('flush', error);
  }
  drainDeferred();
  // Records of calls with a budget reservation reach their recorder once the settlement is written.
  await budgetWorkDone(options.deadline ?? Date.now() + DEFAULT_FLUSH_TIMEOUT_MS);
  const sinkOptions = options.deadline === undefined ? undefined : { deadline: options.deadline };
  const results = await Promise.all(
    [...sinks].map((sink) =>
      sink.flush(sinkOptions).catch((error: unknown) => {
        reportMonitorFailure('flush', error);
        return EMPTY_FLUSH;
      }),
    ),
  );
  return addFlushResults(results);
};
