import type { CallRecord } from '../domain/call-record';
import { METRIC, METRIC_DIMENSION, METRIC_NAMESPACE } from '../domain/metrics';
import { nanoToUsd } from '../domain/money';

/** Function name used as the dimension value outside Lambda. */
export const LOCAL_FUNCTION_NAME = 'local';

interface Totals {
  functionName: string;
  model: string;
  calls: number;
  errors: number;
  costNanoUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  unpricedCalls: number;
  budgetRefusals: number;
  budgetChecksUnavailable: number;
}

const document = (timestamp: number, dimensions: Record<string, string>, values: Record<string, number>) => ({
  _aws: {
    Timestamp: timestamp,
    CloudWatchMetrics: [
      {
        Namespace: METRIC_NAMESPACE,
        Dimensions: [Object.keys(dimensions)],
        Metrics: Object.keys(values).map((name) => ({
          Name: name,
          Unit: name === METRIC.costUsd ? 'None' : 'Count',
        })),
      },
    ],
  },
  ...dimensions,
  ...values,
});

/**
 * CloudWatch Embedded Metric Format documents for one flush. EMF gives a document one value per dimension,
 * so there is one document per (function, model) pair present in the flush (usually exactly one), plus one
 * per function for the monitor's own health counters when any is non-zero.
 */
export const emfDocuments = (
  records: readonly CallRecord[],
  health: { recordsNotWritten: number; recordsUnconfirmed?: number; monitorFailures: number },
  timestamp = Date.now(),
): Record<string, unknown>[] => {
  const groups = new Map<string, Totals>();
  for (const record of records) {
    const functionName = record.functionName ?? LOCAL_FUNCTION_NAME;
    const key = `${functionName}\u0000${record.model}`;
    let totals = groups.get(key);
    if (!totals) {
      totals = {
        functionName,
        model: record.model,
        calls: 0,
        errors: 0,
        costNanoUsd: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        unpricedCalls: 0,
        budgetRefusals: 0,
        budgetChecksUnavailable: 0,
      };
      groups.set(key, totals);
    }
    totals.calls++;
    if (record.status === 'error') totals.errors++;
    totals.costNanoUsd += record.cost.totalNanoUsd;
    totals.inputTokens += record.usage.inputTokens;
    totals.outputTokens += record.usage.outputTokens;
    totals.cacheReadTokens += record.usage.cacheReadTokens;
    totals.cacheWriteTokens += record.usage.cacheWrite5mTokens + record.usage.cacheWrite1hTokens;
    if (!record.cost.priced) totals.unpricedCalls++;
    if (record.budget?.outcome === 'refused' || record.errorType === 'budget_unavailable')
      totals.budgetRefusals++;
    else if (record.budget?.outcome === 'unavailable') totals.budgetChecksUnavailable++;
  }
  const documents = [...groups.values()].map((totals) =>
    document(
      timestamp,
      { [METRIC_DIMENSION.functionName]: totals.functionName, [METRIC_DIMENSION.model]: totals.model },
      {
        [METRIC.calls]: totals.calls,
        [METRIC.errors]: totals.errors,
        [METRIC.costUsd]: nanoToUsd(totals.costNanoUsd, 9),
        [METRIC.inputTokens]: totals.inputTokens,
        [METRIC.outputTokens]: totals.outputTokens,
        [METRIC.cacheReadTokens]: totals.cacheReadTokens,
        [METRIC.cacheWriteTokens]: totals.cacheWriteTokens,
        [METRIC.unpricedCalls]: totals.unpricedCalls,
        // Only when they happened: each metric name a document declares is a custom metric billed monthly.
        ...(totals.budgetRefusals > 0 ? { [METRIC.budgetRefusals]: totals.budgetRefusals } : {}),
        ...(totals.budgetChecksUnavailable > 0
          ? { [METRIC.budgetChecksUnavailable]: totals.budgetChecksUnavailable }
          : {}),
      },
    ),
  );
  const unconfirmed = health.recordsUnconfirmed ?? 0;
  if (health.recordsNotWritten > 0 || unconfirmed > 0 || health.monitorFailures > 0) {
    const functionName = records[0]?.functionName ?? LOCAL_FUNCTION_NAME;
    documents.push(
      document(
        timestamp,
        { [METRIC_DIMENSION.functionName]: functionName },
        {
          [METRIC.recordsNotWritten]: health.recordsNotWritten,
          [METRIC.recordsUnconfirmed]: unconfirmed,
          [METRIC.monitorFailures]: health.monitorFailures,
        },
      ),
    );
  }
  return documents;
};
