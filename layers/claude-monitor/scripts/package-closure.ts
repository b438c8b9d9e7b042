/**
 * Copies an installed npm package and its production dependency closure into a `node_modules` folder, each
 * dependency resolved the way Node resolves it from the package that needs it (so a nested or aliased
 * version is the one copied). Used to put the real `@anthropic-ai/sdk` in the layer.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Raised when a package or one of its dependencies is not installed. */
export class PackageClosureError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PackageClosureError';
  }
}

const readManifest = (packageDir: string): Manifest =>
  JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;

/** The folder of `name` as seen from `fromDir`, found by walking up `node_modules` folders like Node. */
const packageDirFrom = (fromDir: string, name: string): string | undefined => {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};

export interface CopyClosureOptions {
  /** Leave out files matching this (e.g. sources and maps). @default keep everything */
  skip?: (relativePath: string, packageName: string) => boolean;
}

/**
 * Copies `packageDir` to `targetNodeModules/<its name>` and every production dependency it needs (optional
 * ones when installed) to `targetNodeModules/<dependency>`, flat. Two different versions of one dependency
 * cannot both be flat: that is refused rather than silently picking one.
 * @returns the names copied
 */
export const copyPackageClosure = (
  packageDir: string,
  targetNodeModules: string,
  options: CopyClosureOptions = {},
): string[] => {
  const copied = new Map<string, string>();
  const visit = (dir: string): void => {
    const manifest = readManifest(dir);
    const seen = copied.get(manifest.name);
    if (seen !== undefined) {
      if (seen !== dir) {
        throw new PackageClosureError(`${manifest.name} is needed in two versions (${seen} and ${dir})`);
      }
      return;
    }
    copied.set(manifest.name, dir);
    cpSync(dir, join(targetNodeModules, manifest.name), {
      recursive: true,
      filter: (source) => {
        const relative = source.slice(dir.length + 1);
        if (relative.split(sep)[0] === 'node_modules') return false;
        return relative === '' || !options.skip?.(relative, manifest.name);
      },
    });
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...optional]) {
      const dependency = packageDirFrom(dir, name);
      if (dependency === undefined) {
        if (optional.has(name)) continue;
        throw new PackageClosureError(`${manifest.name} needs ${name}, which is not installed`);
      }
      visit(dependency);
    }
  };
  visit(packageDir);
  return [...copied.keys()];
};

/** The installed folder of a package, resolved from `fromDir` (its `package.json` must be exported or present). */
export const installedPackageDir = (name: string, fromDir: string): string => {
  const found = packageDirFrom(fromDir, name);
  if (found !== undefined) return found;
  try {
    return dirname(createRequire(join(fromDir, 'index.js')).resolve(`${name}/package.json`));
  } catch {
    throw new PackageClosureError(`${name} is not installed (looked from ${fromDir})`);
  }
};
