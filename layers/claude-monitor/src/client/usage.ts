import type { ErrorType, TokenUsage } from '../domain/call-record';

/** The API's `usage` object as it appears in messages and stream events (every field optional/nullable). */
export interface RawUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  server_tool_use?: { web_search_requests?: number; web_fetch_requests?: number } | null;
  service_tier?: string | null;
  speed?: string | null;
  inference_geo?: string | null;
}

/**
 * Merges a later usage report over an earlier one. `message_delta` carries cumulative counts, so a present
 * value replaces the earlier one; absent or null values keep what `message_start` said.
 */
export const mergeRawUsage = (earlier: RawUsage | undefined, later: RawUsage): RawUsage => {
  if (!earlier) return later;
  const merged: Record<string, unknown> = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged as RawUsage;
};

const count = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;

/**
 * The API's usage as token counts. Without the 5m/1h split (older API versions, some Bedrock responses),
 * every cache write counts as a 5-minute write, the API's default lifetime.
 */
export const toTokenUsage = (raw: RawUsage | undefined): TokenUsage => {
  const split = raw?.cache_creation;
  return {
    inputTokens: count(raw?.input_tokens),
    outputTokens: count(raw?.output_tokens),
    cacheWrite5mTokens: split
      ? count(split.ephemeral_5m_input_tokens)
      : count(raw?.cache_creation_input_tokens),
    cacheWrite1hTokens: split ? count(split.ephemeral_1h_input_tokens) : 0,
    cacheReadTokens: count(raw?.cache_read_input_tokens),
    webSearchRequests: count(raw?.server_tool_use?.web_search_requests),
    webFetchRequests: count(raw?.server_tool_use?.web_fetch_requests),
  };
};

/** Error type of an HTTP status from the API. */
export const errorTypeOfStatus = (status: number): ErrorType => {
  if (status === 429) return 'rate_limit';
  if (status === 529) return 'overloaded';
  if (status === 401 || status === 403) return 'authentication';
  if (status >= 500) return 'server';
  if (status >= 400) return 'client';
  return 'unknown';
};

/**
 * Error type of anything the SDK threw. Classified by class name and status rather than `instanceof`,
 * because the caller's SDK may be a different copy (ESM and CommonJS builds) from the one the monitor sees.
 */
export const errorTypeOf = (error: unknown): ErrorType => {
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
  if (name === 'APIUserAbortError' || (error as Error | null)?.name === 'AbortError') return 'aborted';
  if (name === 'APIConnectionTimeoutError') return 'timeout';
  if (name === 'APIConnectionError') return 'connection';
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return errorTypeOfStatus(status);
  return 'unknown';
};
