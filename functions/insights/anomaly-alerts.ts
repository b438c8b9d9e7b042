import { ALL_VALUE, type Dimension, type RollupCounters } from 'claude-monitor/domain';
import { ALERT_RULE, ALERT_UNIT, type Alert } from '../aggregator/alerts/alert';
import type { RollupReader } from '../api/rollup-reader';
import {
  type AnomalyMetric,
  DEFAULT_ANOMALY_OPTIONS,
  detectAnomalies,
  hourFiguresOf,
} from '../shared/anomaly';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Earlier weeks whose same hour forms the baseline. */
export const BASELINE_WEEKS = 6;

/** Scopes an anomaly is looked for in: the account, every tenant, every function. */
const SCOPE_DIMENSIONS = ['all', 'tenant', 'function'] as const satisfies readonly Dimension[];

const UNIT: Record<AnomalyMetric, Alert['unit']> = {
  spend: ALERT_UNIT.nanoUsd,
  'error-rate': ALERT_UNIT.ratio,
  'p95-latency': ALERT_UNIT.ms,
};

const scopeOf = (dim: (typeof SCOPE_DIMENSIONS)[number], value: string): string =>
  dim === 'all' ? 'account' : `${dim}:${value}`;

/**
 * Anomaly alerts of the hour starting at `hourMs`: for the account, each tenant and each function with calls
 * in that hour, its figures against the same hour of the previous `BASELINE_WEEKS` weeks. Reads one hourly
 * rollup bucket per week and dimension (through the group-by index), never raw calls. The alert's window is
 * the hour and its step the metric, so each fires once per scope, hour and metric.
 */
export const anomalyAlerts = async (reader: RollupReader, hourMs: number, time: string): Promise<Alert[]> => {
  const alerts: Alert[] = [];
  const hourOf = (ms: number) => ({ startMs: ms, endMs: ms });
  for (const dim of SCOPE_DIMENSIONS) {
    const read = (ms: number) =>
      dim === 'all'
        ? reader.ofValue('all', ALL_VALUE, hourOf(ms), { hourly: true })
        : reader.ofDimension(dim, hourOf(ms), { hourly: true });
    const weeks = await Promise.all(
      Array.from({ length: BASELINE_WEEKS + 1 }, (_, k) => read(hourMs - k * WEEK_MS)),
    );
    const byValue = weeks.map(
      (rows) => new Map<string, RollupCounters>(rows.map((r) => [r.value, r.counters])),
    );
    const window = new Date(hourMs).toISOString().slice(0, 13);
    for (const [value, counters] of byValue[0]!) {
      const baseline = byValue.slice(1).map((week) => hourFiguresOf(week.get(value) ?? {}));
      for (const anomaly of detectAnomalies(hourFiguresOf(counters), baseline, DEFAULT_ANOMALY_OPTIONS)) {
        alerts.push({
          rule: ALERT_RULE.anomaly,
          scope: scopeOf(dim, value),
          window,
          step: anomaly.metric,
          value: anomaly.value,
          threshold: anomaly.baselineMedian,
          unit: UNIT[anomaly.metric],
          time,
          anomaly: {
            metric: anomaly.metric,
            baselineMedian: anomaly.baselineMedian,
            baselineScale: anomaly.baselineScale,
            baselineHours: anomaly.baselineHours,
            score: anomaly.score,
          },
          ...(dim === 'tenant' ? { context: { tenantId: value } } : {}),
        });
      }
    }
  }
  return alerts;
};
