import type { CallRecord } from 'claude-monitor/domain';
import { ALERT_RULE, ALERT_UNIT, type Alert } from './alert';
import { budgetAlertScope, budgetContext } from './probes';

/** Step of a refusal alert: there is one per scope and window, whatever the figures. */
export const REFUSING_STEP = 'refusing';

/**
 * One alert per enforced budget window that refused a call among `records`: the fire-once marker (keyed by
 * rule, scope, window and step) turns every later refusal of the same window into nothing, so an alert says
 * "this limit started refusing", once per scope and period. Pure.
 */
export const refusalAlerts = (records: readonly CallRecord[], time: string): Alert[] => {
  const alerts = new Map<string, Alert>();
  for (const record of records) {
    const limit = record.budget?.outcome === 'refused' ? record.budget.limit : undefined;
    if (!limit) continue;
    const scope = budgetAlertScope(limit.scope, limit.value);
    const id = `${scope}|${limit.period}|${limit.window}`;
    if (alerts.has(id)) continue;
    const context = budgetContext(limit.scope, record);
    alerts.set(id, {
      rule: ALERT_RULE.budgetRefused,
      scope,
      window: limit.window,
      step: REFUSING_STEP,
      value: limit.spentNanoUsd,
      threshold: limit.limitNanoUsd,
      unit: ALERT_UNIT.nanoUsd,
      time,
      budget: {
        period: limit.period as 'day' | 'month' | 'lifetime',
        percent: Math.floor((limit.spentNanoUsd * 100) / limit.limitNanoUsd),
        amountNanoUsd: limit.limitNanoUsd,
      },
      ...(context ? { context } : {}),
    });
  }
  return [...alerts.values()];
};
