import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, alertId } from '../../../functions/aggregator/alerts/alert';
import {
  budgetAlert,
  type NotifierHarness,
  sessionAlert,
  startNotifierHarness,
  streakAlert,
} from './harness';

describe('notifier: routing by SNS filter policies', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([
      { name: 'acme', type: 'slack', filter: { tenants: ['acme'] } },
      { name: 'finance', type: 'teams', filter: { rules: ['budget'] } },
      { name: 'oncall', type: 'webhook', filter: { severities: ['critical'] } },
      { name: 'acme-budgets', type: 'webhook', filter: { tenants: ['acme'], rules: ['budget'] } },
      { name: 'everything', type: 'slack' },
    ]);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('delivers each alert to the channels whose filter matches it, and to no other', async () => {
    // Prepare
    const alerts: Record<string, Alert> = {
      acmeSession: sessionAlert('acme-chat', 'acme'),
      globexSession: sessionAlert('globex-chat', 'globex'),
      acmeBudget80: budgetAlert('acme', 80),
      globexBudget100: budgetAlert('globex', 100),
      streak: streakAlert('nightly-report'),
    };
    for (const alert of Object.values(alerts)) await h.publish(alert);

    // Act
    for (const channel of h.channels) await h.drain(channel.name);

    // Assess
    const subjectsOf = (name: string) =>
      h.receivers
        .requests(h.pathOf(name))
        .map((request) => request.body)
        .flatMap((body) =>
          Object.entries(alerts)
            .filter(([, alert]) => body.includes(alertId(alert)))
            .map(([key]) => key),
        )
        .sort();
    expect(subjectsOf('acme')).toEqual(['acmeBudget80', 'acmeSession']);
    expect(subjectsOf('finance')).toEqual(['acmeBudget80', 'globexBudget100']);
    expect(subjectsOf('oncall')).toEqual(['globexBudget100', 'streak']);
    expect(subjectsOf('acme-budgets')).toEqual(['acmeBudget80']);
    expect(subjectsOf('everything')).toEqual(Object.keys(alerts).sort());
  });
});
