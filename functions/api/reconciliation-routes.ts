import { nanoToUsd } from 'claude-monitor/domain';
import type { Hono } from 'hono';
import type { DayReconciliation, ModelReconciliation, UnmonitoredSpend } from '../shared/reconciliation';
import type { AppContext } from './app';
import { readDays, routeQuery } from './params';
import { readReconciliation, type StoredReconciliation } from './reconciliation-reader';
import { ROUTES } from './routes';
import { dayBucketOf, lastDays } from './window';

/** Said when a source has never run: nothing has been compared, and the reason is unknown yet. */
export const NOT_RUN_MESSAGE =
  'Reconciliation has not run yet, so tracked spend is not compared with the bill. It runs daily; see docs/reconciliation.md to configure it.';

const money = (nano: number) => ({ usd: nanoToUsd(nano), nano });

const modelOut = (model: ModelReconciliation) => ({
  model: model.model,
  tracked: {
    calls: model.tracked.calls,
    unpriced_calls: model.tracked.unpricedCalls,
    cost_usd: nanoToUsd(model.tracked.costNanoUsd),
    cost_nano_usd: model.tracked.costNanoUsd,
    tokens: model.tracked.tokens,
  },
  billed: {
    cost_usd: nanoToUsd(model.billed.costNanoUsd),
    cost_nano_usd: model.billed.costNanoUsd,
    tokens: model.billed.tokens ?? null,
    cost_by_kind_nano_usd: model.billed.costByKind,
  },
  difference_usd: nanoToUsd(model.differenceNanoUsd),
  difference_nano_usd: model.differenceNanoUsd,
  token_difference: model.tokenDifference ?? null,
});

const unmonitoredOut = (spend: UnmonitoredSpend) => ({
  api_key_id: spend.apiKeyId,
  workspace_id: spend.workspaceId,
  cost_usd: nanoToUsd(spend.costNanoUsd),
  cost_nano_usd: spend.costNanoUsd,
  tokens: spend.tokens,
  models: spend.models,
});

const dayOut = (day: DayReconciliation) => {
  const tracked = money(day.trackedCostNanoUsd);
  const billed = money(day.billedCostNanoUsd);
  const difference = money(day.differenceNanoUsd);
  return {
    day: day.day,
    reconciled_at: day.reconciledAt,
    estimated: day.estimated,
    tracked_cost_usd: tracked.usd,
    tracked_cost_nano_usd: tracked.nano,
    billed_cost_usd: billed.usd,
    billed_cost_nano_usd: billed.nano,
    difference_usd: difference.usd,
    difference_nano_usd: difference.nano,
    absolute_difference_nano_usd: day.absoluteDifferenceNanoUsd,
    threshold_nano_usd: day.thresholdNanoUsd,
    within_threshold: day.withinThreshold,
    unmonitored_cost_usd: nanoToUsd(day.unmonitoredCostNanoUsd),
    unmonitored_cost_nano_usd: day.unmonitoredCostNanoUsd,
    models: day.models.map(modelOut),
    web_search: {
      tracked_requests: day.webSearch.trackedRequests,
      billed_requests: day.webSearch.billedRequests ?? null,
      tracked_cost_nano_usd: day.webSearch.trackedCostNanoUsd,
      billed_cost_nano_usd: day.webSearch.billedCostNanoUsd,
    },
    unmonitored: day.unmonitored.map(unmonitoredOut),
    not_tracked_nano_usd: day.notTrackedNanoUsd,
    monitored_scope: day.monitoredScope
      ? { api_key_ids: day.monitoredScope.apiKeyIds, workspace_ids: day.monitoredScope.workspaceIds }
      : null,
  };
};

const sourceOut = ({ source, status, days }: StoredReconciliation) => ({
  source,
  configured: status?.configured ?? false,
  // The reconciler's own words when a source has no credentials or is off; null when it compares.
  message: status === undefined ? NOT_RUN_MESSAGE : status.configured ? null : (status.setupHint ?? null),
  last_run_at: status?.lastRunAt ?? null,
  last_success_at: status?.lastSuccessAt ?? null,
  last_error: status?.lastError ?? null,
  days: days.map(dayOut),
});

/**
 * `GET /api/monitoring/reconciliation?days=N`: for the last N UTC days (today included), the spend the monitor
 * tracked next to what Anthropic and Bedrock billed, per day and model, and spend under API keys or
 * workspaces the monitored functions do not use. Each source says plainly when it is not configured.
 */
export const registerReconciliation = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.reconciliation.path, async (c) => {
    const q = routeQuery('reconciliation', c.req.queries());
    const days = readDays(q.days, ctx.deps.retentionDays);
    const window = lastDays(ctx.deps.now(), days);
    const first = dayBucketOf(window.startMs);
    const last = dayBucketOf(window.endMs);
    const stored = await readReconciliation(ctx.deps.client, ctx.deps.tableName, first, last);
    return c.json({ days, start: first, end: last, sources: stored.map(sourceOut) });
  });
};
