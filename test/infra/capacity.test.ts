import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/repo-paths';
import { ClaudeMonitorStack } from '../../infra/stacks/claude-monitor-stack';
import { NO_BUNDLING, SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

const TABLE = 'AWS::DynamoDB::Table';
const TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';
const POLICY = 'AWS::ApplicationAutoScaling::ScalingPolicy';
const ESM = 'AWS::Lambda::EventSourceMapping';
const run = promisify(execFile);

describe('table capacity mode', () => {
  it('is on demand by default, with nothing to scale', SYNTH_TIMEOUT, () => {
    // Prepare
    const { template } = synthMonitorStack();
    // Act
    const targets = template.findResources(TARGET);
    // Assess
    template.hasResourceProperties(TABLE, { BillingMode: 'PAY_PER_REQUEST' });
    expect(Object.keys(targets)).toHaveLength(0);
  });

  it(
    'provisions table and indexes at the floor and scales every capacity on utilization',
    SYNTH_TIMEOUT,
    () => {
      // Prepare
      const capacity = {
        mode: 'provisioned',
        minWriteUnits: 10,
        maxWriteUnits: 400,
        minReadUnits: 3,
        maxReadUnits: 50,
        targetUtilizationPercent: 60,
      } as const;
      // Act
      const { template } = synthMonitorStack({ capacity });
      // Assess
      const floor = { ReadCapacityUnits: 3, WriteCapacityUnits: 10 };
      template.hasResourceProperties(TABLE, {
        BillingMode: Match.absent(),
        ProvisionedThroughput: floor,
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'byDimensionKeys', ProvisionedThroughput: floor }),
        ],
      });
      const targets = Object.values(template.findResources(TARGET)).map(
        (target) =>
          target.Properties as { ScalableDimension: string; MinCapacity: number; MaxCapacity: number },
      );
      const writes = targets.filter((t) => t.ScalableDimension.endsWith('WriteCapacityUnits'));
      const reads = targets.filter((t) => t.ScalableDimension.endsWith('ReadCapacityUnits'));
      // The table and its index, each for reads and writes.
      expect(writes).toHaveLength(2);
      expect(reads).toHaveLength(2);
      for (const t of writes) expect([t.MinCapacity, t.MaxCapacity]).toEqual([10, 400]);
      for (const t of reads) expect([t.MinCapacity, t.MaxCapacity]).toEqual([3, 50]);
      const policies = Object.values(template.findResources(POLICY));
      expect(policies).toHaveLength(4);
      for (const policy of policies) {
        expect(policy.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(60);
      }
    },
  );

  it('fills the provisioned limits left out with the documented defaults', SYNTH_TIMEOUT, () => {
    // Prepare
    const capacity = { mode: 'provisioned' } as const;
    // Act
    const { template } = synthMonitorStack({ capacity });
    // Assess
    template.hasResourceProperties(TABLE, {
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    template.hasResourceProperties(TARGET, {
      ScalableDimension: 'dynamodb:table:WriteCapacityUnits',
      MinCapacity: 5,
      MaxCapacity: 1000,
    });
    template.hasResourceProperties(POLICY, {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 70 }),
    });
  });

  it('passes cdk-nag with provisioned capacity', SYNTH_TIMEOUT, () => {
    // Prepare
    const app = new App({ context: NO_BUNDLING });
    new ClaudeMonitorStack(app, 'NagProvisioned', { monitor: { capacity: { mode: 'provisioned' } } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Act
    app.synth();
    // Assess
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')?.violations).toEqual(
      [],
    );
  });
});

describe('aggregator parallelization factor', () => {
  it('is 1 by default and takes the configured factor', SYNTH_TIMEOUT, () => {
    // Prepare
    const { template: defaults } = synthMonitorStack();
    // Act
    const { template: ten } = synthMonitorStack({ aggregator: { parallelizationFactor: 10 } });
    // Assess
    defaults.hasResourceProperties(ESM, { ParallelizationFactor: 1 });
    ten.hasResourceProperties(ESM, { ParallelizationFactor: 10 });
  });
});

describe('cdk synth with invalid capacity and parallelization settings', () => {
  it('stops with errors naming each prop', { timeout: 300_000 }, async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'monitor-capacity-'));
    const config = {
      stackName: 'CapacityCheck',
      aggregator: { parallelizationFactor: 11 },
      capacity: { mode: 'provisioned', minWriteUnits: 50, maxWriteUnits: 10, targetUtilizationPercent: 95 },
    };
    const args = ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir];
    args.push('--context', `claudeMonitor=${JSON.stringify(config)}`);
    // Act
    let stderr = '';
    try {
      await run('npx', args, { cwd: REPO_ROOT, timeout: 280_000, env: { ...process.env, AWS_PROFILE: '' } });
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    // Assess
    expect(stderr).toContain('aggregator.parallelizationFactor must be a whole number from 1 to 10, got 11');
    expect(stderr).toContain(
      'capacity.targetUtilizationPercent must be a whole number from 20 to 90, got 95',
    );
    expect(stderr).toContain('capacity.minWriteUnits (50) must not exceed capacity.maxWriteUnits (10)');
  });
});
