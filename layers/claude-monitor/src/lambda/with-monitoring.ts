import type { Context } from 'aws-lambda';
import type { MonitorScope } from '../client/attribution';
import { invocationScope, runInvocation } from './run-invocation';

/** A Lambda handler in the async style. */
export type AsyncHandler<E, R> = (event: E, context: Context) => Promise<R>;

export interface WithMonitoringOptions<E> {
  /** Attribution for every call of the invocation, e.g. read from the event. @default none */
  attribution?: (event: E, context: Context) => MonitorScope | undefined;
}

/**
 * Wraps a Lambda handler in code: every Claude call made during the invocation carries the invocation's AWS
 * request id (and any attribution), and all records are written before the result is returned or the error
 * rethrown — bounded by the time Lambda has left, never throwing; the handler's own result and error pass
 * through unchanged. The layer's wrapper handler does the same with no code change; this is for code that
 * wants attribution from the event.
 * @example
 * export const handler = withMonitoring(async (event) => client.messages.create(params), {
 *   attribution: (event) => ({ tenantId: event.tenantId }),
 * });
 */
export const withMonitoring = <E, R>(
  handler: AsyncHandler<E, R>,
  options: WithMonitoringOptions<E> = {},
): AsyncHandler<E, R> => {
  return async (event, context) => {
    let extra: MonitorScope | undefined;
    try {
      extra = options.attribution?.(event, context);
    } catch {
      // A failing attribution reader must not fail the invocation: the calls are recorded without it.
    }
    return runInvocation(invocationScope(context, extra), context, () => handler(event, context));
  };
};
