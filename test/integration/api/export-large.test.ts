import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { createMonitorTable } from '../../../infra/local/create-table';
import {
  type DynamoDbLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../../../infra/local/dynamodb-local';
import { putCallRecords } from '../../helpers/call-records';
import { generateCalls } from '../../helpers/seed';
import { createTestApp, NOW } from './app-under-test';

const TOKEN = 'large-export-token';
const CALLS = 100_000;
const PAGE = 5_000;
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

// Heap figures are only comparable after a full collection; the flag can be switched on at run time.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let app: ReturnType<typeof createApp>;
let dynamo: DynamoDbLocal | undefined;

// The timeouts of this file are safety nets only: on 2 cores shared with other test runs, seeding took
// 390 s and paging 265 s.
beforeAll(async () => {
  // Its own DynamoDB Local: seeding 100,000 items would otherwise hold up every other file sharing the run's one.
  dynamo = await startDynamoDbLocal();
  const table = {
    client: new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
    tableName: 'export-100k',
  };
  // Neither a stream nor TTL plays a part in paging raw records, and both make DynamoDB Local's writes of
  // 100,000 items slower with every item (stream records to append to, a TTL job rescanning the table).
  await createMonitorTable(table.client, table.tableName, { stream: false, timeToLive: false });
  const records = generateCalls({
    count: CALLS,
    startMs: NOW.getTime() - 4 * 3_600_000,
    endMs: NOW.getTime(),
    seed: 2,
  });
  await putCallRecords(table.client, table.tableName, records, 24);
  app = createTestApp(table, TOKEN);
}, 900_000);

afterAll(async () => {
  await dynamo?.stop();
});

describe('export of 100,000 records', () => {
  it('pages to completion with bounded pages and a flat heap', async () => {
    // Prepare
    const seen = new Set<string>();
    const pageSizes: number[] = [];
    const pageBytes: number[] = [];
    const heapAfterPage: number[] = [];
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let cursor: string | null = null;

    // Act
    do {
      const response = await app.request(
        `/api/monitoring/export?format=json&hours=5&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      const text = await response.text();
      const page = JSON.parse(text) as { calls: { callId: string }[]; next_cursor: string | null };
      for (const call of page.calls) seen.add(call.callId);
      pageSizes.push(page.calls.length);
      pageBytes.push(Buffer.byteLength(text));
      cursor = page.next_cursor;
      collectGarbage();
      heapAfterPage.push(process.memoryUsage().heapUsed - baseline);
    } while (cursor);

    // Assess
    const totalBytes = pageBytes.reduce((a, b) => a + b, 0);
    expect(seen.size).toBe(CALLS);
    expect(pageSizes.reduce((a, b) => a + b, 0)).toBe(CALLS);
    expect(Math.max(...pageSizes)).toBeLessThanOrEqual(PAGE);
    expect(Math.max(...pageBytes)).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    // The heap holds the set of ids (a few MB) but never the export: far less than its total size.
    expect(Math.max(...heapAfterPage)).toBeLessThan(Math.min(48 * 1024 * 1024, totalBytes / 2));
    console.info(
      `100k export: ${pageSizes.length} pages, largest ${Math.max(...pageBytes)} B, total ${totalBytes} B, max heap growth ${Math.max(...heapAfterPage)} B`,
    );
  }, 900_000);
});
