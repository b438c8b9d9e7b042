import { ALL_VALUE, type BudgetConfig, COUNTER, usdToNano } from 'claude-monitor/domain';
import { ALERT_RULE, ALERT_UNIT, type Alert } from '../aggregator/alerts/alert';
import type { RollupReader, RollupRow } from '../api/rollup-reader';
import { lastDays } from '../api/window';
import { type DailySpend, forecastMonthEnd } from '../shared/forecast';

/** Days read for a forecast: this month so far plus four complete weeks. */
const FORECAST_READ_DAYS = 31 + 28;

const dailySpend = (rows: readonly RollupRow[], value: string): DailySpend[] =>
  rows
    .filter((row) => row.value === value)
    .map((row) => ({ day: row.bucket.slice(0, 10), nanoUsd: row.counters[COUNTER.costNanoUsd] ?? 0 }));

/**
 * Forecast alerts for the monthly budgets of the account and of tenants: when the month-end projection
 * reaches a budget that the spend so far has not, an alert fires, days before the budget alert itself would.
 * Its window is the month, so it fires once per scope and month. A tenant budget without an id applies to
 * every tenant with spend this month.
 */
export const forecastAlerts = async (
  reader: RollupReader,
  configured: readonly BudgetConfig[],
  now: Date,
  time: string,
): Promise<Alert[]> => {
  const budgets = configured.filter(
    (b) => b.period === 'month' && (b.scope === 'account' || b.scope === 'tenant'),
  );
  if (budgets.length === 0) return [];
  const window = lastDays(now, FORECAST_READ_DAYS);
  const [accountRows, tenantRows] = await Promise.all([
    budgets.some((b) => b.scope === 'account') ? reader.ofValue('all', ALL_VALUE, window) : [],
    budgets.some((b) => b.scope === 'tenant') ? reader.ofDimension('tenant', window) : [],
  ]);
  const today = now.toISOString().slice(0, 10);
  const month = today.slice(0, 7);
  const alerts: Alert[] = [];
  const check = (scope: string, spend: DailySpend[], budgetUsd: number, tenantId?: string) => {
    const forecast = forecastMonthEnd(spend, today);
    const budgetNano = usdToNano(budgetUsd);
    if (budgetNano <= 0) return;
    if (forecast.projected_nano_usd < budgetNano || forecast.month_to_date_nano_usd >= budgetNano) return;
    alerts.push({
      rule: ALERT_RULE.forecastBudget,
      scope,
      window: month,
      step: 'projected',
      value: forecast.projected_nano_usd,
      threshold: budgetNano,
      unit: ALERT_UNIT.nanoUsd,
      time,
      forecast: { monthToDateNanoUsd: forecast.month_to_date_nano_usd, method: forecast.method },
      ...(tenantId ? { context: { tenantId } } : {}),
    });
  };
  const tenants = [...new Set(tenantRows.filter((r) => r.bucket.startsWith(month)).map((r) => r.value))];
  for (const budget of budgets) {
    if (budget.scope === 'account') check('account', dailySpend(accountRows, ALL_VALUE), budget.usd);
    else {
      for (const tenant of budget.id ? [budget.id] : tenants) {
        // A budget for one tenant overrides the one for every tenant.
        if (!budget.id && budgets.some((b) => b.scope === 'tenant' && b.id === tenant)) continue;
        check(`tenant:${tenant}`, dailySpend(tenantRows, tenant), budget.usd, tenant);
      }
    }
  }
  return alerts;
};
