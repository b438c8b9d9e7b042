import {
  type AlertConfig,
  type BudgetConfig,
  bucketOf,
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

const budgetTarget = (
  budget: BudgetConfig,
  record: CallRecord,
): { dim: 'all' | 'tenant' | 'user'; value: string } | undefined => {
  if (budget.scope === 'account') return { dim: 'all', value: '*' };
  const value = budget.scope === 'tenant' ? record.tenantId : record.userId;
  if (!value || (budget.id !== undefined && budget.id !== value)) return undefined;
  return { dim: budget.scope, value };
};

const budgetProbes = (config: AlertConfig, record: CallRecord): AlertProbe[] => {
  // A budget for one tenant or user takes precedence over the budget for every tenant or user.
  const chosen = new Map<string, { budget: BudgetConfig; dim: 'all' | 'tenant' | 'user'; value: string }>();
  for (const budget of config.budgets) {
    const target = budgetTarget(budget, record);
    if (!target) continue;
    const id = `${target.dim}|${target.value}|${budget.period}`;
    const existing = chosen.get(id);
    if (!existing || (existing.budget.id === undefined && budget.id !== undefined))
      chosen.set(id, { budget, ...target });
  }
  return [...chosen.values()].map(({ budget, dim, value }) => {
    const bucket = bucketOf(record.timestamp, budget.period);
    const amountNanoUsd = usdToNano(budget.usd);
    return {
      rule: ALERT_RULE.budget,
      scope: dim === 'all' ? 'account' : `${dim}:${value}`,
      ...(dim === 'user' && record.tenantId ? { context: { tenantId: record.tenantId } } : {}),
      window: bucket,
      key: rollupKey(budget.period, dim, value, bucket),
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
};

/**
 * The rollup counters to read back after the records committed, and what to compare them with.
 * Pure: one probe per rule, scope and window, however many records touched it.
 */
export const alertProbesOf = (config: AlertConfig, records: Iterable<CallRecord>): AlertProbe[] => {
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
    for (const probe of budgetProbes(config, record)) add(probe);
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
