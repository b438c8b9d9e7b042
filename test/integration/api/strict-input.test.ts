import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { toCallItem } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { authorizedGet, createTestApp } from './app-under-test';

const TOKEN = 'strict-input-token';
let table: TestTable;
const app = () => createTestApp(table, TOKEN);
const get = authorizedGet(app, TOKEN);

/** A cursor as the API encodes one, with the fields a forger chose. */
const forged = (fields: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify({ v: 1, p: 0, d: 'asc', f: 'x', ...fields }), 'utf8').toString('base64url');

beforeAll(async () => {
  table = await createTestTable('api-strict');
  await putCallRecords(
    table.client,
    table.tableName,
    Array.from({ length: 4 }, (_, i) =>
      makeCallRecord({ timestamp: `2026-11-29T10:0${i}:00.000Z`, tags: ['ok'] }),
    ),
  );
  // Stored straight into the table, as an edited log line brought in by a replay could be.
  const item = { ...toCallItem(makeCallRecord({ timestamp: '2026-11-29T10:09:00.000Z' }), 90), tags: 'a,b' };
  await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item) }));
});

describe('API strictness', () => {
  it.each([
    [
      'an hour past what a date can hold',
      { s: 9_000_000_000_000_000, e: 9_000_000_000_000_000, h: 9_000_000_000_000_000 },
    ],
    ['an hour before 1970', { s: -3_600_000, e: -3_600_000, h: -3_600_000 }],
    [
      'an hour after the year 9999',
      { s: 8_639_999_996_400_000, e: 8_639_999_996_400_000, h: 8_639_999_996_400_000 },
    ],
  ])('answers a forged cursor with %s with a 400 naming cursor', async (_, fields) => {
    // Act
    const exported = await get(`/api/monitoring/export?cursor=${forged(fields)}`);
    const listed = await get(`/api/monitoring/calls?cursor=${forged({ ...fields, d: 'desc' })}`);

    // Assess
    expect(exported).toMatchObject({ status: 400, body: { parameter: 'cursor' } });
    expect(listed).toMatchObject({ status: 400, body: { parameter: 'cursor' } });
  });

  it.each([
    ['/api/monitoring/summary?hours=24&hours=48', 'hours', 'hours must be given once, got 2 values'],
    ['/api/monitoring/costs?days=7&group_by=model&group_by=user', 'group_by', 'group_by must be given once'],
    [
      '/api/monitoring/summary?hour=24',
      'hour',
      'unknown parameter hour for /api/monitoring/summary: it takes hours',
    ],
    ['/api/monitoring/models?hours=24&model=claude', 'model', 'unknown parameter model'],
    ['/api/monitoring/export?format=csv&usr=u-1', 'usr', 'unknown parameter usr'],
  ])('answers %s with a 400 naming %s', async (path, parameter, message) => {
    // Act
    const { status, body } = await get(path);

    // Assess
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(String(body.error)).toContain(message);
  });

  it('answers the CSV export of a window with a stored record whose tags is not a list, leaving it out', async () => {
    // Act
    const response = await app().request('/api/monitoring/export?format=csv&hours=2', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-skipped-records')).toBe('1');
    const [header, ...rows] = body.trim().split('\r\n');
    const status = header!.split(',').indexOf('status');
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.split(',')[status])).toEqual(['success', 'success', 'success', 'success']);
  });

  it('names the record it left out of a JSON page, with the reason', async () => {
    // Act
    const { status, body } = await get('/api/monitoring/export?hours=2');

    // Assess
    expect(status).toBe(200);
    expect(body.count).toBe(4);
    expect(body.skipped).toMatchObject({
      count: 1,
      records: [
        { sk: expect.stringContaining('2026-11-29T10:09:00.000Z'), reason: expect.stringContaining('tags') },
      ],
    });
  });
});
