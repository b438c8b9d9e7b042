import type { ClientRequest, IncomingMessage } from 'node:http';
import { reportMonitorFailure } from '../recorder/log-line';
import { beginExchange, recordingOptions } from './begin-exchange';
import { type CallOptions, requestAlreadyOwned } from './call-context';
import type { Exchange } from './exchange';
import { isAbortError } from './network-error';
import { RequestBody } from './request-body';
import { READ_MODE } from './response-reader';
import { classifyRequest, type Target } from './targets';

/** As for fetch: how far ahead of a caller that does not read the monitor lets a response arrive. */
const MAX_READ_AHEAD_BYTES = 16 * 1024 * 1024;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;

const headerValue = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
};

/** Reads a response as it arrives, whether or not the caller reads it, and follows the caller's reading. */
const watchResponse = (res: IncomingMessage, exchange: Exchange): void => {
  const mode = exchange.onResponse(res.statusCode ?? 0, (name) => headerValue(res.headers[name]));
  const readAhead = mode !== READ_MODE.lines;
  const push = res.push as Push;
  res.push = function monitoredPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) {
      exchange.onEnd();
      return push.call(this, chunk, encoding);
    }
    try {
      exchange.onChunk(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array));
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    const accepted = push.call(this, chunk, encoding);
    // Keeping the socket flowing lets a response nobody reads still arrive (and yield its usage).
    return accepted || (readAhead && this.readableLength <= MAX_READ_AHEAD_BYTES);
  } as IncomingMessage['push'];
  const emit = res.emit as Emit;
  res.emit = function monitoredEmit(this: IncomingMessage, event: string | symbol, ...args: unknown[]) {
    try {
      if (event === 'data') exchange.onCallerRead();
      else if (event === 'end') exchange.onCallerEnd();
      else if (event === 'error' || event === 'close') {
        if (exchange.networkOver()) exchange.onCallerCancel();
        else {
          const error = event === 'error' ? args[0] : new Error('response closed before its end');
          if (isAbortError(error)) exchange.onAbort();
          exchange.onError(error);
        }
      }
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    return emit.call(this, event, ...args);
  } as IncomingMessage['emit'];
};

/** Follows a recognised request from its body to its response. */
const watchRequest = (req: ClientRequest, target: Target, url: string, options: CallOptions): void => {
  const body = new RequestBody();
  let exchange: Exchange | undefined;
  const header = (name: string) => headerValue(req.getHeader(name));
  const write = req.write as (...args: unknown[]) => boolean;
  req.write = function monitoredWrite(this: ClientRequest, ...args: unknown[]) {
    body.add(args[0], typeof args[1] === 'string' ? (args[1] as BufferEncoding) : undefined);
    return write.apply(this, args);
  } as ClientRequest['write'];
  const end = req.end as (...args: unknown[]) => ClientRequest;
  req.end = function monitoredEnd(this: ClientRequest, ...args: unknown[]) {
    try {
      if (typeof args[0] !== 'function') {
        body.add(args[0], typeof args[1] === 'string' ? (args[1] as BufferEncoding) : undefined);
      }
      exchange ??= beginExchange(target, url, header, body, options).exchange;
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    return end.apply(this, args);
  } as ClientRequest['end'];
  const emit = req.emit as Emit;
  req.emit = function monitoredEmit(this: ClientRequest, event: string | symbol, ...args: unknown[]) {
    try {
      if (exchange) {
        if (event === 'response') watchResponse(args[0] as IncomingMessage, exchange);
        else if (event === 'abort') exchange.onAbort();
        else if (event === 'error' && exchange.status === undefined) {
          if (isAbortError(args[0])) exchange.onAbort();
          exchange.onError(args[0]);
        } else if (event === 'close' && exchange.status === undefined) {
          exchange.onError(new Error('request closed before a response'));
        }
      }
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    return emit.call(this, event, ...args);
  } as ClientRequest['emit'];
};

/**
 * Wraps `http.request`/`https.request` (and `get`) so that Claude requests made over `node:http` are
 * recorded: the AWS SDK's Bedrock runtime client, and Anthropic SDKs before 0.50 (node-fetch). Anything
 * else, and a request some other tap already records, passes straight through.
 */
export const tapHttpRequest = <F extends (...args: never[]) => ClientRequest>(
  original: F,
  protocol: string,
): F =>
  function monitoredRequest(this: unknown, ...args: Parameters<F>) {
    const req = original.apply(this, args);
    try {
      if (requestAlreadyOwned()) return req;
      const options = recordingOptions();
      if (!options) return req;
      const host = headerValue(req.getHeader('host')) ?? req.host;
      const url = `${req.protocol ?? protocol}//${host}${req.path}`;
      const target = classifyRequest({
        method: req.method,
        url,
        header: (name) => headerValue(req.getHeader(name)),
      });
      if (target) watchRequest(req, target, url, options);
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    return req;
  } as F;
