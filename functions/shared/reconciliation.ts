/**
 * What the reconciler stores and the API reads: per source and UTC day, the spend the monitor tracked next to
 * the spend the provider billed. Money is integer nano-dollars; the API converts at the edge.
 */

/** Where the billed figures come from. */
export const RECONCILIATION_SOURCE = {
  /** The Anthropic Admin API's usage and cost reports (Claude API calls). */
  anthropic: 'anthropic',
  /** AWS Cost Explorer (Claude on Bedrock in this account). */
  bedrock: 'bedrock',
} as const;
export type ReconciliationSource = (typeof RECONCILIATION_SOURCE)[keyof typeof RECONCILIATION_SOURCE];
export const RECONCILIATION_SOURCES: readonly ReconciliationSource[] = Object.values(RECONCILIATION_SOURCE);

/**
 * Token kinds as the bills name them, each mapped to one counter of the monitor's rollups:
 * `uncached_input` ↔ `inputTokens` (the API's `input_tokens` excludes cache reads and writes),
 * `cache_write_5m` ↔ `cacheWrite5mTokens`, `cache_write_1h` ↔ `cacheWrite1hTokens`,
 * `cache_read` ↔ `cacheReadTokens`, `output` ↔ `outputTokens`. `cache_write` is Bedrock's single cache-write
 * kind (its usage types do not name the lifetime).
 */
export const TOKEN_KIND = {
  uncachedInput: 'uncached_input',
  cacheWrite5m: 'cache_write_5m',
  cacheWrite1h: 'cache_write_1h',
  cacheWrite: 'cache_write',
  cacheRead: 'cache_read',
  output: 'output',
} as const;
export type TokenKind = (typeof TOKEN_KIND)[keyof typeof TOKEN_KIND];

/** Billed costs that are not token costs. Only web search is also tracked per call. */
export const OTHER_COST = {
  webSearch: 'web_search',
  /** Code execution container hours: not in a message's usage, so never tracked per call. */
  codeExecution: 'code_execution',
  /** Managed Agents session hours: not tracked per call either. */
  sessionUsage: 'session_usage',
  /** A cost line whose kind the bill does not say or the monitor does not know. */
  other: 'other',
} as const;
export type OtherCost = (typeof OTHER_COST)[keyof typeof OTHER_COST];
export type CostKind = TokenKind | OtherCost;

/** Counts by kind; a kind left out is 0. */
export type KindCounts = Partial<Record<TokenKind, number>>;
/** Nano-dollars by kind; a kind left out is 0. */
export type KindCosts = Partial<Record<CostKind, number>>;

/** One model's day: what the monitor recorded and what the bill says. */
export interface ModelReconciliation {
  /** Canonical model id (price-table key), or the bill's own name when the table does not know it. */
  model: string;
  tracked: {
    calls: number;
    unpricedCalls: number;
    /** Token costs only: web-search fees are compared once per day (`webSearch`). */
    costNanoUsd: number;
    tokens: KindCounts;
  };
  billed: {
    costNanoUsd: number;
    /** Absent when the bill reports no comparable token counts (Cost Explorer). */
    tokens?: KindCounts;
    costByKind: KindCosts;
  };
  /** billed − tracked. */
  differenceNanoUsd: number;
  /** billed − tracked per kind, when the bill has token counts. */
  tokenDifference?: KindCounts;
}

/** Billed usage under an API key or workspace outside the monitored ones. */
export interface UnmonitoredSpend {
  /** `apikey_…`, or null for usage no API key authenticated (e.g. the Console's Workbench). */
  apiKeyId: string | null;
  workspaceId: string | null;
  costNanoUsd: number;
  tokens: KindCounts;
  models: string[];
}

/** Web search: requests and fees, compared for the whole day (the bill may not name the model). */
export interface WebSearchReconciliation {
  trackedRequests: number;
  billedRequests?: number;
  trackedCostNanoUsd: number;
  billedCostNanoUsd: number;
}

/** The result of reconciling one source for one UTC day. */
export interface DayReconciliation {
  source: ReconciliationSource;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** When this result was computed, ISO 8601. */
  reconciledAt: string;
  trackedCostNanoUsd: number;
  billedCostNanoUsd: number;
  /** billed − tracked over the compared (monitored) scope. */
  differenceNanoUsd: number;
  /** Σ over models of |billed − tracked|, plus web search: offsetting errors cannot hide each other. */
  absoluteDifferenceNanoUsd: number;
  /** The tolerance the absolute difference was held to: max(percent of billed, fixed amount). */
  thresholdNanoUsd: number;
  withinThreshold: boolean;
  models: ModelReconciliation[];
  webSearch: WebSearchReconciliation;
  unmonitored: UnmonitoredSpend[];
  unmonitoredCostNanoUsd: number;
  /** Billed costs the monitor cannot see per call (code execution, session hours), by kind. */
  notTrackedNanoUsd: Partial<Record<OtherCost, number>>;
  /** Cost Explorer marks figures of recent days as estimated until the bill closes. */
  estimated: boolean;
  /** The monitored scope the comparison used; null when none is configured (every key counts as monitored). */
  monitoredScope: { apiKeyIds: string[]; workspaceIds: string[] } | null;
}

/** The reconciler's last run of one source, for the API and the dashboard. */
export interface ReconciliationStatus {
  source: ReconciliationSource;
  /** False when the source has no credentials (no admin key) or is switched off. */
  configured: boolean;
  /** What to do to configure it, shown when `configured` is false. */
  setupHint?: string;
  lastRunAt: string;
  lastSuccessAt?: string;
  /** The last run's failure; absent after a successful run. */
  lastError?: { message: string; status?: number; at: string };
  /** Days the last successful run reconciled. */
  days?: string[];
}
