import { callMetricDocuments, ENV, METRIC } from 'claude-monitor/domain';
import { createRuntime } from '../../../functions/aggregator/runtime';
import { createNotifierRuntime } from '../../../functions/notifier/runtime';
import { createReconcilerRuntime } from '../../../functions/reconciler/runtime';
import { createReplayRuntime } from '../../../functions/replay/runtime';
import { makeCallRecord } from '../../helpers/call-records';

/** An EMF document as Powertools prints it. */
export interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
}

/** The EMF documents `emit` makes Powertools print to stdout (where Lambda's log capture reads them). */
const printedBy = (emit: () => void): EmfDocument[] => {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    emit();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as EmfDocument);
};

const TABLE = { [ENV.tableName]: 'monitor', AWS_REGION: 'us-east-1' };

/**
 * The functions' metrics as their real runtimes emit them, through the same interfaces the handlers use:
 * the aggregator's runtime (also the outbox publisher's and the insights job's) with the metrics of the
 * calls it counts, the notifier's per-channel
 * counter, the reconciler's per-source figures and the replay function's counts. Only the printing is captured; nothing is replaced.
 */
export const functionMetricDocuments = (): EmfDocument[] =>
  printedBy(() => {
    const aggregator = createRuntime(undefined, { ...TABLE });
    for (const name of [METRIC.poisonRecords, METRIC.alertsPublished, METRIC.alertsPending]) {
      aggregator.deps.metrics.addMetric(name, 'Count', 1);
    }
    aggregator.metrics.publishStoredMetrics();
    // The calls it counts, of every kind their metrics tell apart (refused by a budget, sent unchecked).
    const calls = [
      makeCallRecord(),
      makeCallRecord({ functionName: undefined }),
      makeCallRecord({ budget: { outcome: 'refused', reservedNanoUsd: 0, limits: [] } }),
      makeCallRecord({ budget: { outcome: 'unavailable', reservedNanoUsd: 0, limits: [] } }),
    ];
    const writeMetricLine = aggregator.deps.writeMetricLine;
    if (!writeMetricLine) throw new Error('the aggregator runtime prints no call metrics');
    for (const document of callMetricDocuments(calls, Date.now())) writeMetricLine(JSON.stringify(document));

    const notifier = createNotifierRuntime(undefined, { ...TABLE, [ENV.notifierChannels]: '[]' });
    for (const name of [
      METRIC.notificationsDelivered,
      METRIC.notificationsRetried,
      METRIC.notificationsFailed,
      METRIC.notificationsDigested,
    ]) {
      notifier.deps.metrics.count(name, 'slack');
    }

    const reconciler = createReconcilerRuntime({ ...TABLE, [ENV.reconciliationConfig]: '{}' });
    for (const name of [
      METRIC.reconciledTrackedUsd,
      METRIC.reconciledBilledUsd,
      METRIC.reconciliationDifferenceUsd,
      METRIC.unmonitoredSpendUsd,
      METRIC.reconciliationErrors,
    ]) {
      reconciler.metrics.put('bedrock', name, 'Count', 1);
    }

    const replay = createReplayRuntime({ ...TABLE });
    for (const name of [METRIC.recordsReplayed, METRIC.replayFailures]) {
      replay.deps.metrics.addMetric(name, 'Count', 1);
    }
    replay.metrics.publishStoredMetrics();
  });
