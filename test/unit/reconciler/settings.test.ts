import { PRICE_TABLE } from 'claude-monitor/pricing';
import { describe, expect, it } from 'vitest';
import { kindOfUsageType, modelOfService } from '../../../functions/reconciler/bedrock/service-names';
import {
  readReconciliationConfig,
  resolveReconciliationConfig,
  validateReconciliationSettings,
} from '../../../functions/reconciler/config';
import { daysToReconcile } from '../../../functions/reconciler/days';

describe('reconciliation settings', () => {
  it('defaults to 3 days, 1% or $1, the analytics API, every key monitored and Bedrock off', () => {
    // Act
    const config = resolveReconciliationConfig();

    // Assess
    expect(config).toEqual({
      lookbackDays: 3,
      differencePercent: 1,
      differenceUsd: 1,
      unmonitoredAlerts: true,
      anthropic: { reportApi: 'analytics', monitoredApiKeyIds: [], monitoredWorkspaceIds: [] },
      bedrock: { enabled: false },
    });
  });

  it('names every bad setting', () => {
    // Act
    const problems = validateReconciliationSettings({
      lookbackDays: 0,
      differencePercent: -1,
      diferenceUsd: 2,
      anthropic: { reportApi: 'usage-cost', monitoredApiKeyIds: ['sk-ant-api03-secret'] },
      bedrock: { enabled: 'yes' },
    });

    // Assess
    expect(problems).toEqual([
      'reconciliation.diferenceUsd is not a known setting (expected lookbackDays, differencePercent, differenceUsd, unmonitoredAlerts, anthropic, bedrock)',
      'reconciliation.lookbackDays must be a whole number from 1 to 31, got 0',
      'reconciliation.differencePercent must be a number from 0 to 100, got -1',
      'reconciliation.anthropic.monitoredApiKeyIds[0] must be an id starting with apikey_, got "sk-ant-api03-secret"',
      'reconciliation.anthropic.monitoredApiKeyIds needs reportApi analytics: the legacy cost report has no API-key dimension (use monitoredWorkspaceIds)',
      'reconciliation.bedrock.enabled must be true or false',
    ]);
  });

  it('fails at cold start on a bad environment value, naming the variable', () => {
    // Act
    const read = () => readReconciliationConfig({ CLAUDE_MONITOR_RECONCILIATION: '{"lookbackDays":99}' });

    // Assess
    expect(read).toThrow(/^CLAUDE_MONITOR_RECONCILIATION: invalid reconciliation settings: .*lookbackDays/);
  });
});

describe('daysToReconcile', () => {
  const now = new Date('2026-11-21T06:15:00Z');

  it('takes the last complete days up to yesterday by default', () => {
    // Act
    const days = daysToReconcile({}, now, 3);

    // Assess
    expect(days).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
  });

  it('takes a named range, today included, and refuses what cannot be reconciled', () => {
    // Act
    const today = daysToReconcile({ from: '2026-11-21', to: '2026-11-21' }, now, 3);

    // Assess
    expect(today).toEqual(['2026-11-21']);
    expect(() => daysToReconcile({ to: '2026-11-22' }, now, 3)).toThrow(
      'to must not be after today (2026-11-21)',
    );
    expect(() => daysToReconcile({ from: '2026-10-01', to: '2026-11-20' }, now, 3)).toThrow(
      'a run reconciles at most 31 days, asked for 51',
    );
    expect(() => daysToReconcile({ from: '2026-02-30' }, now, 3)).toThrow(
      'from must be a UTC day YYYY-MM-DD',
    );
  });
});

describe('Bedrock names in Cost Explorer', () => {
  it.each([
    ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'claude-sonnet-4-5-20250929'],
    ['Claude 3.5 Sonnet v2 (Amazon Bedrock Edition)', 'claude-3-5-sonnet-20241022'],
    ['Claude 3.5 Sonnet (Amazon Bedrock Edition)', 'claude-3-5-sonnet-20240620'],
    ['Claude 3 Haiku (Amazon Bedrock Edition)', 'claude-3-haiku-20240307'],
    ['Claude Mythos 5.1 (Amazon Bedrock Edition)', 'claude-mythos-5-1'],
    ['Claude Instant (Amazon Bedrock Edition)', 'Claude Instant'],
  ])('maps the service %s to %s', (service, model) => {
    // Act
    const mapped = modelOfService(service, PRICE_TABLE);

    // Assess
    expect(mapped).toBe(model);
  });

  it.each([
    ['USE1-MP:USE1_InputTokenCount-Units', 'uncached_input'],
    ['USE1-MP:USE1_InputTokenCount_Global-Units', 'uncached_input'],
    ['USE1-MP:USE1_OutputTokenCount-Units', 'output'],
    ['USE1-MP:USE1_CacheReadInputTokenCount-Units', 'cache_read'],
    ['USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units', 'cache_write'],
    ['USE1_input_tokens_global_standard-Units', 'uncached_input'],
    ['EUC1-claude-cache-write-input-token-count', 'cache_write'],
    ['USE1-MP:USE1_ProvisionedThroughput-Hours', 'other'],
  ])('reads the usage type %s as %s', (usageType, kind) => {
    // Act
    const read = kindOfUsageType(usageType);

    // Assess
    expect(read).toBe(kind);
  });
});
