import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type CallItem,
  type CallRecord,
  callIdPk,
  callPk,
  callPksOfHour,
  DEFAULT_RETENTION_DAYS,
  toCallItem,
} from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NOT_WRITTEN_MESSAGE,
  UNCONFIRMED_MESSAGE,
} from '../../../layers/claude-monitor/src/recorder/log-line';
import { replayableItems, replayItems } from '../../../layers/claude-monitor/src/recorder/replay';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';

const HOUR = '2026-11-29T10';

let table: TestTable;

/** Records of one session whose key spread by call id (earlier layer versions) differs from today's. */
const recordsWithTwoKeys = (count: number): CallRecord[] => {
  const records: CallRecord[] = [];
  while (records.length < count) {
    const record = makeCallRecord({ sessionId: 'sess-replayed' });
    if (callIdPk(record) !== callPk(record)) records.push(record);
  }
  return records;
};

/** The item an earlier layer version stored or logged for the record: keyed by its call id. */
const earlierItem = (record: CallRecord): CallItem => ({
  ...toCallItem(record, DEFAULT_RETENTION_DAYS),
  pk: callIdPk(record),
});

const lineOf = (message: string, item: CallItem): string => JSON.stringify({ level: 'ERROR', message, item });

/** Every stored call of the hour, by call id, with the partition keys it is stored under. */
const storedKeys = async (): Promise<Map<string, string[]>> => {
  const found = new Map<string, string[]>();
  for (const pk of callPksOfHour(HOUR)) {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const callId = item.callId?.S ?? '';
      found.set(callId, [...(found.get(callId) ?? []), pk]);
    }
  }
  return found;
};

beforeAll(async () => {
  table = await createTestTable('replay-keys');
});

describe('replay of lines printed by layer versions that spread records by call id', () => {
  it('stores each record once: under its session key when it is nowhere yet, not again when it is under the earlier key', async () => {
    // Prepare: six lines of an earlier layer; two of their records were stored after all (unconfirmed).
    const records = recordsWithTwoKeys(6);
    const storedEarlier = records.slice(0, 2);
    for (const record of storedEarlier) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: marshall(earlierItem(record), { removeUndefinedValues: true }),
        }),
      );
    }
    const lines = [
      ...storedEarlier.map((record) => lineOf(UNCONFIRMED_MESSAGE, earlierItem(record))),
      ...records.slice(2).map((record) => lineOf(NOT_WRITTEN_MESSAGE, earlierItem(record))),
    ];
    const parsed = replayableItems([{ source: 'earlier.log', text: lines.join('\n') }]);

    // Act
    const first = await replayItems({
      client: table.client,
      tableName: table.tableName,
      items: parsed.items,
    });
    const again = await replayItems({
      client: table.client,
      tableName: table.tableName,
      items: parsed.items,
    });

    // Assess
    expect(parsed.malformed).toEqual([]);
    expect(first).toEqual({ written: 4, alreadyStored: 2, failed: [] });
    expect(again).toEqual({ written: 0, alreadyStored: 6, failed: [] });
    const stored = await storedKeys();
    for (const record of storedEarlier) expect(stored.get(record.callId)).toEqual([callIdPk(record)]);
    for (const record of records.slice(2)) expect(stored.get(record.callId)).toEqual([callPk(record)]);
    const inserts = (await readWholeStream(table.endpoint, table.streamArn)).filter(
      (event) => event.eventName === 'INSERT',
    );
    expect(inserts).toHaveLength(6);
  });

  it("keeps a record stored under today's key once when its line comes from both layer versions", async () => {
    // Prepare: stored by today's layer, then logged by an earlier one as well (two functions, overlapping exports).
    const [record] = recordsWithTwoKeys(1);
    const today = toCallItem(record!, DEFAULT_RETENTION_DAYS);
    const lines = [lineOf(UNCONFIRMED_MESSAGE, today), lineOf(NOT_WRITTEN_MESSAGE, earlierItem(record!))];
    const parsed = replayableItems([{ source: 'both.log', text: lines.join('\n') }]);

    // Act
    const result = await replayItems({
      client: table.client,
      tableName: table.tableName,
      items: parsed.items,
    });

    // Assess: one item found in the two lines, stored once.
    expect(parsed.items).toHaveLength(1);
    expect(result).toEqual({ written: 1, alreadyStored: 0, failed: [] });
    expect((await storedKeys()).get(record!.callId)).toEqual([callPk(record!)]);
  });

  it('rejects a line whose key is neither of its record', () => {
    // Prepare
    const [record] = recordsWithTwoKeys(1);
    const taken = new Set([callPk(record!), callIdPk(record!)]);
    const other = callPksOfHour(HOUR).find((pk) => !taken.has(pk))!;
    const line = lineOf(NOT_WRITTEN_MESSAGE, { ...earlierItem(record!), pk: other });

    // Act
    const parsed = replayableItems([{ source: 'edited.log', text: line }]);

    // Assess
    expect(parsed.items).toEqual([]);
    expect(parsed.malformed).toEqual([
      { source: 'edited.log', line: 1, reason: 'the item key is not the key of its record' },
    ]);
  });
});
