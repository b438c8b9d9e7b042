/**
 * Auto-instrumentation: loading this entry monitors every client of the `@anthropic-ai/sdk` copy it resolves,
 * including clients constructed before it loaded, with default options (records go to the table named by
 * `CLAUDE_MONITOR_TABLE`). Load it before the handler:
 *   NODE_OPTIONS="--import claude-monitor/auto"   (ESM handlers)
 *   NODE_OPTIONS="--require claude-monitor/auto"  (CommonJS handlers)
 * `CLAUDE_MONITOR_AUTO=false` switches it off without removing the option. A handler that bundles its own
 * SDK copy is out of reach: use `MonitoredAnthropic` or `monitor(client)` there.
 */
import { Anthropic } from '@anthropic-ai/sdk';
import { type CreateFn, callMonitored, MONITORED } from './client/instrument';
import { type ResolvedMonitor, resolveMonitor } from './client/options';
import { ENV, readBoolean } from './domain/env';
import { reportMonitorFailure } from './recorder/log-line';

export { runWithAttribution, withAttribution } from './client/attribution';
export { withMonitoring } from './lambda/with-monitoring';
export { flush } from './recorder/registry';

const PATCHED: unique symbol = Symbol.for('claude-monitor.auto-patched');

type MessagesClass = { prototype: { create: CreateFn; [PATCHED]?: true } };

const monitors = new WeakMap<object, ResolvedMonitor>();

const patch = (messagesClass: MessagesClass | undefined, beta: boolean): void => {
  const proto = messagesClass?.prototype;
  if (!proto || typeof proto.create !== 'function' || proto[PATCHED]) return;
  const original = proto.create;
  proto.create = function autoMonitoredCreate(this: { _client?: object }, params, options) {
    const client = this._client as (object & { [MONITORED]?: true }) | undefined;
    if (!client || client[MONITORED]) return original.call(this, params, options);
    let monitor = monitors.get(client);
    if (!monitor) {
      monitor = resolveMonitor(client);
      monitors.set(client, monitor);
    }
    return callMonitored(original, this, params, options, monitor, beta);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
};

/** Patches the SDK's Messages classes; returns whether auto-instrumentation is on. */
export const enableAutoInstrumentation = (env: NodeJS.ProcessEnv = process.env): boolean => {
  try {
    if (!readBoolean(env, ENV.autoInstrument, true)) return false;
    const sdk = Anthropic as unknown as { Messages?: MessagesClass; Beta?: { Messages?: MessagesClass } };
    patch(sdk.Messages, false);
    patch(sdk.Beta?.Messages, true);
    return true;
  } catch (error) {
    reportMonitorFailure('auto-instrumentation', error);
    return false;
  }
};

export const AUTO_INSTRUMENTED = enableAutoInstrumentation();
