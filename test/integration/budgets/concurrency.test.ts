import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, flush, withAttribution } from '../../../layers/claude-monitor/src';
import { USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, costOf, readWindow, startBudgetSetup } from '../../helpers/budgets';

const RUNS = 20;
const PARALLEL = 50;
/** About ten of the test's reservations (1.26 m nano-USD each): far fewer than the fifty calls sent at once. */
const LIMIT_USD = 0.0126;
const LIMIT_NANO = 12_600_000;

let setup: BudgetSetup;

beforeAll(async () => {
  setup = await startBudgetSetup(
    [{ scope: 'tenant', period: 'day', usd: LIMIT_USD, mode: 'enforce' }],
    // The longest check allowed: DynamoDB Local serialises the fifty conditional updates of one item, which
    // takes seconds on a busy machine, and a check that timed out would let its call through (fail open).
    { timeoutMs: 10_000 },
    // The SDK's attempt timeout runs while the check waits: a short one would time calls out and retry them,
    // which proves nothing about the limit (a retry keeps its call's reservation and is counted below).
    120_000,
  );
});
afterAll(async () => {
  await setup.close();
});

describe('50 concurrent calls against one limit', () => {
  it(`overshoot it by at most one reservation, in each of ${RUNS} runs`, async () => {
    const runs: { passed: number; refused: number; overshoot: number; reservation: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Prepare: a tenant of its own per run, so each run starts from an empty window.
      const tenantId = `burst-${process.pid}-${Date.now()}-${run}`;
      setup.sink.clear();
      const sentBefore = setup.stub.requests.length;

      // Act
      const outcomes = await Promise.allSettled(
        Array.from({ length: PARALLEL }, () =>
          setup.client.messages.create(USER_MESSAGE, withAttribution({ tenantId })),
        ),
      );
      // Every settlement written, however long DynamoDB Local takes for a hundred writes on one item.
      await flush({ deadline: Date.now() + 120_000 });
      const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

      // Assess
      const refused = outcomes.filter((o) => o.status === 'rejected');
      for (const outcome of refused)
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);
      const records = setup.sink.records;
      const passed = records.filter((record) => record.status === 'success');
      const reservation = Math.max(...passed.map((record) => record.budget!.reservedNanoUsd));
      const overshoot = Math.max(0, costOf(passed) - LIMIT_NANO);
      expect(records).toHaveLength(PARALLEL);
      expect(passed).toHaveLength(PARALLEL - refused.length);
      // Only calls that passed reached the stub: one request per attempt of theirs, none for a refused call.
      expect(setup.stub.requests.length - sentBefore).toBe(passed.reduce((n, r) => n + r.attempts, 0));
      for (const record of records.filter((r) => r.status !== 'success'))
        expect(record).toMatchObject({ errorType: 'budget_exceeded', attempts: 1 });
      expect(overshoot).toBeLessThanOrEqual(reservation);
      expect(window).toMatchObject({ settled: costOf(passed), committed: costOf(passed), reserved: 0 });
      expect(window.refusedCalls).toBe(refused.length);
      expect(Math.floor(LIMIT_NANO / reservation)).toBeLessThanOrEqual(passed.length);
      expect(refused.length).toBeGreaterThan(0);
      runs.push({ passed: passed.length, refused: refused.length, overshoot, reservation });
    }
    expect(runs).toHaveLength(RUNS);
  }, 600_000);
});
