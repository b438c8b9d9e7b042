/**
 * What every execution environment of this test process shares, built once and removed at exit:
 * - one `/var/runtime` folder per runtime: the bootstrap and runtime code of ./runtime, and a
 *   `runtime-release` naming the runtime;
 * - the `/var/runtime/node_modules` of both: the AWS SDK v3 packages the runtime provides with their dependency
 *   closure, hard-linked from the repository's node_modules (the slow part, so it is built once) — and nothing
 *   else, so that e.g. `@anthropic-ai/sdk` is not resolvable from there;
 * - the `/var/lang` folder with its `bin/node` mount target, and an empty `/opt` for functions without layer.
 */
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFolder } from '../../../layers/claude-monitor/scripts/copy-folder';
import { copyPackageClosure } from '../../../layers/claude-monitor/scripts/package-closure';
import { REPO_ROOT } from '../local-stack-process';
import { createOwnedTempDir, onProcessEnd, removeInBackground } from './process-cleanup';
import type { LambdaRuntime } from './types';

/** The SDK packages found in `/var/runtime/node_modules` (the managed runtime provides the whole SDK v3). */
export const RUNTIME_PROVIDED_PACKAGES = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-sdk/client-bedrock-runtime',
] as const;

const RUNTIME_SOURCE = fileURLToPath(new URL('./runtime', import.meta.url));

/** Shared, read-only folders of the environments. */
export interface RuntimeAssets {
  /** The `/var/runtime` folder of a runtime, built on first use. */
  runtimeDir(runtime: LambdaRuntime): string;
  /** Mounted at `/var/runtime/node_modules`, built on first use. */
  runtimeNodeModules(): string;
  /** Mounted at `/var/lang`. */
  readonly langDir: string;
  /** Mounted at `/opt` when the function has no layer. */
  readonly emptyOptDir: string;
  /** The node binary running the tests, mounted at `/var/lang/bin/node`. */
  readonly nodeBinary: string;
}

let assets: RuntimeAssets | undefined;

const buildRuntimeDir = (root: string, runtime: LambdaRuntime): string => {
  const dir = join(root, runtime);
  copyFolder(RUNTIME_SOURCE, dir);
  chmodSync(join(dir, 'bootstrap'), 0o755);
  writeFileSync(join(dir, 'runtime-release'), `${runtime}\n`);
  mkdirSync(join(dir, 'node_modules'));
  return dir;
};

const buildRuntimeNodeModules = (root: string): string => {
  // Named node_modules: Node only searches folders of that name for packages.
  const nodeModules = join(root, 'provided', 'node_modules');
  for (const name of RUNTIME_PROVIDED_PACKAGES) {
    copyPackageClosure(join(REPO_ROOT, 'node_modules', name), nodeModules, { link: true });
  }
  return nodeModules;
};

/** The shared folders, created on first call. */
export const runtimeAssets = (): RuntimeAssets => {
  if (assets !== undefined) return assets;
  const root = createOwnedTempDir('lambda-harness-runtime-');
  onProcessEnd(() => removeInBackground(root));
  const langDir = join(root, 'lang');
  mkdirSync(join(langDir, 'bin'), { recursive: true });
  writeFileSync(join(langDir, 'bin', 'node'), '');
  const emptyOptDir = join(root, 'opt');
  mkdirSync(emptyOptDir);
  const runtimeDirs = new Map<LambdaRuntime, string>();
  let nodeModules: string | undefined;
  assets = {
    runtimeNodeModules: () => {
      nodeModules ??= buildRuntimeNodeModules(root);
      return nodeModules;
    },
    runtimeDir: (runtime) => {
      let dir = runtimeDirs.get(runtime);
      if (dir === undefined) {
        dir = buildRuntimeDir(root, runtime);
        runtimeDirs.set(runtime, dir);
      }
      return dir;
    },
    langDir,
    emptyOptDir,
    nodeBinary: realpathSync(process.execPath),
  };
  return assets;
};
