import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  COUNTER,
  countersOfItem,
  DIMENSION,
  INDEX,
  type Provider,
  rollupDimensionPk,
} from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
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

const EMPTY = (): TrackedModel => ({
  calls: 0,
  unpricedCalls: 0,
  costNanoUsd: 0,
  tokens: {},
  webSearchRequests: 0,
});

const add = (target: TrackedModel, counters: Record<string, number>): void => {
  const get = (name: string): number => counters[name] ?? 0;
  target.calls += get(COUNTER.calls);
  target.unpricedCalls += get(COUNTER.unpricedCalls);
  target.costNanoUsd += get(COUNTER.costNanoUsd);
  target.webSearchRequests += get(COUNTER.webSearchRequests);
  const tokens: [keyof KindCounts, string][] = [
    [TOKEN_KIND.uncachedInput, COUNTER.inputTokens],
    [TOKEN_KIND.cacheWrite5m, COUNTER.cacheWrite5mTokens],
    [TOKEN_KIND.cacheWrite1h, COUNTER.cacheWrite1hTokens],
    [TOKEN_KIND.cacheRead, COUNTER.cacheReadTokens],
    [TOKEN_KIND.output, COUNTER.outputTokens],
  ];
  for (const [kind, counter] of tokens) target.tokens[kind] = (target.tokens[kind] ?? 0) + get(counter);
};

/**
 * The recorded spend of one provider per UTC day and model, from the day × `provider_model` rollups: one
 * query of the group-by index for the whole range, never a read of raw call records. Model spellings
 * (alias, dated id, Bedrock profile) are merged under `canonical(model)`.
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
  const items = await queryAll(client, {
    TableName: tableName,
    IndexName: INDEX.byDimension.name,
    KeyConditionExpression: '#dpk = :dpk AND #dsk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#dpk': INDEX.byDimension.partition, '#dsk': INDEX.byDimension.sort },
    // `$` sorts right after the `#` separator: the range ends after the last value of `lastDay`.
    ExpressionAttributeValues: {
      ':dpk': { S: rollupDimensionPk('day', DIMENSION.providerModel) },
      ':from': { S: `${firstDay}#` },
      ':to': { S: `${lastDay}$` },
    },
  });
  const prefix = `${provider}/`;
  const days: TrackedDays = new Map();
  for (const item of items) {
    const value = String(item.value);
    if (!value.startsWith(prefix)) continue;
    const day = String(item.bucket);
    const model = canonical(value.slice(prefix.length));
    let models = days.get(day);
    if (models === undefined) {
      models = new Map();
      days.set(day, models);
    }
    let tracked = models.get(model);
    if (tracked === undefined) {
      tracked = EMPTY();
      models.set(model, tracked);
    }
    add(tracked, countersOfItem(item));
  }
  return days;
};
