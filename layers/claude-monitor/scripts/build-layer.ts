/**
 * Builds the Lambda layer, laid out as Lambda's Node.js runtimes expect (`/opt` is the zip's root):
 *
 * - `claude-monitor` — the exec wrapper script (`AWS_LAMBDA_EXEC_WRAPPER=/opt/claude-monitor`);
 * - `nodejs/node_modules/claude-monitor/` — the monitor: `lambda-wrapper.mjs` (the zero-code handler),
 *   `dist/index.{mjs,cjs}` (the explicit API) and `dist/auto.{mjs,cjs}` (the preload), with a `package.json`
 *   whose `exports` pick the build for `import` and `require`;
 * - `nodejs/node_modules/@anthropic-ai/sdk/` and its dependencies — the real SDK package, with its own shape
 *   and subpaths, for functions that do not ship one (and for `MonitoredAnthropic`).
 *
 * The AWS SDK's clients are left out: the Lambda runtime provides them, and the monitor loads them with
 * `require` (which searches NODE_PATH) on the first write only. Nothing in the layer needs Node 22 features:
 * it runs on nodejs22.x and nodejs24.x, arm64 and x86_64.
 *
 * CLI (`npm run build:layer`): builds the layer into `build/layer` and zips it, and builds the npm package of
 * the same version with type declarations (`build/package`, packed as `build/claude-monitor-<version>.tgz`)
 * for TypeScript handlers to compile against.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { ZipFile } from 'yazl';
import { LAYER_PATHS } from '../src/domain/layer-paths';
import { copyPackageClosure, installedPackageDir } from './package-closure';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_NAME = 'claude-monitor';
export const LAYER_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** Path of the exec wrapper script inside the layer (the layer is extracted to `/opt`). */
const EXEC_WRAPPER_FILE = relative('/opt', LAYER_PATHS.execWrapper);

export interface BuildLayerOptions {
  /** @default true */
  minify?: boolean;
}

/** ESM bundles may hold CommonJS code that calls `require`; give them one. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __monitorCreateRequire } from 'node:module'; const require = __monitorCreateRequire(import.meta.url);";
/** The CommonJS build needs `import.meta.url` (it loads the AWS SDK with a `require` made from it). */
const CJS_IMPORT_META_BANNER =
  "const __monitorImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/** The AWS SDK clients come from the runtime; the Anthropic SDK from wherever the function's code finds it. */
const EXTERNAL = ['@anthropic-ai/sdk', '@anthropic-ai/sdk/*', '@aws-sdk/client-*'];

const EXEC_WRAPPER_SCRIPT = `#!/bin/sh
# Claude monitor: with AWS_LAMBDA_EXEC_WRAPPER=${LAYER_PATHS.execWrapper}, the runtime loads the monitor's handler,
# which loads the function's own handler (kept in CLAUDE_MONITOR_HANDLER) and records its Claude calls.
if [ "$_HANDLER" != "${LAYER_PATHS.wrapperHandler}" ]; then
  export CLAUDE_MONITOR_HANDLER="$_HANDLER"
  export _HANDLER="${LAYER_PATHS.wrapperHandler}"
fi
exec "$@"
`;

const totalBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? totalBytes(path) : statSync(path).size);
  }, 0);

const common = (minify: boolean): BuildOptions => ({
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify,
  legalComments: 'none',
  logLevel: 'silent',
  external: EXTERNAL,
});

const source = (path: string) => join(PACKAGE_ROOT, 'src', path);

const packageManifest = (types: boolean) => {
  // Each module format gets declarations of its own format, so that a class of the SDK named in them is the
  // same declaration the importing code sees (TypeScript's dual-package rule).
  const entry = (name: string) =>
    types
      ? {
          import: { types: `./dist/types/${name}.d.mts`, default: `./dist/${name}.mjs` },
          require: { types: `./dist/types/${name}.d.ts`, default: `./dist/${name}.cjs` },
        }
      : { import: `./dist/${name}.mjs`, require: `./dist/${name}.cjs` };
  return {
    name: PACKAGE_NAME,
    version: LAYER_VERSION,
    description: 'Claude usage and cost monitor: records every Claude call to DynamoDB.',
    license: 'Apache-2.0',
    main: './dist/index.cjs',
    module: './dist/index.mjs',
    ...(types ? { types: './dist/types/index.d.ts' } : {}),
    exports: {
      '.': entry('index'),
      './auto': entry('auto'),
      './lambda-wrapper': './lambda-wrapper.mjs',
      './package.json': './package.json',
    },
    peerDependencies: { '@anthropic-ai/sdk': '>=0.30.0 <2' },
    peerDependenciesMeta: { '@anthropic-ai/sdk': { optional: true } },
  };
};

