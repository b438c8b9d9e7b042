import type { BudgetPeriod } from 'claude-monitor/domain';

/** The alert rules; each fires once per scope, window and step. */
export const ALERT_RULE = {
  sessionCost: 'session-cost',
  consecutiveErrors: 'consecutive-errors',
  budget: 'budget',
  /** An enforced budget refused a call: once per scope and window, when it starts refusing. */
  budgetRefused: 'budget-refused',
  unpricedModel: 'unpriced-model',
  /** A day's bill differs from the tracked spend by more than the reconciliation threshold. */
  reconciliationDifference: 'reconciliation-difference',
  /** A day's bill has spend under an API key or workspace the monitored functions do not use. */
  unmonitoredSpend: 'unmonitored-spend',
  /** An hour's spend, error rate or p95 latency far outside the same hour of earlier weeks. */
  anomaly: 'anomaly',
  /** The month-end forecast of spend crosses a monthly budget before the spend itself does. */
  forecastBudget: 'forecast-budget',
} as const;
export type AlertRule = (typeof ALERT_RULE)[keyof typeof ALERT_RULE];

/** Unit of an alert's value and threshold. */
export const ALERT_UNIT = { nanoUsd: 'nanoUsd', count: 'count', ratio: 'ratio', ms: 'ms' } as const;
export type AlertUnit = (typeof ALERT_UNIT)[keyof typeof ALERT_UNIT];

/** A threshold crossed: the content of one message. */
export interface Alert {
  rule: AlertRule;
  /**
   * `account`, `session:<id>`, `tenant:<id>`, `user:<id>`, `function:<name>`, `model:<id>`; for
   * reconciliation the source (`anthropic`, `bedrock`), `api_key:<id>` or `workspace:<id>`.
   */
  scope: string;
  /**
   * `total` (sessions), the day or month bucket (budgets, unpriced models, reconciliation), or the streak's
   * first error time.
   */
  window: string;
  /** What crossed within the window: the budget percentage, the USD threshold, the error count. */
  step: string;
  value: number;
  threshold: number;
  unit: AlertUnit;
  /** When the crossing was detected, ISO 8601. */
  time: string;
  /** Budget alerts: the budget the step is a percentage of (for a refusal, the share spent when it refused). */
  budget?: { period: BudgetPeriod; percent: number; amountNanoUsd: number };
  /** Anomaly alerts: what was measured and the baseline it stands out from. */
  anomaly?: {
    metric: string;
    baselineMedian: number;
    baselineScale: number;
    baselineHours: number;
    score: number;
  };
  /** Forecast alerts: spend so far and the method the projection used. */
  forecast?: { monthToDateNanoUsd: number; method: string };
  /**
   * Who the crossing concerns beyond its scope, e.g. the tenant and user of a session, so that subscriptions
   * can route it by tenant. Not part of the alert's identity.
   */
  context?: AlertContext;
}

/** Attribution of an alert beyond its scope, from the call record that crossed the threshold. */
export interface AlertContext {
  tenantId?: string;
  userId?: string;
}

/** Stable identity of an alert: the same crossing always maps to the same id. */
export const alertId = (alert: Pick<Alert, 'rule' | 'scope' | 'window' | 'step'>): string =>
  `${alert.rule}|${alert.scope}|${alert.window}|${alert.step}`;

/** Key of the fire-once marker. */
export const alertItemKey = (alert: Pick<Alert, 'rule' | 'scope' | 'window' | 'step'>) => ({
  pk: `ALERT#${alert.rule}#${alert.scope}`,
  sk: `${alert.window}#${alert.step}`,
});
