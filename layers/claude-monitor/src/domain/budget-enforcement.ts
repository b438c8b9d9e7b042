/**
 * How the layer enforces budgets, set at deploy time (`claudeMonitor.budgetEnforcement`, passed to attached
 * functions as `CLAUDE_MONITOR_BUDGET_ENFORCEMENT`) or per client (`monitor: { budgets: {...} }`).
 */

/** What a call gets when the budget check cannot reach DynamoDB within `timeoutMs`. */
export const ON_UNAVAILABLE = {
  /** The call goes ahead, unchecked, and is marked so on its record. Monitoring never breaks the caller. */
  open: 'open',
  /** The call is refused with `BudgetUnavailableError` (zero-code: a 503 the SDK does not retry). */
  closed: 'closed',
} as const;
export type OnUnavailable = (typeof ON_UNAVAILABLE)[keyof typeof ON_UNAVAILABLE];

export interface BudgetEnforcementConfig {
  /** @default 'open' */
  onUnavailable: OnUnavailable;
  /**
   * Longest wait for the budget check (all its DynamoDB requests) before `onUnavailable` applies, ms.
   * @default 1000
   */
  timeoutMs: number;
  /**
   * Seconds after which the reservation of a call that never settled (crash, timeout, frozen environment)
   * is released by the sweep. Must outlast the longest call: a Lambda invocation lasts at most 15 minutes.
   * @default 1200
   */
  reservationTtlSeconds: number;
  /**
   * Seconds a process keeps the run-time budgets it read from the table before reading them again; 0 reads
   * none (only deploy-time budgets are enforced).
   * @default 60
   */
  runtimeRefreshSeconds: number;
}

export const DEFAULT_BUDGET_ENFORCEMENT: Readonly<BudgetEnforcementConfig> = Object.freeze({
  onUnavailable: 'open',
  timeoutMs: 1_000,
  reservationTtlSeconds: 1_200,
  runtimeRefreshSeconds: 60,
});

const FIELDS: Record<keyof BudgetEnforcementConfig, (value: unknown) => string | undefined> = {
  onUnavailable: (v) => (v === 'open' || v === 'closed' ? undefined : 'must be open or closed'),
  timeoutMs: (v) =>
    Number.isSafeInteger(v) && (v as number) >= 10 && (v as number) <= 10_000
      ? undefined
      : 'must be a whole number of milliseconds from 10 to 10000',
  reservationTtlSeconds: (v) =>
    Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 86_400
      ? undefined
      : 'must be a whole number of seconds from 1 to 86400',
  runtimeRefreshSeconds: (v) =>
    Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 3_600
      ? undefined
      : 'must be a whole number of seconds from 0 to 3600',
};

/** Checks a partial configuration; one message per problem, each naming the field. Empty means valid. */
export const validateBudgetEnforcement = (config: unknown, path: string): string[] => {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return [`${path} must be an object`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const check = FIELDS[key as keyof BudgetEnforcementConfig];
    if (!check) problems.push(`${path}.${key} is not a budget enforcement setting`);
    else {
      const problem = value === undefined ? undefined : check(value);
      if (problem) problems.push(`${path}.${key} ${problem}, got ${JSON.stringify(value)}`);
    }
  }
  return problems;
};

/** Defaults merged with `partial`; throws with every problem listed when it is invalid. */
export const resolveBudgetEnforcement = (
  partial: Partial<BudgetEnforcementConfig> = {},
  path = 'budgetEnforcement',
): BudgetEnforcementConfig => {
  const problems = validateBudgetEnforcement(partial, path);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const defined = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_BUDGET_ENFORCEMENT, ...defined };
};
