import { NANO_PER_USD } from 'claude-monitor/domain';
import {
  type CostKind,
  type DayReconciliation,
  type KindCosts,
  type KindCounts,
  type ModelReconciliation,
  OTHER_COST,
  type OtherCost,
  type ReconciliationSource,
  TOKEN_KIND,
  type UnmonitoredSpend,
} from '../shared/reconciliation';
import type { BilledCostRow, BilledReport, BilledUsageRow } from './billed';
import type { TrackedModel } from './tracked';

/** Billed lines under API keys or workspaces outside the monitored ones, listed at most this many per day. */
export const MAX_UNMONITORED_LISTED = 100;
/** The bill's lines without a model (when it does not attribute a token cost) are reconciled under this. */
export const UNATTRIBUTED_MODEL = '(no model)';

export interface MonitoredScope {
  apiKeyIds: readonly string[];
  workspaceIds: readonly string[];
}

export interface CompareInput {
  source: ReconciliationSource;
  day: string;
  reconciledAt: string;
  /** Canonical model → recorded spend of the day. */
  tracked: ReadonlyMap<string, TrackedModel>;
  /** The bill of the day (rows of other days are ignored). */
  billed: BilledReport;
  /** Null: every API key and workspace counts as monitored. */
  scope: MonitoredScope | null;
  /** Maps a bill's model name to the canonical id the tracked side uses. */
  canonical: (model: string) => string;
  /** Price of one web search: tracked web-search fees are this × requests, exactly. */
  webSearchFeeNanoUsd: number;
  differencePercent: number;
  differenceUsd: number;
}

const NOT_TRACKED: ReadonlySet<CostKind> = new Set([OTHER_COST.codeExecution, OTHER_COST.sessionUsage]);

const addCounts = (target: KindCounts, counts: KindCounts): void => {
  for (const [kind, value] of Object.entries(counts) as [keyof KindCounts, number][]) {
    target[kind] = (target[kind] ?? 0) + value;
  }
};

const monitoredBy =
  (scope: MonitoredScope | null) =>
  (row: Pick<BilledUsageRow, 'apiKeyId' | 'workspaceId'>): boolean =>
    scope === null ||
    (row.apiKeyId !== null && scope.apiKeyIds.includes(row.apiKeyId)) ||
    (row.workspaceId !== null && scope.workspaceIds.includes(row.workspaceId));

interface BilledModel {
  costNanoUsd: number;
  costByKind: KindCosts;
  tokens: KindCounts;
}

/**
 * Unmonitored spend per API key (or workspace, for usage no API key authenticated). When the bill's cost
 * lines carry no API key, usage and cost can only meet per workspace, so keys are left out.
 */
const unmonitoredOf = (
  usage: readonly BilledUsageRow[],
  costs: readonly BilledCostRow[],
  canonical: (model: string) => string,
  byApiKey: boolean,
): UnmonitoredSpend[] => {
  const groups = new Map<string, UnmonitoredSpend & { modelSet: Set<string> }>();
  const group = (row: Pick<BilledUsageRow, 'apiKeyId' | 'workspaceId' | 'model'>) => {
    const apiKeyId = byApiKey ? row.apiKeyId : null;
    const id = `${apiKeyId ?? ''}|${row.workspaceId ?? ''}`;
    let entry = groups.get(id);
    if (entry === undefined) {
      entry = {
        apiKeyId,
        workspaceId: row.workspaceId,
        costNanoUsd: 0,
        tokens: {},
        models: [],
        modelSet: new Set(),
      };
      groups.set(id, entry);
    }
    if (row.model !== null) entry.modelSet.add(canonical(row.model));
    return entry;
  };
  for (const row of usage) addCounts(group(row).tokens, row.tokens);
  for (const row of costs) group(row).costNanoUsd += row.costNanoUsd;
  return [...groups.values()]
    .map(({ modelSet, ...entry }) => ({ ...entry, models: [...modelSet].sort() }))
    .filter((entry) => entry.costNanoUsd !== 0 || Object.values(entry.tokens).some((n) => n > 0))
    .sort((a, b) => b.costNanoUsd - a.costNanoUsd);
};

/** The tolerance of a day: the larger of `percent` of the billed cost and `usd`, in nano-dollars. */
export const thresholdOf = (billedNanoUsd: number, percent: number, usd: number): number => {
  const hundredths = BigInt(Math.round(percent * 100));
  const share = (BigInt(Math.abs(billedNanoUsd)) * hundredths + 5_000n) / 10_000n;
  return Math.max(Number(share), Math.round(usd * NANO_PER_USD));
};

/**
 * Compares one day of one source, model by model. Pure: the reconciler reads, this decides.
 *
 * Only billed lines in the monitored scope are compared with what the monitor recorded; lines under other
 * API keys or workspaces are unmonitored spend. Token costs are compared per model; web-search fees once for
 * the day (the bill may not attribute them to a model; the tracked fee is requests × the per-search price);
 * code execution and session hours are listed apart, since no call record can carry them. The day is within
 * its threshold when Σ |billed − tracked| over models and web search is at most the tolerance.
 */
