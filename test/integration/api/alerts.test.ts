import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../functions/aggregator/alerts/alert';
import { fireAlerts } from '../../../functions/aggregator/alerts/outbox';
import { alertOfEveryRule } from '../../helpers/alert-log';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { NO_ALERTS, testDeps } from '../aggregator/harness';
import { authorizedGet, createTestApp, NOW } from './app-under-test';
import type { Json } from './expectations';

const TOKEN = 'alerts-route-token';
let table: TestTable;
const app = () => createTestApp(table, TOKEN);
const get = authorizedGet(app, TOKEN);

/** When each alert of every rule fired: spread over October and November, the last at 10:20 on the 29th. */
const FIRED_AT = [
  '2026-10-20T08:00:00.000Z',
  '2026-10-31T23:59:59.999Z',
  '2026-11-05T12:00:00.000Z',
  '2026-11-21T10:00:00.000Z',
  '2026-11-23T00:00:00.000Z',
  '2026-11-28T09:00:00.000Z',
  '2026-11-28T09:00:00.000Z',
  '2026-11-29T07:45:00.000Z',
  '2026-11-29T10:20:00.000Z',
];

type Listed = { alert_id: string; fired_at: string; rule: string } & Record<string, Json>;
const listed = (body: Record<string, Json>) => body.alerts as unknown as Listed[];

