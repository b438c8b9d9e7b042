/**
 * Copies a package and its production dependency closure into a `node_modules` folder (a function's, a
 * layer's, the runtime's), keeping exactly the versions Node would load: each dependency is resolved the Node
 * way from the real location of the package that needs it, and the copy mirrors the source layout so that
 * nested and aliased versions resolve the same afterwards. The result is checked edge by edge.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { copyFolder } from './copy-folder';

/** Raised when a closure cannot be copied as Node would resolve it. */
export class PackageClosureError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PackageClosureError';
  }
}

/** Options of `copyPackageClosure`. */
export interface CopyPackageClosureOptions {
  /**
   * Name under which the package is placed, e.g. `@anthropic-ai/sdk` for the devDependency alias
   * `anthropic-sdk-0-30`.
   * @default the `name` in its package.json
   */
  readonly as?: string;
  /**
   * Hard-link files instead of copying them (same file system only; falls back to copying). Only for targets
   * nobody writes to: a linked file IS the repository's file.
   * @default false
   */
  readonly link?: boolean;
  /** Leave out files of a package (path relative to the package's folder). @default keep everything */
  readonly skip?: (relativePath: string, packageName: string) => boolean;
}

interface Manifest {
  readonly name?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface FoundPackage {
  /** Where the resolver found it (may be a symlink, e.g. a workspace package). */
  readonly location: string;
  /** Its real path, from which its own dependencies resolve. */
  readonly real: string;
}

interface Edge {
  readonly from: string;
  readonly name: string;
  readonly to: string;
}

const readManifest = (packageDir: string): Manifest => {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  } catch (error) {
    throw new PackageClosureError(`${packageDir} has no readable package.json`, { cause: error });
  }
};

/** The folders Node searches for a bare specifier required from `dir` (Module._nodeModulePaths). */
const nodeModulesPaths = (dir: string): string[] => {
  const paths: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    if (basename(current) !== 'node_modules') paths.push(join(current, 'node_modules'));
    if (dirname(current) === current) return paths;
  }
};

const findPackage = (fromDir: string, name: string): FoundPackage | undefined => {
  for (const folder of nodeModulesPaths(fromDir)) {
    const location = join(folder, name);
    if (existsSync(join(location, 'package.json'))) return { location, real: realpathSync(location) };
  }
  return undefined;
};

/** Dependencies to follow: required ones must exist, optional ones and missing optional peers are skipped. */
const dependenciesOf = (manifest: Manifest): { name: string; required: boolean }[] => {
  const required = Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, required: true }));
  const optional = Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({
    name,
    required: false,
  }));
  const peers = Object.keys(manifest.peerDependencies ?? {}).map((name) => ({
    name,
    required: manifest.peerDependenciesMeta?.[name]?.optional !== true,
  }));
  return [...required, ...optional, ...peers];
};

const isInside = (child: string, parent: string): boolean => child.startsWith(`${parent}${sep}`);

/** Whether `target` already holds the package at `source` (from an earlier copy into the same folder). */
const alreadyCopied = (source: string, target: string): boolean => {
  if (!existsSync(target)) return false;
  const targetManifest = join(target, 'package.json');
  const same =
    existsSync(targetManifest) &&
    readFileSync(join(source, 'package.json'), 'utf8') === readFileSync(targetManifest, 'utf8');
  if (!same) throw new PackageClosureError(`${target} already exists and is not a copy of ${source}`);
  return true;
};

/**
 * Copies `packageDir` and everything it needs at run time into `targetNodeModules`.
 * @returns the folders created, one per package
 * @throws PackageClosureError when a required dependency is missing or two different packages would need the
 * same place in the target
 */
export const copyPackageClosure = (
  packageDir: string,
  targetNodeModules: string,
  options: CopyPackageClosureOptions = {},
): string[] => {
  const root: FoundPackage = { location: packageDir, real: realpathSync(packageDir) };
  const rootName = options.as ?? readManifest(root.real).name;
  if (rootName === undefined)
    throw new PackageClosureError(`${packageDir}: package.json has no name; pass "as"`);
  const rootLookupFolders = nodeModulesPaths(root.real);

  // Where each package goes: under the root when found inside it, else at its path relative to the nearest
  // folder the root itself searches (those folders all collapse into the target).
  const targetOf = (found: FoundPackage): string => {
    if (found === root || found.real === root.real) return join(targetNodeModules, rootName);
    if (isInside(found.location, root.real)) {
      return join(targetNodeModules, rootName, relative(root.real, found.location));
    }
    const folder = rootLookupFolders.find((candidate) => isInside(found.location, candidate));
    if (folder === undefined) {
      throw new PackageClosureError(
        `${found.location} is outside every node_modules folder ${packageDir} searches`,
      );
    }
    return join(targetNodeModules, relative(folder, found.location));
  };

  const sources = new Map<string, string>();
  const edges: Edge[] = [];
  const pending: FoundPackage[] = [root];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const current = pending.pop()!;
    const target = targetOf(current);
    const previous = sources.get(target);
    if (previous !== undefined && previous !== current.real) {
      throw new PackageClosureError(`${previous} and ${current.real} would both go to ${target}`);
    }
    sources.set(target, current.real);
    if (visited.has(current.real)) continue;
    visited.add(current.real);
    for (const dependency of dependenciesOf(readManifest(current.real))) {
      const found = findPackage(current.real, dependency.name);
      if (found === undefined) {
        if (dependency.required) {
          throw new PackageClosureError(`${dependency.name}, needed by ${current.real}, is not installed`);
        }
        continue;
      }
      edges.push({ from: target, name: dependency.name, to: targetOf(found) });
      pending.push(found);
    }
  }

  for (const [target, source] of sources) {
    if (alreadyCopied(source, target)) continue;
    const name = readManifest(source).name ?? '';
    copyFolder(source, target, {
      link: options.link,
      skipNodeModules: true,
      ...(options.skip ? { skip: (path: string) => options.skip!(path, name) } : {}),
    });
  }

  for (const edge of edges) {
    const resolved = findPackage(edge.from, edge.name);
    if (resolved?.location !== edge.to) {
      throw new PackageClosureError(
        `after copying, ${edge.name} from ${edge.from} resolves to ${resolved?.location ?? 'nothing'}, not ${edge.to}`,
      );
    }
  }
  return [...sources.keys()];
};

/** The installed folder of a package, as seen from `fromDir`. */
export const installedPackageDir = (name: string, fromDir: string): string => {
  const found = findPackage(fromDir, name);
  if (found !== undefined) return found.location;
  try {
    return dirname(createRequire(join(fromDir, 'index.js')).resolve(`${name}/package.json`));
  } catch (error) {
    throw new PackageClosureError(`${name} is not installed (looked from ${fromDir})`, { cause: error });
  }
};
