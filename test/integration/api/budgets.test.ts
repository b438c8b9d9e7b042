import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { type BudgetConfig, windowRefOf } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../../functions/api/app';
import { buildOpenApi, openApiPath } from '../../../functions/api/openapi';
import { BudgetStore } from '../../../layers/claude-monitor/src/budget/budget-store';
import { makeCallRecord } from '../../helpers/call-records';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { seedThroughPipeline } from '../../helpers/seed';
import { createTestApp, NOW } from './app-under-test';
import type { Json } from './expectations';

const TOKEN = 'budget-token';
const DEPLOYED: BudgetConfig[] = [
  { scope: 'account', period: 'month', usd: 100 },
  { scope: 'tenant', id: 'acme', period: 'day', usd: 10, mode: 'enforce' },
  { scope: 'tenant', period: 'day', usd: 2, mode: 'enforce' },
];

let table: TestTable;
let app: ReturnType<typeof createApp>;

type Reply = { status: number; body: Record<string, Json>; headers: Headers };

const send = async (
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Reply> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const response = await app.request(path, {
    method,
    headers,
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, Json>,
    headers: response.headers,
  };
};

const put = (body: unknown, headers: Record<string, string> = { 'x-changed-by': 'ops@example.com' }) =>
  send('PUT', '/api/monitoring/budgets', { body, headers });

const listed = async () =>
  (await send('GET', '/api/monitoring/budgets')).body.budgets as unknown as Record<string, Json>[];

beforeAll(async () => {
  table = await createTestTable('api-budgets');
  app = createTestApp(table, TOKEN, { budgets: DEPLOYED });
  // Spend of the day: acme $6, globex $1.5, initech $0.25 (rollups, through the real aggregator).
  const spend = (tenantId: string, nano: number, minute: number) => {
    const base = makeCallRecord({
      tenantId,
      timestamp: `2026-11-29T09:${String(minute).padStart(2, '0')}:00.000Z`,
    });
    return { ...base, cost: { ...base.cost, totalNanoUsd: nano } };
  };
  await seedThroughPipeline(table, [
    spend('acme', 4_000_000_000, 1),
    spend('acme', 2_000_000_000, 2),
    spend('globex', 1_500_000_000, 3),
    spend('initech', 250_000_000, 4),
  ]);
  // acme's enforced window: a client settled $6.5 (one call not aggregated yet), $0.4 is reserved, one call refused.
  const store = new BudgetStore({
    tableName: table.tableName,
    client: table.client,
    requestTimeoutMs: 5_000,
    env: {},
  });
  const acme = windowRefOf({ budget: DEPLOYED[1]!, value: 'acme' }, NOW.getTime());
  await store.addSpend(acme, 6_500_000_000);
  await store.reserve(acme, 400_000_000, 29_000_000, AbortSignal.timeout(10_000));
  await store.countRefusal(acme);
});

describe('GET /api/monitoring/budgets', () => {
  it('lists deploy-time budgets with spent, reserved, remaining, refusals and the projected exhaustion', async () => {
    // Act
    const budgets = await listed();

    // Assess
    const acme = budgets.find((b) => b.id === 'acme')!;
    expect(acme).toMatchObject({
      scope: 'tenant',
      period: 'day',
      mode: 'enforce',
      source: 'deploy',
      usd: 10,
      limit_nano_usd: 10_000_000_000,
      spent_nano_usd: 6_500_000_000,
      spent_usd: 6.5,
      reserved_nano_usd: 400_000_000,
      remaining_nano_usd: 3_100_000_000,
      percent_used: 65,
      refused_calls: 1,
      status: 'refusing',
      window: {
        bucket: '2026-11-29',
        start: '2026-11-29T00:00:00.000Z',
        resets_at: '2026-11-30T00:00:00.000Z',
      },
      updated_by: null,
      version: null,
    });
    // $6.5 in 10.5 hours: $10 at 16:09:13.846 (10.5 h × 10 / 6.5 after midnight)
    expect(acme.projected_exhaustion_at).toBe('2026-11-29T16:09:13.847Z');
    const account = budgets.find((b) => b.scope === 'account')!;
    expect(account).toMatchObject({
      mode: 'alert',
      spent_nano_usd: 7_750_000_000,
      reserved_nano_usd: 0,
      status: 'ok',
    });
    const everyTenant = budgets.find((b) => b.scope === 'tenant' && b.id === null)!;
    expect(everyTenant.spent_usd).toBeUndefined();
    expect(everyTenant.instances).toEqual([
      expect.objectContaining({
        id: 'globex',
        spent_nano_usd: 1_500_000_000,
        percent_used: 75,
        status: 'ok',
      }),
      expect.objectContaining({
        id: 'initech',
        spent_nano_usd: 250_000_000,
        remaining_nano_usd: 1_750_000_000,
      }),
    ]);
  });

  it('needs the token, like every route', async () => {
    // Act
    const replies = await Promise.all([
      send('GET', '/api/monitoring/budgets', { token: null }),
      send('PUT', '/api/monitoring/budgets', {
        token: 'wrong',
        body: { scope: 'account', period: 'day', usd: 1 },
      }),
      send('DELETE', '/api/monitoring/budgets?scope=account&period=day', { token: null }),
      send('GET', '/api/monitoring/budgets/audit', { token: null }),
    ]);

    // Assess
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401]);
  });
});