/** Every page of a listing, following `next_cursor`. */
const allPages = async (path: string): Promise<{ pages: number; alerts: Listed[] }> => {
  const alerts: Listed[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const { status, body } = await get(
      cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`,
    );
    expect(status).toBe(200);
    alerts.push(...listed(body));
    cursor = body.next_cursor as string | null;
    pages++;
  } while (cursor !== null && pages < 50);
  return { pages, alerts };
};

let fired: Alert[];

beforeAll(async () => {
  table = await createTestTable('api-alerts');
  fired = alertOfEveryRule('2026-11-29T10:00:00.000Z');
  // Fired through the same code as every alert path, one per instant.
  for (const [i, alert] of fired.entries()) {
    await fireAlerts(testDeps(table, NO_ALERTS, { now: () => Date.parse(FIRED_AT[i]!) }), [alert]);
  }
});

describe('GET /api/monitoring/alerts', () => {
  it('answers 401 without the token or with another one, and lists nothing', async () => {
    // Act
    const bare = await app().request('/api/monitoring/alerts');
    const wrong = await app().request('/api/monitoring/alerts', {
      headers: { authorization: 'Bearer not-the-token' },
    });

    // Assess
    expect(bare.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'authentication required' });
  });

  it('lists the alerts of the last 7 days by default, newest first, with what each says', async () => {
    // Act
    const { status, body } = await get('/api/monitoring/alerts');

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({
      from: '2026-11-22T10:30:00.000Z',
      to: NOW.toISOString(),
      rule: null,
      count: 5,
      next_cursor: null,
    });
    const alerts = listed(body);
    expect(alerts.map((a) => a.fired_at)).toEqual([...FIRED_AT.slice(4)].reverse());
    const forecast = alerts[0]!;
    expect(forecast).toEqual({
      fired_at: '2026-11-29T10:20:00.000Z',
      alert_id: 'forecast-budget|account|2026-11|projected',
      rule: 'forecast-budget',
      scope: 'account',
      window: '2026-11',
      step: 'projected',
      severity: 'warning',
      subject: 'Claude forecast: account is on course to exceed its monthly budget of $100.00',
      text: expect.stringContaining('projected to reach $120.00'),
      value: 120e9,
      threshold: 100e9,
      unit: 'nanoUsd',
      value_usd: 120,
      threshold_usd: 100,
      tenant_id: null,
      user_id: null,
    });
    const unpriced = alerts.find((a) => a.rule === 'unpriced-model')!;
    expect(unpriced).toMatchObject({ unit: 'count', value: 2, value_usd: null, threshold_usd: null });
  });

  it('reads back over months, and pages through them with the cursor: every alert once, in order', async () => {
    // Act
    const whole = await get('/api/monitoring/alerts?from=2026-10-01&to=2026-11-30');
    const paged = await allPages('/api/monitoring/alerts?from=2026-10-01&to=2026-11-30&limit=2');

    // Assess
    expect(whole.body.count).toBe(FIRED_AT.length);
    const ids = listed(whole.body).map((a) => a.alert_id);
    expect(new Set(ids).size).toBe(FIRED_AT.length);
    expect(listed(whole.body).map((a) => a.fired_at)).toEqual([...FIRED_AT].reverse());
    expect(paged.alerts.map((a) => a.alert_id)).toEqual(ids);
    expect(paged.pages).toBeGreaterThanOrEqual(5);
  });

  it('takes a window to the millisecond, a date to its end, and an offset', async () => {
    // Act
    const day = await get('/api/monitoring/alerts?from=2026-10-31&to=2026-10-31');
    const instant = await get(
      '/api/monitoring/alerts?from=2026-11-28T09:00:00.000Z&to=2026-11-28T09:00:00.000Z',
    );
    const offset = await get('/api/monitoring/alerts?from=2026-11-29T08:00%2B01:00');

    // Assess
    expect(listed(day.body).map((a) => a.fired_at)).toEqual(['2026-10-31T23:59:59.999Z']);
    expect(instant.body.count).toBe(2);
    expect(offset.body).toMatchObject({ from: '2026-11-29T07:00:00.000Z', count: 2 });
  });

  it('lists one rule only, also page by page', async () => {
    // Prepare: a second anomaly in the window.
    await fireAlerts(testDeps(table, NO_ALERTS, { now: () => Date.parse('2026-11-29T10:25:00.000Z') }), [
      { ...fired.find((a) => a.rule === 'anomaly')!, scope: 'account' },
    ]);

    // Act
    const anomalies = await allPages('/api/monitoring/alerts?from=2026-10-01&rule=anomaly&limit=1');

    // Assess
    expect(anomalies.alerts.map((a) => `${a.rule} ${a.scope}`)).toEqual([
      'anomaly account',
      'anomaly function:fn-a',
    ]);
  });

  it.each([
    ['from=yesterday', 'from', 'from must be a date (YYYY-MM-DD) or an ISO 8601 date-time'],
    ['to=2026-02-30', 'to', 'to must be a date'],
    ['from=2026-11-29T10:00:00', 'from', 'with Z or an offset'],
    ['from=2026-08-01', 'from', 'from must be within the last 90 days'],
    ['from=2026-11-29&to=2026-11-28', 'from', 'from must not be after to'],
    ['rule=budgets', 'rule', 'rule must be one of session-cost, consecutive-errors'],
    ['limit=0', 'limit', 'limit must be between 1 and 200, got 0'],
    ['limit=201', 'limit', 'limit must be between 1 and 200, got 201'],
    [
      'since=2026-11-01',
      'since',
      'unknown parameter since for /api/monitoring/alerts: it takes from, to, rule',
    ],
    ['rule=anomaly&rule=budget', 'rule', 'rule must be given once'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor', 'cursor is not a cursor returned by this API'],
  ])('answers ?%s with a 400 naming %s', async (query, parameter, message) => {
    // Act
    const { status, body } = await get(`/api/monitoring/alerts?${query}`);

    // Assess
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(message);
  });

  it('refuses a cursor used with another rule, and one forged to read a longer window', async () => {
    // Prepare
    const first = await get('/api/monitoring/alerts?from=2026-10-01&limit=1');
    const cursor = first.body.next_cursor as string;
    const forged = Buffer.from(
      JSON.stringify({ v: 1, s: '2025-01-01T00:00:00.000Z', e: NOW.toISOString(), r: '', m: '2026-11' }),
    ).toString('base64url');

    // Act
    const otherRule = await get(`/api/monitoring/alerts?rule=anomaly&cursor=${cursor}`);
    const wider = await get(`/api/monitoring/alerts?cursor=${forged}`);

    // Assess
    expect(otherRule).toMatchObject({
      status: 400,
      body: { parameter: 'cursor', error: 'cursor belongs to another listing: use it with the same rule' },
    });
    expect(wider).toMatchObject({ status: 400, body: { parameter: 'cursor' } });
  });
});
