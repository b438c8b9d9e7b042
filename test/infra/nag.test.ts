import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ClaudeMonitorStack } from '../../infra/stacks/claude-monitor-stack';
import { NO_BUNDLING, SYNTH_TIMEOUT } from './support/synth-stack';

interface Report {
  pluginReports: {
    pluginName: string;
    violations: unknown[];
    suppressedViolations?: { ruleName: string; reason: string }[];
  }[];
}

describe('cdk-nag AwsSolutions', () => {
  it(
    'leaves no unacknowledged error or warning, and every acknowledgement gives its reason',
    SYNTH_TIMEOUT,
    () => {
      // Prepare
      const app = new App({ context: NO_BUNDLING });
      new ClaudeMonitorStack(app, 'NagMonitor', {
        monitor: {
          alertEmails: ['ops@example.com', { address: 'finance@example.com', filter: { rules: ['budget'] } }],
          alertWebhooks: ['https://hooks.example.com/claude'],
          alertChannels: [
            { name: 'ops', type: 'slack', secret: 'claude-monitor/ops-slack', filter: { tenants: ['acme'] } },
            {
              name: 'siem',
              type: 'webhook',
              secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:siem-AbCdEf',
              digest: { belowSeverity: 'critical' },
            },
          ],
        },
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      // Act
      let failure: unknown;
      try {
        app.synth();
      } catch (error) {
        failure = error;
      }
      // Assess
      expect(failure).toBeUndefined();
      const report: Report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
      const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
      expect(nag?.violations).toEqual([]);
      for (const acknowledged of nag?.suppressedViolations ?? [])
        expect(acknowledged.reason.length).toBeGreaterThan(30);
    },
  );
});
