import type { DynamoDBClient, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  countersOfItem,
  type Dimension,
  INDEX,
  type PairSlot,
  pairSlotsOfItem,
  ROLLUP_PLAN,
  type RollupCounters,
  rollupDimensionPk,
  rollupPk,
} from 'claude-monitor/domain';
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
    return this.read(dim, window, options, (segment) => ({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: rollupPk(segment.granularity, dim, value) },
        ':from': { S: segment.from },
        ':to': { S: segment.to },
      },
    }));
  }

  /** Rollups of every value of a dimension over the window, through the group-by index. */
  public ofDimension(dim: Dimension, window: HourWindow, options: ReadOptions = {}) {
    return this.read(dim, window, options, (segment) => ({
      IndexName: INDEX.byDimension.name,
      KeyConditionExpression: '#dpk = :dpk AND #dsk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#dpk': INDEX.byDimension.partition, '#dsk': INDEX.byDimension.sort },
      // `$` sorts right after the `#` separator, so `<to>$` closes the range after the last value of `to`.
      ExpressionAttributeValues: {
        ':dpk': { S: rollupDimensionPk(segment.granularity, dim) },
        ':from': { S: `${segment.from}#` },
        ':to': { S: `${segment.to}$` },
      },
    }));
  }

  /** One query per segment of the window; every rollup item carries its `bucket` and `value`. */
  private async read(
    dim: Dimension,
    window: HourWindow,
    options: ReadOptions,
    queryOf: (segment: Segment) => Omit<QueryCommandInput, 'TableName'>,
  ): Promise<RollupRow[]> {
    const reads = segmentsOf(window, hasDaily(dim) && !options.hourly).map(async (segment) => {
      const items = await queryAll(this.client, { TableName: this.tableName, ...queryOf(segment) });
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
