import type { CallRecord } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { CSV_COLUMNS, UTF8_BOM } from '../../../functions/api/csv-export';
import { putCallRecords } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls } from '../../helpers/seed';
import { createTestApp, NOW } from './app-under-test';
import { inLastHours, type Json, rawTotals } from './expectations';

const TOKEN = 'export-test-token';
const HOUR = 3_600_000;

let records: CallRecord[];
let app: ReturnType<typeof createApp>;

const request = (path: string) => app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });

/** Follows `next_cursor` to the end, returning every page. */
const allJsonPages = async (path: string) => {
  const pages: Record<string, Json>[] = [];
  let cursor: string | null = null;
  do {
    const response = await request(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
    expect(response.status).toBe(200);
    const page = (await response.json()) as Record<string, Json>;
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor);
  return pages;
};

/** The record that a spreadsheet would run as formulas, plus one with quotes and line breaks. */
const hostile: CallRecord[] = generateCalls({
  count: 2,
  startMs: NOW.getTime() - 60_000,
  endMs: NOW.getTime(),
  seed: 3,
  idPrefix: 'hostile',
}).map((record, i) =>
  i === 0
    ? {
        ...record,
        userId: '=HYPERLINK("http://127.0.0.1/x","click")',
        tenantId: '+1+1',
        functionName: '-2+3',
        sessionId: '@SUM(A1)',
        errorMessage: '\tcmd',
        tags: ['\rx'],
      }
    : { ...record, userId: 'quote " and, comma', errorMessage: 'line one\nline two' },
);

beforeAll(async () => {
  const table = await createTestTable('api-export');
  records = generateCalls({
    count: 600,
    startMs: NOW.getTime() - 30 * HOUR,
    endMs: NOW.getTime() - 60_000,
    seed: 5,
  });
  records.push(...hostile);
  // Exports read raw records only.
  await putCallRecords(table.client, table.tableName, records, 12);
  app = createTestApp(table, TOKEN);
}, 300_000);

// Paging walks every hour partition of the window: give it room on a busy shared machine.
describe('GET /api/monitoring/export', { timeout: 120_000 }, () => {
  it('pages JSON through every raw record of the window exactly once', async () => {
    // Prepare
    const expected = inLastHours(records, NOW, 24);

    // Act
    const pages = await allJsonPages('/api/monitoring/export?format=json&hours=24&limit=70');

    // Assess
    const ids = pages.flatMap((page) => page.calls.map((c: CallRecord) => c.callId));
    expect(ids.sort()).toEqual(expected.map((r) => r.callId).sort());
    expect(pages.every((page) => page.calls.length <= 70)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 70));
    const exported = pages.flatMap((page) => page.calls) as CallRecord[];
    expect(rawTotals(exported).costNano).toBe(rawTotals(expected).costNano);
    expect(exported[0]).not.toHaveProperty('pk');
    expect(exported[0]).not.toHaveProperty('expiresAt');
  });

  it('gives CSV with BOM, the documented header, one row per record and the cursor in headers', async () => {
    // Prepare
    const expected = inLastHours(records, NOW, 6);
    const bodies: string[] = [];
    let next: string | null = null;

    // Act
    do {
      const response = await request(
        `/api/monitoring/export?format=csv&hours=6&limit=40${next ? `&cursor=${next}` : ''}`,
      );
      expect(response.headers.get('content-type')).toContain('text/csv');
      // Response.text() would drop the BOM, so decode the bytes as they came.
      bodies.push(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer()));
      next = response.headers.get('x-next-cursor');
      if (next) expect(response.headers.get('link')).toContain('rel="next"');
    } while (next);

    // Assess
    expect(bodies.length).toBeGreaterThan(1);
    expect(bodies[0]!.startsWith(UTF8_BOM)).toBe(true);
    const header = bodies[0]!.slice(1).split('\r\n')[0];
    expect(header).toBe(CSV_COLUMNS.map(([name]) => name).join(','));
    expect(bodies.slice(1).every((body) => !body.startsWith(UTF8_BOM) && !body.startsWith('call_id'))).toBe(
      true,
    );
    const callIds = bodies.join('').match(/^(?:\uFEFF)?(call|hostile)-\d+/gm) ?? [];
    expect(callIds.length).toBe(expected.length);
  });

  it('neutralises formula cells and quotes per RFC 4180', async () => {
    // Act
    const response = await request(
      '/api/monitoring/export?format=csv&hours=1&user=%3DHYPERLINK(%22http%3A%2F%2F127.0.0.1%2Fx%22%2C%22click%22)',
    );
    const quoted = await request(
      '/api/monitoring/export?format=csv&hours=1&user=quote%20%22%20and%2C%20comma',
    );

    // Assess
    const text = await response.text();
    expect(text).toContain(`"'=HYPERLINK(""http://127.0.0.1/x"",""click"")"`);
    expect(text).toContain(",'+1+1,");
    expect(text).toContain(",'-2+3,");
    expect(text).toContain(",'@SUM(A1),");
    expect(text).toContain("'\tcmd");
    expect(text).toContain(`"'\rx"`);
    const row = (await quoted.text()).split('\r\n')[1]!;
    expect(row).toContain('"quote "" and, comma"');
    expect(row).toContain('"line one\nline two"');
  });
});

describe('GET /api/monitoring/calls', { timeout: 120_000 }, () => {
  it('lists filtered calls newest hour first, paged to completion without duplicates', async () => {
    // Prepare
    const expected = inLastHours(records, NOW, 24).filter(
      (r) => r.userId === 'user-2' && r.tenantId === 'tenant-a',
    );

    // Act
    const pages = await allJsonPages('/api/monitoring/calls?hours=24&limit=9&user=user-2&tenant=tenant-a');

    // Assess
    const calls = pages.flatMap((page) => page.calls) as CallRecord[];
    expect(calls.map((c) => c.callId).sort()).toEqual(expected.map((r) => r.callId).sort());
    const hours = calls.map((c) => c.timestamp.slice(0, 13));
    expect(hours).toEqual([...hours].sort().reverse());
  });
});
