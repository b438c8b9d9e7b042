import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Running count of what a DynamoDB client has read. */
export interface ReadCounter {
  /** Items DynamoDB evaluated for Query/Scan/Get (ScannedCount): what reads are billed on. */
  readonly items: number;
  /** Read units DynamoDB reported as consumed (`ReturnConsumedCapacity: TOTAL` is asked for every read). */
  readonly units: number;
  readonly requests: number;
  reset(): void;
}

const READS = new Set(['QueryCommand', 'ScanCommand', 'GetItemCommand', 'BatchGetItemCommand']);

const unitsOf = (capacity: unknown): number =>
  (Array.isArray(capacity) ? capacity : capacity ? [capacity] : []).reduce(
    (sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0),
    0,
  );

/**
 * Counts items and read units of every request the client sends, through an SDK middleware. The only change
 * to a request: reads ask for their consumed capacity, which changes nothing they return.
 */
export const countReads = (client: DynamoDBClient): ReadCounter => {
  const counts = { items: 0, units: 0, requests: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const read = READS.has(context.commandName ?? '');
      if (read) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as {
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: unknown;
      };
      counts.requests++;
      if (read) counts.units += unitsOf(output.ConsumedCapacity);
      if (typeof output.ScannedCount === 'number') counts.items += output.ScannedCount;
      else if (output.Item) counts.items++;
      else if (output.Responses)
        for (const items of Object.values(output.Responses)) counts.items += items.length;
      return result;
    },
    { step: 'initialize', name: 'claudeMonitorReadCounter', override: true },
  );
  return {
    get items() {
      return counts.items;
    },
    get units() {
      return counts.units;
    },
    get requests() {
      return counts.requests;
    },
    reset() {
      counts.items = 0;
      counts.units = 0;
      counts.requests = 0;
    },
  };
};
