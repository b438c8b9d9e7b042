import type { Readable, Writable } from 'node:stream';
import { reportMonitorFailure } from '../recorder/log-line';
import type { Exchange } from './exchange';
import { isAbortError } from './network-error';
import type { RequestBody } from './request-body';

/**
 * What the `node:http` and `node:http2` taps share: reading a request body as it is written, reading a response
 * as it arrives, and following how the caller reads it. Both wrap the stream objects' own methods (never add
 * listeners, which would change how Node treats a response nobody listens to).
 */

/** How far ahead of a caller that does not read the monitor lets a response arrive. */
export const MAX_READ_AHEAD_BYTES = 16 * 1024 * 1024;

type Method = (...args: unknown[]) => unknown;

/** A header value of Node's header objects as one string (lists joined, numbers as text). */
export const headerValue = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
};

const encodingOf = (value: unknown): BufferEncoding | undefined =>
  typeof value === 'string' ? (value as BufferEncoding) : undefined;

/** Keeps what is written to the request in `body`; `onEnd` runs when the request is ended (body complete). */
export const captureRequestBody = (
  request: Writable,
  body: RequestBody,
  onEnd: () => void,
  where: string,
): void => {
  const write = request.write as Method;
  request.write = function monitoredWrite(this: Writable, ...args: unknown[]) {
    body.add(args[0], encodingOf(args[1]));
    return write.apply(this, args);
  } as Writable['write'];
  const end = request.end as Method;
  request.end = function monitoredEnd(this: Writable, ...args: unknown[]) {
    try {
      if (typeof args[0] !== 'function') body.add(args[0], encodingOf(args[1]));
      onEnd();
    } catch (error) {
      reportMonitorFailure(where, error);
    }
    return end.apply(this, args);
  } as Writable['end'];
};

/**
 * Sees every chunk Node pushes into a response stream, whether or not the caller reads it. Saying "more,
 * please" (up to {@link MAX_READ_AHEAD_BYTES} unread) keeps the socket flowing, so a response nobody reads
 * still arrives whole, usage included; `readAhead()` false keeps Node's own back-pressure.
 */
export const readResponseAhead = (
  response: Readable,
  exchange: () => Exchange | undefined,
  readAhead: () => boolean,
  where: string,
): void => {
  const push = response.push as (chunk: unknown, encoding?: BufferEncoding) => boolean;
  response.push = function monitoredPush(this: Readable, chunk: unknown, encoding?: BufferEncoding) {
    const current = exchange();
    if (current && chunk === null) current.onEnd();
    else if (current) {
      try {
        current.onChunk(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array));
      } catch (error) {
        reportMonitorFailure(where, error);
      }
    }
    const accepted = push.call(this, chunk, encoding);
    return accepted || (chunk !== null && readAhead() && this.readableLength <= MAX_READ_AHEAD_BYTES);
  } as Readable['push'];
};

/**
 * Follows the caller through the events of a response stream: reading (`data`), reaching the end (`end`),
 * or giving up (`error`/`close`/`aborted` once the network side is over); before that, the same events are
 * the network failing, or an abort when the client ended the stream itself.
 */
export const onResponseEvent = (
  exchange: Exchange,
  event: string | symbol,
  args: unknown[],
  endedLocally: boolean,
): void => {
  if (event === 'data') exchange.onCallerRead();
  else if (event === 'end') exchange.onCallerEnd();
  else if (event === 'error' || event === 'close' || event === 'aborted') {
    if (exchange.networkOver()) {
      exchange.onCallerCancel();
      return;
    }
    const error = event === 'error' ? args[0] : new Error(`response ${String(event)} before its end`);
    if (endedLocally || isAbortError(error)) exchange.onAbort();
    exchange.onError(error);
  }
};

/** Wraps a stream's `emit` to see its events as they happen, before any listener. */
export const observeEvents = (
  emitter: NodeJS.EventEmitter,
  observe: (event: string | symbol, args: unknown[]) => void,
  where: string,
): void => {
  const emit = emitter.emit as (event: string | symbol, ...args: unknown[]) => boolean;
  emitter.emit = function monitoredEmit(
    this: NodeJS.EventEmitter,
    event: string | symbol,
    ...args: unknown[]
  ) {
    try {
      observe(event, args);
    } catch (error) {
      reportMonitorFailure(where, error);
    }
    return emit.call(this, event, ...args);
  } as NodeJS.EventEmitter['emit'];
};