describe('PUT and DELETE /api/monitoring/budgets', () => {
  it.each([
    [{ scope: 'team', period: 'day', usd: 1 }, {}, 'scope'],
    [{ scope: 'session', period: 'day', usd: 1 }, {}, 'period'],
    [{ scope: 'tenant', id: 'x', period: 'day', usd: -1 }, {}, 'usd'],
    [{ scope: 'tenant', id: 'x', period: 'day', usd: 1, mode: 'hard' }, {}, 'mode'],
    [
      { scope: 'tenant', id: 'x', period: 'day', usd: 1, mode: 'enforce', downgrade_to: 'gpt-4o' },
      {},
      'downgrade_to',
    ],
    [{ scope: 'account', id: 'x', period: 'day', usd: 1 }, {}, 'id'],
    [{ scope: 'tenant', period: 'day', usd: 1, limit: 5 }, {}, 'limit'],
    [[{ scope: 'account', period: 'day', usd: 1 }], {}, 'body'],
    [{ scope: 'account', period: 'day', usd: 1 }, { 'x-changed-by': '' }, 'X-Changed-By'],
    [
      { scope: 'account', period: 'day', usd: 1 },
      { 'x-changed-by': 'ops', 'if-match': 'latest' },
      'If-Match',
    ],
  ])(
    'refuses %j (headers %j) with a 400 naming %s, and changes nothing',
    async (body, headers, parameter) => {
      // Act
      const reply = await send('PUT', '/api/monitoring/budgets', {
        body,
        headers: { 'x-changed-by': 'ops', ...headers },
      });

      // Assess
      expect(reply.status).toBe(400);
      expect(reply.body.parameter).toBe(parameter);
      expect(typeof reply.body.error).toBe('string');
      expect((await listed()).filter((b) => b.source === 'runtime')).toEqual([]);
    },
  );

  it('refuses a body that is not JSON or too large, and a DELETE without its scope', async () => {
    // Act
    const broken = await send('PUT', '/api/monitoring/budgets', {
      raw: '{scope',
      headers: { 'x-changed-by': 'ops' },
    });
    const large = await send('PUT', '/api/monitoring/budgets', {
      raw: JSON.stringify({ scope: 'account', period: 'day', usd: 1, id: 'x'.repeat(5_000) }),
      headers: { 'x-changed-by': 'ops' },
    });
    const unnamed = await send('DELETE', '/api/monitoring/budgets?period=day', {
      headers: { 'x-changed-by': 'ops' },
    });

    // Assess
    expect([broken.status, broken.body.parameter]).toEqual([400, 'body']);
    expect([large.status, large.body.parameter]).toEqual([400, 'body']);
    expect([unnamed.status, unnamed.body.parameter]).toEqual([400, 'scope']);
  });

  it('creates, replaces and deletes a run-time budget, versioned, each change audited with who and when', async () => {
    // Act
    const created = await put({ scope: 'tenant', id: 'acme', period: 'day', usd: 12, mode: 'enforce' });
    const replaced = await put(
      {
        scope: 'tenant',
        id: 'acme',
        period: 'day',
        usd: 15,
        mode: 'enforce',
        downgrade_to: 'claude-haiku-4-5',
      },
      {
        'x-changed-by': 'finance-bot',
        'if-match': created.headers.get('etag')!,
        'user-agent': 'budget-cli/1.0',
      },
    );
    const afterPut = (await listed()).find((b) => b.id === 'acme');
    const deleted = await send('DELETE', '/api/monitoring/budgets?scope=tenant&id=acme&period=day', {
      headers: { 'x-changed-by': 'ops@example.com' },
    });
    const again = await send('DELETE', '/api/monitoring/budgets?scope=tenant&id=acme&period=day', {
      headers: { 'x-changed-by': 'ops@example.com' },
    });
    const audit = (await send('GET', '/api/monitoring/budgets/audit?limit=3')).body.changes as Record<
      string,
      Json
    >[];

    // Assess
    expect([created.status, created.headers.get('etag')]).toEqual([201, '"1"']);
    expect([replaced.status, replaced.headers.get('etag')]).toEqual([200, '"2"']);
    expect(afterPut).toMatchObject({
      usd: 15,
      source: 'runtime',
      replaces_deploy_time: true,
      downgrade_to: 'claude-haiku-4-5',
      updated_by: 'finance-bot',
      updated_at: NOW.toISOString(),
      version: 2,
      spent_nano_usd: 6_500_000_000,
      remaining_nano_usd: 8_100_000_000,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.in_force).toMatchObject({ source: 'deploy', usd: 10 });
    expect(again.status).toBe(404);
    expect(audit.map((change) => [change.action, change.changedBy, change.budget])).toEqual([
      ['delete', 'ops@example.com', 'tenant#acme#day'],
      ['put', 'finance-bot', 'tenant#acme#day'],
      ['put', 'ops@example.com', 'tenant#acme#day'],
    ]);
    expect(audit[1]).toMatchObject({
      changedAt: NOW.toISOString(),
      userAgent: 'budget-cli/1.0',
      before: { usd: 12, version: 1 },
      after: { usd: 15, version: 2 },
    });
  });

  it('applies concurrent changes of one budget one version at a time, and keeps every one in the audit trail', async () => {
    // Prepare
    const first = await put({ scope: 'user', id: 'ann', period: 'month', usd: 1 });

    // Act: ten blind writers, then ten writers that all read the version the blind ones left.
    const blind = await Promise.all(
      Array.from({ length: 10 }, (_, i) => put({ scope: 'user', id: 'ann', period: 'month', usd: 2 + i })),
    );
    const current = (await listed()).find((b) => b.scope === 'user' && b.id === 'ann')!.version as number;
    const guarded = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        put(
          { scope: 'user', id: 'ann', period: 'month', usd: 50 + i },
          { 'x-changed-by': `writer-${i}`, 'if-match': `"${current}"` },
        ),
      ),
    );
    const final = (await listed()).find((b) => b.scope === 'user' && b.id === 'ann')!;
    const audit = (await send('GET', '/api/monitoring/budgets/audit?limit=500')).body.changes as Record<
      string,
      Json
    >[];

    // Assess
    expect(first.status).toBe(201);
    // A blind writer that keeps losing the race gets a 409 and changes nothing; none is lost or doubled.
    const accepted = blind.filter((r) => r.status === 200);
    expect(accepted.length + blind.filter((r) => r.status === 409).length).toBe(10);
    expect(accepted.length).toBeGreaterThan(0);
    expect(
      accepted.map((r) => Number(r.headers.get('etag')!.replaceAll('"', ''))).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 2));
    expect(guarded.filter((r) => r.status === 200)).toHaveLength(1);
    expect(guarded.filter((r) => r.status === 412)).toHaveLength(9);
    const winner = guarded.findIndex((r) => r.status === 200);
    expect(current).toBe(1 + accepted.length);
    expect(final).toMatchObject({ version: current + 1, usd: 50 + winner, updated_by: `writer-${winner}` });
    const ann = audit.filter((change) => change.budget === 'user#ann#month');
    expect(ann).toHaveLength(current + 1);
    expect(ann.map((change) => (change.after as { version: number }).version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: current + 1 }, (_, i) => i + 1),
    );
  });

  it('is described in the OpenAPI document with the methods the app serves', () => {
    // Act
    const paths = buildOpenApi().paths as Record<string, Record<string, unknown>>;
    const served = app.routes
      .filter((route) => route.path.startsWith('/api/monitoring/budgets'))
      .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`)
      .sort();

    // Assess
    expect(
      Object.entries(paths)
        .filter(([path]) => path.startsWith('/api/monitoring/budgets'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
        .sort(),
    ).toEqual(served);
  });
});

describe('a session budget over the session lifetime', () => {
  it('is spent the sum of the session hours, with no running-total item stored', async () => {
    // Prepare: a session with calls in three hours ($1 + $1.5 + $0.5) and another session's call
    const own = await createTestTable('api-budgets-session');
    const session = (sessionId: string, nano: number, hour: number) => {
      const base = makeCallRecord({ sessionId, timestamp: `2026-11-29T0${hour}:30:00.000Z` });
      return { ...base, cost: { ...base.cost, totalNanoUsd: nano } };
    };
    await seedThroughPipeline(own, [
      session('long-chat', 1_000_000_000, 7),
      session('long-chat', 1_500_000_000, 8),
      session('long-chat', 500_000_000, 9),
      session('other-chat', 9_000_000_000, 9),
    ]);
    const sessionApp = createTestApp(own, TOKEN, {
      budgets: [{ scope: 'session', id: 'long-chat', period: 'lifetime', usd: 5 }],
    });

    // Act
    const response = await sessionApp.request('/api/monitoring/budgets', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const { budgets } = (await response.json()) as { budgets: Record<string, Json>[] };
    const stored = await own.client.send(
      new ScanCommand({
        TableName: own.tableName,
        FilterExpression: 'begins_with(pk, :total)',
        ExpressionAttributeValues: { ':total': { S: 'ROLLUP#total#' } },
      }),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toMatchObject({
      scope: 'session',
      id: 'long-chat',
      period: 'lifetime',
      spent_nano_usd: 3_000_000_000,
      remaining_nano_usd: 2_000_000_000,
      percent_used: 60,
      window: { bucket: 'total', resets_at: null },
    });
    expect(stored.Items).toEqual([]);
  });
});

describe('a monthly budget', () => {
  it('is spent the sum of the month days, for a named user and for every user, with no month item stored', async () => {
    // Prepare: ann spends $1 + $2 + $0.5 on three days of November, bob $4 and carl $0.25; days of October
    // and December must not count
    const own = await createTestTable('api-budgets-month');
    const spend = (userId: string, nano: number, day: string) => {
      const base = makeCallRecord({ userId, sessionId: undefined, timestamp: `${day}T08:00:00.000Z` });
      return { ...base, cost: { ...base.cost, totalNanoUsd: nano } };
    };
    await seedThroughPipeline(own, [
      spend('ann', 7_000_000_000, '2026-10-30'),
      spend('ann', 1_000_000_000, '2026-11-02'),
      spend('ann', 2_000_000_000, '2026-11-20'),
      spend('ann', 500_000_000, '2026-11-29'),
      spend('bob', 3_000_000_000, '2026-11-10'),
      spend('bob', 1_000_000_000, '2026-11-11'),
      spend('carl', 250_000_000, '2026-11-29'),
      spend('bob', 9_000_000_000, '2026-10-31'),
      spend('carl', 5_000_000_000, '2026-12-01'),
    ]);
    const monthApp = createTestApp(own, TOKEN, {
      budgets: [
        { scope: 'user', id: 'ann', period: 'month', usd: 10 },
        { scope: 'user', period: 'month', usd: 5 },
      ],
    });

    // Act
    const response = await monthApp.request('/api/monitoring/budgets', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const { budgets } = (await response.json()) as { budgets: Record<string, Json>[] };
    const stored = await own.client.send(
      new ScanCommand({
        TableName: own.tableName,
        FilterExpression: 'begins_with(pk, :month)',
        ExpressionAttributeValues: { ':month': { S: 'ROLLUP#month#' } },
      }),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(budgets.find((b) => b.id === 'ann')).toMatchObject({
      period: 'month',
      spent_nano_usd: 3_500_000_000,
      percent_used: 35,
      window: { bucket: '2026-11' },
    });
    expect(budgets.find((b) => b.id === null)!.instances).toEqual([
      expect.objectContaining({ id: 'bob', spent_nano_usd: 4_000_000_000, percent_used: 80 }),
      expect.objectContaining({ id: 'carl', spent_nano_usd: 250_000_000, percent_used: 5 }),
    ]);
    expect(stored.Items).toEqual([]);
  });
});
