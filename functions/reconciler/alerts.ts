import { ALERT_RULE, ALERT_UNIT, type Alert } from '../aggregator/alerts/alert';
import type { DayReconciliation, UnmonitoredSpend } from '../shared/reconciliation';

/** `api_key:<id>`, or `workspace:<id>` (`workspace:default`) for usage no API key authenticated. */
export const unmonitoredScope = (spend: Pick<UnmonitoredSpend, 'apiKeyId' | 'workspaceId'>): string =>
  spend.apiKeyId !== null ? `api_key:${spend.apiKeyId}` : `workspace:${spend.workspaceId ?? 'default'}`;

/**
 * The alerts a day's result calls for: one when the difference is above its threshold (scope: the source),
 * one per API key or workspace with unmonitored spend. Each has the day as its window and a fixed step, so
 * the aggregator's fire-once markers send it once per day and scope however often the day is reconciled.
 */
export const reconciliationAlerts = (
  result: DayReconciliation,
  options: { unmonitoredAlerts: boolean; time: string },
): Alert[] => {
  const alerts: Alert[] = [];
  if (!result.withinThreshold) {
    alerts.push({
      rule: ALERT_RULE.reconciliationDifference,
      scope: result.source,
      window: result.day,
      step: 'threshold',
      value: result.absoluteDifferenceNanoUsd,
      threshold: result.thresholdNanoUsd,
      unit: ALERT_UNIT.nanoUsd,
      time: options.time,
    });
  }
  if (options.unmonitoredAlerts) {
    for (const spend of result.unmonitored) {
      if (spend.costNanoUsd <= 0) continue;
      alerts.push({
        rule: ALERT_RULE.unmonitoredSpend,
        scope: unmonitoredScope(spend),
        window: result.day,
        step: 'spend',
        value: spend.costNanoUsd,
        threshold: 0,
        unit: ALERT_UNIT.nanoUsd,
        time: options.time,
      });
    }
  }
  return alerts;
};
