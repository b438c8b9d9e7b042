import { type BudgetDecision, withModel } from '../budget/enforcer';
import { refusalResponse } from '../budget/refusal-response';
import { reportMonitorFailure } from '../recorder/log-line';
import { beginExchange, recordingOptions } from './begin-exchange';
import { budgetGate } from './budget-gate';
import { requestAlreadyOwned, runAsOwner } from './call-context';
import type { Exchange } from './exchange';
import { RequestBody } from './request-body';
import { READ_MODE } from './response-reader';
import { classifyRequest } from './targets';

type Fetch = typeof globalThis.fetch;

/** Marks a fetch the monitor made, holding the one it wraps. */
export const TAPPED_FETCH: unique symbol = Symbol.for('claude-monitor.tapped-fetch');

/**
 * Unread bytes the monitor reads ahead of a caller that does not read (a stream never iterated, a create
 * never awaited). Beyond this it waits for the caller, so memory stays bounded; usage past it is then only
 * known if the caller reads.
 */
const MAX_READ_AHEAD_BYTES = 16 * 1024 * 1024;

/** Statuses whose responses have no body by definition (a Response with a body cannot carry them). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const headerOf =
  (headers: Headers): ((name: string) => string | undefined) =>
  (name) =>
    headers.get(name) ?? undefined;

/** The request's URL, method, headers and body, whichever way `fetch` was called. */
const requestParts = (input: unknown, init: RequestInit | undefined) => {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
  const url = request ? request.url : input instanceof URL ? input.href : String(input);
  const method = init?.method ?? request?.method ?? 'GET';
  const headers = new Headers(init?.headers ?? request?.headers);
  const signal = init?.signal ?? request?.signal ?? undefined;
  return { url, method, headers, signal, body: init?.body };
};

/**
 * The caller's copy of a response body. The monitor reads the network body at once (so a response the
 * caller never reads still yields its usage) and hands the bytes on as the caller asks for them: the caller
 * sees the same bytes, the same end and the same error as without the monitor. Cancelling it cancels the
 * network body, as it would have.
 */
const readAhead = (source: ReadableStream<Uint8Array>, exchange: Exchange): ReadableStream<Uint8Array> => {
  const reader = source.getReader();
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  let wakeCaller: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const wake = () => {
    wakeCaller?.();
    wakeCaller = undefined;
  };
  const pump = async () => {
    try {
      for (;;) {
        while (queuedBytes > MAX_READ_AHEAD_BYTES)
          await new Promise<void>((resolve) => (wakeReader = resolve));
        const next = await reader.read();
        if (next.done) break;
        exchange.onChunk(next.value);
        queue.push(next.value);
        queuedBytes += next.value.byteLength;
        wake();
      }
      done = true;
      exchange.onEnd();
    } catch (error) {
      failure = { error };
      exchange.onError(error);
    }
    wake();
  };
  void pump();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        exchange.onCallerRead();
        while (queue.length === 0 && !done && failure === undefined) {
          await new Promise<void>((resolve) => (wakeCaller = resolve));
        }
        if (failure !== undefined) {
          controller.error(failure.error);
          return;
        }
        const chunk = queue.shift();
        if (chunk !== undefined) {
          queuedBytes -= chunk.byteLength;
          wakeReader?.();
          wakeReader = undefined;
          controller.enqueue(chunk);
          return;
        }
        controller.close();
        exchange.onCallerEnd();
      },
      cancel(reason) {
        exchange.onCallerCancel();
        queue.length = 0;
        queuedBytes = 0;
        wakeReader?.();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
};

/** Batch results: passed through as the caller reads them, never read ahead (they can be very large). */
const passThrough = (source: ReadableStream<Uint8Array>, exchange: Exchange): ReadableStream<Uint8Array> => {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) {
            exchange.onEnd();
            controller.close();
            exchange.onCallerEnd();
            return;
          }
          exchange.onChunk(next.value);
          controller.enqueue(next.value);
        } catch (error) {
          exchange.onError(error);
          controller.error(error);
        }
      },
      cancel(reason) {
        exchange.onCallerCancel();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
};

