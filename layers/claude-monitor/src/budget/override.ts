import { AsyncLocalStorage } from 'node:async_hooks';
import { BudgetConfigError } from './errors';

/** Longest override reason kept on a record. */
export const MAX_OVERRIDE_REASON_LENGTH = 256;

/** Symbol under which a per-call override travels in the SDK's request options; the SDK ignores it. */
export const BUDGET_OVERRIDE_OPTION: unique symbol = Symbol.for('claude-monitor.budget-override');

/** One store per process, even when the ESM and CommonJS builds of the monitor are both loaded. */
const STORAGE_KEY = Symbol.for('claude-monitor.budget-override-scope');
const global = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<string> };
global[STORAGE_KEY] ??= new AsyncLocalStorage<string>();
const storage = global[STORAGE_KEY];

const checked = (reason: unknown): string => {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_OVERRIDE_REASON_LENGTH) {
    throw new BudgetConfigError(
      `a budget override needs a reason of 1 to ${MAX_OVERRIDE_REASON_LENGTH} characters, got ${JSON.stringify(reason)}`,
    );
  }
  return reason;
};

/**
 * Request options that send one call past every enforced budget, for privileged traffic (an on-call tool
 * that must work when a tenant's budget is spent). The call's cost still counts, and its record carries
 * `budget.outcome: 'override'` with the reason. Stripped before the request is built: nothing is sent.
 * @throws BudgetConfigError when the reason is empty or longer than 256 characters
 * @example
 * await client.messages.create(params, withBudgetOverride('on-call: incident 4711', { timeout: 30_000 }));
 */
export const withBudgetOverride = <O extends object>(reason: string, options?: O): O => {
  const carrier = { ...(options ?? {}) } as O & { [BUDGET_OVERRIDE_OPTION]?: string };
  carrier[BUDGET_OVERRIDE_OPTION] = checked(reason);
  return carrier;
};

/**
 * Runs `fn` with every Claude call inside it sent past the enforced budgets, with `reason` on their records.
 * Works for clients the code does not monitor itself (zero-code) too.
 * @throws BudgetConfigError when the reason is empty or longer than 256 characters
 */
export const runWithBudgetOverride = <R>(reason: string, fn: () => R): R => storage.run(checked(reason), fn);

/** The override of the scope in progress, if any. */
export const currentBudgetOverride = (): string | undefined => storage.getStore();

/** Splits request options into the SDK's own and the override carried with them. */
export const takeBudgetOverride = <O>(options: O): { options: O; reason: string | undefined } => {
  const carried = (options as { [BUDGET_OVERRIDE_OPTION]?: string } | undefined)?.[BUDGET_OVERRIDE_OPTION];
  if (carried === undefined) return { options, reason: undefined };
  const { [BUDGET_OVERRIDE_OPTION]: _dropped, ...rest } = options as Record<string | symbol, unknown>;
  return { options: rest as O, reason: carried };
};
