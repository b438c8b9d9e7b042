import type { TokenUsage } from 'claude-monitor/domain';
import { type CostOptions, computeCost } from 'claude-monitor/pricing';

/** Token counts of a billed call, under the Admin API's own field names. */
export interface BilledTokens {
  uncached_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  cache_read_input_tokens: number;
  output_tokens: number;
  web_search_requests: number;
}

/** Cost lines of a billed call in nano-dollars, under the Admin API's `token_type` / `cost_type` names. */
export type BilledCosts = Partial<
  Record<
    | 'uncached_input_tokens'
    | 'cache_creation.ephemeral_5m_input_tokens'
    | 'cache_creation.ephemeral_1h_input_tokens'
    | 'cache_read_input_tokens'
    | 'output_tokens'
    | 'web_search'
    | 'code_execution'
    | 'session_usage',
    number
  >
>;

/** One call as Anthropic bills it: what the stand-in's reports are made of. */
export interface BilledCall {
  /** When the call was made, ISO 8601 UTC. */
  at: string;
  model: string;
  apiKeyId: string | null;
  workspaceId: string | null;
  tokens: BilledTokens;
  costs: BilledCosts;
}

export const TOKEN_TYPES = [
  'uncached_input_tokens',
  'cache_creation.ephemeral_5m_input_tokens',
  'cache_creation.ephemeral_1h_input_tokens',
  'cache_read_input_tokens',
  'output_tokens',
] as const;
export const OTHER_COST_TYPES = ['web_search', 'code_execution', 'session_usage'] as const;

/**
 * A call billed at the monitor's own prices: what Anthropic would bill for this usage if the price table is
 * right. `surchargePercent` bills it that much dearer (a deliberate mismatch for the demo and the tests).
 */
export const billAtListPrice = (
  call: Omit<BilledCall, 'tokens' | 'costs'> & {
    usage: TokenUsage;
    options?: CostOptions;
    surchargePercent?: number;
  },
): BilledCall => {
  const cost = computeCost(call.model, call.usage, { at: new Date(call.at), ...call.options });
  const factor = (nano: number): number => Math.round((nano * (100 + (call.surchargePercent ?? 0))) / 100);
  return {
    at: call.at,
    model: call.model,
    apiKeyId: call.apiKeyId,
    workspaceId: call.workspaceId,
    tokens: {
      uncached_input_tokens: call.usage.inputTokens,
      cache_creation: {
        ephemeral_5m_input_tokens: call.usage.cacheWrite5mTokens,
        ephemeral_1h_input_tokens: call.usage.cacheWrite1hTokens,
      },
      cache_read_input_tokens: call.usage.cacheReadTokens,
      output_tokens: call.usage.outputTokens,
      web_search_requests: call.usage.webSearchRequests,
    },
    costs: {
      uncached_input_tokens: factor(cost.inputNanoUsd),
      'cache_creation.ephemeral_5m_input_tokens': factor(cost.cacheWrite5mNanoUsd),
      'cache_creation.ephemeral_1h_input_tokens': factor(cost.cacheWrite1hNanoUsd),
      cache_read_input_tokens: factor(cost.cacheReadNanoUsd),
      output_tokens: factor(cost.outputNanoUsd),
      web_search: cost.webSearchNanoUsd,
    },
  };
};

/** Nano-dollars as the Admin API writes money: a decimal string of (fractional) cents. */
export const nanoToCents = (nano: number): string => {
  const sign = nano < 0 ? '-' : '';
  const digits = String(Math.abs(nano)).padStart(8, '0');
  const whole = digits.slice(0, -7);
  const fraction = digits.slice(-7).replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
};

/** Group-by dimensions both report APIs share, and the call field each reads. */
const DIMENSIONS = {
  model: (call: BilledCall) => call.model,
  api_key_id: (call: BilledCall) => call.apiKeyId,
  workspace_id: (call: BilledCall) => call.workspaceId,
} as const;
export type LedgerDimension = keyof typeof DIMENSIONS;
export const isLedgerDimension = (name: string): name is LedgerDimension => Object.hasOwn(DIMENSIONS, name);

/** Usage summed per group: the shape of a usage row's metrics. */
export interface UsageSums {
  uncached_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  cache_read_input_tokens: number;
  output_tokens: number;
  server_tool_use: { web_search_requests: number };
  requests: number;
}

const emptyUsage = (): UsageSums => ({
  uncached_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  cache_read_input_tokens: 0,
  output_tokens: 0,
  server_tool_use: { web_search_requests: 0 },
  requests: 0,
});

/** A day's calls grouped by the requested dimensions: key values (null when not grouped) and the calls. */
export interface Group {
  values: Record<LedgerDimension, string | null>;
  calls: BilledCall[];
}

/** Groups calls by the given dimensions, in first-seen order; ungrouped dimensions read null. */
export const groupCalls = (calls: readonly BilledCall[], by: readonly LedgerDimension[]): Group[] => {
  const groups = new Map<string, Group>();
  for (const call of calls) {
    const values = {
      model: by.includes('model') ? DIMENSIONS.model(call) : null,
      api_key_id: by.includes('api_key_id') ? DIMENSIONS.api_key_id(call) : null,
      workspace_id: by.includes('workspace_id') ? DIMENSIONS.workspace_id(call) : null,
    };
    const id = JSON.stringify(values);
    let group = groups.get(id);
    if (group === undefined) {
      group = { values, calls: [] };
      groups.set(id, group);
    }
    group.calls.push(call);
  }
  return [...groups.values()];
};

export const sumUsage = (calls: readonly BilledCall[]): UsageSums => {
  const sums = emptyUsage();
  for (const { tokens } of calls) {
    sums.uncached_input_tokens += tokens.uncached_input_tokens;
    sums.cache_creation.ephemeral_5m_input_tokens += tokens.cache_creation.ephemeral_5m_input_tokens;
    sums.cache_creation.ephemeral_1h_input_tokens += tokens.cache_creation.ephemeral_1h_input_tokens;
    sums.cache_read_input_tokens += tokens.cache_read_input_tokens;
    sums.output_tokens += tokens.output_tokens;
    sums.server_tool_use.web_search_requests += tokens.web_search_requests;
    sums.requests += 1;
  }
  return sums;
};

/** Sum of one cost line over calls, nano-dollars. */
export const sumCost = (calls: readonly BilledCall[], line: keyof BilledCosts): number =>
  calls.reduce((sum, call) => sum + (call.costs[line] ?? 0), 0);

/** Every cost line of the calls, nano-dollars. */
export const totalCost = (calls: readonly BilledCall[]): number =>
  [...TOKEN_TYPES, ...OTHER_COST_TYPES].reduce((sum, line) => sum + sumCost(calls, line), 0);

/** `2026-11-29T10:00:00Z` → its UTC day. */
export const dayOfCall = (call: BilledCall): string => call.at.slice(0, 10);

/** The UTC days of [start, end), as `YYYY-MM-DD`. */
export const daysBetween = (startMs: number, endMs: number): string[] => {
  const days: string[] = [];
  for (let ms = Date.parse(new Date(startMs).toISOString().slice(0, 10)); ms < endMs; ms += 86_400_000) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
};
