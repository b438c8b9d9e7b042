import { ENV } from '../domain/env';
import { PricingError } from './errors';
import { BATCH_DISCOUNT } from './multipliers';
import { PRICE_TABLE } from './price-table';
import { resolveModel } from './resolve-model';
import type { LongContextTier, ModelPrice, PriceTable, TokenRates } from './types';
import { VERIFICATION } from './types';
import { usdToNanoExact } from './usd-rate';

const RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;
const MODEL_FIELDS = new Set<string>([...RATE_FIELDS, 'name', 'aliases', 'longContext', 'source']);
const LONG_CONTEXT_FIELDS = new Set<string>([...RATE_FIELDS, 'thresholdTokens']);
const TOP_FIELDS = new Set(['models', 'webSearchPer1000']);
/** Keys that would write to an object's prototype instead of adding an entry. */
const RESERVED_IDS = new Set(['__proto__', 'constructor', 'prototype']);
/** Suffix of the table version when overrides are in force, so every record shows it. */
export const OVERRIDES_VERSION_SUFFIX = '+overrides';

/** Anthropic's cache multipliers on the input rate, used when an added model leaves a cache rate out. */
const DERIVED_CACHE = { cacheWrite5m: [5, 4], cacheWrite1h: [2, 1], cacheRead: [1, 10] } as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses deploy-time price overrides (the value of `CLAUDE_MONITOR_PRICE_OVERRIDES`) and merges them over
 * `base`. Rates are USD per million tokens, as on the pricing page, converted to nano-dollars exactly.
 *
 * An entry whose key resolves to a model of `base` (any spelling: alias, Bedrock or Vertex id) replaces the
 * rates it names and drops that model's price history, since a negotiated price holds for every date. Any
 * other key adds a model (e.g. a fine-tuned or private one): `input` and `output` are required, and missing
 * cache rates follow Anthropic's rule (5m write 1.25x, 1h write 2x, read 0.1x input).
 *
 * @example
 * withOverrides(PRICE_TABLE, '{"models":{"claude-opus-4-8":{"input":4.5,"output":22.5}},"webSearchPer1000":8}')
 * @throws PricingError naming the model and field at fault
 */
