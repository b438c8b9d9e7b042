import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { MonitorConfigError } from '../../infra/config/errors';
import { readConfigContext, readConfigFile, resolveConfig } from '../../infra/config/load-config';

describe('deployment configuration', () => {
  it('maps the JSON config to stack name and props', () => {
    // Prepare
    const file = {
      stageName: 'dev',
      alertEmails: ['ops@example.com'],
      removalPolicy: 'destroy',
      logRetentionDays: 7,
    };
    // Act
    const { stackName, props } = resolveConfig(file);
    // Assess
    expect(stackName).toBe('ClaudeMonitor-dev');
    expect(props).toEqual({
      stageName: 'dev',
      alertEmails: ['ops@example.com'],
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
    });
  });

  it('lets the CDK context override the file key by key', () => {
    // Prepare
    const file = { stageName: 'dev', retentionDays: 30 };
    const context = readConfigContext('{"stageName":"staging"}', 'claudeMonitor');
    // Act
    const { props } = resolveConfig(file, context);
    // Assess
    expect(props).toEqual({ stageName: 'staging', retentionDays: 30 });
  });

  it('reads no file as an empty config', () => {
    // Prepare
    const missing = join(mkdtempSync(join(tmpdir(), 'monitor-config-')), 'absent.json');
    // Act
    const config = readConfigFile(missing);
    // Assess
    expect(config).toEqual({});
  });

  it('rejects a config file that is not JSON, naming the file', () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'monitor-config-')), 'claude-monitor.config.json');
    writeFileSync(path, '{ stageName: dev }');
    // Act
    const act = () => readConfigFile(path);
    // Assess
    expect(act).toThrow(MonitorConfigError);
    expect(act).toThrow(`${path} is not valid JSON`);
  });

  it('rejects an unknown removal policy and a log retention CloudWatch does not offer', () => {
    // Prepare
    const badPolicy = { removalPolicy: 'snapshot' };
    const badRetention = { logRetentionDays: 8 };
    // Act
    const actPolicy = () => resolveConfig(badPolicy);
    const actRetention = () => resolveConfig(badRetention);
    // Assess
    expect(actPolicy).toThrow('removalPolicy must be "retain" or "destroy", got "snapshot"');
    expect(actRetention).toThrow('logRetentionDays must be one of');
  });

  it('refuses an unknown key, naming it and the key that was probably meant', () => {
    // Prepare
    const misspelt = { alertEmail: ['ops@example.com'] };
    const nested = { alerts: { budgetStep: [50] } };
    const moved = { alerts: { budgets: [{ scope: 'account', period: 'month', usd: 5 }] } };
    // Act
    const actMisspelt = () => resolveConfig(misspelt);
    const actNested = () => resolveConfig(nested);
    const actMoved = () => resolveConfig(moved);
    // Assess
    expect(actMisspelt).toThrow(MonitorConfigError);
    expect(actMisspelt).toThrow('alertEmail is not a configuration key (did you mean alertEmails?)');
    expect(actNested).toThrow(
      'alerts.budgetStep is not a configuration key (did you mean alerts.budgetSteps?)',
    );
    expect(actMoved).toThrow(
      'alerts.budgets moved to budgets (each budget now also has a mode: enforce or alert)',
    );
  });

  it('refuses a value of the wrong type with a message, not a TypeError', () => {
    // Prepare
    const configs = [
      { alertEmails: 'ops@example.com' },
      { retentionDays: '30' },
      { aggregator: { batchSize: true } },
      { budgets: [{ scope: 'account', period: 'month', usd: '5' }] },
      { aggregator: [] },
    ];
    // Act
    const messages = configs.map((config) => {
      try {
        resolveConfig(config);
        return 'accepted';
      } catch (error) {
        return error instanceof MonitorConfigError ? error.message : `other: ${String(error)}`;
      }
    });
    // Assess
    expect(messages).toEqual([
      'invalid claudeMonitor configuration: alertEmails must be a list of strings or objects, got string "ops@example.com"',
      'invalid claudeMonitor configuration: retentionDays must be a number, got string "30"',
      'invalid claudeMonitor configuration: aggregator.batchSize must be a number, got boolean true',
      'invalid claudeMonitor configuration: budgets[0].usd must be a number, got string "5"',
      'invalid claudeMonitor configuration: aggregator must be an object, got a list',
    ]);
  });

  it('accepts email subscriptions with filters and chat channels, and checks their keys', () => {
    // Prepare
    const good = {
      alertEmails: ['ops@example.com', { address: 'finance@example.com', filter: { rules: ['budget'] } }],
      alertChannels: [{ name: 'acme', type: 'slack', secret: 'acme-slack', filter: { tenants: ['acme'] } }],
    };
    const bad = { alertEmails: [{ adress: 'x@example.com' }, 7] };
    // Act
    const act = () => resolveConfig(bad);
    // Assess
    expect(resolveConfig(good).props.alertChannels).toHaveLength(1);
    expect(act).toThrow(
      'alertEmails[0].adress is not a configuration key (did you mean alertEmails[0].address?); known keys: address, filter; alertEmails[1] must be a string or an object, got number 7',
    );
  });

  it('accepts the reconciliation settings and refuses a misspelt one inside them', () => {
    // Prepare
    const good = {
      reconciliation: {
        schedule: 'cron(0 7 * * ? *)',
        differenceUsd: 5,
        anthropic: { monitoredApiKeyIds: ['apikey_01'] },
        bedrock: { enabled: true },
      },
    };
    const bad = { reconciliation: { bedrock: { enable: true } } };
    // Act
    const act = () => resolveConfig(bad);
    // Assess
    expect(resolveConfig(good).props.reconciliation).toEqual(good.reconciliation);
    expect(act).toThrow(
      'reconciliation.bedrock.enable is not a configuration key (did you mean reconciliation.bedrock.enabled?)',
    );
  });

  it('accepts the capacity mode and the parallelization factor', () => {
    // Prepare
    const file = {
      capacity: { mode: 'provisioned', minWriteUnits: 10, maxWriteUnits: 200 },
      aggregator: { parallelizationFactor: 4 },
    };
    // Act
    const { props } = resolveConfig(file);
    // Assess
    expect(props.capacity).toEqual(file.capacity);
    expect(props.aggregator).toEqual(file.aggregator);
  });

  it('lists every problem at once', () => {
    // Prepare
    const config = { stageNme: 'dev', alertWebhooks: [1], logRetentionDays: 7 };
    // Act
    const act = () => resolveConfig(config);
    // Assess
    expect(act).toThrow(
      /stageNme is not a configuration key.*; alertWebhooks\[0\] must be a string, got number 1$/,
    );
  });
});
