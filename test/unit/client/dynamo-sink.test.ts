import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoSink, setLogWriter } from '../../../layers/claude-monitor/src';
import { type CallRecord, EMPTY_USAGE } from '../../../layers/claude-monitor/src/domain';

const record = (callId: string): CallRecord => ({
  callId,
  timestamp: '2026-11-29T10:00:00.000Z',
  operation: 'create',
  beta: false,
  provider: 'anthropic',
  requestedModel: 'm',
  model: 'm',
  status: 'success',
  usage: { ...EMPTY_USAGE },
  cost: {
    inputNanoUsd: 0,
    outputNanoUsd: 0,
    cacheWrite5mNanoUsd: 0,
    cacheWrite1hNanoUsd: 0,
    cacheReadNanoUsd: 0,
    webSearchNanoUsd: 0,
    totalNanoUsd: 0,
    priced: true,
    priceVersion: 'v',
    modifiers: [],
  },
  latencyMs: 1,
  attempts: 1,
});

interface SentBatch {
  RequestItems: Record<string, { PutRequest: { Item: { sk: { S: string } } } }[]>;
}

let restore: ((line: string) => void) | undefined;
afterEach(() => {
  if (restore) setLogWriter(restore);
});

// DynamoDB Local never returns UnprocessedItems, so throttling is played by a stand-in client here: it is
// the one failure the real engine cannot be made to produce.
const throttlingClient = (unprocessedRounds: number) => {
  const batches: string[][] = [];
  const client = {
    send: async (command: { input: SentBatch }) => {
      const requests = command.input.RequestItems.calls!;
      batches.push(requests.map((r) => r.PutRequest.Item.sk.S));
      const keep = batches.length <= unprocessedRounds ? requests.slice(0, 1) : [];
      return { UnprocessedItems: keep.length > 0 ? { calls: keep } : {} };
    },
  };
  return { client: client as unknown as DynamoDBClient, batches };
};

describe('createDynamoSink', () => {
  it('retries unprocessed items until they are written, in batches of at most 25', async () => {
    // Prepare
    const { client, batches } = throttlingClient(2);
    const lines: string[] = [];
    restore = setLogWriter((line) => lines.push(line));
    const sink = createDynamoSink({ client, tableName: 'calls', flushIntervalMs: 60_000 });

    // Act
    for (let i = 0; i < 30; i++) sink.add(record(`c${i}`));
    const result = await sink.flush();

    // Assess: the first two requests (25 and 5 items) each leave one item unprocessed, retried alone
    expect(result).toEqual({ written: 30, notWritten: 0, unconfirmed: 0 });
    expect(batches.map((batch) => batch.length).sort((a, b) => a - b)).toEqual([1, 1, 5, 25]);
    expect(lines.some((line) => line.includes('record not written'))).toBe(false);
  });

  it('logs the items still unprocessed after every retry, one line each, and counts them', async () => {
    // Prepare
    const { client } = throttlingClient(Number.POSITIVE_INFINITY);
    const lines: string[] = [];
    restore = setLogWriter((line) => lines.push(line));
    const sink = createDynamoSink({ client, tableName: 'calls' });

    // Act
    sink.add(record('a'));
    sink.add(record('b'));
    const result = await sink.flush();

    // Assess
    expect(result).toEqual({ written: 1, notWritten: 1, unconfirmed: 0 });
    const logged = lines
      .map((line) => JSON.parse(line))
      .filter((line) => line.message?.includes('not written'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      reason: 'unprocessed items after retries',
      item: { callId: 'a', type: 'call' },
    });
  });
});
