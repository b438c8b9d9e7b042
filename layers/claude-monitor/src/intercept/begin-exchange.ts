import { batchLineRecorder } from './batch-lines';
import { type CallOptions, currentExplicitContext } from './call-context';
import { Exchange, type HeaderLookup } from './exchange';
import { LogicalCall } from './logical-call';
import { takeRetriedCall } from './open-calls';
import type { RequestBody } from './request-body';
import { attemptMark } from './retry-policy';
import type { Target } from './targets';
import { zeroCodeOptions } from './zero-code';

/** The options a request is recorded with: its explicit client's, else zero-code's; none means "not recorded". */
export const recordingOptions = (): CallOptions | undefined => {
  const options = currentExplicitContext()?.options ?? zeroCodeOptions();
  return options?.monitor.enabled ? options : undefined;
};

/**
 * Starts recording one HTTP attempt of a recognised Claude request and puts it in its call: the explicit
 * client's current call, the call whose retry it is (matched by the client's attempt marks), or a new one.
 * Called by the adapters once the request's body is known.
 */
export const beginExchange = (
  target: Target,
  url: string,
  header: HeaderLookup,
  body: RequestBody,
  options: CallOptions,
): { exchange: Exchange; call: LogicalCall } => {
  const onLine = target.batchId !== undefined ? batchLineRecorder(options, target.batchId) : undefined;
  const exchange = new Exchange(target, header, body, options.monitor.captureContent, onLine);
  const mark = attemptMark(header);
  const explicit = currentExplicitContext();
  let call: LogicalCall | undefined;
  if (explicit) {
    const current = explicit.call as LogicalCall | undefined;
    call = current && !current.finished ? current : undefined;
  } else if (mark.retry > 0) {
    call = takeRetriedCall(target.kind, url, mark.invocationId, () => body.text()) as LogicalCall | undefined;
  }
  if (!call) {
    call = new LogicalCall(options, target, url, mark);
    if (explicit) explicit.call = call;
  }
  call.join(exchange, mark);
  return { exchange, call };
};
