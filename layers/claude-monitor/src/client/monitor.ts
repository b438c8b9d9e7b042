import { checkBudgetOptions } from '../budget/budget-options';
import { takeBudgetOverride } from '../budget/override';
import { hookBudgetErrors } from '../budget/sdk-errors';
import type { Attribution } from '../domain/call-record';
import { type CallOptions, runExplicit } from '../intercept/call-context';
import { installInterception, useTappedFetch } from '../intercept/install';
import { reportMonitorFailure } from '../recorder/log-line';
import { takeAttribution } from './attribution';
import { type MonitorOptions, type ResolvedMonitor, resolveMonitor } from './options';

/** Marks a client whose calls are already monitored, so nothing is recorded twice. */
export const MONITORED: unique symbol = Symbol.for('claude-monitor.monitored');

type SdkMethod = (...args: unknown[]) => unknown;

interface ClientLike {
  maxRetries?: number;
  fetch?: unknown;
  messages?: { create?: SdkMethod; batches?: { results?: SdkMethod } };
  beta?: { messages?: { create?: SdkMethod; batches?: { results?: SdkMethod } } };
  [MONITORED]?: true;
}

interface RequestOptionsLike {
  maxRetries?: number;
  signal?: AbortSignal;
}

/**
 * Replaces one SDK method (an own property of that resource, so other clients are untouched) with one that
 * runs the SDK's own method inside an explicit call context: the HTTP taps below record its attempts with
 * this client's options and the call's attribution. What the method returns is returned as is.
 */
const wrapMethod = (
  resource: Record<string, unknown> | undefined,
  name: string,
  client: ClientLike,
  monitor: ResolvedMonitor,
  optionsIndex: number,
  beta: boolean,
): void => {
  const original = resource?.[name];
  if (typeof original !== 'function') return;
  resource![name] = function monitoredMethod(this: unknown, ...args: unknown[]) {
    const taken = takeAttribution(args[optionsIndex]);
    const override = takeBudgetOverride(taken.options);
    if (taken.attribution !== undefined || override.reason !== undefined)
      args[optionsIndex] = override.options;
    const requestOptions = override.options as RequestOptionsLike | undefined;
    const options: CallOptions = {
      monitor,
      instrumentation: 'explicit',
      beta,
      ...(taken.attribution === undefined ? {} : { attribution: taken.attribution as Attribution }),
      ...(override.reason === undefined ? {} : { budgetOverride: override.reason }),
      ...(requestOptions?.signal ? { userSignal: requestOptions.signal } : {}),
    };
    const maxRetries = requestOptions?.maxRetries ?? client.maxRetries;
    if (typeof maxRetries === 'number') options.maxRetries = maxRetries;
    return runExplicit(options, () => (original as SdkMethod).apply(this, args));
  };
};

/**
 * Monitors a client the caller already constructed (`Anthropic`, `AnthropicBedrock`, `AnthropicVertex`, any
 * 0.30+ or 1.x copy of the SDK) and returns the same object, with its type unchanged. Its calls are recorded
 * with these options (sink, attribution, content capture) even where zero-code recording is off; where it is
 * on, they are still recorded once. Monitoring a client twice has no further effect. With budgets enforced, a
 * refused call throws `BudgetExceededError`, built on the client's own `RateLimitError`.
 * @throws BudgetConfigError when `options.budgets` is invalid (the one option that cannot fall back quietly:
 *   a budget left unenforced by a typo would let a runaway caller spend)
 * @example
 * const client = monitor(new AnthropicBedrock({ awsRegion: 'us-east-1' }), { attribution: { tenantId: 'acme' } });
 */
export const monitor = <C extends object>(client: C, options: MonitorOptions = {}): C => {
  const target = client as ClientLike;
  if (target[MONITORED]) return client;
  if (options.budgets) checkBudgetOptions(options.budgets);
  try {
    installInterception();
    useTappedFetch(target);
    hookBudgetErrors(target);
    const resolved = resolveMonitor(options);
    for (const [messages, beta] of [
      [target.messages, false],
      [target.beta?.messages, true],
    ] as const) {
      wrapMethod(messages as Record<string, unknown>, 'create', target, resolved, 1, beta);
      wrapMethod(messages?.batches as Record<string, unknown>, 'results', target, resolved, 2, beta);
    }
    Object.defineProperty(target, MONITORED, { value: true, enumerable: false });
  } catch (error) {
    reportMonitorFailure('monitor', error);
  }
  return client;
};
