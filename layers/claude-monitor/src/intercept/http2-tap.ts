import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
} from 'node:http2';
import { reportMonitorFailure } from '../recorder/log-line';
import { beginExchange, recordingOptions } from './begin-exchange';
import { budgetGate, mayBeChecked } from './budget-gate';
import { type CallOptions, requestAlreadyOwned } from './call-context';
import type { Exchange } from './exchange';
import { HeldHttp2Stream } from './held-http2-stream';
import { heldAction } from './held-verdict';
import {
  captureRequestBody,
  headerValue,
  observeEvents,
  onResponseEvent,
  readResponseAhead,
} from './node-streams';
import { RequestBody } from './request-body';
import { READ_MODE } from './response-reader';
import { classifyRequest, type Target } from './targets';

type Request = ClientHttp2Session['request'];

const lookup = (headers: OutgoingHttpHeaders | IncomingHttpHeaders) => {
  const lower = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), headerValue(value)]),
  );
  return (name: string) => lower.get(name);
};

/**
 * Follows one HTTP/2 stream (or the stand-in of a held one): its body as written, its response as it arrives,
 * and the caller's reading. A held stream gets its budget check once its body is complete.
 */
const watchStream = (
  stream: ClientHttp2Stream | HeldHttp2Stream,
  target: Target,
  url: string,
  headers: OutgoingHttpHeaders,
  options: CallOptions,
) => {
  const body = new RequestBody();
  const requestHeader = lookup(headers);
  let exchange: Exchange | undefined;
  let readAhead = true;
  // The client ends a stream early with close() or destroy(): a timeout or a caller's abort, not the network.
  let endedLocally = false;
  for (const name of ['close', 'destroy'] as const) {
    const method = stream[name] as (...args: unknown[]) => unknown;
    stream[name] = function monitoredTermination(this: typeof stream, ...args: unknown[]) {
      endedLocally = true;
      return method.apply(this, args);
    } as never;
  }
  captureRequestBody(
    stream,
    body,
    () => {
      if (exchange) return;
      const begun = beginExchange(target, url, requestHeader, body, options);
      exchange = begun.exchange;
      if (stream instanceof HeldHttp2Stream) {
        const decided = exchange;
        stream.decideBy(budgetGate(begun.call, decided, options, body.text() !== undefined), (decision) =>
          heldAction(decided, decision),
        );
      }
    },
    'http2',
  );
  readResponseAhead(
    stream,
    () => exchange,
    () => readAhead,
    'http2',
  );
  observeEvents(
    stream,
    (event, args) => {
      if (!exchange) return;
      if (event === 'response') {
        const responseHeaders = args[0] as IncomingHttpHeaders;
        const mode = exchange.onResponse(Number(responseHeaders[':status'] ?? 0), lookup(responseHeaders));
        readAhead = mode !== READ_MODE.lines;
      } else onResponseEvent(exchange, event, args, endedLocally);
    },
    'http2',
  );
};

/** The recognised Claude request a stream is opened for, with the options it is recorded with. */
const recognise = (authority: string, headers: OutgoingHttpHeaders | undefined) => {
  if (requestAlreadyOwned() || !headers) return undefined;
  const options = recordingOptions();
  if (!options) return undefined;
  const url = `${authority}${headerValue(headers[':path']) ?? '/'}`;
  const target = classifyRequest({
    method: headerValue(headers[':method']) ?? 'GET',
    url,
    header: lookup(headers),
  });
  return target ? { target, url, headers, options } : undefined;
};

/**
 * Wraps a session's `request` so the Claude requests made on it are recorded (the AWS SDK's Bedrock client).
 * A request an enforced budget may apply to is not opened yet: the caller gets a {@link HeldHttp2Stream}
 * that opens it once the check lets it through.
 */
const tapSession = (session: ClientHttp2Session, authority: string): ClientHttp2Session => {
  const request = session.request as Request;
  session.request = function monitoredRequest(
    this: ClientHttp2Session,
    headers?: OutgoingHttpHeaders,
    ...rest: unknown[]
  ) {
    const open = (sent: OutgoingHttpHeaders | undefined) =>
      (request as (...args: unknown[]) => ClientHttp2Stream).call(this, sent, ...rest);
    let found: ReturnType<typeof recognise>;
    try {
      found = recognise(authority, headers);
      // A closed session throws at once, as it would have: nothing to hold.
      if (found && !this.closed && !this.destroyed && mayBeChecked(found.target, found.options)) {
        const held = new HeldHttp2Stream(open, found.headers);
        watchStream(held, found.target, found.url, found.headers, found.options);
        return held as unknown as ClientHttp2Stream;
      }
    } catch (error) {
      reportMonitorFailure('http2', error);
    }
    const stream = open(headers);
    try {
      if (found) watchStream(stream, found.target, found.url, found.headers, found.options);
    } catch (error) {
      reportMonitorFailure('http2', error);
    }
    return stream;
  } as Request;
  return session;
};

/**
 * Wraps `http2.connect` so that the sessions it opens record Claude requests. The AWS SDK's Bedrock runtime
 * client speaks HTTP/2 by default (it serves bidirectional streams too), so this is where its calls are seen.
 */
export const tapHttp2Connect = <F extends (...args: never[]) => ClientHttp2Session>(original: F): F =>
  function monitoredConnect(this: unknown, ...args: Parameters<F>) {
    const session = original.apply(this, args);
    try {
      const authority = args[0] as unknown as string | URL;
      const origin = new URL(typeof authority === 'string' ? authority : authority.href).origin;
      return tapSession(session, origin);
    } catch (error) {
      reportMonitorFailure('http2', error);
      return session;
    }
  } as F;
