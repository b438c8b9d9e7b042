import { reportMonitorFailure } from '../recorder/log-line';
import type { CallTracker } from './call-tracker';

/** The parts of the SDK's `APIPromise` the monitor taps (runtime fields of the SDK class). */
interface ApiPromiseInternals {
  responsePromise?: Promise<unknown>;
  parseResponse?: (client: unknown, props: unknown) => unknown;
  parsedPromise?: Promise<unknown>;
  asResponse?: () => Promise<Response>;
}

/** The parts of the SDK's `Stream` the monitor taps. */
interface StreamInternals {
  iterator: () => AsyncIterator<unknown>;
}

const isStream = (value: unknown): value is StreamInternals =>
  typeof value === 'object' && value !== null && typeof (value as StreamInternals).iterator === 'function';

/**
 * Wraps the iterator behind an SDK `Stream`, so the events the caller consumes (directly, or through
 * `MessageStream`) are seen once, in passing. The `Stream` object itself, its controller and helpers stay
 * the SDK's own. The call is finished on the last event, on an error, and on `return()` (`break`, abort).
 */
const tapStream = (stream: StreamInternals, call: CallTracker): void => {
  const original = stream.iterator;
  stream.iterator = () => {
    const inner = original.call(stream);
    const onResult = (result: IteratorResult<unknown>) => {
      if (result.done) call.onStreamEnd();
      else call.onEvent(result.value as { type: string });
      return result;
    };
    const onError = (error: unknown): never => {
      call.onStreamEnd(error);
      throw error;
    };
    const tapped: AsyncIterableIterator<unknown> = {
      next: (...args: [] | [unknown]) => inner.next(...args).then(onResult, onError),
      return: (value?: unknown) => {
        call.onStreamEnd();
        return inner.return ? inner.return(value) : Promise.resolve({ done: true, value });
      },
      throw: (error?: unknown) => {
        call.onStreamEnd(error);
        return inner.throw ? inner.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return tapped;
      },
    };
    return tapped;
  };
};

/**
 * Taps an `APIPromise` returned by `messages.create` without changing it: the parsed result is read when
 * the SDK parses it for the caller (never a second parse), errors are seen on the response promise, and a
 * response taken with `asResponse()` (whose body is the caller's) is recorded without usage.
 */
export const tapApiPromise = (promise: unknown, call: CallTracker): void => {
  const internals = promise as ApiPromiseInternals;
  const { responsePromise, parseResponse, asResponse } = internals;
  if (!responsePromise || !parseResponse || !asResponse) {
    reportMonitorFailure('tap', new Error('unexpected APIPromise shape; call not recorded'));
    return;
  }
  responsePromise.then(undefined, (error: unknown) => call.onError(error));
  internals.parseResponse = (client, props) => {
    const parsed = parseResponse.call(promise, client, props);
    const onData = (data: unknown) => {
      try {
        if (isStream(data)) tapStream(data, call);
        else call.onMessage(data as object);
      } catch (error) {
        reportMonitorFailure('tap', error);
      }
      return data;
    };
    const onParseError = (error: unknown): never => {
      call.onError(error);
      throw error;
    };
    return parsed instanceof Promise ? parsed.then(onData, onParseError) : onData(parsed);
  };
  internals.asResponse = function (this: ApiPromiseInternals) {
    const response = asResponse.call(this);
    if (!this.parsedPromise)
      void response.then(
        () => call.onMessage({}),
        () => undefined,
      );
    return response;
  };
};
