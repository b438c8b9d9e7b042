import type { BudgetLimitState } from '../domain/call-record';
import { NANO_PER_USD } from '../domain/money';

/** Marks the errors below on objects of any class (they are built on each SDK copy's own error classes). */
export const BUDGET_ERROR_KIND: unique symbol = Symbol.for('claude-monitor.budget-error-kind');

/** Which budget error an object is. */
export const BUDGET_ERROR = { exceeded: 'exceeded', unavailable: 'unavailable' } as const;
export type BudgetErrorKind = (typeof BUDGET_ERROR)[keyof typeof BUDGET_ERROR];

const kindOf = (value: unknown): BudgetErrorKind | undefined =>
  typeof value === 'object' && value !== null
    ? (value as { [BUDGET_ERROR_KIND]?: BudgetErrorKind })[BUDGET_ERROR_KIND]
    : undefined;

/** The figures of the limit that refused a call, in USD for people and nano-dollars for sums. */
export interface BudgetErrorDetails {
  /** `account`, `tenant`, `user`, `session` or `function`. */
  scope: string;
  /** The tenant, user, session or function limited; `*` for the account. */
  scopeId: string;
  period: string;
  /** The window's bucket: `2026-12-01`, `2026-12` or `total` (a session's lifetime). */
  window: string;
  limitUsd: number;
  /** Spent in the window when the call was checked (settled, plus what the aggregator found unsettled). */
  spentUsd: number;
  /** Reserved by calls in flight when the call was checked. */
  reservedUsd: number;
  /** When the window resets; null for a session's lifetime. */
  resetsAt: Date | null;
  limitNanoUsd: number;
  spentNanoUsd: number;
  reservedNanoUsd: number;
}

export const detailsOf = (limit: BudgetLimitState): BudgetErrorDetails => ({
  scope: limit.scope,
  scopeId: limit.value,
  period: limit.period,
  window: limit.window,
  limitUsd: limit.limitNanoUsd / NANO_PER_USD,
  spentUsd: limit.spentNanoUsd / NANO_PER_USD,
  reservedUsd: limit.reservedNanoUsd / NANO_PER_USD,
  resetsAt: limit.resetsAt ? new Date(limit.resetsAt) : null,
  limitNanoUsd: limit.limitNanoUsd,
  spentNanoUsd: limit.spentNanoUsd,
  reservedNanoUsd: limit.reservedNanoUsd,
});

/**
 * An enforced budget refused the call: nothing was sent. Explicitly monitored clients throw it; it is also an
 * instance of the client's own `RateLimitError` (status 429, so `APIError` handlers see it), whichever copy of
 * the SDK the client comes from, and the SDK does not retry it. With no code change (zero-code) the SDK
 * throws its own `RateLimitError` whose type (`error.type` in SDK 1.x, the body's `error.type`) is
 * `budget_exceeded_error`.
 *
 * `instanceof BudgetExceededError` holds for every such error, whichever SDK copy built it.
 * @example
 * try { await client.messages.create(params); }
 * catch (error) { if (error instanceof BudgetExceededError) console.log(error.scope, error.resetsAt); }
 */
export class BudgetExceededError extends Error implements BudgetErrorDetails {
  declare readonly scope: string;
  declare readonly scopeId: string;
  declare readonly period: string;
  declare readonly window: string;
  declare readonly limitUsd: number;
  declare readonly spentUsd: number;
  declare readonly reservedUsd: number;
  declare readonly resetsAt: Date | null;
  declare readonly limitNanoUsd: number;
  declare readonly spentNanoUsd: number;
  declare readonly reservedNanoUsd: number;
  /** HTTP status the SDK saw (429). */
  declare readonly status: number;

  public static override [Symbol.hasInstance](value: unknown): boolean {
    return kindOf(value) === BUDGET_ERROR.exceeded;
  }
}

/**
 * The budget check could not reach DynamoDB in time and enforcement fails closed (`onUnavailable: 'closed'`):
 * the call was not sent. Built like {@link BudgetExceededError}, on the client's own error class for status
 * 503, not retried; zero-code callers see the SDK's own error of type `budget_unavailable_error`.
 */
export class BudgetUnavailableError extends Error {
  /** HTTP status the SDK saw (503). */
  declare readonly status: number;

  public static override [Symbol.hasInstance](value: unknown): boolean {
    return kindOf(value) === BUDGET_ERROR.unavailable;
  }
}

/** A budget setting that cannot be used (explicit client options); names the option. */
export class BudgetConfigError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BudgetConfigError';
  }
}
