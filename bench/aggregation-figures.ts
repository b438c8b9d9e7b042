import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INDEX, ITEM_TYPE } from 'claude-monitor/domain';
import { measureAggregation } from '../functions/aggregator/bench-workload';
import { CLAUDE_MONITOR_DEFAULTS } from '../infra/constructs/claude-monitor';
import { writeUnits } from './item-size';
import { scanItemsOfType } from './local-table';

export interface AggregationFigures {
  writeRequestsPerCall: number;
  /** Write units AWS would bill, estimated from the writes made and the sizes of the items written. */
  writeUnitsPerCall: number;
  /** Write units DynamoDB Local reported as consumed. */
  reportedWriteUnitsPerCall: number;
  readUnitsPerCall: number;
  recordsPerSecond: number;
  calls: number;
  batchSize: number;
}

/** The aggregation workload: 10,000 calls over one hour, in stream batches of the size the stack deploys. */
const WORKLOAD = { calls: 10_000, batchSize: CLAUDE_MONITOR_DEFAULTS.batchSize } as const;
const QUICK_WORKLOAD = { calls: 50, batchSize: 50 } as const;

/** A write inside `TransactWriteItems` is billed twice (prepare and commit). */
const TRANSACTIONAL = 2;

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** Units one write of an item of this kind costs on average: the table write plus its index entry. */
const unitsPerWrite = (items: Record<string, AttributeValue>[]): number =>
  mean(
    items.map((item) => {
      const units = writeUnits(item);
      const indexed =
        item[INDEX.byDimension.partition] !== undefined || item[INDEX.bySession.partition] !== undefined;
      return TRANSACTIONAL * units + (indexed ? units : 0);
    }),
  );

/**
 * Runs the aggregator's own measurement (its workload generator, its handler) on a fresh table.
 * DynamoDB Local under-reports the capacity of transactions, so billed write units are computed from the
 * number of ledger puts and rollup updates and the sizes of the items they wrote, by DynamoDB's rules.
 */
export const measureAggregationFigures = async (options: {
  client: DynamoDBClient;
  tableName: string;
  quick: boolean;
}): Promise<AggregationFigures> => {
  const workload = options.quick ? QUICK_WORKLOAD : WORKLOAD;
  const result = await measureAggregation({
    client: options.client,
    tableName: options.tableName,
    ...workload,
  });
  const [ledger, rollups] = await Promise.all([
    scanItemsOfType(options.client, options.tableName, ITEM_TYPE.ledger),
    scanItemsOfType(options.client, options.tableName, ITEM_TYPE.rollup),
  ]);
  const billedWriteUnits =
    result.ledgerPuts * unitsPerWrite(ledger) + result.rollupUpdates * unitsPerWrite(rollups);
  return {
    writeRequestsPerCall: result.writeRequestsPerCall,
    writeUnitsPerCall: billedWriteUnits / result.calls,
    reportedWriteUnitsPerCall: result.writeUnitsPerCall,
    readUnitsPerCall: result.readUnits / result.calls,
    recordsPerSecond: result.recordsPerSecond,
    calls: result.calls,
    batchSize: workload.batchSize,
  };
};
