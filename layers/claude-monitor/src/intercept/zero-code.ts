import { type MonitorOptions, resolveMonitor } from '../client/options';
import type { CallOptions } from './call-context';

/**
 * Zero-code recording: calls made outside any explicitly monitored client are recorded too, with the
 * monitor's defaults (the DynamoDB table named by the environment). Switched on by the Lambda wrapper and by
 * the `claude-monitor/auto` preload; process-wide, shared by every loaded copy of the monitor.
 */
interface ZeroCodeState {
  options?: CallOptions;
}

const STATE_KEY = Symbol.for('claude-monitor.zero-code');
const global = globalThis as { [STATE_KEY]?: ZeroCodeState };
global[STATE_KEY] ??= {};
const state = global[STATE_KEY];

/**
 * Records every Claude call of the process from now on (unless `CLAUDE_MONITOR_ENABLED` is false), with these
 * options (default: the DynamoDB table from the environment). Calling it again replaces the options.
 */
export const enableZeroCode = (options: MonitorOptions = {}, env: NodeJS.ProcessEnv = process.env): void => {
  state.options = { monitor: resolveMonitor(options, env), instrumentation: 'zero-code' };
};

/** The options of zero-code recording, when it is on. */
export const zeroCodeOptions = (): CallOptions | undefined => state.options;

/** Stops zero-code recording; explicitly monitored clients are still recorded. */
export const disableZeroCode = (): void => {
  state.options = undefined;
};