export const compareDay = (input: CompareInput): DayReconciliation => {
  const { billed, canonical } = input;
  const usage = billed.usage.filter((row) => row.day === input.day);
  const costs = billed.costs.filter((row) => row.day === input.day);
  const monitored = monitoredBy(input.scope);

  const billedModels = new Map<string, BilledModel>();
  const billedModel = (model: string | null): BilledModel => {
    const key = model === null ? UNATTRIBUTED_MODEL : canonical(model);
    let entry = billedModels.get(key);
    if (entry === undefined) {
      entry = { costNanoUsd: 0, costByKind: {}, tokens: {} };
      billedModels.set(key, entry);
    }
    return entry;
  };
  let billedSearches = 0;
  let billedSearchCost = 0;
  const notTracked: Partial<Record<OtherCost, number>> = {};
  for (const row of usage.filter(monitored)) {
    if (row.model !== null || Object.values(row.tokens).some((n) => n > 0)) {
      addCounts(billedModel(row.model).tokens, row.tokens);
    }
    billedSearches += row.webSearchRequests;
  }
  for (const row of costs.filter(monitored)) {
    if (row.kind === OTHER_COST.webSearch) billedSearchCost += row.costNanoUsd;
    else if (NOT_TRACKED.has(row.kind)) {
      const kind = row.kind as OtherCost;
      notTracked[kind] = (notTracked[kind] ?? 0) + row.costNanoUsd;
    } else {
      const entry = billedModel(row.model);
      entry.costNanoUsd += row.costNanoUsd;
      entry.costByKind[row.kind] = (entry.costByKind[row.kind] ?? 0) + row.costNanoUsd;
    }
  }

  const fee = input.webSearchFeeNanoUsd;
  const names = new Set([...input.tracked.keys(), ...billedModels.keys()]);
  const models = [...names].map((model): ModelReconciliation => {
    const tracked = input.tracked.get(model);
    const bill = billedModels.get(model) ?? { costNanoUsd: 0, costByKind: {}, tokens: {} };
    const trackedTokens = tracked?.tokens ?? {};
    const trackedCost = (tracked?.costNanoUsd ?? 0) - (tracked?.webSearchRequests ?? 0) * fee;
    const result: ModelReconciliation = {
      model,
      tracked: {
        calls: tracked?.calls ?? 0,
        unpricedCalls: tracked?.unpricedCalls ?? 0,
        costNanoUsd: trackedCost,
        tokens: { ...trackedTokens },
      },
      billed: { costNanoUsd: bill.costNanoUsd, costByKind: bill.costByKind },
      differenceNanoUsd: bill.costNanoUsd - trackedCost,
    };
    if (billed.hasTokenCounts) {
      result.billed.tokens = bill.tokens;
      result.tokenDifference = Object.fromEntries(
        Object.values(TOKEN_KIND)
          .filter((kind) => kind !== TOKEN_KIND.cacheWrite)
          .map((kind) => [kind, (bill.tokens[kind] ?? 0) - (trackedTokens[kind] ?? 0)]),
      );
    }
    return result;
  });
  models.sort((a, b) => b.billed.costNanoUsd - a.billed.costNanoUsd || a.model.localeCompare(b.model));

  const trackedSearches = [...input.tracked.values()].reduce((sum, m) => sum + m.webSearchRequests, 0);
  const webSearch = {
    trackedRequests: trackedSearches,
    ...(billed.hasTokenCounts ? { billedRequests: billedSearches } : {}),
    trackedCostNanoUsd: trackedSearches * fee,
    billedCostNanoUsd: billedSearchCost,
  };
  const trackedCost =
    models.reduce((sum, m) => sum + m.tracked.costNanoUsd, 0) + webSearch.trackedCostNanoUsd;
  const billedCost = models.reduce((sum, m) => sum + m.billed.costNanoUsd, 0) + billedSearchCost;
  const absolute =
    models.reduce((sum, m) => sum + Math.abs(m.differenceNanoUsd), 0) +
    Math.abs(billedSearchCost - webSearch.trackedCostNanoUsd);
  const threshold = thresholdOf(billedCost, input.differencePercent, input.differenceUsd);

  const unmonitored = unmonitoredOf(
    usage.filter((row) => !monitored(row)),
    costs.filter((row) => !monitored(row)),
    canonical,
    billed.costByApiKey,
  );
  return {
    source: input.source,
    day: input.day,
    reconciledAt: input.reconciledAt,
    trackedCostNanoUsd: trackedCost,
    billedCostNanoUsd: billedCost,
    differenceNanoUsd: billedCost - trackedCost,
    absoluteDifferenceNanoUsd: absolute,
    thresholdNanoUsd: threshold,
    withinThreshold: absolute <= threshold,
    models,
    webSearch,
    unmonitored: unmonitored.slice(0, MAX_UNMONITORED_LISTED),
    unmonitoredCostNanoUsd: unmonitored.reduce((sum, u) => sum + u.costNanoUsd, 0),
    notTrackedNanoUsd: notTracked,
    estimated: billed.estimatedDays.includes(input.day),
    monitoredScope:
      input.scope === null
        ? null
        : { apiKeyIds: [...input.scope.apiKeyIds], workspaceIds: [...input.scope.workspaceIds] },
  };
};
