import type { ClientRequest, IncomingMessage } from 'node:http';
import { reportMonitorFailure } from '../recorder/log-line';
import { beginExchange, recordingOptions } from './begin-exchange';
import { budgetGate, mayBeChecked } from './budget-gate';
import { type CallOptions, requestAlreadyOwned } from './call-context';
import type { Exchange } from './exchange';
import { HeldClientRequest } from './held-client-request';
import { heldAction } from './held-verdict';
import { isAbortError } from './network-error';
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

/** Reads a response as it arrives, whether or not the caller reads it, and follows the caller's reading. */
const watchResponse = (res: IncomingMessage, exchange: Exchange): void => {
  const mode = exchange.onResponse(res.statusCode ?? 0, (name) => headerValue(res.headers[name]));
  readResponseAhead(
    res,
    () => exchange,
    () => mode !== READ_MODE.lines,
    'http',
  );
  observeEvents(res, (event, args) => onResponseEvent(exchange, event, args, false), 'http');
};

/**
 * Follows a recognised request from its body to its response. When an enforced budget may apply, its bytes
 * are held until the check decides (see `HeldClientRequest`).
 */
const watchRequest = (req: ClientRequest, target: Target, url: string, options: CallOptions): void => {
  const body = new RequestBody();
  let exchange: Exchange | undefined;
  const header = (name: string) => headerValue(req.getHeader(name));
  const held = mayBeChecked(target, options) ? new HeldClientRequest(req) : undefined;
  captureRequestBody(
    req,
    body,
    () => {
      if (exchange) return;
      const begun = beginExchange(target, url, header, body, options);
      const decided = begun.exchange;
      exchange = decided;
      held?.decideBy(budgetGate(begun.call, decided, options, body.text() !== undefined), (decision) =>
        heldAction(decided, decision),
      );
    },
    'http',
  );
  observeEvents(
    req,
    (event, args) => {
      if (!exchange) return;
      if (event === 'response') watchResponse(args[0] as IncomingMessage, exchange);
      else if (event === 'abort') exchange.onAbort();
      else if (event === 'error' && exchange.status === undefined) {
        if (isAbortError(args[0])) exchange.onAbort();
        exchange.onError(args[0]);
      } else if (event === 'close' && exchange.status === undefined) {
        exchange.onError(new Error('request closed before a response'));
      }
    },
    'http',
  );
};

/**
 * Wraps `http.request`/`https.request` (and `get`) so that Claude requests made over `node:http` are
 * recorded and held to their enforced budgets: Anthropic SDKs before 0.50 (node-fetch), and the AWS SDK when
 * set to HTTP/1.1. Anything else,
 * and a request some other tap already records, passes straight through.
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
