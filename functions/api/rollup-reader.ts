import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  countersOfItem,
  type Dimension,
  type PairSlot,
  pairSlotsOfItem,
  ROLLUP_PLAN,
  type RollupCounters,
  rollupDimensionPk,
  rollupPk,
} from 'claude-monitor/domain';
import { queryDimensionRollups } from '../shared/dimension-rollups';
import { queryAll } from '../shared/query-all';
import { type HourWindow, type Segment, segmentsOf } from './window';

/** Counters of one rollup item, with the bucket and dimension value it belongs to. */
export interface RollupRow {
  granularity: Segment['granularity'];
  bucket: string;
  value: string;
  counters: RollupCounters;
  /** The item's model split by slot id (tenant, user, function and session rollups; empty for the others). */
  pairs: Map<string, PairSlot>;
}

export interface ReadOptions {
  /**
   * Read hourly rollups only (for hourly charts), instead of daily ones for whole days.
   * @default false
   */
  hourly?: boolean;
}

const hasDaily = (dim: Dimension): boolean => ROLLUP_PLAN[dim].includes('day');

/** Reads rollups from DynamoDB: O(buckets) items per key, never raw calls. */
export class RollupReader {
  public constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Rollups of one dimension value (`*` for `all`) over the window. */
  public ofValue(dim: Dimension, value: string, window: HourWindow, options: ReadOptions = {}) {
    return this.read(dim, window, options, (segment) =>
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: rollupPk(segment.granularity, dim, value) },
          ':from': { S: segment.from },
          ':to': { S: segment.to },
        },
      }),
    );
  }

  /** Rollups of every value of a dimension over the window, through the (keys-only) group-by index. */
  public ofDimension(dim: Dimension, window: HourWindow, options: ReadOptions = {}) {
    return this.read(dim, window, options, (segment) =>
      // `$` sorts right after the `#` separator, so `<to>$` closes the range after the last value of `to`.
      queryDimensionRollups(this.client, this.tableName, {
        dpk: rollupDimensionPk(segment.granularity, dim),
        from: `${segment.from}#`,
        to: `${segment.to}$`,
      }),
    );
  }

  /** One read per segment of the window; every rollup item carries its `bucket` and `value`. */
  private async read(
    dim: Dimension,
    window: HourWindow,
    options: ReadOptions,
    itemsOf: (segment: Segment) => Promise<Record<string, unknown>[]>,
  ): Promise<RollupRow[]> {
    const reads = segmentsOf(window, hasDaily(dim) && !options.hourly).map(async (segment) => {
      const items = await itemsOf(segment);
      return items.map((item) => ({
        granularity: segment.granularity,
        bucket: String(item.bucket),
        value: String(item.value),
        counters: countersOfItem(item),
        pairs: pairSlotsOfItem(item),
      }));
    });
    return (await Promise.all(reads)).flat();
  }
}
