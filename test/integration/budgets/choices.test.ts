import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BudgetConfigError,
  BudgetExceededError,
  flush,
  runWithAttribution,
  runWithBudgetOverride,
  withAttribution,
  withBudgetOverride,
} from '../../../layers/claude-monitor/src';
import { TEST_MODEL, USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, costOf, readWindow, startBudgetSetup } from '../../helpers/budgets';

/** A tenant with room for nothing; another that is sent to Haiku when Sonnet does not fit; tight users. */
const LIMITS = [
  {
    scope: 'tenant' as const,
    id: 'broke-co',
    period: 'day' as const,
    usd: 0.000001,
    mode: 'enforce' as const,
  },
  {
    scope: 'tenant' as const,
    id: 'thrifty-co',
    period: 'day' as const,
    usd: 0.01,
    mode: 'enforce' as const,
    downgradeTo: 'claude-haiku-4-5',
  },
  { scope: 'account' as const, period: 'day' as const, usd: 1_000, mode: 'enforce' as const },
  { scope: 'user' as const, period: 'month' as const, usd: 0.002, mode: 'enforce' as const },
  { scope: 'tenant' as const, period: 'month' as const, usd: 50, mode: 'alert' as const },
];

/** Sonnet with 1,000 output tokens reserves at least $0.015: more than thrifty-co's $0.01; Haiku about $0.005. */
const BIG_ANSWER = { ...USER_MESSAGE, max_tokens: 1_000 };

let setup: BudgetSetup;

beforeAll(async () => {
  setup = await startBudgetSetup(LIMITS, { timeoutMs: 10_000 });
});
afterAll(async () => {
  await setup.close();
});
beforeEach(() => {
  setup.sink.clear();
});

describe('choices: per-call override, downgrade, several limits at once', () => {
  it('an override sends a call past the limit, counts its cost and records the reason', async () => {
    // Prepare
    const before = await readWindow(setup.table, 'tenant', 'broke-co', 'day');

    // Act
    const refused = await setup.client.messages
      .create(USER_MESSAGE, withAttribution({ tenantId: 'broke-co' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await setup.client.messages.create(
      USER_MESSAGE,
      withAttribution({ tenantId: 'broke-co' }, withBudgetOverride('on-call: incident 4711')),
    );
    await runWithAttribution({ tenantId: 'broke-co' }, () =>
      runWithBudgetOverride('nightly reconciliation', () => setup.client.messages.create(USER_MESSAGE)),
    );
    await flush();
    const after = await readWindow(setup.table, 'tenant', 'broke-co', 'day');

    // Assess
    expect(refused).toBeInstanceOf(BudgetExceededError);
    const [, perCall, scoped] = setup.sink.records;
    expect(perCall).toMatchObject({
      status: 'success',
      budget: { outcome: 'override', overrideReason: 'on-call: incident 4711', reservedNanoUsd: 0 },
    });
    expect(scoped!.budget).toMatchObject({ outcome: 'override', overrideReason: 'nightly reconciliation' });
    expect(after.settled - before.settled).toBe(costOf([perCall!, scoped!]));
    expect(after.committed).toBeGreaterThan(1_000);
    expect(() => withBudgetOverride('')).toThrow(BudgetConfigError);
  });

  it('a downgrade sends the call to the cheaper model instead of refusing it, and records both models', async () => {
    // Prepare
    const before = setup.stub.requests.length;

    // Act
    const message = await setup.client.messages.create(
      BIG_ANSWER,
      withAttribution({ tenantId: 'thrifty-co' }),
    );
    await flush();

    // Assess
    const sent = setup.stub.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { model: string }).model).toBe('claude-haiku-4-5');
    expect(JSON.parse(sent[0]!.rawBody)).toEqual({ ...BIG_ANSWER, model: 'claude-haiku-4-5' });
    expect(message.model).toBe('claude-haiku-4-5');
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({
      requestedModel: 'claude-haiku-4-5',
      status: 'success',
      budget: { outcome: 'downgraded', downgradedFrom: TEST_MODEL, limit: { value: 'thrifty-co' } },
    });
    expect(record.budget!.reservedNanoUsd).toBeLessThan(10_000_000);
  });

  it('checks every applicable limit; when one refuses, the others get their reservation back', async () => {
    // Prepare: account (roomy), tenant (roomy via the alert-only budget, not enforced) and user (tight).
    const userId = `user-${Date.now()}`;
    const account = await readWindow(setup.table, 'account', '*', 'day');

    // Act
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      await setup.client.messages
        .create(USER_MESSAGE, withAttribution({ userId, tenantId: 'roomy-co' }))
        .then(
          () => outcomes.push('sent'),
          (error: unknown) => outcomes.push(error instanceof BudgetExceededError ? error.scope : 'other'),
        );
      await flush();
    }
    const user = await readWindow(setup.table, 'user', userId, 'month');
    const accountAfter = await readWindow(setup.table, 'account', '*', 'day');
    const tenant = await readWindow(setup.table, 'tenant', 'roomy-co', 'month');

    // Assess
    expect(outcomes[0]).toBe('sent');
    expect(outcomes.at(-1)).toBe('user');
    const sent = setup.sink.records.filter((record) => record.status === 'success');
    expect(sent[0]!.budget!.limits.sort()).toEqual(['account:*/day', `user:${userId}/month`]);
    expect(user).toMatchObject({ settled: costOf(sent), committed: costOf(sent), reserved: 0 });
    expect(accountAfter.settled - account.settled).toBe(costOf(sent));
    expect(accountAfter.committed - account.committed).toBe(costOf(sent));
    expect(accountAfter.reserved).toBe(0);
    expect(tenant.item).toBeUndefined();
  });
});
