/**
 * The nodejs22.x runtime (aws-lambda-ric 3.x: src/index.mjs and src/Runtime.js), without response streaming.
 *
 * Init: patch the console, install the process-wide error listeners (an uncaught exception or unhandled
 * rejection posts an init error, later an invocation error, then exits with 129 or 128), load the handler.
 * Each invocation: wait for the next event, call `handler(event, context, callback)`; a returned promise
 * settles the invocation through `context.succeed/fail`; a handler that neither returns a promise nor calls
 * back is finished when the event loop is empty (`beforeExit`): with a `null` result, or with
 * `Runtime.NodeJsExit` for an async handler whose promise never settled.
 */
import { patchConsole } from '../log-patch.mjs';
import { RapidClient } from '../rapid-client.mjs';
import { ResponseStreamingNotEmulated, STREAM_RESPONSE } from '../streaming.mjs';
import { beforeExit } from './before-exit.mjs';
import { buildCallbackContext } from './callback-context.mjs';
import { logError, NodeJsExit, UnhandledPromiseRejection } from './errors.mjs';
import { InvokeContext, REQUEST_ID } from './invoke-context.mjs';
import { RapidV3 } from './rapid.mjs';
import { handlerMetadata, loadHandler } from './user-function.mjs';

const CALLBACK_WARNING =
  'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';

const isPromise = (value) => typeof value?.then === 'function';

class Runtime {
  constructor(client, handler, metadata, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.metadata = metadata;
    this.errorCallbacks = errorCallbacks;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (error) => {
          console.log(`Unexpected Top Level Error: ${error.toString()}`);
          this.errorCallbacks.uncaughtException(error);
        },
      );
    });
  }

  async handleOnce() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const requestId = invokeContext.invokeId;
    const [callback, callbackContext, markCompleted] = buildCallbackContext(this.client, requestId, () =>
      this.scheduleIteration(),
    );
    try {
      this.setErrorCallbacks(requestId);
      this.setDefaultExitListener(requestId, markCompleted);
      const result = this.handler(
        JSON.parse(bodyJson),
        invokeContext.attachEnvironmentData(callbackContext),
        callback,
      );
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (error) {
      callback(error);
    }
  }

  setErrorCallbacks(requestId) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, requestId, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, requestId, () => process.exit(128));
    };
  }

  setDefaultExitListener(requestId, markCompleted) {
    beforeExit.set(() => {
      markCompleted();
      if (this.metadata.isAsync) {
        const error = new NodeJsExit();
        logError('Invoke Error', error);
        this.client.postInvocationError(error, requestId, () => this.scheduleIteration());
      } else {
        this.client.postInvocationResponse(null, requestId, () => this.scheduleIteration());
      }
    });
  }
}

/** Runs the runtime; settles once the first iteration is scheduled (the loop goes on by itself). */
export const main = async (poster) => {
  patchConsole(() => `${globalThis[REQUEST_ID]}`);
  const client = new RapidV3(new RapidClient(process.env.AWS_LAMBDA_RUNTIME_API, poster));

  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  beforeExit.reset();
  process.on('beforeExit', () => beforeExit.invoke());

  const handler = await loadHandler(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
  const metadata = handlerMetadata(handler);
  if (metadata.streaming === STREAM_RESPONSE) throw new ResponseStreamingNotEmulated();
  const callbackStyle = metadata.argsNum === 3 && !metadata.isAsync;
  if (callbackStyle && process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined) {
    console.warn(CALLBACK_WARNING);
  }
  new Runtime(client, handler, metadata, errorCallbacks).scheduleIteration();
};
