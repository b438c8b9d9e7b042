/**
 * The nodejs24.x runtime (aws-lambda-ric 4.x, single concurrency, without response streaming).
 *
 * Init: `awslambda` globals, console patch, required environment checked, handler loaded; a load failure or a
 * callback-style handler is logged (`Init Error`), posted to /runtime/init/error and rethrown, which ends the
 * process. Each invocation: `await handler(event, context)` (two arguments, no callback), then the result or
 * the error is posted after one turn of the event loop. This generation installs no `uncaughtException`,
 * `unhandledRejection` or `beforeExit` listener: an error nobody catches ends the process the Node way.
 */
import { patchConsole } from '../log-patch.mjs';
import { RapidClient } from '../rapid-client.mjs';
import {
  HttpResponseStream,
  noGlobalAwsLambda,
  ResponseStreamingNotEmulated,
  streamifyResponse,
} from '../streaming.mjs';
import { buildContext } from './context-builder.mjs';
import { formatError, logError, PlatformError, serializeToJson } from './errors.mjs';
import { invokeStore, PROTECTED_KEYS } from './invoke-store.mjs';
import { loadUserFunction, refuseCallbackHandler } from './user-function-loader.mjs';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

class Lifecycle {
  /** @param {RapidClient} client */
  constructor(client) {
    this.client = client;
  }

  async next() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const context = buildContext(headers);
    return { context, event: JSON.parse(bodyJson) };
  }

  async succeed(requestId, result) {
    await nextTurn();
    this.client.postInvocationResponse(requestId, serializeToJson(result));
  }

  async fail(requestId, error) {
    await nextTurn();
    logError('Invoke Error', error);
    const body = formatError(error);
    this.client.postInvocationError(requestId, serializeToJson(body), body.errorType);
  }
}

const runInvokeLoop = async (handler, lifecycle, store) => {
  for (;;) {
    const { context, event } = await lifecycle.next();
    const invocationContext = {
      [PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId,
      [PROTECTED_KEYS.X_RAY_TRACE_ID]: context.xRayTraceId,
    };
    await store.run(invocationContext, async () => {
      try {
        const result = await handler(event, context);
        await lifecycle.succeed(context.awsRequestId, result);
      } catch (error) {
        await lifecycle.fail(context.awsRequestId, error);
      }
    });
  }
};

const createRuntime = async (poster) => {
  const globalAllowed = !noGlobalAwsLambda();
  if (globalAllowed) {
    globalThis.awslambda = { ...(globalThis.awslambda ?? {}), streamifyResponse, HttpResponseStream };
  }
  const store = invokeStore(globalAllowed);
  patchConsole(() => store.getRequestId());

  const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;
  const handlerString = process.env._HANDLER;
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  if (!runtimeApi) throw new PlatformError('AWS_LAMBDA_RUNTIME_API environment variable is not set');
  if (!handlerString) throw new PlatformError('_HANDLER environment variable is not set');
  if (!taskRoot) throw new PlatformError('LAMBDA_TASK_ROOT environment variable is not set');

  const client = new RapidClient(runtimeApi, poster);
  try {
    const { handler, metadata } = await loadUserFunction(taskRoot, handlerString);
    if (metadata.streaming) throw new ResponseStreamingNotEmulated();
    refuseCallbackHandler(metadata);
    return () => runInvokeLoop(handler, new Lifecycle(client), store);
  } catch (error) {
    logError('Init Error', error);
    const body = formatError(error);
    await client.postInitError(serializeToJson(body), body.errorType);
    throw error;
  }
};

/** Starts the runtime without awaiting it, as the runtime's entry does: a failure becomes an unhandled rejection. */
export const main = async (poster) => {
  const ignition = async () => {
    const start = await createRuntime(poster);
    await start();
  };
  ignition();
};
