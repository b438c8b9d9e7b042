import type { Middleware } from '@anthropic-ai/sdk/core/middleware';
import type { Operation } from '../domain/call-record';
import { reportMonitorFailure } from '../recorder/log-line';
import { takeAttribution } from './attribution';
import { CallTracker } from './call-tracker';
import type { ResolvedMonitor } from './options';
import { tapApiPromise } from './tap';

export type CreateFn = (params: Record<string, unknown>, options?: Record<string, unknown>) => unknown;

/** Marks a client whose calls are already monitored, so nothing is recorded twice. */
export const MONITORED: unique symbol = Symbol.for('claude-monitor.monitored');

/**
 * One monitored `messages.create`: the SDK's own function does all the work; the monitor adds a
 * per-request middleware (attempts, status, request id) and taps what `create` returns.
 * `messages.stream()` calls `create` too, so it is covered by the same path.
 */
export const callMonitored = (
  original: CreateFn,
  self: unknown,
  params: Record<string, unknown>,
  options: Record<string, unknown> | undefined,
  monitor: ResolvedMonitor,
  beta: boolean,
): unknown => {
  if (!monitor.enabled) return original.call(self, params, takeAttribution(options).options);
  let call: CallTracker;
  let sdkOptions: Record<string, unknown>;
  try {
    const taken = takeAttribution(options);
    const operation: Operation = params?.stream === true ? 'stream' : 'create';
    call = new CallTracker(monitor, operation, beta, params ?? {}, taken.attribution);
    const middleware = (taken.options?.middleware as Middleware[] | undefined) ?? [];
    sdkOptions = { ...taken.options, middleware: [...middleware, call.middleware] };
  } catch (error) {
    reportMonitorFailure('create', error);
    return original.call(self, params, takeAttribution(options).options);
  }
  const promise = original.call(self, params, sdkOptions);
  try {
    tapApiPromise(promise, call);
  } catch (error) {
    reportMonitorFailure('tap', error);
  }
  return promise;
};

/** Replaces `create` on one `Messages` resource (an own property, so other clients are untouched). */
export const instrumentMessages = (
  messages: { create: CreateFn } | undefined,
  monitor: ResolvedMonitor,
  beta: boolean,
): void => {
  if (!messages || typeof messages.create !== 'function') return;
  const original = messages.create;
  messages.create = function monitoredCreate(this: unknown, params, options) {
    return callMonitored(original, this, params, options, monitor, beta);
  };
};