/** The response the caller gets: the same status, headers and URL, with the body handed on by the monitor. */
const tapResponse = (response: Response, exchange: Exchange): Response => {
  const mode = exchange.onResponse(response.status, headerOf(response.headers));
  if (!response.body || NULL_BODY_STATUS.has(response.status)) {
    exchange.onEnd();
    return response;
  }
  const body =
    mode === READ_MODE.lines ? passThrough(response.body, exchange) : readAhead(response.body, exchange);
  const tapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  for (const property of ['url', 'redirected', 'type'] as const) {
    Object.defineProperty(tapped, property, { value: response[property], enumerable: true });
  }
  return tapped;
};

/** Starts recording a fetch, or returns undefined when it is not a Claude request to record. */
const interceptFetch = (input: unknown, init: RequestInit | undefined) => {
  if (requestAlreadyOwned()) return undefined;
  const options = recordingOptions();
  if (!options) return undefined;
  const parts = requestParts(input, init);
  const header = headerOf(parts.headers);
  const target = classifyRequest({ method: parts.method, url: parts.url, header });
  if (!target) return undefined;
  const body = new RequestBody();
  body.add(parts.body);
  const { exchange, call } = beginExchange(target, parts.url, header, body, options);
  const gate = budgetGate(call, exchange, options, typeof init?.body === 'string');
  return { exchange, signal: parts.signal, gate };
};

/**
 * Sends a recognised request (or, when a budget refused it, answers it without sending anything) and
 * records it through its exchange. A downgrade sends the same request to the cheaper model.
 */
const send = (
  original: Fetch,
  self: unknown,
  input: Parameters<Fetch>[0],
  init: RequestInit | undefined,
  exchange: Exchange,
  signal: AbortSignal | undefined,
  decision: BudgetDecision | undefined,
): Promise<Response> => {
  const onAbort = () => exchange.onAbort();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = () => signal?.removeEventListener('abort', onAbort);
  let sentInit = init;
  let pending: Promise<Response>;
  try {
    if (decision?.action === 'refuse') {
      pending = Promise.resolve(refusalResponse(decision.reason, decision.check));
    } else {
      if (decision?.downgradeTo !== undefined && init && typeof init.body === 'string') {
        const text = withModel(exchange.body.json() ?? {}, decision.downgradeTo);
        exchange.body.replace(text);
        sentInit = { ...init, body: text };
      }
      pending = runAsOwner(() => original.call(self, input, sentInit));
    }
  } catch (error) {
    exchange.onError(error);
    stopWatching();
    throw error;
  }
  return pending.then(
    (response) => {
      try {
        const tapped = tapResponse(response, exchange);
        // An abort after the body arrived still counts (a caller breaking out of a buffered stream).
        exchange.afterSettle(stopWatching);
        return tapped;
      } catch (error) {
        reportMonitorFailure('fetch', error);
        stopWatching();
        return response;
      }
    },
    (error: unknown) => {
      exchange.onError(error);
      stopWatching();
      throw error;
    },
  );
};

/**
 * Wraps a `fetch` so that every Claude request through it is recorded, and checked against the enforced
 * budgets before it is sent. Anything else passes straight through; so does everything when monitoring is
 * off. A failure of the monitor never reaches the caller.
 */
export const tapFetch = (original: Fetch): Fetch => {
  if ((original as Fetch & { [TAPPED_FETCH]?: Fetch })[TAPPED_FETCH]) return original;
  const tapped = function monitoredFetch(this: unknown, input: Parameters<Fetch>[0], init?: RequestInit) {
    let intercepted: ReturnType<typeof interceptFetch>;
    try {
      intercepted = interceptFetch(input, init);
    } catch (error) {
      reportMonitorFailure('fetch', error);
    }
    if (!intercepted) return original.call(this, input, init);
    const { exchange, signal, gate } = intercepted;
    if (!gate) return send(original, this, input, init, exchange, signal, undefined);
    return gate.then((decision) => send(original, this, input, init, exchange, signal, decision));
  } as Fetch;
  Object.defineProperty(tapped, TAPPED_FETCH, { value: original });
  return tapped;
};
