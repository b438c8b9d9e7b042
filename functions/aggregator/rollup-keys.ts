import {
  bucketOf,
  type CallRecord,
  type Dimension,
  dimensionValue,
  type Granularity,
  ROLLUP_PLAN,
  rollupPk,
} from 'claude-monitor/domain';

/** Where one rollup lives: its item key plus the attributes that describe it. */
export interface RollupKey {
  pk: string;
  sk: string;
  granularity: Granularity;
  dim: Dimension;
  value: string;
  bucket: string;
}

/** A string that identifies a rollup item (its primary key). */
export const rollupKeyId = (key: Pick<RollupKey, 'pk' | 'sk'>): string => `${key.pk}|${key.sk}`;

export const rollupKey = (
  granularity: Granularity,
  dim: Dimension,
  value: string,
  bucket: string,
): RollupKey => ({
  pk: rollupPk(granularity, dim, value),
  sk: bucket,
  granularity,
  dim,
  value,
  bucket,
});

/**
 * Every rollup a record contributes to, from `ROLLUP_PLAN`. A record without a user, tenant, function or
 * session simply has no rollup in that dimension.
 */
export const rollupKeysOf = (record: CallRecord): RollupKey[] => {
  const keys: RollupKey[] = [];
  for (const [dim, granularities] of Object.entries(ROLLUP_PLAN) as [Dimension, readonly Granularity[]][]) {
    const value = dimensionValue(record, dim);
    if (value === undefined || value === '') continue;
    for (const granularity of granularities) {
      keys.push(rollupKey(granularity, dim, value, bucketOf(record.timestamp, granularity)));
    }
  }
  return keys;
};
