import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../functions/aggregator/alerts/alert';
import {
  cleanSubject,
  formatAlert,
  MAX_SUBJECT_LENGTH,
  payloadOf,
} from '../../../functions/aggregator/alerts/message';

const sessionAlert: Alert = {
  rule: 'session-cost',
  scope: 'session:abc',
  window: 'total',
  step: '10',
  value: 12_345_000_000,
  threshold: 10_000_000_000,
  unit: 'nanoUsd',
  time: '2026-11-29T10:30:00.000Z',
};

describe('alert messages', () => {
  it('has the subject, attributes and a JSON payload at the end of the body', () => {
    // Prepare
    const alert = sessionAlert;

    // Act
    const message = formatAlert(alert);

    // Assess
    expect(message.subject).toBe('Claude spend: session abc exceeded $10.00');
    expect(message.attributes).toEqual({
      rule: 'session-cost',
      scope: 'session:abc',
      value: '12.345',
      threshold: '10',
      window: 'total',
      severity: 'warning',
    });
    expect(message.body).toContain('Value:     $12.35');
    expect(payloadOf(message.body)).toEqual({
      rule: 'session-cost',
      scope: 'session:abc',
      value: 12_345_000_000,
      threshold: 10_000_000_000,
      unit: 'nanoUsd',
      window: 'total',
      step: '10',
      time: '2026-11-29T10:30:00.000Z',
      severity: 'warning',
      valueUsd: 12.345,
      thresholdUsd: 10,
    });
  });

  it('keeps subjects within the SNS limit and printable', () => {
    // Prepare
    const alert = { ...sessionAlert, scope: `session:${'é'.repeat(150)}` };

    // Act
    const { subject } = formatAlert(alert);

    // Assess
    expect(subject.length).toBe(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
    expect(cleanSubject('line\nbreak')).toBe('line?break');
  });

  it('words counts without dollars', () => {
    // Prepare
    const alert: Alert = {
      ...sessionAlert,
      rule: 'consecutive-errors',
      scope: 'model:claude-m',
      value: 5,
      threshold: 5,
      unit: 'count',
      step: '5',
    };

    // Act
    const message = formatAlert(alert);

    // Assess
    expect(message.subject).toBe('Claude errors: 5 consecutive failed calls in model claude-m');
    expect(message.attributes.value).toBe('5');
    expect(message.body).toContain('Threshold: 5');
  });

  it('routes by the scope and the context: tenant, user, function and model attributes, and a severity', () => {
    // Prepare
    const session: Alert = { ...sessionAlert, context: { tenantId: 'acme', userId: 'ann' } };
    const modelStreak: Alert = {
      ...sessionAlert,
      rule: 'consecutive-errors',
      scope: 'model:claude-m',
      unit: 'count',
    };
    const budget = (percent: number): Alert => ({
      ...sessionAlert,
      rule: 'budget',
      scope: 'tenant:acme',
      window: '2026-11',
      step: String(percent),
      budget: { period: 'month', percent, amountNanoUsd: 100_000_000_000 },
    });

    // Act
    const sessionAttributes = formatAlert(session).attributes;
    const streakAttributes = formatAlert(modelStreak).attributes;
    const severities = [50, 80, 100].map((percent) => formatAlert(budget(percent)).attributes.severity);

    // Assess
    expect(sessionAttributes).toMatchObject({ tenant: 'acme', user: 'ann', severity: 'warning' });
    expect(sessionAttributes).not.toHaveProperty('function');
    expect(streakAttributes).toMatchObject({ model: 'claude-m', severity: 'critical' });
    expect(streakAttributes).not.toHaveProperty('tenant');
    expect(Object.keys(sessionAttributes).length).toBeLessThanOrEqual(10);
    expect(severities).toEqual(['info', 'warning', 'critical']);
  });
});
