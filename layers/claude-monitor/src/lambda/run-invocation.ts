import type { Context } from 'aws-lambda';
import { type MonitorScope, runWithAttribution } from '../client/attribution';

/** What the monitor reads of a Lambda context (anything else the runtime passes is left alone). */
export type InvocationContext = Partial<Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>>;

import { flush } from '../recorder/registry';
import { invocationBounds } from './invocation-bounds';

/** The attribution of an invocation: its AWS request id, plus what an attribution reader returns. */
export const invocationScope = (
  context: InvocationContext | undefined,
  extra?: MonitorScope,
): MonitorScope => ({
  ...(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : {}),
  ...extra,
});

/**
 * The end of an invocation: records every Claude call of it (waiting for calls still in flight within the
 * bounds Lambda's remaining time allows) and writes the records. Never throws.
 */
export const endInvocation = async (context: InvocationContext | undefined): Promise<void> => {
  try {
    await flush({
      ...invocationBounds(context),
      ...(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : {}),
    });
  } catch {
    // flush() never rejects; this only guards against a bug turning into the handler's error.
  }
};

/** Runs a handler in its invocation's scope, then ends the invocation whatever the outcome. */
export const runInvocation = async <R>(
  scope: MonitorScope,
  context: InvocationContext | undefined,
  run: () => R | Promise<R>,
): Promise<R> => {
  try {
    return await runWithAttribution(scope, run);
  } finally {
    await endInvocation(context);
  }
};
