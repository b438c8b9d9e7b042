import {
  applicableBudgets,
  type BudgetConfig,
  budgetWindow,
  mergeBudgets,
  validateBudget,
  validateBudgets,
} from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';

describe('a budget definition', () => {
  it.each([
    [
      { scope: 'team', period: 'day', usd: 1 },
      'b.scope must be one of account, tenant, user, session, function, got "team"',
    ],
    [
      { scope: 'session', period: 'month', usd: 1 },
      'b.period must be lifetime for a session budget, got "month"',
    ],
    [
      { scope: 'tenant', period: 'lifetime', usd: 1 },
      'b.period must be day or month for a tenant budget, got "lifetime"',
    ],
    [{ scope: 'account', id: 'x', period: 'day', usd: 1 }, 'b.id must be omitted for an account budget'],
    [
      { scope: 'tenant', id: '*', period: 'day', usd: 1 },
      'b.id must be a non-empty string of at most 256 characters',
    ],
    [{ scope: 'tenant', id: 'a\nb', period: 'day', usd: 1 }, 'b.id must not contain control characters'],
    [{ scope: 'user', period: 'day', usd: 0 }, 'b.usd must be a number > 0 and at most 1000000, got 0'],
    [{ scope: 'user', period: 'day', usd: 0.0000000001 }, 'b.usd must have at most 9 decimals'],
    [{ scope: 'user', period: 'day', usd: 1, mode: 'hard' }, 'b.mode must be enforce or alert, got "hard"'],
    [
      { scope: 'user', period: 'day', usd: 1, downgradeTo: 'claude-haiku-4-5' },
      'b.downgradeTo needs mode enforce',
    ],
    [{ scope: 'user', period: 'day', usd: 1, limit: 2 }, 'b.limit is not a budget field'],
  ])('refuses %j naming the field', (budget, message) => {
    // Act
    const problems = validateBudget(budget, 'b');

    // Assess
    expect(problems.join('; ')).toContain(message);
  });

  it('accepts every scope with its periods, and refuses the same budget twice', () => {
    // Prepare
    const budgets: BudgetConfig[] = [
      { scope: 'account', period: 'month', usd: 500 },
      {
        scope: 'tenant',
        id: 'acme',
        period: 'day',
        usd: 10,
        mode: 'enforce',
        downgradeTo: 'claude-haiku-4-5',
      },
      { scope: 'user', period: 'day', usd: 2.5 },
      { scope: 'session', period: 'lifetime', usd: 1, mode: 'enforce' },
      { scope: 'function', id: 'nightly-report', period: 'month', usd: 100, mode: 'alert' },
    ];

    // Act
    const valid = validateBudgets(budgets, 'budgets');
    const twice = validateBudgets([...budgets, { scope: 'user', period: 'day', usd: 3 }], 'budgets');

    // Assess
    expect(valid).toEqual([]);
    expect(twice).toEqual(['budgets[5] has the same scope, id and period as budgets[2]']);
  });

  it('applies, per scope and period, the budget naming the id over the one for every id', () => {
    // Prepare
    const budgets: BudgetConfig[] = [
      { scope: 'tenant', period: 'day', usd: 50 },
      { scope: 'tenant', id: 'acme', period: 'day', usd: 5 },
      { scope: 'tenant', period: 'month', usd: 500 },
      { scope: 'session', period: 'lifetime', usd: 1 },
      { scope: 'function', id: 'other-fn', period: 'day', usd: 1 },
    ];

    // Act
    const acme = applicableBudgets(budgets, { tenantId: 'acme', sessionId: 's-1', functionName: 'fn' });
    const none = applicableBudgets(budgets, {});

    // Assess
    expect(acme.map(({ budget, value }) => [budget.scope, budget.period, budget.usd, value])).toEqual([
      ['tenant', 'day', 5, 'acme'],
      ['tenant', 'month', 500, 'acme'],
      ['session', 'lifetime', 1, 's-1'],
    ]);
    expect(none).toEqual([]);
  });

  it('lets a run-time budget replace the deploy-time one with the same scope, id and period', () => {
    // Act
    const merged = mergeBudgets(
      [
        { scope: 'tenant', id: 'acme', period: 'day', usd: 5 },
        { scope: 'account', period: 'day', usd: 100 },
      ],
      [{ scope: 'tenant', id: 'acme', period: 'day', usd: 8, mode: 'enforce' }],
    );

    // Assess
    expect(merged).toEqual([
      { scope: 'tenant', id: 'acme', period: 'day', usd: 8, mode: 'enforce' },
      { scope: 'account', period: 'day', usd: 100 },
    ]);
  });

  it('has UTC windows that name the rollup bucket of the same span and when they reset', () => {
    // Prepare
    const at = new Date('2026-12-31T23:59:59.999Z');

    // Act
    const windows = [budgetWindow('day', at), budgetWindow('month', at), budgetWindow('lifetime', at)];

    // Assess
    expect(windows).toEqual([
      { bucket: '2026-12-31', start: '2026-12-31T00:00:00.000Z', resetsAt: '2027-01-01T00:00:00.000Z' },
      { bucket: '2026-12', start: '2026-12-01T00:00:00.000Z', resetsAt: '2027-01-01T00:00:00.000Z' },
      { bucket: 'total', start: null, resetsAt: null },
    ]);
  });
});
