import { SERVICE } from 'claude-monitor/domain';
import { createRuntime } from '../aggregator/runtime';
import { type InsightsRun, runInsights } from './run-insights';

const runtime = createRuntime(SERVICE.insights);

/**
 * Scheduled hourly (a few minutes past the hour, once the hour's records are aggregated): anomaly and
 * forecast alerts. Same environment as the aggregator (table, topic, alert configuration).
 */
export const handler = async (): Promise<InsightsRun> => {
  try {
    return await runInsights(runtime.deps);
  } finally {
    if (runtime.metrics.hasStoredMetrics()) runtime.metrics.publishStoredMetrics();
  }
};
