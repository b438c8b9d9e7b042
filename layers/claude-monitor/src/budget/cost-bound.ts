import { EMPTY_USAGE, type TokenUsage } from '../domain/call-record';
import { computeCost } from '../pricing/compute-cost';
import type { PriceTable } from '../pricing/types';

/**
 * Prompt tokens added for tool definitions: the API puts a tool-use system prompt of a few hundred tokens in
 * front of the caller's (Anthropic's tool-use pricing lists 159–530 tokens depending on the model and
 * `tool_choice`).
 */
export const TOOL_PROMPT_ALLOWANCE = 1_000;
/**
 * Prompt tokens allowed per document, and per image or document given by URL: their tokens do not follow from
 * the request's bytes (a short PDF page is rendered as an image and read as text, up to about 3,000 tokens a
 * page; a URL is a few bytes whatever it points to). Not a hard bound: a long PDF can cost more.
 */
export const DOCUMENT_ALLOWANCE = 100_000;
/** Output tokens assumed when the request sets no limit (Bedrock Converse makes it optional). */
export const UNSET_MAX_TOKENS = 128_000;
/** Web searches assumed when the web search tool sets no `max_uses`. */
export const UNSET_WEB_SEARCHES = 10;

const count = (text: string, needle: string): number => {
  let found = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) found++;
  return found;
};

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

/** `max_tokens` (Messages, InvokeModel) or `inferenceConfig.maxTokens` (Converse). */
const maxTokensOf = (body: Record<string, unknown> | undefined): number =>
  positiveInt(body?.max_tokens) ??
  positiveInt((body?.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens) ??
  UNSET_MAX_TOKENS;

/** Web searches the request allows: the sum of its web search tools' `max_uses`. */
const webSearchesOf = (body: Record<string, unknown> | undefined): number => {
  const tools = Array.isArray(body?.tools) ? (body.tools as { type?: unknown; max_uses?: unknown }[]) : [];
  return tools
    .filter((tool) => typeof tool?.type === 'string' && tool.type.startsWith('web_search'))
    .reduce((sum, tool) => sum + (positiveInt(tool.max_uses) ?? UNSET_WEB_SEARCHES), 0);
};

/** What the bound of a call rests on, for records, logs and the documentation's margin. */
export interface CostBound {
  /** The bound, integer nano-dollars. */
  nanoUsd: number;
  promptTokens: number;
  outputTokens: number;
}

/**
 * An upper bound of a call's cost, from its request alone, before it is sent: every prompt token at the
 * dearest rate the request can be billed at, and `max_tokens` of output.
 *
 * - Prompt tokens: the request body's UTF-8 bytes. A token of Claude's tokenizer covers at least one byte of
 *   text and the JSON around the content is longer than the few tokens the API adds per message, so for
 *   text, tool results and base64 images the bytes bound the tokens. Tools add {@link TOOL_PROMPT_ALLOWANCE};
 *   documents and URL sources add {@link DOCUMENT_ALLOWANCE} each.
 * - Rates: with `cache_control` in the request, every prompt token is priced as a cache write (1.25× input
 *   for 5 minutes, 2× for an hour), the dearest way a prompt token can be billed; the long-context tier
 *   applies when the bound passes its threshold, as do fast mode, data residency and Bedrock's regional
 *   premium (the same `computeCost` as the exact price).
 * - Web search: the tools' `max_uses` searches (or {@link UNSET_WEB_SEARCHES}).
 *
 * English text runs at about 4 bytes a token, so the prompt part is about 4× the real one; the output part is
 * exact only when the answer uses all of `max_tokens`. Not bounded: the input tokens that server tools add
 * (search results, fetched pages) and documents longer than the allowance.
 *
 * @returns undefined when the model is not in the price table (the call's cost is then unknown, and unpriced)
 */
export const costBound = (
  model: string,
  bodyText: string | undefined,
  body: Record<string, unknown> | undefined,
  prices: PriceTable,
  at: Date,
): CostBound | undefined => {
  const text = bodyText ?? '';
  const documents = count(text, '"type":"document"') + count(text, '"type":"url"');
  const hasTools = Array.isArray(body?.tools) && (body.tools as unknown[]).length > 0;
  const promptTokens =
    Buffer.byteLength(text) + (hasTools ? TOOL_PROMPT_ALLOWANCE : 0) + documents * DOCUMENT_ALLOWANCE;
  const outputTokens = maxTokensOf(body);
  const cached = text.includes('"cache_control"');
  const usage: TokenUsage = {
    ...EMPTY_USAGE,
    outputTokens,
    webSearchRequests: webSearchesOf(body),
  };
  if (!cached) usage.inputTokens = promptTokens;
  else if (text.includes('"ttl":"1h"')) usage.cacheWrite1hTokens = promptTokens;
  else usage.cacheWrite5mTokens = promptTokens;
  const geo = typeof body?.inference_geo === 'string' ? body.inference_geo : undefined;
  const cost = computeCost(model, usage, {
    prices,
    at,
    ...(body?.speed === 'fast' ? { speed: 'fast' } : {}),
    ...(geo ? { inferenceGeo: geo } : {}),
  });
  if (!cost.priced) return undefined;
  return { nanoUsd: cost.totalNanoUsd, promptTokens, outputTokens };
};
