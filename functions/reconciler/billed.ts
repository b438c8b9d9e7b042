import {
  type CostKind,
  type KindCounts,
  OTHER_COST,
  TOKEN_KIND,
  type TokenKind,
} from '../shared/reconciliation';

/** Usage of one UTC day under one model, API key and workspace, as a bill reports it. */
export interface BilledUsageRow {
  day: string;
  model: string | null;
  apiKeyId: string | null;
  workspaceId: string | null;
  tokens: KindCounts;
  webSearchRequests: number;
}

/** One cost line of one UTC day, in nano-dollars. */
export interface BilledCostRow {
  day: string;
  model: string | null;
  apiKeyId: string | null;
  workspaceId: string | null;
  kind: CostKind;
  costNanoUsd: number;
}

/** What a source billed over a range of days. */
export interface BilledReport {
  usage: BilledUsageRow[];
  costs: BilledCostRow[];
  /** False when the source has no token counts to compare (Cost Explorer). */
  hasTokenCounts: boolean;
  /** False when cost lines carry no API key (the legacy cost report): unmonitored spend is then by workspace. */
  costByApiKey: boolean;
  /** Days whose figures the source marks as estimated. */
  estimatedDays: string[];
}

/** Reads what a source billed for the UTC days in [fromDay, toDay). */
export type BillingReader = (fromDay: string, toDay: string) => Promise<BilledReport>;

/** `token_type` of Anthropic's cost reports (both APIs) → the monitor's token kind. */
export const ANTHROPIC_TOKEN_TYPE: Readonly<Record<string, TokenKind>> = {
  uncached_input_tokens: TOKEN_KIND.uncachedInput,
  'cache_creation.ephemeral_5m_input_tokens': TOKEN_KIND.cacheWrite5m,
  'cache_creation.ephemeral_1h_input_tokens': TOKEN_KIND.cacheWrite1h,
  cache_read_input_tokens: TOKEN_KIND.cacheRead,
  output_tokens: TOKEN_KIND.output,
};

/** `cost_type` of Anthropic's cost reports, other than `tokens`. */
const ANTHROPIC_COST_TYPE: Readonly<Record<string, CostKind>> = {
  web_search: OTHER_COST.webSearch,
  code_execution: OTHER_COST.codeExecution,
  session_usage: OTHER_COST.sessionUsage,
};

/** The kind of an Anthropic cost line; an unknown type is kept as `other` (counted, never dropped). */
export const anthropicCostKind = (costType: string | null, tokenType: string | null): CostKind => {
  if (costType === 'tokens' || (costType === null && tokenType !== null)) {
    return (tokenType !== null && ANTHROPIC_TOKEN_TYPE[tokenType]) || OTHER_COST.other;
  }
  return (costType !== null && ANTHROPIC_COST_TYPE[costType]) || OTHER_COST.other;
};

/** Token counts of an Anthropic usage row (same fields in both report APIs). */
export interface AnthropicUsageFields {
  uncached_input_tokens?: number | null;
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  cache_read_input_tokens?: number | null;
  output_tokens?: number | null;
  server_tool_use?: { web_search_requests?: number | null } | null;
}

const count = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** Maps the usage fields of a report row to the monitor's token kinds; nulls count as 0. */
export const anthropicTokens = (usage: AnthropicUsageFields): { tokens: KindCounts; webSearch: number } => ({
  tokens: {
    [TOKEN_KIND.uncachedInput]: count(usage.uncached_input_tokens),
    [TOKEN_KIND.cacheWrite5m]: count(usage.cache_creation?.ephemeral_5m_input_tokens),
    [TOKEN_KIND.cacheWrite1h]: count(usage.cache_creation?.ephemeral_1h_input_tokens),
    [TOKEN_KIND.cacheRead]: count(usage.cache_read_input_tokens),
    [TOKEN_KIND.output]: count(usage.output_tokens),
  },
  webSearch: count(usage.server_tool_use?.web_search_requests),
});

/** `2026-11-29T00:00:00Z` → `2026-11-29`; the reports' buckets start at UTC midnight. */
export const dayOf = (timestamp: string): string => new Date(timestamp).toISOString().slice(0, 10);

/** `YYYY-MM-DD` → the RFC 3339 instant the day starts. */
export const dayStart = (day: string): string => `${day}T00:00:00Z`;