const buildMonitor = (packageDir: string, minify: boolean): void => {
  // Splitting shares one copy of every module (and so of every piece of state) between the ESM entries.
  buildSync({
    ...common(minify),
    entryPoints: {
      'dist/index': source('index.ts'),
      'dist/auto': source('auto.ts'),
      'lambda-wrapper': source('lambda/lambda-wrapper-entry.ts'),
    },
    format: 'esm',
    splitting: true,
    outdir: packageDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'dist/chunks/[name]-[hash]',
    banner: { js: ESM_REQUIRE_BANNER },
  });
  buildSync({
    ...common(minify),
    entryPoints: { index: source('index.ts'), auto: source('auto.ts') },
    format: 'cjs',
    outdir: join(packageDir, 'dist'),
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__monitorImportMetaUrl' },
    banner: { js: CJS_IMPORT_META_BANNER },
  });
  writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify(packageManifest(false), null, 2)}\n`);
};

/** Runtime files only: the SDK's TypeScript sources, maps, declarations and docs are not needed in Lambda. */
const notNeededAtRuntime = (path: string, packageName: string): boolean =>
  (packageName === '@anthropic-ai/sdk' && path.startsWith('src/')) ||
  /\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i.test(path);

/**
 * Builds the layer into `outDir` (emptied first), synchronously, so a CDK local bundling hook can call it.
 * @returns the layer's size in bytes, uncompressed
 */
export const buildLayerSync = (outDir: string, options: BuildLayerOptions = {}): { bytes: number } => {
  const minify = options.minify ?? true;
  rmSync(outDir, { recursive: true, force: true });
  const modules = join(outDir, 'nodejs', 'node_modules');
  const packageDir = join(modules, PACKAGE_NAME);
  mkdirSync(packageDir, { recursive: true });
  buildMonitor(packageDir, minify);
  copyPackageClosure(installedPackageDir('@anthropic-ai/sdk', PACKAGE_ROOT), modules, {
    skip: notNeededAtRuntime,
  });
  const script = join(outDir, EXEC_WRAPPER_FILE);
  writeFileSync(script, EXEC_WRAPPER_SCRIPT);
  chmodSync(script, 0o755);
  return { bytes: totalBytes(outDir) };
};

/**
 * Builds the npm package of the same version, for TypeScript handlers: the monitor's builds plus type
 * declarations (`dist/types`), with `@anthropic-ai/sdk` as a peer. A bundled handler marks `claude-monitor`
 * external, and the layer provides it at run time.
 */
export const buildTypesPackageSync = (layerDir: string, outDir: string): void => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const built = join(layerDir, 'nodejs', 'node_modules', PACKAGE_NAME);
  for (const file of readdirSync(built, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const from = join(file.parentPath, file.name);
    const to = join(outDir, relative(built, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  const tsc = join(installedPackageDir('typescript', PACKAGE_ROOT), 'bin', 'tsc');
  const typesDir = join(outDir, 'dist', 'types');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(PACKAGE_ROOT, 'tsconfig.types.json'), '--outDir', typesDir],
    {
      stdio: 'inherit',
    },
  );
  writeEsmDeclarations(typesDir);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(packageManifest(true), null, 2)}\n`);
};

const RELATIVE_SPECIFIER = /(from\s+|import\()(['"])(\.{1,2}\/[^'"]*)\2/g;

/**
 * ES module twins of the declarations (`.d.mts`): the same text with each relative import naming its file
 * (`./client/options.mjs`, `./pricing/index.mjs`), as ES module resolution requires.
 */
const writeEsmDeclarations = (typesDir: string): void => {
  for (const file of readdirSync(typesDir, { recursive: true, withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith('.d.ts')) continue;
    const path = join(file.parentPath, file.name);
    const text = readFileSync(path, 'utf8').replace(
      RELATIVE_SPECIFIER,
      (_match, lead: string, quote: string, specifier: string) => {
        const target = resolve(file.parentPath, specifier);
        const named = existsSync(`${target}.d.ts`) ? `${specifier}.mjs` : `${specifier}/index.mjs`;
        return `${lead}${quote}${named}${quote}`;
      },
    );
    writeFileSync(path.replace(/\.d\.ts$/, '.d.mts'), text);
  }
};

const filesOf = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(join(dir, entry.name)) : [join(dir, entry.name)],
  );

/** Zips a built layer directory (keeping the exec wrapper executable); resolves with the zip's size in bytes. */
export const zipLayer = (layerDir: string, zipPath: string): Promise<number> =>
  new Promise((resolvePromise, reject) => {
    const zip = new ZipFile();
    for (const file of filesOf(layerDir).sort()) {
      zip.addFile(file, relative(layerDir, file).split('\\').join('/'), {
        mtime: new Date(0),
        mode: statSync(file).mode,
      });
    }
    const out = createWriteStream(zipPath);
    out.on('error', reject);
    out.on('close', () => resolvePromise(statSync(zipPath).size));
    zip.outputStream.pipe(out);
    zip.end();
  });

const main = async (): Promise<void> => {
  const buildDir = join(PACKAGE_ROOT, 'build');
  const layerDir = join(buildDir, 'layer');
  const { bytes } = buildLayerSync(layerDir);
  const zipPath = join(buildDir, 'claude-monitor-layer.zip');
  const zipBytes = await zipLayer(layerDir, zipPath);
  const packageDir = join(buildDir, 'package');
  buildTypesPackageSync(layerDir, packageDir);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', buildDir], {
    cwd: packageDir,
    stdio: 'ignore',
  });
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`layer:   ${relative(process.cwd(), layerDir)} (${kib(bytes)} unzipped)`);
  console.log(`zip:     ${relative(process.cwd(), zipPath)} (${kib(zipBytes)}, ${zipBytes} bytes)`);
  console.log(`package: ${relative(process.cwd(), join(buildDir, `${PACKAGE_NAME}-${LAYER_VERSION}.tgz`))}`);
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
