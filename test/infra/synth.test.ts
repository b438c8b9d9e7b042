import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/repo-paths';

const run = promisify(execFile);
const STACK = 'SynthCheck';

type Resource = { Type: string; Metadata?: Record<string, string> };

/** The environment without any AWS credentials or profile, so nothing can reach an account. */
const offlineEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
};

describe('cdk synth', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'monitor-synth-'));
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
    for (const file of ['index.mjs', 'dashboard.js', 'dashboard.css', 'chart.umd.js']) {
      expect(existsSync(join(apiAssets[0]!, file))).toBe(true);
    }
  });
});
