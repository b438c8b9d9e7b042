import { METRIC, NANO_PER_USD } from 'claude-monitor/domain';
import type { DayReconciliation, ReconciliationSource } from '../shared/reconciliation';

/** Where the reconciler's figures go: CloudWatch (EMF) in Lambda, a list in tests. */
export interface ReconcilerMetrics {
  /** One value with the `Source` dimension. */
  put(source: ReconciliationSource, name: string, unit: 'Count' | 'None', value: number): void;
}

/** USD for a metric: CloudWatch takes doubles, and a metric is not money that is summed again. */
const usd = (nano: number): number => nano / NANO_PER_USD;

/**
 * The figures of the newest reconciled day of a source. Older days of the same run are stored but not sent:
 * each run re-reads the last few days, and sending them all again would count each day several times.
 */
export const putDayMetrics = (metrics: ReconcilerMetrics, result: DayReconciliation): void => {
  metrics.put(result.source, METRIC.reconciledTrackedUsd, 'None', usd(result.trackedCostNanoUsd));
  metrics.put(result.source, METRIC.reconciledBilledUsd, 'None', usd(result.billedCostNanoUsd));
  metrics.put(
    result.source,
    METRIC.reconciliationDifferenceUsd,
    'None',
    usd(result.absoluteDifferenceNanoUsd),
  );
  metrics.put(result.source, METRIC.unmonitoredSpendUsd, 'None', usd(result.unmonitoredCostNanoUsd));
};
