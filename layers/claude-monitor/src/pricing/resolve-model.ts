import { PROVIDER, type Provider } from '../domain/call-record';
import { PRICE_TABLE } from './price-table';
import type { PriceTable } from './types';

/**
 * Bedrock endpoint scope: `global.` routes worldwide; geographic profiles (`us.`, `eu.`, …), bare in-Region
 * model ids and foundation-model ARNs are regional endpoints, which cost 10% more for the models that have
 * a regional premium.
 */
export const BEDROCK_SCOPE = {
  global: 'global',
  regional: 'regional',
} as const;
export type BedrockScope = (typeof BEDROCK_SCOPE)[keyof typeof BEDROCK_SCOPE];

/** A model id mapped to its price-table entry. */
export interface ResolvedModel {
  /** Canonical id: the key of the price-table entry. */
  model: string;
  /** Platform the id's spelling belongs to (a plain id may still have been served by Vertex). */
  provider: Provider;
  /** Bedrock only: whether the id named the global endpoint or a regional one (geographic profile or in-Region). */
  scope?: BedrockScope;
}

const BEDROCK_PROFILE_PREFIX = /^(global|us|us-gov|eu|jp|au|apac|ca)\.(?=anthropic\.)/;
/** `-v1:0`, `-v2:0`, `-v1`, and context variants such as `-v1:0:200k`. */
const BEDROCK_VERSION_SUFFIX = /-v\d+(?::\d+)?(?::\d+k)?$/;
/** `@20250929`, and `-v2@20241022` (Vertex's spelling of Claude Sonnet 3.5 v2). */
const VERTEX_VERSION = /(?:-v\d+)?@(\d{8})$/;
const BEDROCK_PROVIDER_PREFIX = 'anthropic.';
/** Distinct ids seen in one process stay few; the bound only guards against a flood of garbage ids. */
const MAX_CACHED_IDS = 2_048;

interface Resolver {
  ids: Map<string, string>;
  cache: Map<string, ResolvedModel | null>;
}

const resolvers = new WeakMap<PriceTable, Resolver>();

const resolverFor = (prices: PriceTable): Resolver => {
  let resolver = resolvers.get(prices);
  if (resolver === undefined) {
    const ids = new Map<string, string>();
    for (const [model, price] of Object.entries(prices.models)) {
      ids.set(model.toLowerCase(), model);
      for (const alias of price.aliases ?? []) ids.set(alias.toLowerCase(), model);
    }
    resolver = { ids, cache: new Map() };
    resolvers.set(prices, resolver);
  }
  return resolver;
};

/**
 * Maps any spelling of a Claude model id to its price-table entry: Anthropic ids and aliases
 * (`claude-sonnet-4-5`), dated ids, Bedrock ids with or without an inference-profile prefix and version
 * suffix (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`), Bedrock ARNs of foundation models and
 * system inference profiles, and Vertex ids (`claude-sonnet-4-5@20250929`).
 * Results are cached per table, so a call pays one map lookup after the first.
 *
 * @param id - model id as sent or as reported by the API
 * @param prices - table to resolve against
 * @default prices the built-in {@link PRICE_TABLE}
 * @returns undefined when no entry matches; a price is never guessed from a similar name
 * @example resolveModel('eu.anthropic.claude-haiku-4-5-20251001-v1:0')?.model // 'claude-haiku-4-5-20251001'
 */
export const resolveModel = (id: string, prices: PriceTable = PRICE_TABLE): ResolvedModel | undefined => {
  const resolver = resolverFor(prices);
  const cached = resolver.cache.get(id);
  if (cached !== undefined) return cached ?? undefined;
  const resolved = parseId(id, resolver.ids);
  if (resolver.cache.size >= MAX_CACHED_IDS) resolver.cache.clear();
  resolver.cache.set(id, resolved === undefined ? null : Object.freeze(resolved));
  return resolved;
};

const parseId = (raw: string, ids: ReadonlyMap<string, string>): ResolvedModel | undefined => {
  let id = raw.trim().toLowerCase();
  let provider: Provider = PROVIDER.anthropic;
  let scope: BedrockScope | undefined;
  if (id.startsWith('arn:')) {
    // Application inference profiles have opaque ids that say nothing about the model: they stay unknown.
    id = id.slice(id.lastIndexOf('/') + 1);
    provider = PROVIDER.bedrock;
  }
  const profile = BEDROCK_PROFILE_PREFIX.exec(id);
  if (profile !== null) {
    scope = profile[1] === 'global' ? BEDROCK_SCOPE.global : BEDROCK_SCOPE.regional;
    id = id.slice(profile[0].length);
  }
  if (id.startsWith(BEDROCK_PROVIDER_PREFIX)) {
    provider = PROVIDER.bedrock;
    // A bare model id (or foundation-model ARN) is served in the caller's Region: a regional endpoint, billed
    // at the regional rate (the AWS price list has no separate in-Region rate, only regional and global).
    scope ??= BEDROCK_SCOPE.regional;
    id = id.slice(BEDROCK_PROVIDER_PREFIX.length).replace(BEDROCK_VERSION_SUFFIX, '');
  } else if (VERTEX_VERSION.test(id)) {
    provider = PROVIDER.vertex;
    id = id.replace(VERTEX_VERSION, '-$1');
  }
  const model = ids.get(id);
  if (model === undefined) return undefined;
  return scope === undefined ? { model, provider } : { model, provider, scope };
};
