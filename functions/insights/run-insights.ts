import { fireAlerts, publishEntries } from '../aggregator/alerts/outbox';
import type { AggregatorDeps } from '../aggregator/deps';
import { RollupReader } from '../api/rollup-reader';
import { anomalyAlerts } from './anomaly-alerts';
import { forecastAlerts } from './forecast-alerts';

const HOUR_MS = 3_600_000;

/** What one run found and recorded. */
export interface InsightsRun {
  /** The hour judged for anomalies, `YYYY-MM-DDTHH`. */
  hour: string;
  anomalies: number;
  forecasts: number;
  /** Alerts new to the fire-once markers (the others fired in an earlier run). */
  fired: number;
}

/**
 * One pass of the scheduled insights job: anomalies of the last complete hour and month-end forecasts
 * against monthly budgets, both through the same fire-once markers and outbox as the aggregator's alerts,
 * so a rerun or an overlapping run publishes nothing twice and a failed publish is retried by the outbox
 * handler.
 */
export const runInsights = async (deps: AggregatorDeps): Promise<InsightsRun> => {
  const nowMs = (deps.now ?? Date.now)();
  const time = new Date(nowMs).toISOString();
  const reader = new RollupReader(deps.client, deps.tableName);
  const lastCompleteHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const budgets = deps.budgets ? await deps.budgets() : [];
  const [anomalies, forecasts] = await Promise.all([
    anomalyAlerts(reader, lastCompleteHour, time),
    forecastAlerts(reader, budgets, new Date(nowMs), time),
  ]);
  const entries = await fireAlerts(deps, [...anomalies, ...forecasts]);
  await publishEntries(deps, entries);
  deps.logger.info('insights run', {
    anomalies: anomalies.length,
    forecasts: forecasts.length,
    fired: entries.length,
  });
  return {
    hour: new Date(lastCompleteHour).toISOString().slice(0, 13),
    anomalies: anomalies.length,
    forecasts: forecasts.length,
    fired: entries.length,
  };
};
