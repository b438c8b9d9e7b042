import { type BudgetConfig, type CallRecord, resolveAlertConfig } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { alertProbesOf, crossedAlerts } from '../../../functions/aggregator/alerts/probes';
import { advanceStreak, EMPTY_STREAK, streakGroups } from '../../../functions/aggregator/alerts/streaks';
import { rollupKeyId } from '../../../functions/aggregator/rollup-keys';
import { makeCallRecord, makeErrorRecord } from '../../helpers/call-records';

const TIME = '2026-11-29T10:30:00.000Z';

describe('alert probes and crossings', () => {
  it('session cost fires only over the threshold', () => {
    // Prepare
    const probes = alertProbesOf(
      resolveAlertConfig({ sessionCostUsd: 10 }),
      [],
      [makeCallRecord({ sessionId: 'abc' })],
    );
    const key = rollupKeyId(probes[0]!.key);

    // Act
    const at = crossedAlerts(probes, new Map([[key, { costNanoUsd: 10_000_000_000 }]]), TIME);
    const over = crossedAlerts(probes, new Map([[key, { costNanoUsd: 10_000_000_001 }]]), TIME);

    // Assess
    expect(at).toEqual([]);
    expect(over).toEqual([
      expect.objectContaining({
        rule: 'session-cost',
        scope: 'session:abc',
        window: 'total',
        step: '10',
        threshold: 10_000_000_000,
      }),
    ]);
  });

  it('a named tenant budget overrides the budget for every tenant', () => {
    // Prepare
    const config = resolveAlertConfig({ sessionCostUsd: 0, budgetSteps: [100] });
    const budgets: BudgetConfig[] = [
      { scope: 'tenant', period: 'day', usd: 50 },
      { scope: 'tenant', id: 'acme', period: 'day', usd: 5, mode: 'enforce' },
    ];

    // Act
    const acme = alertProbesOf(config, budgets, [makeCallRecord({ tenantId: 'acme' })]);
    const other = alertProbesOf(config, budgets, [makeCallRecord({ tenantId: 'other' })]);

    // Assess
    expect(acme.map((p) => p.thresholds[0]!.threshold)).toEqual([5_000_000_000]);
    expect(other.map((p) => [p.scope, p.window, p.thresholds[0]!.threshold])).toEqual([
      ['tenant:other', '2026-11-29', 50_000_000_000],
    ]);
  });

  it('every budget step reached fires, the others do not', () => {
    // Prepare
    const config = resolveAlertConfig({ sessionCostUsd: 0 });
    const probes = alertProbesOf(
      config,
      [{ scope: 'account', period: 'month', usd: 100 }],
      [makeCallRecord()],
    );

    // Act
    const alerts = crossedAlerts(
      probes,
      new Map([[rollupKeyId(probes[0]!.key), { costNanoUsd: 85_000_000_000 }]]),
      TIME,
    );

    // Assess
    expect(alerts.map((a) => a.step)).toEqual(['50', '80']);
    expect(alerts[1]!.budget).toEqual({ period: 'month', percent: 80, amountNanoUsd: 100_000_000_000 });
  });

  it('unpriced calls probe their model and day; priced calls do not', () => {
    // Prepare
    const base = makeCallRecord({ model: 'mystery' });
    const unpriced = { ...base, cost: { ...base.cost, priced: false } };

    // Act
    const probes = alertProbesOf(resolveAlertConfig({ sessionCostUsd: 0 }), [], [unpriced, makeCallRecord()]);

    // Assess
    expect(probes.map((p) => [p.rule, p.scope, p.window, p.counter])).toEqual([
      ['unpriced-model', 'model:mystery', '2026-11-29', 'unpricedCalls'],
    ]);
  });
});

describe('error streaks', () => {
  it('crosses once when the streak reaches the threshold', () => {
    // Prepare
    const errors = [1, 2, 3, 4].map((m) => makeErrorRecord({ timestamp: `2026-11-29T10:0${m}:00.000Z` }));

    // Act
    const first = advanceStreak(EMPTY_STREAK, errors.slice(0, 3), 3);
    const second = advanceStreak(first.state, errors.slice(3), 3);

    // Assess
    expect(first.crossed).toEqual({ startedAt: '2026-11-29T10:01:00.000Z', count: 3 });
    expect(second.crossed).toBeUndefined();
    expect(second.state).toEqual({
      count: 4,
      startedAt: '2026-11-29T10:01:00.000Z',
      fired: true,
      mark: `2026-11-29T10:04:00.000Z#${errors[3]!.callId}`,
    });
  });

  it('counts each record once, however often it is offered, and never a record older than the mark', () => {
    // Prepare
    const at = (m: number) => `2026-11-29T10:0${m}:00.000Z`;
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map((m) => makeErrorRecord({ timestamp: at(m) }));
    const late = makeCallRecord({ timestamp: at(0) });
    const first = advanceStreak(EMPTY_STREAK, [e1!, e2!], 3);

    // Act: the same records again (a retried batch), plus newer errors and a success older than all of them.
    const again = advanceStreak(first.state, [e1!, e2!, late, e3!, e4!], 3);

    // Assess
    expect(first.state.count).toBe(2);
    expect(again.state).toMatchObject({ count: 4, startedAt: at(1), fired: true });
    expect(again.crossed).toEqual({ startedAt: at(1), count: 3 });
  });

  it('a success resets the streak', () => {
    // Prepare
    const records = [makeErrorRecord(), makeErrorRecord(), makeCallRecord(), makeErrorRecord()];

    // Act
    const step = advanceStreak(EMPTY_STREAK, records, 3);

    // Assess
    expect(step.crossed).toBeUndefined();
    expect(step.state.count).toBe(1);
  });

  it("neither counts nor ends a streak with a caller's abort or a call cut short by the end of its invocation", () => {
    // Prepare: 'unfinished' is written by layers newer than this type knows.
    const at = (m: number) => `2026-11-29T10:0${m}:00.000Z`;
    const records = [
      makeErrorRecord({ timestamp: at(1) }),
      makeErrorRecord({ timestamp: at(2), errorType: 'aborted', httpStatus: undefined }),
      makeErrorRecord({ timestamp: at(3) }),
      makeErrorRecord({ timestamp: at(4), errorType: 'unfinished' as CallRecord['errorType'] }),
      makeErrorRecord({ timestamp: at(5), errorType: 'aborted' }),
    ];

    // Act
    const step = advanceStreak(EMPTY_STREAK, records, 3);
    const groups = streakGroups(records.map((record) => ({ record })));

    // Assess
    expect(step.crossed).toBeUndefined();
    expect(step.state).toEqual({
      count: 2,
      startedAt: at(1),
      fired: false,
      mark: `${at(3)}#${records[2]!.callId}`,
    });
    expect([...groups.values()].map((g) => g.members.map((m) => m.record.timestamp))).toEqual([
      [at(1), at(3)],
      [at(1), at(3)],
    ]);
  });
});
