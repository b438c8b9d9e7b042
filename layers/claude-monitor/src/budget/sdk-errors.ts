/**
 * The one place the budget code reaches into the Anthropic SDK's internals: `makeStatusError(status, error,
 * message, headers)`, the method through which a client builds the error of a non-2xx response (defined on
 * `BaseAnthropic`, inherited by `AnthropicBedrock` and `AnthropicVertex`). Checked against
 * `@anthropic-ai/sdk` 1.14.0 (`client.js`) and the 0.x line from 0.30 (`core.ts`, `APIClient`), where it has
 * the same name and arguments. test/unit/budget/sdk-errors.test.ts fails loudly when that shape changes.
 *
 * A monitored client's `makeStatusError` is wrapped on the instance: for a refusal the monitor answered
 * itself (marked by `x-claude-monitor-budget`), it returns a `BudgetExceededError` (or
 * `BudgetUnavailableError`) built on the error class the SDK chose for the status, so the caller's
 * `instanceof Anthropic.RateLimitError` / `APIError` checks keep working with the figures added. Any other
 * response gets exactly the SDK's own error.
 */
import { BUDGET_ERROR, BUDGET_ERROR_KIND, type BudgetErrorKind, detailsOf } from './errors';
import { BUDGET_REFUSAL_HEADER, type RefusalBody } from './refusal-response';

type MakeStatusError = (
  status: number,
  error: unknown,
  message: string | undefined,
  headers: unknown,
) => unknown;
type ErrorClass = new (
  status: number,
  error: unknown,
  message: string | undefined,
  headers: unknown,
) => Error;

const NAMES: Record<BudgetErrorKind, string> = {
  exceeded: 'BudgetExceededError',
  unavailable: 'BudgetUnavailableError',
};

/** One subclass per SDK error class and kind, made once. */
const subclasses = new WeakMap<ErrorClass, Partial<Record<BudgetErrorKind, ErrorClass>>>();

const subclassOf = (base: ErrorClass, kind: BudgetErrorKind): ErrorClass => {
  const known = subclasses.get(base) ?? {};
  let made = known[kind];
  if (!made) {
    const name = NAMES[kind];
    made = class extends base {
      // The SDK names its errors from `new.target._errorName` (1.x); 0.x uses the class name.
      public static readonly _errorName = name;
    };
    Object.defineProperty(made, 'name', { value: name });
    known[kind] = made;
    subclasses.set(base, known);
  }
  return made;
};

/** A header of the response: a `Headers` (1.x), or the plain lower-case object 0.x builds (`createResponseHeaders`). */
const headerOf = (headers: unknown, name: string): string | null => {
  if (typeof headers !== 'object' || headers === null) return null;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as Headers).get(name);
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

const budgetError = (base: Error, kind: BudgetErrorKind, args: Parameters<MakeStatusError>): unknown => {
  const Sub = subclassOf(base.constructor as ErrorClass, kind);
  const error = new Sub(...args);
  Object.defineProperty(error, 'name', { value: NAMES[kind], writable: true, configurable: true });
  Object.defineProperty(error, BUDGET_ERROR_KIND, { value: kind });
  const budget = (args[1] as RefusalBody | undefined)?.error?.budget;
  if (kind === BUDGET_ERROR.exceeded && budget) {
    Object.assign(
      error,
      detailsOf({
        scope: budget.scope,
        value: budget.scope_id,
        period: budget.period,
        window: budget.window,
        limitNanoUsd: budget.limit_nano_usd,
        spentNanoUsd: budget.spent_nano_usd,
        reservedNanoUsd: budget.reserved_nano_usd,
        ...(budget.resets_at ? { resetsAt: budget.resets_at } : {}),
      }),
    );
  }
  return error;
};

/** Whether a client has the method this file wraps (the shape it was checked against). */
export const hasStatusErrorHook = (client: object): boolean =>
  typeof (client as { makeStatusError?: unknown }).makeStatusError === 'function';

/**
 * Makes a client throw `BudgetExceededError`/`BudgetUnavailableError` for the monitor's own refusals.
 * Returns false (the client then throws the SDK's plain error for them) when the client has no such method.
 */
export const hookBudgetErrors = (client: object): boolean => {
  if (!hasStatusErrorHook(client)) return false;
  const original = (client as { makeStatusError: MakeStatusError }).makeStatusError;
  Object.defineProperty(client, 'makeStatusError', {
    configurable: true,
    writable: true,
    value: function makeStatusError(this: unknown, ...args: Parameters<MakeStatusError>) {
      const made = original.apply(this, args);
      const kind = headerOf(args[3], BUDGET_REFUSAL_HEADER);
      if ((kind !== 'exceeded' && kind !== 'unavailable') || !(made instanceof Error)) return made;
      return budgetError(made, kind, args);
    },
  });
  return true;
};
