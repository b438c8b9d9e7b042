import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  COUNTER,
  countersOfItem,
  DIMENSION,
  type Dimension,
  PROVIDER,
  type Provider,
  rollupDimensionPk,
} from 'claude-monitor/domain';
import { queryDimensionRollups } from '../shared/dimension-rollups';
import { type KindCounts, TOKEN_KIND } from '../shared/reconciliation';

/** What the monitor recorded for one model on one day. */
export interface TrackedModel {
  calls: number;
  unpricedCalls: number;
  /** Every recorded cost of the model, web-search fees included. */
  costNanoUsd: number;
  tokens: KindCounts;
  webSearchRequests: number;
}

/** Day → canonical model → what was recorded. */
export type TrackedDays = Map<string, Map<string, TrackedModel>>;

const TOKEN_COUNTERS: [keyof KindCounts, string][] = [
  [TOKEN_KIND.uncachedInput, COUNTER.inputTokens],
  [TOKEN_KIND.cacheWrite5m, COUNTER.cacheWrite5mTokens],
  [TOKEN_KIND.cacheWrite1h, COUNTER.cacheWrite1hTokens],
  [TOKEN_KIND.cacheRead, COUNTER.cacheReadTokens],
  [TOKEN_KIND.output, COUNTER.outputTokens],
];

const EMPTY = (): TrackedModel => ({
  calls: 0,
  unpricedCalls: 0,
  costNanoUsd: 0,
  tokens: {},
  webSearchRequests: 0,
});

/** Adds (sign 1) or takes away (sign −1) a rollup item's counters; integers, so exact either way. */
const apply = (target: TrackedModel, counters: Record<string, number>, sign: 1 | -1): void => {
  const get = (name: string): number => sign * (counters[name] ?? 0);
  target.calls += get(COUNTER.calls);
  target.unpricedCalls += get(COUNTER.unpricedCalls);
  target.costNanoUsd += get(COUNTER.costNanoUsd);
  target.webSearchRequests += get(COUNTER.webSearchRequests);
  for (const [kind, counter] of TOKEN_COUNTERS)
    target.tokens[kind] = (target.tokens[kind] ?? 0) + get(counter);
};

/** Every day rollup of one dimension in [firstDay, lastDay], through the group-by index. */
const dayRollups = (
  client: DynamoDBClient,
  tableName: string,
  dim: Dimension,
  firstDay: string,
  lastDay: string,
) =>
  // `$` sorts right after the `#` separator: the range ends after the last value of `lastDay`.
  queryDimensionRollups(client, tableName, {
    dpk: rollupDimensionPk('day', dim),
    from: `${firstDay}#`,
    to: `${lastDay}$`,
  });

/**
 * The recorded spend of one provider per UTC day and model, from day rollups, never from raw call records.
 * Bedrock and Vertex calls have their own `provider_model` rollups; the Claude API's are the `model` rollups
 * minus those (the counters are integers, so the difference is exact), which spares Claude-API-only traffic
 * an extra rollup write. Model spellings (alias, dated id, Bedrock profile) are merged under
 * `canonical(model)`.
 *
 * @param lastDay - inclusive
 */
export const readTracked = async (
  client: DynamoDBClient,
  tableName: string,
  provider: Provider,
  firstDay: string,
  lastDay: string,
  canonical: (model: string) => string,
): Promise<TrackedDays> => {
  /** Day|raw model → counters, before the model names are merged. */
  const raw = new Map<string, { day: string; model: string; tracked: TrackedModel }>();
  const entry = (day: string, model: string) => {
    const key = `${day}|${model}`;
    let found = raw.get(key);
    if (found === undefined) {
      found = { day, model, tracked: EMPTY() };
      raw.set(key, found);
    }
    return found.tracked;
  };
  const clouds = await dayRollups(client, tableName, DIMENSION.providerModel, firstDay, lastDay);
  if (provider === PROVIDER.anthropic) {
    const models = await dayRollups(client, tableName, DIMENSION.model, firstDay, lastDay);
    for (const item of models) apply(entry(String(item.bucket), String(item.value)), countersOfItem(item), 1);
    for (const item of clouds) {
      const value = String(item.value);
      apply(entry(String(item.bucket), value.slice(value.indexOf('/') + 1)), countersOfItem(item), -1);
    }
  } else {
    const prefix = `${provider}/`;
    for (const item of clouds) {
      const value = String(item.value);
      if (value.startsWith(prefix))
        apply(entry(String(item.bucket), value.slice(prefix.length)), countersOfItem(item), 1);
    }
  }

  const days: TrackedDays = new Map();
  for (const { day, model, tracked } of raw.values()) {
    // A model only the clouds used nets to nothing on the Claude API's side.
    if (tracked.calls === 0 && tracked.costNanoUsd === 0) continue;
    let byModel = days.get(day);
    if (byModel === undefined) {
      byModel = new Map();
      days.set(day, byModel);
    }
    const name = canonical(model);
    const merged = byModel.get(name) ?? EMPTY();
    apply(merged, { ...countersOf(tracked) }, 1);
    byModel.set(name, merged);
  }
  return days;
};

/** A tracked figure as rollup counters again, to merge spellings with the same `apply`. */
const countersOf = (tracked: TrackedModel): Record<string, number> => ({
  [COUNTER.calls]: tracked.calls,
  [COUNTER.unpricedCalls]: tracked.unpricedCalls,
  [COUNTER.costNanoUsd]: tracked.costNanoUsd,
  [COUNTER.webSearchRequests]: tracked.webSearchRequests,
  ...Object.fromEntries(TOKEN_COUNTERS.map(([kind, counter]) => [counter, tracked.tokens[kind] ?? 0])),
});
