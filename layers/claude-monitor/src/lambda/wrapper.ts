/**
 * The layer's Lambda handler: `/opt/nodejs/node_modules/claude-monitor/lambda-wrapper.handler`.
 *
 * Set as a function's handler (with the function's own handler in `CLAUDE_MONITOR_HANDLER`), or put in
 * place by the layer's exec wrapper (`AWS_LAMBDA_EXEC_WRAPPER=/opt/claude-monitor`), it records every Claude
 * call of the function with no change to its code:
 * 1. it installs the HTTP taps before the function's code loads, so every client the code builds, whichever
 *    SDK copy and however bundled, is seen;
 * 2. it loads the function's handler as the Node.js runtime would (ESM or CommonJS, nested paths);
 * 3. it runs each invocation in a scope carrying its request id and writes its records before the response,
 *    after which Lambda may freeze the environment.
 * A failure of the monitor never fails the function: the function's own load errors surface unchanged.
 */
import { ENV, readBoolean } from '../domain/env';
import { LAYER_PATHS } from '../domain/layer-paths';
import { installInterception } from '../intercept/install';
import { enableZeroCode } from '../intercept/zero-code';
import { reportMonitorFailure } from '../recorder/log-line';
import { MissingOriginalHandlerError } from './errors';
import { type LambdaHandler, loadHandler } from './load-handler';
import { wrapHandler } from './wrap-handler';

const startMonitoring = (env: NodeJS.ProcessEnv): void => {
  try {
    installInterception();
    let everyClient = true;
    try {
      everyClient = readBoolean(env, ENV.autoInstrument, true);
    } catch (error) {
      reportMonitorFailure('config', error);
    }
    if (everyClient) enableZeroCode({}, env);
  } catch (error) {
    reportMonitorFailure('wrapper', error);
  }
};

/** Loads the function's own handler, wrapped. */
export const loadWrappedHandler = async (env: NodeJS.ProcessEnv = process.env): Promise<LambdaHandler> => {
  startMonitoring(env);
  const original = env[ENV.originalHandler]?.trim();
  if (!original || original === LAYER_PATHS.wrapperHandler) {
    throw new MissingOriginalHandlerError(
      `${ENV.originalHandler} must name the function's own handler (e.g. index.handler) when the handler is the Claude monitor's wrapper`,
    );
  }
  return wrapHandler(await loadHandler(env.LAMBDA_TASK_ROOT ?? process.cwd(), original, env));
};
