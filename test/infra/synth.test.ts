import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/repo-paths';
import { httpApiEvent } from '../helpers/api-event';

const run = promisify(execFile);
const STACK = 'SynthCheck';

type Resource = { Type: string; Metadata?: Record<string, string> };

/** The environment without any AWS credentials or profile, so nothing can reach an account. */
const offlineEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
};

const dashboardEvent = (rawPath: string, token: string): APIGatewayProxyEventV2 =>
  httpApiEvent(rawPath, '', { authorization: `Bearer ${token}` });

describe('cdk synth', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'monitor-synth-'));
  let apiAsset: string | undefined;
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('builds the layer and the bundles offline, with no AWS credentials', { timeout: 300_000 }, async () => {
    // Prepare
    const args = ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir];
    args.push('--context', `claudeMonitor=${JSON.stringify({ stackName: STACK })}`);
    // Act
    await run('npx', args, { cwd: REPO_ROOT, env: offlineEnv(), timeout: 280_000 });
    // Assess
    const template = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'));
    const resources = Object.values(template.Resources) as Resource[];
    const assetOf = (type: string, pick = (_: Resource) => true): string => {
      const resource = resources.find((candidate) => candidate.Type === type && pick(candidate));
      return join(outdir, resource?.Metadata?.['aws:asset:path'] ?? 'missing');
    };
    const layerAsset = assetOf('AWS::Lambda::LayerVersion');
    expect(existsSync(join(layerAsset, 'nodejs/node_modules/claude-monitor/package.json'))).toBe(true);
    const apiAssets = resources
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => join(outdir, resource.Metadata?.['aws:asset:path'] ?? 'missing'))
      .filter((dir) => existsSync(join(dir, 'index.html')));
    expect(apiAssets).toHaveLength(1);
    for (const file of ['index.mjs', 'dashboard.js', 'reconciliation.js', 'dashboard.css', 'chart.umd.js']) {
      expect(existsSync(join(apiAssets[0]!, file))).toBe(true);
    }
    apiAsset = apiAssets[0];
  });

  it('serves the dashboard from the API bundle as deployed', async () => {
    // Prepare: the bundle reads its configuration at cold start, as in Lambda.
    if (!apiAsset) throw new Error('the synth test did not produce the API bundle');
    Object.assign(process.env, {
      CLAUDE_MONITOR_TABLE: 'bundle-check',
      CLAUDE_MONITOR_API_TOKEN: 'bundle-token',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { handler } = (await import(pathToFileURL(join(apiAsset, 'index.mjs')).href)) as {
      handler: (
        event: APIGatewayProxyEventV2,
        context: unknown,
      ) => Promise<APIGatewayProxyStructuredResultV2>;
    };

    // Act
    const page = await handler(dashboardEvent('/dashboard/claude-monitoring/', 'bundle-token'), {});
    const chart = await handler(
      dashboardEvent('/dashboard/claude-monitoring/chart.umd.js', 'bundle-token'),
      {},
    );
    const refused = await handler(dashboardEvent('/dashboard/claude-monitoring/', 'wrong'), {});

    // Assess
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<canvas id="chart-cost"');
    expect(chart.statusCode).toBe(200);
    expect(chart.body?.length).toBe(readFileSync(join(apiAsset, 'chart.umd.js'), 'utf8').length);
    expect(refused.statusCode).toBe(401);
  });
});
