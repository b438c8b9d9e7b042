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
 * Writes every buffered record of every recorder in this process. Bounded by `options.deadline` when given
 * (e.g. from the time Lambda has left), else by each recorder's own flush timeout; never rejects.
 * @example
 * await flush({ deadline: Date.now() + context.getRemainingTimeInMillis() - 500 });
 */
export const flush = async (options?: FlushOptions): Promise<FlushResult> => {
  drainDeferred();
  const results = await Promise.all(
    [...sinks].map((sink) =>
      sink.flush(options).catch((error: unknown) => {
        reportMonitorFailure('flush', error);
        return EMPTY_FLUSH;
      }),
    ),
  );
  return addFlushResults(results);
};
