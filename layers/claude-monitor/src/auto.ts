/**
 * The preload for long-running processes and scripts (`node --import <layer>/claude-monitor/dist/auto.mjs`,
 * or `--require …/auto.cjs`): records every Claude call of the process with no code change, writing records
 * in the background and once more before the process exits. `CLAUDE_MONITOR_AUTO=false` switches it off
 * without removing the option.
 *
 * In Lambda, use the layer's wrapper handler instead (`attach()` sets it up): only it writes the records of
 * an invocation before Lambda freezes the environment.
 */
import { ENV, readBoolean } from './domain/env';
import { installInterception } from './intercept/install';
import { enableZeroCode } from './intercept/zero-code';
import { reportMonitorFailure, writeLogLine } from './recorder/log-line';
import { flush } from './recorder/registry';

export { runWithBudgetOverride } from './budget/override';
export { runWithAttribution, withAttribution } from './client/attribution';
export { withMonitoring } from './lambda/with-monitoring';
export { flush } from './recorder/registry';

/** Starts zero-code recording; returns whether it is on. */
export const enableAutoInstrumentation = (env: NodeJS.ProcessEnv = process.env): boolean => {
  try {
    if (!readBoolean(env, ENV.autoInstrument, true)) return false;
    installInterception();
    enableZeroCode({}, env);
    process.once('beforeExit', () => void flush());
    if (env.AWS_LAMBDA_RUNTIME_API && !env[ENV.originalHandler]) {
      writeLogLine({
        level: 'WARN',
        message:
          'claude-monitor: preloaded in Lambda without the wrapper handler; records written after the response can be lost when Lambda freezes the environment. Use the layer wrapper (attach() or AWS_LAMBDA_EXEC_WRAPPER=/opt/claude-monitor).',
      });
    }
    return true;
  } catch (error) {
    reportMonitorFailure('auto-instrumentation', error);
    return false;
  }
};

export const AUTO_INSTRUMENTED = enableAutoInstrumentation();
