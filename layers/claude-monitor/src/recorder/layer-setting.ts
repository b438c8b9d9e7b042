import { type ENV, readPositiveInt } from '../domain/env';
import { reportMonitorFailure } from './log-line';

/**
 * A whole-number setting of the layer from the environment. A bad value is reported once as a monitor
 * failure and replaced by `fallback`: a mistyped setting never breaks the function it monitors.
 */
export const readLayerSetting = (
  env: NodeJS.ProcessEnv,
  name: (typeof ENV)[keyof typeof ENV],
  fallback: number,
): number => {
  try {
    return readPositiveInt(env, name, fallback);
  } catch (error) {
    reportMonitorFailure('config', error);
    return fallback;
  }
};
