/**
 * The callback and the `succeed`/`fail`/`done` part of the context of the nodejs22.x runtime
 * (aws-lambda-ric 3.x, src/CallbackContext.js):
 * - `callback(error)` posts the error at once;
 * - `callback(null, result)` posts the result once the event loop is empty (`beforeExit`), unless
 *   `context.callbackWaitsForEmptyEventLoop` was set to false, then at once;
 * - `context.done/succeed/fail` post at once;
 * - only the first call of any of them counts.
 */
import { beforeExit } from './before-exit.mjs';
import { logError } from './errors.mjs';

/**
 * @param {import('./rapid.mjs').RapidV3} client
 * @param {string} requestId
 * @param {() => void} scheduleNext starts the next iteration of the invoke loop
 * @returns {[Function, object, () => void]} callback, context part, and a way to mark the invocation complete
 */
export const buildCallbackContext = (client, requestId, scheduleNext) => {
  const postError = (error, then) => {
    logError('Invoke Error', error);
    client.postInvocationError(error, requestId, then);
  };

  let completed = false;
  const complete = (result, then) => {
    if (completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    completed = true;
    client.postInvocationResponse(result, requestId, then);
  };

  let waitForEmptyEventLoop = true;

  const callback = (error, result) => {
    beforeExit.reset();
    if (error !== undefined && error !== null) {
      postError(error, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      beforeExit.set(() => setImmediate(() => complete(result, scheduleNext)));
    }
  };

  const done = (error, result) => {
    beforeExit.reset();
    if (error !== undefined && error !== null) postError(error, scheduleNext);
    else complete(result, scheduleNext);
  };

  // Only the first call of any of them counts; a call that throws does not count.
  let finished = false;
  const firstCallOnly =
    (action) =>
    (...args) => {
      if (finished) return;
      action(...args);
      finished = true;
    };

  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: firstCallOnly((result) => done(null, result)),
    fail: firstCallOnly((error) =>
      error === undefined || error === null ? done('handled') : done(error, null),
    ),
    done: firstCallOnly(done),
  };

  return [
    firstCallOnly(callback),
    context,
    () => {
      completed = true;
    },
  ];
};
