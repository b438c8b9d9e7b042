import type { DynamoDBRecord } from 'aws-lambda';
import { ALERT_LOG_RETENTION_DAYS, type CallRecord } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { ALERT_RULE, alertId } from '../../../functions/aggregator/alerts/alert';
import { fireAlerts } from '../../../functions/aggregator/alerts/outbox';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { alertOfEveryRule, firingMonths, readAlertLogItems } from '../../helpers/alert-log';
import { makeCallRecord, makeErrorRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { readWholeStream } from '../../helpers/stream';
import { NO_ALERTS, testDeps } from './harness';

/** Fire time of the direct `fireAlerts` calls; the log partitions by its month. */
const NOW = Date.parse('2026-11-29T10:20:00.000Z');

const writeAndRead = async (table: TestTable, records: CallRecord[]): Promise<DynamoDBRecord[]> => {
  const ids = new Set(records.map((r) => r.callId));
  await putCallRecords(table.client, table.tableName, records);
  return (await readWholeStream(table.endpoint, table.streamArn)).filter(
    (r) => callInsertFilter(r) && ids.has(r.dynamodb?.NewImage?.callId?.S ?? ''),
  );
};

const costing = (usd: number, overrides: Partial<CallRecord> = {}): CallRecord => {
  const base = makeCallRecord(overrides);
  return { ...base, cost: { ...base.cost, totalNanoUsd: usd * 1_000_000_000 } };
};

describe('alert log', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable('alert-log');
  });

  it('holds exactly one entry per alert of every rule when five invocations race to fire them', async () => {
    // Prepare
    // Each invocation has its own clock, so a log entry written outside the marker's transaction would be a
    // second item (another sort key), not the same one overwritten.
    const racer = (i: number) => testDeps(table, NO_ALERTS, { now: () => NOW + i });
    const alerts = alertOfEveryRule(new Date(NOW).toISOString());

    // Act
    const fired = await Promise.all([0, 1, 2, 3, 4].map((i) => fireAlerts(racer(i), alerts)));
    const again = await fireAlerts(racer(5), alerts);

    // Assess
    const entries = await readAlertLogItems(table, ['2026-11']);
    expect(Object.values(ALERT_RULE).sort()).toEqual(alerts.map((a) => a.rule).sort());
    expect(fired.flat()).toHaveLength(alerts.length);
    expect(again).toEqual([]);
    expect(entries.map((e) => e.alertId).sort()).toEqual(alerts.map(alertId).sort());
    // The entry of each alert is the one the winning invocation queued for publishing.
    const queued = new Map(fired.flat().map((entry) => [entry.alertId, entry]));
    for (const entry of entries) {
      expect(entry.sk).toBe(`${entry.firedAt}#${entry.alertId}`);
      expect(entry.subject).toBe(queued.get(entry.alertId as string)?.subject);
      expect(entry.type).toBe('alert-log');
    }
  });

  it('keeps what the listing shows: rule, scope, severity, subject, text, figures, who, and a TTL of the retention', async () => {
    // Act
    const entries = await readAlertLogItems(table, ['2026-11']);

    // Assess
    const session = entries.find((e) => e.rule === 'session-cost')!;
    expect(session).toMatchObject({
      pk: 'ALERTLOG#2026-11',
      firedAt: expect.stringMatching(/^2026-11-29T10:20:00\.00[0-4]Z$/),
      scope: 'session:s1',
      window: 'total',
      step: '10',
      severity: 'warning',
      subject: 'Claude spend: session s1 exceeded $10.00',
      value: 12e9,
      threshold: 10e9,
      unit: 'nanoUsd',
      tenantId: 't1',
      userId: 'u1',
      expiresAt: NOW / 1_000 + ALERT_LOG_RETENTION_DAYS * 86_400,
    });
    expect(session.text).toContain('over the alert threshold of $10.00');
    expect(entries.find((e) => e.rule === 'budget-refused')?.severity).toBe('critical');
  });

  it('is never handed to the aggregator: the stream filter passes call records only', async () => {
    // Act
    const stream = await readWholeStream(table.endpoint, table.streamArn);

    // Assess
    const logged = stream.filter((r) => r.dynamodb?.NewImage?.type?.S === 'alert-log');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter(callInsertFilter)).toEqual([]);
  });

  it('through the aggregator: one entry for a threshold two invocations cross at once, and for an error streak, however often replayed', async () => {
    // Prepare
    const own = await createTestTable('alert-log-aggregator');
    const deps = testDeps(own, { ...NO_ALERTS, sessionCostUsd: 10, consecutiveErrors: 3 });
    const left = await writeAndRead(own, [costing(6, { sessionId: 'race' })]);
    const right = await writeAndRead(own, [costing(6, { sessionId: 'race' })]);
    const failures = await writeAndRead(
      own,
      [0, 1, 2].map((i) =>
        makeErrorRecord({ functionName: 'fn-flaky', timestamp: `2026-11-29T10:16:0${i}.000Z` }),
      ),
    );

    // Act
    await Promise.all([
      aggregateStreamBatch(deps, { Records: left }),
      aggregateStreamBatch(deps, { Records: right }),
    ]);
    await Promise.all([
      aggregateStreamBatch(deps, { Records: [...left, ...right] }),
      aggregateStreamBatch(deps, { Records: [...right, ...left] }),
    ]);
    await aggregateStreamBatch(deps, { Records: failures });
    await aggregateStreamBatch(deps, { Records: failures });

    // Assess
    const entries = await readAlertLogItems(own, firingMonths());
    expect(entries.map((e) => `${e.rule} ${e.scope}`).sort()).toEqual([
      'consecutive-errors function:fn-flaky',
      'consecutive-errors model:claude-sonnet-4-5-20250929',
      'session-cost session:race',
    ]);
  });
});
