import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Running count of what a DynamoDB client has read. */
export interface ReadCounter {
  /** Items DynamoDB evaluated for Query/Scan/Get (ScannedCount): what reads are billed on. */
  readonly items: number;
  readonly requests: number;
  reset(): void;
}

/** Counts items read by every request the client sends, through an SDK middleware (no request is changed). */
export const countReads = (client: DynamoDBClient): ReadCounter => {
  const counts = { items: 0, requests: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as {
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
      };
      counts.requests++;
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
    get requests() {
      return counts.requests;
    },
    reset() {
      counts.items = 0;
      counts.requests = 0;
    },
  };
};
