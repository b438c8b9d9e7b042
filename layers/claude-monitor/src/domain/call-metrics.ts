import type { CallRecord } from './call-record';
import { METRIC, METRIC_DIMENSION, METRIC_NAMESPACE } from './metrics';
import { nanoToUsd } from './money';

/** Function name used as the dimension value for calls made outside Lambda. */
export const LOCAL_FUNCTION_NAME = 'local';

/** A CloudWatch Embedded Metric Format document: metric values and dimensions at the top level. */
export type EmfDocument = Record<string, unknown> & {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
};

/** One EMF document in the monitor's namespace, one value per metric, under one dimension set. */
export const emfDocument = (
  timestamp: number,
  dimensions: Record<string, string>,
  values: Record<string, number>,
): EmfDocument => ({
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

const MINUTE_MS = 60_000;
/**
 * CloudWatch takes metric data up to two weeks old and two hours ahead; a call outside that range (a record
 * replayed late, a caller's clock far off) is counted at the time it is counted instead, so it is not dropped.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html (Time stamps)
 */
const OLDEST_MS = 13 * 24 * 3_600_000;
const NEWEST_MS = 3_600_000;

/** The minute a call's metrics are counted in: the minute it was made, when CloudWatch takes it. */
export const metricMinute = (timestamp: string, nowMs: number): number => {
  const at = Date.parse(timestamp);
  const usable = Number.isFinite(at) && at >= nowMs - OLDEST_MS && at <= nowMs + NEWEST_MS;
  const ms = usable ? at : nowMs;
  return ms - (ms % MINUTE_MS);
};

interface Totals {
  minute: number;
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

/**
 * The CloudWatch metrics of these calls (`Calls`, `Errors`, `CostUsd`, tokens, `UnpricedCalls`, budget
 * refusals): one EMF document per (function, model) pair and minute of the calls, since a document holds one
 * value per metric under one dimension set and one timestamp. The aggregator prints them for the calls it
 * has just counted, so CloudWatch counts a call when, and as often as, the rollups do.
 */
export const callMetricDocuments = (records: readonly CallRecord[], nowMs: number): EmfDocument[] => {
  const groups = new Map<string, Totals>();
  for (const record of records) {
    const functionName = record.functionName ?? LOCAL_FUNCTION_NAME;
    const minute = metricMinute(record.timestamp, nowMs);
    const key = `${minute}\u0000${functionName}\u0000${record.model}`;
    let totals = groups.get(key);
    if (!totals) {
      totals = {
        minute,
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
  return [...groups.values()].map((totals) =>
    emfDocument(
      totals.minute,
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
};
