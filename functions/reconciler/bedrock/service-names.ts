import type { PriceTable } from 'claude-monitor/pricing';
import { type CostKind, OTHER_COST, TOKEN_KIND } from '../../shared/reconciliation';

/**
 * Cost Explorer bills each Claude model on Bedrock as its own AWS Marketplace service, named like
 * `Claude Sonnet 4.5 (Amazon Bedrock Edition)` or, for older models, `Claude 3.5 Sonnet v2 (Amazon Bedrock
 * Edition)`. The price table names the same models `Claude Sonnet 4.5` and `Claude Sonnet 3.5 v2`, so names
 * are compared as sets of words with parenthesised parts left out.
 */
export const BEDROCK_EDITION = '(Amazon Bedrock Edition)';

const nameKey = (name: string): string =>
  name
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(' ');

const indexes = new WeakMap<PriceTable, Map<string, string>>();

/**
 * The canonical model id of a Cost Explorer service name, or the name without its edition suffix when the
 * price table has no model of that name (it is then reconciled under that name, as billed and not tracked).
 */
export const modelOfService = (service: string, prices: PriceTable): string => {
  let index = indexes.get(prices);
  if (index === undefined) {
    index = new Map(Object.entries(prices.models).map(([id, price]) => [nameKey(price.name), id]));
    indexes.set(prices, index);
  }
  return index.get(nameKey(service)) ?? service.replace(BEDROCK_EDITION, '').trim();
};

/** True for the services of Claude models on Bedrock (what the reconciler asks Cost Explorer about). */
export const isClaudeOnBedrock = (service: string): boolean =>
  service.startsWith('Claude') && service.endsWith(BEDROCK_EDITION);

/**
 * The kind of a Bedrock usage type. Usage types name the Region and the token kind in several schemes:
 * `USE1-MP:USE1_InputTokenCount-Units`, `…_CacheReadInputTokenCount…`, `USE1_output_tokens_global_standard-Units`,
 * `…-cache-write-input-token-count` (AWS, "Understanding your Amazon Bedrock Cost and Usage Report data").
 * Anything else is kept as `other`: its cost still counts, it is only not broken out by kind.
 */
export const kindOfUsageType = (usageType: string): CostKind => {
  const text = usageType.toLowerCase().replace(/[^a-z]/g, '');
  if (text.includes('cacheread')) return TOKEN_KIND.cacheRead;
  if (text.includes('cachewrite')) return TOKEN_KIND.cacheWrite;
  if (text.includes('outputtoken')) return TOKEN_KIND.output;
  if (text.includes('inputtoken')) return TOKEN_KIND.uncachedInput;
  return OTHER_COST.other;
};
