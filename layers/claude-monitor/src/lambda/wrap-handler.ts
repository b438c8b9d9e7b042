import { runWithAttribution } from '../client/attribution';
import type { LambdaHandler } from './load-handler';
import { endInvocation, type InvocationContext, invocationScope, runInvocation } from './run-invocation';

/** Markers the runtime reads on a handler (`awslambda.streamifyResponse`). */
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

type Callback = (error?: unknown, result?: unknown) => void;
/** The 3.x runtime's context also has the legacy completion methods. */
type LegacyContext = InvocationContext & {
  succeed?: (result?: unknown) => void;
  fail?: (error?: unknown) => void;
  done?: (error?: unknown, result?: unknown) => void;
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/** The runtime (3.x) tells async handlers by their constructor's name. */
const isAsyncFunction = (fn: unknown): boolean =>
  (fn as { constructor?: { name?: string } })?.constructor?.name === 'AsyncFunction';

/** The runtime reads a handler's arity (`length`): callback handlers have three parameters. */
const withShapeOf = <F extends object>(wrapper: F, original: LambdaHandler): F => {
  Object.defineProperty(wrapper, 'length', { value: original.length });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  for (const marker of [HANDLER_STREAMING, HANDLER_HIGH_WATER_MARK]) {
    const value = (original as unknown as Record<symbol, unknown>)[marker];
    if (value !== undefined) (wrapper as Record<symbol, unknown>)[marker] = value;
  }
  return wrapper;
};

/**
 * A callback handler's completion (the callback, or the context's legacy `succeed`/`fail`/`done`) is
 * passed on only after the invocation's records are written, whichever comes first; the rest are ignored,
 * as the runtime ignores them.
 */
const completion = (context: LegacyContext | undefined, callback: Callback | undefined) => {
  let done = false;
  const legacy = {
    succeed: context?.succeed?.bind(context),
    fail: context?.fail?.bind(context),
    done: context?.done?.bind(context),
  };
  const after = (pass: () => void) => {
    if (done) return;
    done = true;
    void endInvocation(context).then(pass);
  };
  if (context) {
    if (legacy.succeed) context.succeed = (result) => after(() => legacy.succeed!(result));
    if (legacy.fail) context.fail = (error) => after(() => legacy.fail!(error));
    if (legacy.done) context.done = (error, result) => after(() => legacy.done!(error, result));
  }
  return (error?: unknown, result?: unknown) => after(() => callback?.(error, result));
};

/**
 * Wraps the function's handler so that each invocation runs in a scope carrying its AWS request id, and its
 * Claude calls are recorded and written before the runtime can send the response (after which Lambda may
 * freeze the environment). The wrapper has the handler's own shape — async or not, its arity, its streaming
 * markers — so the runtime treats it exactly as it would treat the handler; results and errors pass through
 * unchanged.
 */
export const wrapHandler = (original: LambdaHandler): LambdaHandler => {
  if ((original as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] !== undefined) {
    // Response streaming: (event, responseStream, context). The response is the stream, so writing the
    // records before returning delays nothing the client reads.
    return withShapeOf(async function streamingHandler(...args: unknown[]) {
      const [event, stream, context] = args as [unknown, unknown, InvocationContext];
      return runInvocation(invocationScope(context), context, () => original(event, stream, context));
    }, original);
  }
  if (isAsyncFunction(original)) {
    return withShapeOf(async function asyncHandler(...args: unknown[]) {
      const [event, context, callback] = args as [unknown, LegacyContext, Callback | undefined];
      const extra = original.length >= 3 ? [completion(context, callback)] : [];
      return runInvocation(invocationScope(context), context, () => original(event, context, ...extra));
    }, original);
  }
  return withShapeOf(function handler(...args: unknown[]) {
    const [event, context, callback] = args as [unknown, LegacyContext, Callback | undefined];
    const done = original.length >= 3 ? completion(context, callback) : undefined;
    let result: unknown;
    try {
      result = runWithAttribution(invocationScope(context), () =>
        done ? original(event, context, done) : original(event, context),
      );
    } catch (error) {
      // The runtime reports a thrown error once the event loop is empty: the records are written by then.
      void endInvocation(context);
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        async (value) => {
          await endInvocation(context);
          return value;
        },
        async (error: unknown) => {
          await endInvocation(context);
          throw error;
        },
      );
    }
    // A synchronous handler: the runtime waits for the event loop to empty before it answers, so the
    // records written in the background are written first.
    if (!done) void endInvocation(context);
    return result;
  }, original);
};
