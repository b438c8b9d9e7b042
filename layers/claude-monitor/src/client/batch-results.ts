import { reportMonitorFailure } from '../recorder/log-line';
import { mergeAttribution, takeAttribution } from './attribution';
import { CallTracker } from './call-tracker';
import type { ResolvedMonitor } from './options';

type ResultsFn = (batchId: string, params?: unknown, options?: Record<string, unknown>) => Promise<unknown>;

interface BatchItem {
  custom_id?: string;
  result?: {
    type?: string;
    message?: { model?: string; usage?: object };
    error?: { error?: { type?: string; message?: string } };
  };
}

/** HTTP status the API uses for each error type, so a batch error is classified like a live one. */
const STATUS_OF_ERROR: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** Records one batch result: `succeeded` with its usage (priced with the batch discount), `errored` as an error. */
const recordItem = (
  item: BatchItem,
  batchId: string,
  monitor: ResolvedMonitor,
  extra: object | undefined,
) => {
  const type = item.result?.type;
  if (type !== 'succeeded' && type !== 'errored') return;
  const customId = item.custom_id ?? '';
  const model = item.result?.message?.model ?? 'unknown';
  const attribution = mergeAttribution(extra, { metadata: { batchId, customId } });
  const call = new CallTracker(
    monitor,
    'batch_result',
    false,
    { model },
    attribution,
    `${batchId}#${customId}`,
  );
  call.attempts = 1;
  if (type === 'succeeded') {
    call.onMessage(item.result?.message ?? {});
    return;
  }
  const error = item.result?.error?.error;
  const status = STATUS_OF_ERROR[error?.type ?? ''] ?? 400;
  call.onError(Object.assign(new Error(error?.message ?? 'batch request errored'), { status }));
};

/**
 * Monitors `messages.batches.results(id)`: each result the caller reads from the returned decoder is recorded
 * as a `batch_result` call. Its call id is `<batchId>#<custom_id>`, so reading the results twice stores two raw
 * items but aggregates once.
 */
export const instrumentBatchResults = (
  batches: { results: ResultsFn } | undefined,
  monitor: ResolvedMonitor,
): void => {
  if (!batches || typeof batches.results !== 'function') return;
  const original = batches.results;
  batches.results = async function monitoredResults(this: unknown, batchId, params, options) {
    const taken = takeAttribution(options);
    const decoder = (await original.call(this, batchId, params, taken.options)) as {
      [Symbol.asyncIterator]: () => AsyncIterator<unknown>;
    };
    if (!monitor.enabled) return decoder;
    try {
      const iterate = decoder[Symbol.asyncIterator];
      decoder[Symbol.asyncIterator] = () => {
        const inner = iterate.call(decoder);
        const tapped: AsyncIterableIterator<unknown> = {
          next: (...args: [] | [unknown]) =>
            inner.next(...args).then((result) => {
              if (!result.done) {
                try {
                  recordItem(result.value as BatchItem, batchId, monitor, taken.attribution);
                } catch (error) {
                  reportMonitorFailure('batch result', error);
                }
              }
              return result;
            }),
          return: (value?: unknown) =>
            inner.return ? inner.return(value) : Promise.resolve({ done: true, value }),
          [Symbol.asyncIterator]() {
            return tapped;
          },
        };
        return tapped;
      };
    } catch (error) {
      reportMonitorFailure('batch results', error);
    }
    return decoder;
  };
};
