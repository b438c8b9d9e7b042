import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ClaudeMonitor } from '../../infra/constructs/claude-monitor';
import type { ClaudeMonitorProps } from '../../infra/constructs/claude-monitor-props';
import { InvalidClaudeMonitorPropsError } from '../../infra/constructs/errors';
import { NO_BUNDLING } from './support/synth-stack';

const build = (props: ClaudeMonitorProps) => () =>
  new ClaudeMonitor(new Stack(new App({ context: NO_BUNDLING }), 'Props'), 'Monitor', props);

describe('ClaudeMonitor props validation', () => {
  it.each([
    [
      { alertEmails: ['ops@example.com', 'not-an-email'] },
      'alertEmails[1] must be an email address, got "not-an-email"',
    ],
    [{ alerts: { sessionCostUsd: -1 } }, 'alerts.sessionCostUsd must be a number >= 0, got -1'],
    [
      { budgets: [{ scope: 'account', period: 'day', usd: -5 }] },
      'budgets[0].usd must be a number > 0 and at most 1000000, got -5',
    ],
    [
      { budgets: [{ scope: 'session', period: 'day', usd: 5, mode: 'enforce' }] },
      'budgets[0].period must be lifetime for a session budget, got "day"',
    ],
    [
      {
        budgets: [
          { scope: 'tenant', id: 'acme', period: 'day', usd: 5, mode: 'enforce', downgradeTo: 'gpt-4' },
        ],
      },
      'budgets[0].downgradeTo must be an Anthropic model id in the price table, got "gpt-4"',
    ],
    [
      { budgets: [{ scope: 'tenant', period: 'day', usd: 5, mode: 'block' as 'enforce' }] },
      'budgets[0].mode must be enforce or alert, got "block"',
    ],
    [
      { budgetEnforcement: { onUnavailable: 'maybe' as 'open' } },
      'budgetEnforcement.onUnavailable must be open or closed',
    ],
    [
      { budgetEnforcement: { timeoutMs: 5 } },
      'budgetEnforcement.timeoutMs must be a whole number of milliseconds',
    ],
    [{ retentionDays: 0 }, 'retentionDays must be a whole number of days from 1 to 3650, got 0'],
    [{ retentionDays: 2.5 }, 'retentionDays must be a whole number of days from 1 to 3650, got 2.5'],
    [{ alertWebhooks: ['http://hooks.example.com/x'] }, 'alertWebhooks[0] must use https'],
    [{ stageName: 'Prod Stage' }, 'stageName must be 1-20 lower-case letters'],
    [{ dashboardOrigin: 'https://dash.example.com/path' }, 'dashboardOrigin must be an origin only'],
    [{ aggregator: { batchSize: 20_000 } }, 'aggregator.batchSize must be a whole number from 1 to 10000'],
    [
      { aggregator: { parallelizationFactor: 0 } },
      'aggregator.parallelizationFactor must be a whole number from 1 to 10, got 0',
    ],
    [
      { capacity: { mode: 'reserved' as never } },
      'capacity.mode must be "onDemand" or "provisioned", got "reserved"',
    ],
    [{ capacity: { minWriteUnits: 5 } }, 'capacity.minWriteUnits needs capacity.mode "provisioned"'],
    [
      { capacity: { mode: 'provisioned', maxReadUnits: 50_000 } },
      'capacity.maxReadUnits must be a whole number from 1 to 40000, got 50000',
    ],
    [
      { capacity: { mode: 'provisioned', minReadUnits: 20, maxReadUnits: 10 } },
      'capacity.minReadUnits (20) must not exceed capacity.maxReadUnits (10)',
    ],
  ] satisfies [ClaudeMonitorProps, string][])('rejects %j naming the prop', (props, message) => {
    // Prepare: the invalid props of this case
    // Act
    const act = build(props);
    // Assess
    expect(act).toThrow(InvalidClaudeMonitorPropsError);
    expect(act).toThrow(message);
  });

  it('lists every problem at once', () => {
    // Prepare
    const props: ClaudeMonitorProps = { alertEmails: ['x'], retentionDays: -1 };
    // Act
    let error: unknown;
    try {
      build(props)();
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(InvalidClaudeMonitorPropsError);
    expect((error as InvalidClaudeMonitorPropsError).problems).toHaveLength(2);
  });

  it('accepts valid props', () => {
    // Prepare
    const props: ClaudeMonitorProps = {
      stageName: 'dev',
      alertEmails: ['ops@example.com'],
      alertWebhooks: ['https://hooks.example.com/claude'],
      alerts: { sessionCostUsd: 0 },
      budgets: [
        { scope: 'tenant', id: 'acme', period: 'month', usd: 100 },
        { scope: 'session', period: 'lifetime', usd: 2, mode: 'enforce', downgradeTo: 'claude-haiku-4-5' },
      ],
      budgetEnforcement: { onUnavailable: 'closed', timeoutMs: 500 },
      retentionDays: 30,
      dashboardOrigin: 'https://dash.example.com',
    };
    // Act
    const act = build(props);
    // Assess
    expect(act).not.toThrow();
  });
});