export const withOverrides = (base: PriceTable, json: string): PriceTable => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new PricingError(`${ENV.priceOverrides} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isObject(parsed)) throw new PricingError(`${ENV.priceOverrides} must be a JSON object`);
  for (const key of Object.keys(parsed)) {
    if (!TOP_FIELDS.has(key)) {
      throw new PricingError(
        `${ENV.priceOverrides} has an unknown key "${key}" (expected models, webSearchPer1000)`,
      );
    }
  }
  const models: Record<string, ModelPrice> = { ...base.models };
  const entries = parsed.models ?? {};
  if (!isObject(entries)) throw new PricingError(`${ENV.priceOverrides}: "models" must be an object`);
  for (const [id, entry] of Object.entries(entries)) {
    if (RESERVED_IDS.has(id.trim().toLowerCase()))
      throw new PricingError('is not a usable model id', { model: id });
    const existing = resolveModel(id, base)?.model;
    const key = existing ?? id.trim().toLowerCase();
    models[key] = mergeEntry(id, entry, existing === undefined ? undefined : base.models[existing]);
  }
  const webSearch = parsed.webSearchPer1000;
  return {
    version: `${base.version}${OVERRIDES_VERSION_SUFFIX}`,
    models,
    serverTools:
      webSearch === undefined
        ? base.serverTools
        : { webSearchPerRequest: perRequest(usdToNanoExact(webSearch, undefined, 'webSearchPer1000')) },
    inferenceGeo: base.inferenceGeo,
  };
};

/**
 * The built-in table with the overrides of `json` merged in.
 * @example parsePriceOverrides(process.env.CLAUDE_MONITOR_PRICE_OVERRIDES ?? '{}')
 */
export const parsePriceOverrides = (json: string): PriceTable => withOverrides(PRICE_TABLE, json);

/**
 * The table a deployment prices with: the built-in one, with `CLAUDE_MONITOR_PRICE_OVERRIDES` merged in when
 * set. Call it once at cold start so a bad value fails there, not per call.
 */
export const loadPriceTable = (env: NodeJS.ProcessEnv = process.env): PriceTable => {
  const json = env[ENV.priceOverrides]?.trim();
  return json ? parsePriceOverrides(json) : PRICE_TABLE;
};

const perRequest = (nanoPerThousand: number): number => {
  if (nanoPerThousand % 1000 !== 0) {
    throw new PricingError('must be a whole number of nano-dollars per request (at most 6 decimals)', {
      field: 'webSearchPer1000',
    });
  }
  return nanoPerThousand / 1000;
};

const mergeEntry = (id: string, entry: unknown, existing: ModelPrice | undefined): ModelPrice => {
  if (!isObject(entry)) throw new PricingError('must be an object of rates', { model: id });
  for (const field of Object.keys(entry)) {
    if (!MODEL_FIELDS.has(field)) throw new PricingError('is not a known field', { model: id, field });
  }
  const rates = readRates(id, entry, existing?.rates, '');
  const aliases = readAliases(id, entry.aliases) ?? existing?.aliases;
  const longContext = entry.longContext === undefined ? existing?.longContext : readLongContext(id, entry);
  const name = entry.name ?? existing?.name ?? id;
  if (typeof name !== 'string') throw new PricingError('must be a string', { model: id, field: 'name' });
  const source = entry.source ?? 'deploy-time override';
  if (typeof source !== 'string') throw new PricingError('must be a string', { model: id, field: 'source' });
  const merged: ModelPrice = {
    name,
    rates,
    batch: existing?.batch ?? BATCH_DISCOUNT,
    source,
    verified: VERIFICATION.override,
    ...(aliases === undefined ? {} : { aliases }),
    ...(longContext === undefined ? {} : { longContext }),
    ...(existing?.fast === undefined ? {} : { fast: existing.fast }),
    ...(existing?.regionalPremium === undefined ? {} : { regionalPremium: existing.regionalPremium }),
  };
  return merged;
};

const readRates = (id: string, entry: Json, base: TokenRates | undefined, path: string): TokenRates => {
  const read = (field: (typeof RATE_FIELDS)[number]): number | undefined =>
    entry[field] === undefined ? undefined : usdToNanoExact(entry[field], id, `${path}${field}`);
  const input = read('input') ?? base?.input;
  const output = read('output') ?? base?.output;
  if (input === undefined)
    throw new PricingError('is required for a model not in the table', { model: id, field: `${path}input` });
  if (output === undefined)
    throw new PricingError('is required for a model not in the table', { model: id, field: `${path}output` });
  const derived = (field: keyof typeof DERIVED_CACHE): number => {
    const given = read(field);
    if (given !== undefined) return given;
    // An overridden input rate moves the cache rates with it unless they are given too.
    if (base !== undefined && entry.input === undefined) return base[field];
    const [numerator, denominator] = DERIVED_CACHE[field];
    return Math.round((input * numerator) / denominator);
  };
  return {
    input,
    output,
    cacheWrite5m: derived('cacheWrite5m'),
    cacheWrite1h: derived('cacheWrite1h'),
    cacheRead: derived('cacheRead'),
  };
};

const readLongContext = (id: string, entry: Json): LongContextTier => {
  const tier = entry.longContext;
  if (!isObject(tier)) throw new PricingError('must be an object', { model: id, field: 'longContext' });
  for (const field of Object.keys(tier)) {
    if (!LONG_CONTEXT_FIELDS.has(field)) {
      throw new PricingError('is not a known field', { model: id, field: `longContext.${field}` });
    }
  }
  const threshold = tier.thresholdTokens;
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold <= 0) {
    throw new PricingError(`must be a positive whole number of tokens, got ${JSON.stringify(threshold)}`, {
      model: id,
      field: 'longContext.thresholdTokens',
    });
  }
  return { thresholdTokens: threshold, rates: readRates(id, tier, undefined, 'longContext.') };
};

const readAliases = (id: string, aliases: unknown): readonly string[] | undefined => {
  if (aliases === undefined) return undefined;
  if (
    !Array.isArray(aliases) ||
    !aliases.every((alias) => typeof alias === 'string' && alias.trim() !== '')
  ) {
    throw new PricingError('must be an array of model ids', { model: id, field: 'aliases' });
  }
  return aliases.map((alias: string) => alias.trim().toLowerCase());
};
