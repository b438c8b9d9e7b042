/**
 * The single `beforeExit` action of the nodejs22.x runtime (aws-lambda-ric 3.x, src/BeforeExitListener.js).
 * Node emits `beforeExit` when the event loop has nothing left to do; the runtime uses it to finish an
 * invocation whose callback waits for an empty event loop, or whose handler never answered.
 */
const LISTENER = Symbol.for('aws.lambda.beforeExit');
const NOTHING = () => {};

export const beforeExit = {
  invoke: () => globalThis[LISTENER](),
  reset: () => {
    globalThis[LISTENER] = NOTHING;
  },
  set: (listener) => {
    globalThis[LISTENER] = listener;
  },
};
