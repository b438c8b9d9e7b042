import { drainDeferred } from './deferred';
import { reportMonitorFailure } from './log-line';
import type { FlushResult, RecordSink } from './sink';

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
 * Writes every buffered record of every recorder in this process. Bounded by each recorder's flush timeout;
 * never rejects.
 */
export const flush = async (): Promise<FlushResult> => {
  drainDeferred();
  const results = await Promise.all(
    [...sinks].map((sink) =>
      sink.flush().catch((error: unknown) => {
        reportMonitorFailure('flush', error);
        return { written: 0, notWritten: 0 };
      }),
    ),
  );
  return results.reduce(
    (sum, r) => ({ written: sum.written + r.written, notWritten: sum.notWritten + r.notWritten }),
    { written: 0, notWritten: 0 },
  );
};
