import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, EMPTY_USAGE, toCallItem } from 'claude-monitor/domain';

/** A valid, priced, successful call record; override what the test is about. */
export const makeCallRecord = (overrides: Partial<CallRecord> = {}): CallRecord => ({
  callId: randomUUID(),
  timestamp: '2026-11-29T10:15:00.000Z',
  operation: 'create',
  beta: false,
  provider: 'anthropic',
  requestedModel: 'claude-sonnet-4-5',
  model: 'claude-sonnet-4-5-20250929',
  status: 'success',
  usage: { ...EMPTY_USAGE, inputTokens: 1_000, outputTokens: 200 },
  cost: {
    inputNanoUsd: 3_000_000,
    outputNanoUsd: 3_000_000,
    cacheWrite5mNanoUsd: 0,
    cacheWrite1hNanoUsd: 0,
    cacheReadNanoUsd: 0,
    webSearchNanoUsd: 0,
    totalNanoUsd: 6_000_000,
    priced: true,
    pricedAs: 'claude-sonnet-4-5',
    priceVersion: '2026-11-01',
    modifiers: [],
  },
  latencyMs: 850,
  attempts: 1,
  sessionId: 'session-1',
  userId: 'user-1',
  tenantId: 'tenant-1',
  functionName: 'fn-chat',
  ...overrides,
});

/** A failed call of the given class. */
export const makeErrorRecord = (overrides: Partial<CallRecord> = {}): CallRecord =>
  makeCallRecord({
    status: 'error',
    errorType: 'overloaded',
    httpStatus: 529,
    usage: { ...EMPTY_USAGE },
    cost: { ...makeCallRecord().cost, inputNanoUsd: 0, outputNanoUsd: 0, totalNanoUsd: 0 },
    ...overrides,
  });

/** Writes call records as the layer stores them (25 per BatchWriteItem), `concurrency` requests at a time. */
export const putCallRecords = async (
  client: DynamoDBClient,
  tableName: string,
  records: readonly CallRecord[],
  concurrency = 1,
): Promise<void> => {
  const chunks: CallRecord[][] = [];
  for (let start = 0; start < records.length; start += 25) chunks.push(records.slice(start, start + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let requests = chunks[next++]!.map((record) => ({
        PutRequest: { Item: marshall(toCallItem(record, 90), { removeUndefinedValues: true }) },
      }));
      while (requests.length > 0) {
        const result = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
