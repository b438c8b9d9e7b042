import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attribution, RuntimeContext } from '../domain/call-record';

/**
 * Caps applied to attribution before it is stored, so one caller cannot bloat every record:
 * - at most `maxTags` tags, each at most `maxTagLength` characters (longer tags are dropped);
 * - at most `maxMetadataKeys` metadata entries, keys at most `maxKeyLength` characters;
 * - string values longer than `maxValueLength` characters are dropped (never truncated, so no value is
 *   silently altered), as are entries once the metadata's JSON reaches `maxMetadataBytes`.
 * Entries are kept in insertion order; whatever is dropped is counted, never thrown.
 */
export const ATTRIBUTION_LIMITS = {
  maxTags: 20,
  maxTagLength: 64,
  maxMetadataKeys: 20,
  maxKeyLength: 64,
  maxValueLength: 256,
  maxMetadataBytes: 2_048,
} as const;

/** Scope state: attribution plus the Lambda request id of the invocation in progress. */
export interface MonitorScope extends Attribution {
  awsRequestId?: string;
}

/** One store per process, even when the ESM and CommonJS builds of the monitor are both loaded. */
const STORAGE_KEY = Symbol.for('claude-monitor.scope');
const global = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<MonitorScope> };
global[STORAGE_KEY] ??= new AsyncLocalStorage<MonitorScope>();
const storage = global[STORAGE_KEY];

/** Merges `inner` over `outer`: scalar fields override, tags are unioned, metadata entries merged. */
export const mergeAttribution = <T extends Attribution>(outer: T | undefined, inner: T | undefined): T => {
  if (!outer) return inner ?? ({} as T);
  if (!inner) return outer;
  const merged = { ...outer, ...inner };
  if (outer.tags && inner.tags) merged.tags = [...new Set([...outer.tags, ...inner.tags])];
  if (outer.metadata && inner.metadata) merged.metadata = { ...outer.metadata, ...inner.metadata };
  return merged;
};

/**
 * Runs `fn` with `attribution` applied to every Claude call made inside it (including across `await`s).
 * Nested scopes merge over their parent.
 * @example
 * await runWithAttribution({ userId: 'u-1', tenantId: 'acme' }, () => client.messages.create(params));
 */
export const runWithAttribution = <R>(attribution: MonitorScope, fn: () => R): R =>
  storage.run(mergeAttribution(storage.getStore(), attribution), fn);

/** The attribution of the scope in progress, if any. */
export const currentScope = (): MonitorScope | undefined => storage.getStore();

/** Symbol under which per-call attribution travels in the SDK's request options; the SDK ignores it. */
export const ATTRIBUTION_OPTION: unique symbol = Symbol.for('claude-monitor.attribution');

/**
 * Request options carrying attribution for one call. Pass as the second argument of `create`/`stream`;
 * the monitor removes it before the request is built, so none of it is sent to Anthropic.
 * @example
 * await client.messages.create(params, withAttribution({ sessionId: 's-1' }, { timeout: 10_000 }));
 */
export const withAttribution = <O extends object>(attribution: Attribution, options?: O): O => {
  const carrier = { ...(options ?? {}) } as O & { [ATTRIBUTION_OPTION]?: Attribution };
  carrier[ATTRIBUTION_OPTION] = attribution;
  return carrier;
};

/** Splits request options into the SDK's own and the attribution carried with them. */
export const takeAttribution = <O>(options: O): { options: O; attribution: Attribution | undefined } => {
  const carried = (options as { [ATTRIBUTION_OPTION]?: Attribution } | undefined)?.[ATTRIBUTION_OPTION];
  if (carried === undefined) return { options, attribution: undefined };
  const { [ATTRIBUTION_OPTION]: _dropped, ...rest } = options as Record<string | symbol, unknown>;
  return { options: rest as O, attribution: carried };
};

/** Lambda facts available from the environment (function name, region). */
export const runtimeContextFromEnv = (env: NodeJS.ProcessEnv = process.env): RuntimeContext => ({
  ...(env.AWS_LAMBDA_FUNCTION_NAME ? { functionName: env.AWS_LAMBDA_FUNCTION_NAME } : {}),
  ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
});

/** Applies `ATTRIBUTION_LIMITS`; returns the capped attribution and how many entries were dropped. */
export const capAttribution = (attribution: Attribution): { attribution: Attribution; dropped: number } => {
  let dropped = 0;
  const capped: Attribution = { ...attribution };
  if (attribution.tags) {
    const kept = attribution.tags.filter(
      (tag) => typeof tag === 'string' && tag.length <= ATTRIBUTION_LIMITS.maxTagLength,
    );
    const tags = kept.slice(0, ATTRIBUTION_LIMITS.maxTags);
    dropped += attribution.tags.length - tags.length;
    capped.tags = tags;
  }
  if (attribution.metadata) {
    const metadata: Record<string, string | number | boolean> = {};
    let bytes = 2;
    let keys = 0;
    for (const [key, value] of Object.entries(attribution.metadata)) {
      const entryBytes = Buffer.byteLength(JSON.stringify(key) + JSON.stringify(value)) + 2;
      const fits =
        keys < ATTRIBUTION_LIMITS.maxMetadataKeys &&
        key.length <= ATTRIBUTION_LIMITS.maxKeyLength &&
        ['string', 'number', 'boolean'].includes(typeof value) &&
        !(typeof value === 'string' && value.length > ATTRIBUTION_LIMITS.maxValueLength) &&
        bytes + entryBytes <= ATTRIBUTION_LIMITS.maxMetadataBytes;
      if (!fits) {
        dropped++;
        continue;
      }
      metadata[key] = value;
      bytes += entryBytes;
      keys++;
    }
    capped.metadata = metadata;
  }
  return { attribution: capped, dropped };
};
