/** Alert rules and thresholds, set at deploy time and read by the aggregator. Budgets: see `budget.ts`. */

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
  /**
   * Percentages of a budget (see `budgets`, both modes) at which an alert fires, once each per window.
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
  if ('budgets' in config) {
    problems.push(
      `${path}.budgets moved to the top-level budgets key, where each budget also has a mode (enforce or alert)`,
    );
  }
  return problems;
};

/** Defaults merged with `partial`; throws with every problem listed when it is invalid. */
export const resolveAlertConfig = (partial: Partial<AlertConfig> = {}): AlertConfig => {
  const problems = validateAlertConfig(partial);
  if (problems.length > 0) throw new Error(`invalid alert configuration: ${problems.join('; ')}`);
  return { ...DEFAULT_ALERT_CONFIG, ...partial } as AlertConfig;
};
