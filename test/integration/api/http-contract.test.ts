import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiLogger, createApp } from '../../../functions/api/app';
import { encodeCursor, filtersKey } from '../../../functions/api/cursor';
import { putCallRecords } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { generateCalls } from '../../helpers/seed';
import { createTestApp, NOW } from './app-under-test';

const TOKEN = 'contract-test-token';
const ORIGIN = 'https://dashboard.example.test';
const auth = { authorization: `Bearer ${TOKEN}` };

let table: TestTable;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  table = await createTestTable('api-contract');
  await putCallRecords(
    table.client,
    table.tableName,
    generateCalls({ count: 20, startMs: NOW.getTime() - 3_600_000, endMs: NOW.getTime() }),
  );
  app = createTestApp(table, TOKEN, { dashboardOrigin: ORIGIN, retentionDays: 30 });
}, 300_000);

describe('bad input', () => {
  it.each([
    ['/api/monitoring/summary?hours=-1', 'hours'],
    ['/api/monitoring/summary?hours=abc', 'hours'],
    ['/api/monitoring/summary?hours=0', 'hours'],
    ['/api/monitoring/summary?hours=1.5', 'hours'],
    ['/api/monitoring/summary?hours=721', 'hours'],
    ['/api/monitoring/summary?hours=24&user=a&tenant=b', 'tenant'],
    ['/api/monitoring/summary?hours=24&model=', 'model'],
    ['/api/monitoring/costs?days=31', 'days'],
    ['/api/monitoring/costs?days=x', 'days'],
    ['/api/monitoring/costs?group_by=region', 'group_by'],
    ['/api/monitoring/export?format=xml', 'format'],
    ['/api/monitoring/export?format=csv&hours=99999', 'hours'],
    ['/api/monitoring/export?limit=0', 'limit'],
    ['/api/monitoring/export?limit=5001', 'limit'],
    ['/api/monitoring/export?cursor=not-a-cursor', 'cursor'],
    ['/api/monitoring/calls?cursor=eyJ2IjoyfQ', 'cursor'],
    ['/api/monitoring/timeseries?interval=minute', 'interval'],
    [
      `/api/monitoring/export?cursor=${encodeCursor({ v: 1, s: 0, e: 800 * 3_600_000, h: 0, p: 0, d: 'asc', f: filtersKey([]) })}`,
      'cursor',
    ],
    // A cursor continues only the listing it came from: same order, same filters.
    [
      `/api/monitoring/export?cursor=${encodeCursor({ v: 1, s: 0, e: 3_600_000, h: 0, p: 0, d: 'desc', f: filtersKey([]) })}`,
      'cursor',
    ],
    [
      `/api/monitoring/calls?model=x&cursor=${encodeCursor({ v: 1, s: 0, e: 3_600_000, h: 0, p: 0, d: 'desc', f: filtersKey([]) })}`,
      'cursor',
    ],
    ['/api/monitoring/models?hours=', 'hours'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    // Act
    const response = await app.request(path, { headers: auth });

    // Assess
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; parameter: string };
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(parameter);
  });

  it('answers an unknown route with 404 JSON', async () => {
    // Act
    const response = await app.request('/api/monitoring/nope', { headers: auth });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /api/monitoring/nope' });
  });

  it('answers an internal failure with 500 JSON, no stack, and logs it', async () => {
    // Prepare: a table that does not exist makes DynamoDB Local fail for real.
    const logged: unknown[] = [];
    const logger: ApiLogger = { error: (message, details) => logged.push({ message, details }) };
    const broken = createTestApp({ client: table.client, tableName: 'missing-table' }, TOKEN, { logger });

    // Act
    const response = await broken.request('/api/monitoring/summary', { headers: auth });

    // Assess
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal error' });
    expect(text).not.toMatch(/ResourceNotFound|at .*\.ts/);
    expect(JSON.stringify(logged)).toContain('ResourceNotFound');
  });
});

describe('authentication', () => {
  it.each([
    ['no credentials', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['a token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['a wrong cookie', { cookie: 'cm_token=wrong' }],
  ])('refuses %s with 401 JSON on every kind of route', async (_, headers) => {
    for (const path of [
      '/api/monitoring/summary',
      '/api/monitoring/export?format=csv',
      '/dashboard/claude-monitoring/',
      '/dashboard/claude-monitoring/chart.umd.js',
      '/nope',
    ]) {
      // Act
      const response = await app.request(path, { headers });

      // Assess
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'authentication required' });
    }
  });

  it('does not take the token from the query string of an API route', async () => {
    // Act
    const response = await app.request(`/api/monitoring/summary?token=${TOKEN}`);

    // Assess
    expect(response.status).toBe(401);
  });

  it('accepts the token cookie', async () => {
    // Act
    const response = await app.request('/api/monitoring/summary', {
      headers: { cookie: `theme=dark; cm_token=${TOKEN}` },
    });

    // Assess
    expect(response.status).toBe(200);
  });

  it('swaps ?token= on the dashboard for an HttpOnly, SameSite=Strict cookie and a clean URL', async () => {
    // Act
    const plain = await app.request(`http://127.0.0.1/dashboard/claude-monitoring/?token=${TOKEN}`);
    const secure = await app.request(
      `https://monitor.example.test/dashboard/claude-monitoring/?token=${TOKEN}`,
    );

    // Assess
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/dashboard/claude-monitoring/');
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toContain(`cm_token=${TOKEN}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    expect(secure.headers.get('set-cookie')).toContain('Secure');
  });
});

describe('CORS', () => {
  it('allows the dashboard origin and no other', async () => {
    // Act
    const allowed = await app.request('/api/monitoring/summary', { headers: { ...auth, origin: ORIGIN } });
    const other = await app.request('/api/monitoring/summary', {
      headers: { ...auth, origin: 'https://evil.test' },
    });
    const preflight = await app.request('/api/monitoring/summary', {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

    // Assess
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.test');
    expect([200, 204]).toContain(preflight.status);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-next-cursor');
  });
});

describe('dashboard assets', () => {
  it.each([
    ['', 'text/html'],
    ['dashboard.js', 'text/javascript'],
    ['reconciliation.js', 'text/javascript'],
    ['health.js', 'text/javascript'],
    ['compare.js', 'text/javascript'],
    ['breakdown.js', 'text/javascript'],
    ['dashboard.css', 'text/css'],
    ['views.css', 'text/css'],
    ['chart.umd.js', 'text/javascript'],
  ])('serves "%s" with a strict CSP', async (asset, type) => {
    // Act
    const response = await app.request(`/dashboard/claude-monitoring/${asset}`, { headers: auth });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await response.text()).length).toBeGreaterThan(100);
  });

  it('serves nothing else from the dashboard folder', async () => {
    // Act
    const response = await app.request('/dashboard/claude-monitoring/assets.ts', { headers: auth });

    // Assess
    expect(response.status).toBe(404);
  });
});
