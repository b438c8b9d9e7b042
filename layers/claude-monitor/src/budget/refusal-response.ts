import type { BudgetCheck } from '../domain/call-record';
import { formatUsd } from '../domain/money';
import { BUDGET_ERROR, type BudgetErrorKind } from './errors';

/** Header of a refusal answered by the monitor itself; its value is the `BudgetErrorKind`. */
export const BUDGET_REFUSAL_HEADER = 'x-claude-monitor-budget';

/** `error.type` of the Anthropic-shaped error body of a refusal. */
export const REFUSAL_ERROR_TYPE = {
  exceeded: 'budget_exceeded_error',
  unavailable: 'budget_unavailable_error',
} as const;

/** 429 for a budget with no room (what a spending limit is), 503 when the check could not be made. */
const STATUS: Record<BudgetErrorKind, number> = { exceeded: 429, unavailable: 503 };

const periodWord = (period: string): string =>
  period === 'day' ? 'daily' : period === 'month' ? 'monthly' : 'lifetime';

const who = (scope: string, value: string): string =>
  scope === 'account' ? 'the account' : `${scope} ${value}`;

/** The message a refused caller reads. */
export const refusalMessage = (kind: BudgetErrorKind, check: BudgetCheck): string => {
  const limit = check.limit;
  if (kind === BUDGET_ERROR.unavailable || !limit) {
    return 'Claude monitor: the budget check could not reach DynamoDB in time and enforcement fails closed; nothing was sent to the API.';
  }
  const resets = limit.resetsAt ? `it resets at ${limit.resetsAt}` : 'it never resets';
  return (
    `Claude monitor: the ${periodWord(limit.period)} budget of ${who(limit.scope, limit.value)} ` +
    `(${formatUsd(limit.limitNanoUsd)}) has no room for this call: ${formatUsd(limit.spentNanoUsd)} spent, ` +
    `${formatUsd(limit.reservedNanoUsd)} reserved by calls in flight; ${resets}. Nothing was sent to the API.`
  );
};

/** The refusal's details as the error body carries them (snake case, like the API's own fields). */
export interface RefusalBody {
  type: 'error';
  error: {
    type: string;
    message: string;
    budget?: {
      scope: string;
      scope_id: string;
      period: string;
      window: string;
      limit_nano_usd: number;
      spent_nano_usd: number;
      reserved_nano_usd: number;
      resets_at: string | null;
    };
  };
}

export const refusalBody = (kind: BudgetErrorKind, check: BudgetCheck): RefusalBody => {
  const limit = check.limit;
  return {
    type: 'error',
    error: {
      type: REFUSAL_ERROR_TYPE[kind],
      message: refusalMessage(kind, check),
      ...(kind === BUDGET_ERROR.exceeded && limit
        ? {
            budget: {
              scope: limit.scope,
              scope_id: limit.value,
              period: limit.period,
              window: limit.window,
              limit_nano_usd: limit.limitNanoUsd,
              spent_nano_usd: limit.spentNanoUsd,
              reserved_nano_usd: limit.reservedNanoUsd,
              resets_at: limit.resetsAt ?? null,
            },
          }
        : {}),
    },
  };
};

/** A refusal as the monitor answers it, whatever the HTTP client: status, headers and body text. */
export interface RefusalParts {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer the monitor gives an Anthropic SDK in place of the API when a budget refuses a call: an
 * Anthropic-shaped error the SDK turns into its own error class (`RateLimitError` for 429), with
 * `x-should-retry: false` so that the SDK does not try again (every Stainless-built SDK reads it before the
 * status, 503 included). Nothing reaches the network.
 */
export const anthropicRefusal = (kind: BudgetErrorKind, check: BudgetCheck): RefusalParts => ({
  status: STATUS[kind],
  statusText: kind === BUDGET_ERROR.exceeded ? 'Budget Exceeded' : 'Budget Check Unavailable',
  headers: {
    'content-type': 'application/json',
    'x-should-retry': 'false',
    [BUDGET_REFUSAL_HEADER]: kind,
  },
  body: JSON.stringify(refusalBody(kind, check)),
});

/** The refusal of {@link anthropicRefusal} as a fetch `Response`. */
export const refusalResponse = (kind: BudgetErrorKind, check: BudgetCheck): Response => {
  const parts = anthropicRefusal(kind, check);
  return new Response(parts.body, {
    status: parts.status,
    statusText: parts.statusText,
    headers: parts.headers,
  });
};
