import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { METRIC, type Provider } from 'claude-monitor/domain';
import { type PriceTable, resolveModel } from 'claude-monitor/pricing';
import { fireAlerts, publishEntries } from '../aggregator/alerts/outbox';
import type { AggregatorDeps, AggregatorLogger } from '../aggregator/deps';
import type { DayReconciliation, ReconciliationSource } from '../shared/reconciliation';
import { reconciliationAlerts } from './alerts';
import type { BillingReader } from './billed';
import { compareDay, type MonitoredScope } from './compare';
import type { ReconciliationConfig } from './config';
import { type DayRange, daysToReconcile, nextDay } from './days';
import { BillingSourceError } from './errors';
import { putDayMetrics, type ReconcilerMetrics } from './metrics';
import { putDayResult, recordRun } from './store';
import { readTracked } from './tracked';

/** A bill to compare with, or why there is none (no admin key, switched off). */
export type SourceReader = { reader: BillingReader } | { hint: string };

/** One source of billed figures and how to read it. */
export interface ReconciledSource {
  source: ReconciliationSource;
  /** The call records' provider whose rollups are compared with this bill. */
  provider: Provider;
  /** Resolved on every run (the admin key is read then). */
  open: () => Promise<SourceReader>;
  /** API keys and workspaces the monitored functions use; null: all of them. */
  scope: MonitoredScope | null;
}

/** Everything a run needs, built once per cold start. */
export interface ReconcilerDeps {
  client: DynamoDBClient;
  tableName: string;
  config: ReconciliationConfig;
  prices: PriceTable;
  sources: readonly ReconciledSource[];
  /** The aggregator's alert path (fire-once marker + outbox + SNS), reused as is. */
  alerting: Pick<AggregatorDeps, 'sns' | 'alertTopicArn' | 'metrics'>;
  metrics: ReconcilerMetrics;
  logger: AggregatorLogger;
  now: () => Date;
}

export interface SourceReport {
  source: ReconciliationSource;
  configured: boolean;
  /** Days compared and stored. */
  days: string[];
  /** Days over the threshold. */
  outOfThreshold: string[];
  alertsFired: number;
  /** Why the source failed this run; the next run tries again. */
  error?: string;
}

export interface ReconcileReport {
  days: string[];
  sources: SourceReport[];
}

const reconcileSource = async (
  deps: ReconcilerDeps,
  source: ReconciledSource,
  days: readonly string[],
  at: string,
): Promise<SourceReport> => {
  const opened = await source.open();
  if ('hint' in opened) {
    await recordRun(deps.client, deps.tableName, {
      source: source.source,
      configured: false,
      setupHint: opened.hint,
      at,
    });
    return { source: source.source, configured: false, days: [], outOfThreshold: [], alertsFired: 0 };
  }
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const billed = await opened.reader(first, nextDay(last));
  const canonical = (model: string): string =>
    resolveModel(model, deps.prices)?.model ?? model.trim().toLowerCase();
  const tracked = await readTracked(deps.client, deps.tableName, source.provider, first, last, canonical);
  const results: DayReconciliation[] = days.map((day) =>
    compareDay({
      source: source.source,
      day,
      reconciledAt: at,
      tracked: tracked.get(day) ?? new Map(),
      billed,
      scope: source.scope,
      canonical,
      webSearchFeeNanoUsd: deps.prices.serverTools.webSearchPerRequest,
      differencePercent: deps.config.differencePercent,
      differenceUsd: deps.config.differenceUsd,
    }),
  );
  for (const result of results) await putDayResult(deps.client, deps.tableName, result);

  const alerts = results.flatMap((result) =>
    reconciliationAlerts(result, { unmonitoredAlerts: deps.config.unmonitoredAlerts, time: at }),
  );
  const alertDeps = { ...deps.alerting, client: deps.client, tableName: deps.tableName, logger: deps.logger };
  const fired = await fireAlerts(alertDeps, alerts);
  await publishEntries(alertDeps, fired);
  putDayMetrics(deps.metrics, results[results.length - 1]!);
  await recordRun(deps.client, deps.tableName, {
    source: source.source,
    configured: true,
    at,
    days: [...days],
  });
  return {
    source: source.source,
    configured: true,
    days: [...days],
    outOfThreshold: results.filter((r) => !r.withinThreshold).map((r) => r.day),
    alertsFired: fired.length,
  };
};

/**
 * One run: for every source, reads the bill of the days and the rollups of the same days, compares them per
 * day and model, stores each day's result, sends alerts once per day and scope, and records the run.
 *
 * A source that fails (admin key refused, throttled, provider down, bad figures) is recorded with its error
 * and a `ReconciliationErrors` metric; the run goes on with the other sources and never throws for it. The
 * next run covers the same days again, so nothing is skipped.
 */
export const reconcile = async (deps: ReconcilerDeps, range: DayRange = {}): Promise<ReconcileReport> => {
  const now = deps.now();
  const days = daysToReconcile(range, now, deps.config.lookbackDays);
  const at = now.toISOString();
  const sources: SourceReport[] = [];
  for (const source of deps.sources) {
    try {
      const report = await reconcileSource(deps, source, days, at);
      deps.logger.info('reconciled', { ...report });
      sources.push(report);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof BillingSourceError ? error.status : undefined;
      deps.logger.error('reconciliation failed; the next run tries again', {
        source: source.source,
        error: message,
        ...(status === undefined ? {} : { status }),
      });
      deps.metrics.put(source.source, METRIC.reconciliationErrors, 'Count', 1);
      await recordRun(deps.client, deps.tableName, {
        source: source.source,
        configured: true,
        at,
        error: status === undefined ? { message } : { message, status },
      }).catch((cause: unknown) =>
        deps.logger.error('reconciliation status not stored', {
          source: source.source,
          error: String(cause),
        }),
      );
      sources.push({
        source: source.source,
        configured: true,
        days: [],
        outOfThreshold: [],
        alertsFired: 0,
        error: message,
      });
    }
  }
  return { days, sources };
};
