import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  flush,
  REFUSAL_ERROR_TYPE,
  runWithAttribution,
  withAttribution,
} from '../../../layers/claude-monitor/src';
import { TEST_MODEL, USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, costOf, readWindow, startBudgetSetup } from '../../helpers/budgets';

/** Two cents a day for each tenant: room for a few of the test's small calls (about $0.0013 reserved each). */
const TENANT_LIMIT_USD = 0.004;
const TENANT_LIMIT_NANO = 4_000_000;

let setup: BudgetSetup;
let tenantSeq = 0;
/** A tenant of its own for each test, so each starts with an empty window. */
const freshTenant = () => `tenant-${process.pid}-${Date.now()}-${tenantSeq++}`;

beforeAll(async () => {
  // A generous check timeout: DynamoDB Local on a busy machine must not turn a check into "unavailable".
  setup = await startBudgetSetup(
    [{ scope: 'tenant', period: 'day', usd: TENANT_LIMIT_USD, mode: 'enforce' }],
    {
      timeoutMs: 10_000,
    },
  );
});
afterAll(async () => {
  await setup.close();
});
beforeEach(() => {
  setup.sink.clear();
});

describe('enforced budgets with the real SDK and the Messages stub', () => {
  it('under the limit, a call passes unchanged and its reservation settles to the exact cost', async () => {
    // Prepare
    const tenantId = freshTenant();
    setup.stub.enqueue({ kind: 'message', text: 'Same answer.' }, { kind: 'message', text: 'Same answer.' });

    // Act
    const monitored = await setup.client.messages.create(USER_MESSAGE, withAttribution({ tenantId }));
    const plain = await setup.plain.messages.create(USER_MESSAGE);
    await flush();
    const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

    // Assess
    const { id: _a, ...monitoredRest } = monitored;
    const { id: _b, ...plainRest } = plain;
    expect(monitoredRest).toEqual(plainRest);
    const [sentMonitored, sentPlain] = setup.stub.requests.slice(-2);
    expect(sentMonitored!.rawBody).toBe(sentPlain!.rawBody);
    const record = setup.sink.records[0]!;
    expect(record.status).toBe('success');
    expect(record.budget).toMatchObject({ outcome: 'allowed', limits: [`tenant:${tenantId}/day`] });
    expect(record.budget!.reservedNanoUsd).toBeGreaterThanOrEqual(record.cost.totalNanoUsd);
    expect(window).toMatchObject({
      committed: record.cost.totalNanoUsd,
      settled: record.cost.totalNanoUsd,
      reserved: 0,
      unsettled: 0,
      refusedCalls: 0,
    });
  });

  it('at the limit, refuses the call before any request reaches the stub, with a typed error', async () => {
    // Prepare
    const tenantId = freshTenant();
    let refused: unknown;
    let sent = 0;

    // Act: call until the budget has no room for one more reservation.
    for (let i = 0; i < 20 && refused === undefined; i++) {
      const before = setup.stub.requests.length;
      try {
        await runWithAttribution({ tenantId }, () => setup.client.messages.create(USER_MESSAGE));
        sent++;
      } catch (error) {
        refused = error;
        expect(setup.stub.requests.length).toBe(before);
      }
    }
    await flush();
    const records = setup.sink.records;
    const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

    // Assess
    expect(sent).toBeGreaterThan(0);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect(refused).toBeInstanceOf(Anthropic.APIError);
    const error = refused as BudgetExceededError & InstanceType<typeof Anthropic.RateLimitError>;
    const passed = records.filter((record) => record.status === 'success');
    const reservation = passed[0]!.budget!.reservedNanoUsd;
    expect(error.name).toBe('BudgetExceededError');
    expect(error.status).toBe(429);
    expect(error).toMatchObject({
      scope: 'tenant',
      scopeId: tenantId,
      period: 'day',
      limitNanoUsd: TENANT_LIMIT_NANO,
      limitUsd: TENANT_LIMIT_USD,
    });
    // The previous call's settlement may still be on its way (it is written after the caller has its answer):
    // then its reservation is still counted, which refuses earlier, never later.
    expect(error.spentNanoUsd).toBeLessThanOrEqual(costOf(passed));
    expect(error.spentNanoUsd + error.reservedNanoUsd).toBeGreaterThanOrEqual(costOf(passed));
    expect(error.spentNanoUsd + error.reservedNanoUsd + reservation).toBeGreaterThan(TENANT_LIMIT_NANO);
    expect(error.resetsAt?.toISOString()).toBe(
      `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`,
    );
    expect(error.message).toContain(`daily budget of tenant ${tenantId}`);
    expect(passed).toHaveLength(sent);
    const refusal = records.find((record) => record.status === 'error')!;
    expect(refusal).toMatchObject({
      errorType: 'budget_exceeded',
      attempts: 1,
      cost: { totalNanoUsd: 0 },
      budget: {
        outcome: 'refused',
        limit: { scope: 'tenant', value: tenantId, limitNanoUsd: TENANT_LIMIT_NANO },
      },
    });
    expect(refusal.httpStatus).toBeUndefined();
    expect(window.refusedCalls).toBe(1);
    expect(window.settled).toBe(costOf(passed));
  });

  it('with no code change, the SDK throws its own RateLimitError, does not retry, and the refusal is recorded', async () => {
    // Prepare: a plain client of the same SDK; the monitor sees its calls below the SDK (as zero-code does).
    const tenantId = freshTenant();
    const { enableZeroCode } = await import('../../../layers/claude-monitor/src');
    enableZeroCode({
      sink: setup.sink,
      budgets: {
        limits: [{ scope: 'tenant', id: tenantId, period: 'day', usd: 0.000001, mode: 'enforce' }],
        tableName: setup.table.tableName,
        client: setup.table.client,
        runtimeRefreshSeconds: 0,
      },
    });
    const plain = new Anthropic({ baseURL: setup.stub.url, apiKey: 'sk-ant-test', maxRetries: 3 });
    const before = setup.stub.requests.length;

    // Act
    let caught: unknown;
    try {
      await runWithAttribution({ tenantId }, () => plain.messages.create(USER_MESSAGE));
    } catch (error) {
      caught = error;
    } finally {
      enableZeroCode({ enabled: false });
    }
    await flush();

    // Assess
    expect(setup.stub.requests.length).toBe(before);
    expect(caught).toBeInstanceOf(Anthropic.RateLimitError);
    const error = caught as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.type).toBe(REFUSAL_ERROR_TYPE.exceeded);
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      instrumentation: 'zero-code',
      model: TEST_MODEL,
      errorType: 'budget_exceeded',
      attempts: 1,
      budget: { outcome: 'refused' },
    });
  });

  it('leaves the spent figure equal, to the nano-dollar, to the sum of the call records (create, stream, errors, retries)', async () => {
    // Prepare
    const tenantId = freshTenant();
    setup.stub.enqueue(
      { kind: 'message', usage: { input_tokens: 41, output_tokens: 33, cache_read_input_tokens: 7 } },
      { kind: 'message', usage: { input_tokens: 19, output_tokens: 51 } },
      { kind: 'error', status: 529 },
      { kind: 'message', usage: { input_tokens: 23, output_tokens: 17 } },
      { kind: 'error', status: 400 },
    );

    // Act
    await runWithAttribution({ tenantId }, async () => {
      await setup.client.messages.create(USER_MESSAGE);
      await setup.client.messages.stream(USER_MESSAGE).finalMessage();
      await setup.client.messages.create(USER_MESSAGE);
      await setup.client.messages.create(USER_MESSAGE).catch(() => undefined);
    });
    await flush();
    const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

    // Assess
    const records = setup.sink.records;
    expect(records.map((record) => record.status)).toEqual(['success', 'success', 'success', 'error']);
    expect(records[2]!.attempts).toBe(2);
    expect(costOf(records)).toBeGreaterThan(0);
    expect(window.settled).toBe(costOf(records));
    expect(window.committed).toBe(costOf(records));
    expect(window.reserved).toBe(0);
    for (const record of records) expect(record.budget?.settled).not.toBe(false);
  });

  it('costs nothing for calls no enforced budget applies to: no budget field, no counter', async () => {
    // Prepare: no tenant, and the only enforced budget is per tenant.
    setup.stub.enqueue({ kind: 'message' });

    // Act
    await setup.client.messages.create(USER_MESSAGE);
    await flush();

    // Assess
    expect(setup.sink.records[0]!.budget).toBeUndefined();
    expect((await readWindow(setup.table, 'tenant', 'undefined', 'day')).item).toBeUndefined();
  });
});
