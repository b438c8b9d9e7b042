import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { copyFolder } from '../../../layers/claude-monitor/scripts/copy-folder';
import {
  copyPackageClosure,
  PackageClosureError,
} from '../../../layers/claude-monitor/scripts/package-closure';
import { createTempDir, type TempDir, writeFileTree } from '../../helpers/lambda/fixture-dirs';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { LAMBDA_RUNTIMES, type LambdaFunction } from '../../helpers/lambda/types';
import { REPO_ROOT } from '../../helpers/local-stack-process';
import { fixturePath, payloadOf } from './fixtures';

const OLD_SDK = join(REPO_ROOT, 'node_modules', 'anthropic-sdk-0-30');
const versionAt = (packageDir: string): string =>
  (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;

const tempDirs: TempDir[] = [];
const temp = (prefix: string): string => {
  const dir = createTempDir(prefix);
  tempDirs.push(dir);
  return dir.path;
};

afterEach(() => {
  for (const dir of tempDirs.splice(0)) dir.remove();
});

describe('copyPackageClosure', () => {
  it('copies a package under its alias with the nested and hoisted versions Node would load', () => {
    // Prepare
    const nodeModules = join(temp('closure-'), 'node_modules');
    // Act
    const copied = copyPackageClosure(OLD_SDK, nodeModules, { as: '@anthropic-ai/sdk' });
    // Assess: the SDK's own @types/node 18 stays nested; the repository's top-level 20 is not taken
    const sdk = join(nodeModules, '@anthropic-ai', 'sdk');
    expect(versionAt(sdk)).toBe('0.30.1');
    expect(versionAt(join(sdk, 'node_modules', '@types', 'node'))).toMatch(/^18\./);
    expect(copied).toContain(join(nodeModules, 'node-fetch'));
    const fromSdk = createRequire(join(sdk, 'index.js'));
    expect(fromSdk.resolve('node-fetch').startsWith(`${nodeModules}/node-fetch/`)).toBe(true);
    expect(existsSync(join(nodeModules, 'vitest'))).toBe(false);
    expect(existsSync(join(sdk, 'node_modules', 'undici-types'))).toBe(true);
  });

  it('refuses to put a different package where another one was copied', () => {
    // Prepare
    const nodeModules = join(temp('closure-conflict-'), 'node_modules');
    copyPackageClosure(OLD_SDK, nodeModules, { as: '@anthropic-ai/sdk' });
    // Act
    const again = () =>
      copyPackageClosure(join(REPO_ROOT, 'node_modules', '@anthropic-ai', 'sdk'), nodeModules);
    // Assess
    expect(again).toThrow(PackageClosureError);
    expect(again).toThrow(/already exists and is not a copy of/);
  });

  it('names a required dependency that is not installed', () => {
    // Prepare
    const source = temp('closure-missing-');
    writeFileTree(source, {
      'package.json': JSON.stringify({
        name: 'needs-missing',
        dependencies: { 'not-installed-anywhere': '1.0.0' },
      }),
    });
    // Act
    const copy = () => copyPackageClosure(source, join(temp('closure-target-'), 'node_modules'));
    // Assess
    expect(copy).toThrow(/not-installed-anywhere, needed by .*, is not installed/);
  });

  it('hard-links on request, and places nothing but the packages of the closure', () => {
    // Prepare: util-dynamodb brings the DynamoDB client (its peer) and that client's whole closure
    const source = join(REPO_ROOT, 'node_modules', '@aws-sdk', 'util-dynamodb');
    const nodeModules = join(temp('closure-util-'), 'node_modules');
    // Act
    const copied = copyPackageClosure(source, nodeModules, { link: true });
    // Assess
    const manifest = join(nodeModules, '@aws-sdk', 'util-dynamodb', 'package.json');
    expect(statSync(manifest).ino).toBe(statSync(join(source, 'package.json')).ino);
    expect(copied).toContain(join(nodeModules, '@aws-sdk', 'client-dynamodb'));
    for (const dir of copied) expect(existsSync(join(dir, 'package.json'))).toBe(true);
    expect(readdirSync(nodeModules).sort()).toEqual(
      [...new Set(copied.map((dir) => dir.slice(nodeModules.length + 1).split('/')[0]))].sort(),
    );
  });
});

describeWithLambda('a function bundling an old Anthropic SDK', () => {
  let stub: AnthropicStub | undefined;
  let fn: LambdaFunction | undefined;

  afterEach(async () => {
    await fn?.kill();
    await stub?.close();
  });

  it.each(LAMBDA_RUNTIMES)(
    'calls Claude with SDK 0.30.1 from its own node_modules on %s',
    async (runtime) => {
      // Prepare
      stub = await startAnthropicStub();
      const taskDir = temp('old-sdk-task-');
      copyFolder(fixturePath('functions', 'old-sdk'), taskDir);
      copyPackageClosure(OLD_SDK, join(taskDir, 'node_modules'), { as: '@anthropic-ai/sdk' });
      fn = await startLambdaFunction({ runtime, taskDir, handler: 'index.handler' });
      // Act
      const payload = payloadOf(await fn.invoke({ baseURL: stub.url }));
      // Assess: the stub saw the old SDK's own request headers
      expect(payload.text).toBe('Hello from the stub.');
      expect(stub.requests).toHaveLength(1);
      expect(stub.requests[0]?.headers['x-stainless-package-version']).toBe('0.30.1');
    },
  );
});
