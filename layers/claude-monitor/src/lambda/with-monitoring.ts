import type { Context } from 'aws-lambda';
import { type MonitorScope, runWithAttribution } from '../client/attribution';
import { flush } from '../recorder/registry';

/** A Lambda handler in the async style. */
export type AsyncHandler<E, R> = (event: E, context: Context) => Promise<R>;

export interface WithMonitoringOptions<E> {
  /** Attribution for every call of the invocation, e.g. read from the event. @default none */
  attribution?: (event: E, context: Context) => MonitorScope | undefined;
}

/**
 * Wraps a Lambda handler: every Claude call made during the invocation carries the invocation's AWS request
 * id (and any attribution), and all records are flushed before the result is returned or the error rethrown.
 * The flush is bounded by `CLAUDE_MONITOR_FLUSH_TIMEOUT_MS` and never throws; the handler's own result and
 * error are passed through unchanged.
 * @example
 * export const handler = withMonitoring(async (event) => client.messages.create(params));
 */
export const withMonitoring = <E, R>(
  handler: AsyncHandler<E, R>,
  options: WithMonitoringOptions<E> = {},
): AsyncHandler<E, R> => {
  return async (event, context) => {
    let scope: MonitorScope = { awsRequestId: context?.awsRequestId };
    try {
      scope = { ...scope, ...options.attribution?.(event, context) };
    } catch {
      // A failing attribution reader must not fail the invocation: the calls are recorded without it.
    }
    try {
      return await runWithAttribution(scope, () => handler(event, context));
    } finally {
      await flush();
    }
  };
};
