/** Alert rules and thresholds, set at deploy time and read by the aggregator. */

export const BUDGET_SCOPE = { account: 'account', tenant: 'tenant', user: 'user' } as const;
export type BudgetScope = (typeof BUDGET_SCOPE)[keyof typeof BUDGET_SCOPE];

export const BUDGET_PERIOD = { day: 'day', month: 'month' } as const;
export type BudgetPeriod = (typeof BUDGET_PERIOD)[keyof typeof BUDGET_PERIOD];

export interface BudgetConfig {
  scope: BudgetScope;
  /** Tenant or user id; omitted for `account`, and for a budget that applies to every tenant or user. */
  id?: string;
  period: BudgetPeriod;
  /** Budget in USD. */
  usd: number;
}

export interface AlertConfig {
  /**
   * Alert when a session's total cost exceeds this many USD; 0 turns the rule off.
   * @default 10
   */
  sessionCostUsd: number;
  /**
   * Alert after this many consecutive failed calls, per Lambda function and per model; 0 turns it off.
   * @default 5
   */
  consecutiveErrors: number;
  /** Daily and monthly budgets. @default [] */
  budgets: BudgetConfig[];
  /**
   * Percentages of a budget at which an alert fires, once each per window.
   * @default [50, 80, 100]
   */
  budgetSteps: number[];
  /**
   * Alert when calls of a model missing from the price table are recorded (once per model and day).
   * @default true
   */
  unpricedModel: boolean;
}

/** Defaults of the original monitoring system: $10 per session, 5 consecutive errors. */
export const DEFAULT_ALERT_CONFIG: Readonly<AlertConfig> = Object.freeze({
  sessionCostUsd: 10,
  consecutiveErrors: 5,
  budgets: [],
  budgetSteps: [50, 80, 100],
  unpricedModel: true,
});

const isNonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * Checks a (partial) alert configuration. Returns one message per problem, each naming the property,
 * e.g. `alerts.sessionCostUsd must be a number >= 0, got -1`. Empty means valid.
 */
export const validateAlertConfig = (config: Partial<AlertConfig>, path = 'alerts'): string[] => {
  const problems: string[] = [];
  if (config.sessionCostUsd !== undefined && !isNonNegative(config.sessionCostUsd)) {
    problems.push(`${path}.sessionCostUsd must be a number >= 0, got ${String(config.sessionCostUsd)}`);
  }
  if (
    config.consecutiveErrors !== undefined &&
    !(Number.isSafeInteger(config.consecutiveErrors) && config.consecutiveErrors >= 0)
  ) {
    problems.push(
      `${path}.consecutiveErrors must be a whole number >= 0, got ${String(config.consecutiveErrors)}`,
    );
  }
  if (config.budgetSteps !== undefined) {
    if (!Array.isArray(config.budgetSteps) || config.budgetSteps.length === 0) {
      problems.push(`${path}.budgetSteps must be a non-empty list of percentages`);
    } else {
      config.budgetSteps.forEach((step, i) => {
        if (!(typeof step === 'number' && step > 0 && step <= 1000)) {
          problems.push(`${path}.budgetSteps[${i}] must be a percentage in (0, 1000], got ${String(step)}`);
        }
      });
    }
  }
  if (config.unpricedModel !== undefined && typeof config.unpricedModel !== 'boolean') {
    problems.push(`${path}.unpricedModel must be true or false`);
  }
  (config.budgets ?? []).forEach((budget, i) => {
    const at = `${path}.budgets[${i}]`;
    if (!Object.values(BUDGET_SCOPE).includes(budget.scope)) {
      problems.push(`${at}.scope must be account, tenant or user, got ${String(budget.scope)}`);
    }
    if (!Object.values(BUDGET_PERIOD).includes(budget.period)) {
      problems.push(`${at}.period must be day or month, got ${String(budget.period)}`);
    }
    if (!(isNonNegative(budget.usd) && budget.usd > 0)) {
      problems.push(`${at}.usd must be a number > 0, got ${String(budget.usd)}`);
    }
    if (budget.scope === 'account' && budget.id !== undefined) {
      problems.push(`${at}.id must be omitted for an account budget`);
    }
    if (budget.id !== undefined && (typeof budget.id !== 'string' || budget.id.trim() === '')) {
      problems.push(`${at}.id must be a non-empty string when given`);
    }
  });
  return problems;
};

/** Defaults merged with `partial`; throws with every problem listed when it is invalid. */
export const resolveAlertConfig = (partial: Partial<AlertConfig> = {}): AlertConfig => {
  const problems = validateAlertConfig(partial);
  if (problems.length > 0) throw new Error(`invalid alert configuration: ${problems.join('; ')}`);
  return { ...DEFAULT_ALERT_CONFIG, ...partial, budgets: partial.budgets ?? [] } as AlertConfig;
};
