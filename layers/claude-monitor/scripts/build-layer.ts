/**
 * Builds the Lambda layer: `<out>/nodejs/node_modules/claude-monitor/` with an ESM (`dist/index.mjs`) and a
 * CommonJS (`dist/index.cjs`) build and a `package.json` whose `exports` pick the right one, plus a bundled
 * copy of `@anthropic-ai/sdk` at `<out>/nodejs/node_modules/@anthropic-ai/sdk/`.
 *
 * The AWS SDK v3 is left out: the Lambda Node.js runtime provides it. The Anthropic SDK is external to the
 * monitor's own bundle but shipped beside it, because code in a layer resolves packages from the layer's
 * `node_modules` only (ESM ignores `NODE_PATH`): without it `MonitoredAnthropic` could not load in a function
 * that bundles its own SDK. `monitor(client)` works with whichever SDK copy created the client.
 *
 * CLI (`npm run build:layer`): builds into `layers/claude-monitor/build/layer` and zips it to
 * `layers/claude-monitor/build/claude-monitor-layer.zip`, printing the sizes.
 */
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { ZipFile } from 'yazl';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_NAME = 'claude-monitor';

export interface BuildLayerOptions {
  /**
   * Ship a bundled `@anthropic-ai/sdk` in the layer.
   * @default true
   */
  includeAnthropicSdk?: boolean;
  /** @default true */
  minify?: boolean;
}

/** ESM bundles may hold CommonJS code that calls `require`; give them one. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __monitorCreateRequire } from 'node:module'; const require = __monitorCreateRequire(import.meta.url);";

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
});

const buildMonitor = (packageDir: string, minify: boolean): void => {
  const entryPoints = { index: join(PACKAGE_ROOT, 'src/index.ts'), auto: join(PACKAGE_ROOT, 'src/auto.ts') };
  const external = ['@anthropic-ai/sdk', '@aws-sdk/*'];
  // Splitting keeps the DynamoDB recorder in its own chunk, loaded on the first write only.
  buildSync({
    ...common(minify),
    entryPoints,
    external,
    format: 'esm',
    splitting: true,
    outdir: join(packageDir, 'dist'),
    outExtension: { '.js': '.mjs' },
    banner: { js: ESM_REQUIRE_BANNER },
  });
  buildSync({
    ...common(minify),
    entryPoints,
    external,
    format: 'cjs',
    outdir: join(packageDir, 'dist'),
    outExtension: { '.js': '.cjs' },
  });
  const entry = (name: string) => ({ import: `./dist/${name}.mjs`, require: `./dist/${name}.cjs` });
  writeFileSync(
    join(packageDir, 'package.json'),
    `${JSON.stringify(
      {
        name: PACKAGE_NAME,
        version: '0.1.0',
        main: './dist/index.cjs',
        module: './dist/index.mjs',
        exports: { '.': entry('index'), './auto': entry('auto') },
      },
      null,
      2,
    )}\n`,
  );
};

const buildAnthropicSdk = (sdkDir: string, minify: boolean): void => {
  const entry = join(PACKAGE_ROOT, 'scripts/anthropic-sdk-entry.ts');
  buildSync({
    ...common(minify),
    entryPoints: [entry],
    format: 'esm',
    outfile: join(sdkDir, 'index.mjs'),
    banner: { js: ESM_REQUIRE_BANNER },
  });
  buildSync({ ...common(minify), entryPoints: [entry], format: 'cjs', outfile: join(sdkDir, 'index.cjs') });
  writeFileSync(
    join(sdkDir, 'package.json'),
    `${JSON.stringify(
      {
        name: '@anthropic-ai/sdk',
        main: './index.cjs',
        exports: { '.': { import: './index.mjs', require: './index.cjs' } },
      },
      null,
      2,
    )}\n`,
  );
};

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
  if (options.includeAnthropicSdk ?? true) buildAnthropicSdk(join(modules, '@anthropic-ai', 'sdk'), minify);
  return { bytes: totalBytes(outDir) };
};

const filesOf = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(join(dir, entry.name)) : [join(dir, entry.name)],
  );

/** Zips a built layer directory; resolves with the zip's size in bytes. */
export const zipLayer = (layerDir: string, zipPath: string): Promise<number> =>
  new Promise((resolvePromise, reject) => {
    const zip = new ZipFile();
    for (const file of filesOf(layerDir).sort()) {
      zip.addFile(file, relative(layerDir, file).split('\\').join('/'), { mtime: new Date(0) });
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
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`layer: ${relative(process.cwd(), layerDir)} (${kib(bytes)} unzipped)`);
  console.log(`zip:   ${relative(process.cwd(), zipPath)} (${kib(zipBytes)}, ${zipBytes} bytes)`);
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
