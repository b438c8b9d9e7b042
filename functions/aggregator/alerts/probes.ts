import {
  type AlertConfig,
  applicableBudgets,
  type BudgetConfig,
  bucketOf,
  budgetRollupRef,
  type CallRecord,
  COUNTER,
  type RollupCounters,
  usdToNano,
} from 'claude-monitor/domain';
import { type RollupKey, rollupKey, rollupKeyId } from '../rollup-keys';
import { ALERT_RULE, ALERT_UNIT, type Alert, type AlertRule, type AlertUnit } from './alert';

/** One rollup counter to read back after a commit, and the thresholds to compare it with. */
export interface AlertProbe {
  rule: AlertRule;
  scope: string;
  window: string;
  key: RollupKey;
  counter: string;
  unit: AlertUnit;
  /** `true`: fires when the value is over the threshold; `false`: when it reaches it. */
  strict: boolean;
  /** Tenant and user of the record behind the probe, where the scope does not already say them. */
  context?: Alert['context'];
  thresholds: { step: string; threshold: number; budget?: Alert['budget'] }[];
}

/** The rollup holding the exact spend of a budget's window at `timestamp`, for the limited `value`. */
export const budgetRollupKey = (budget: BudgetConfig, value: string, timestamp: string): RollupKey => {
  const ref = budgetRollupRef(budget, value, timestamp);
  return rollupKey(ref.granularity, ref.dim, value, ref.bucket);
};

/** How an alert names a budget's scope: `account`, or `<scope>:<value>`. */
export const budgetAlertScope = (scope: string, value: string): string =>
  scope === 'account' ? 'account' : `${scope}:${value}`;

/** Tenant and user of a record, where a budget's scope does not already name them. */
export const budgetContext = (scope: string, record: CallRecord): Alert['context'] => {
  const context: NonNullable<Alert['context']> = {};
  if (scope !== 'tenant' && scope !== 'account' && record.tenantId) context.tenantId = record.tenantId;
  if (scope === 'session' && record.userId) context.userId = record.userId;
  return Object.keys(context).length > 0 ? context : undefined;
};

const budgetProbes = (
  config: AlertConfig,
  budgets: readonly BudgetConfig[],
  record: CallRecord,
): AlertProbe[] =>
  // A budget for one tenant (user, session, function) takes precedence over the budget for every one.
  applicableBudgets(budgets, record).map(({ budget, value }) => {
    const key = budgetRollupKey(budget, value, record.timestamp);
    const amountNanoUsd = usdToNano(budget.usd);
    const context = budgetContext(budget.scope, record);
    return {
      rule: ALERT_RULE.budget,
      scope: budgetAlertScope(budget.scope, value),
      ...(context ? { context } : {}),
      window: key.bucket,
      key,
      counter: COUNTER.costNanoUsd,
      unit: ALERT_UNIT.nanoUsd,
      strict: false,
      thresholds: config.budgetSteps.map((percent) => ({
        step: String(percent),
        threshold: Math.round((amountNanoUsd * percent) / 100),
        budget: { period: budget.period, percent, amountNanoUsd },
      })),
    };
  });

/**
 * The rollup counters to read back after the records committed, and what to compare them with. `budgets`
 * are every budget in force, enforced or alert-only: both alert at the `budgetSteps` percentages.
 * Pure: one probe per rule, scope and window, however many records touched it.
 */
export const alertProbesOf = (
  config: AlertConfig,
  budgets: readonly BudgetConfig[],
  records: Iterable<CallRecord>,
): AlertProbe[] => {
  const probes = new Map<string, AlertProbe>();
  const add = (probe: AlertProbe): void => {
    probes.set(`${probe.rule}|${probe.scope}|${probe.window}`, probe);
  };
  for (const record of records) {
    if (config.sessionCostUsd > 0 && record.sessionId) {
      add({
        rule: ALERT_RULE.sessionCost,
        scope: `session:${record.sessionId}`,
        window: 'total',
        key: rollupKey('total', 'session', record.sessionId, 'total'),
        counter: COUNTER.costNanoUsd,
        unit: ALERT_UNIT.nanoUsd,
        strict: true,
        context: {
          ...(record.tenantId ? { tenantId: record.tenantId } : {}),
          ...(record.userId ? { userId: record.userId } : {}),
        },
        thresholds: [{ step: String(config.sessionCostUsd), threshold: usdToNano(config.sessionCostUsd) }],
      });
    }
    if (config.unpricedModel && !record.cost.priced) {
      const day = bucketOf(record.timestamp, 'day');
      add({
        rule: ALERT_RULE.unpricedModel,
        scope: `model:${record.model}`,
        window: day,
        key: rollupKey('day', 'model', record.model, day),
        counter: COUNTER.unpricedCalls,
        unit: ALERT_UNIT.count,
        strict: false,
        thresholds: [{ step: '1', threshold: 1 }],
      });
    }
    for (const probe of budgetProbes(config, budgets, record)) add(probe);
  }
  return [...probes.values()];
};

/** The alerts whose thresholds the read-back values have crossed. Pure. */
export const crossedAlerts = (
  probes: readonly AlertProbe[],
  values: ReadonlyMap<string, RollupCounters>,
  time: string,
): Alert[] =>
  probes.flatMap((probe) => {
    const value = values.get(rollupKeyId(probe.key))?.[probe.counter] ?? 0;
    return probe.thresholds
      .filter(({ threshold }) => (probe.strict ? value > threshold : value >= threshold))
      .map(({ step, threshold, budget }) => ({
        rule: probe.rule,
        scope: probe.scope,
        window: probe.window,
        step,
        value,
        threshold,
        unit: probe.unit,
        time,
        ...(budget ? { budget } : {}),
        ...(probe.context && Object.keys(probe.context).length > 0 ? { context: probe.context } : {}),
      }));
  });
