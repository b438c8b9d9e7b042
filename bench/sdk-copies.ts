import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The SDK module namespace as its ESM entry exports it. */
export type AnthropicModule = typeof import('@anthropic-ai/sdk');

const require = createRequire(import.meta.url);

/** Directory of the installed `@anthropic-ai/sdk` package. */
export const sdkPackageDir = (): string => dirname(require.resolve('@anthropic-ai/sdk'));

/**
 * Where copies live: under the repository's `node_modules`, so that the SDK's own dependencies
 * (`@opentelemetry/api` among them) still resolve by walking up, and git never sees them.
 */
export const copiesRoot = (): string => join(sdkPackageDir(), '..', '..', '.cache', 'claude-monitor-bench');

/** Only what Node loads at run time: types, maps and sources would triple the copy for nothing. */
const isRuntimeFile = (path: string): boolean => !/\.([cm]?ts|map|md)$/.test(path);

/**
 * Imports a private copy of the SDK, one per `name`. Instrumentations patch the prototypes of the module
 * they are given; with one copy per configuration no configuration sees another's patches, and every
 * configuration runs its own JIT-compiled code.
 */
export const importSdkCopy = async (name: string): Promise<AnthropicModule> => {
  const source = sdkPackageDir();
  const version = (JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string })
    .version;
  const target = join(copiesRoot(), name, 'node_modules', '@anthropic-ai', 'sdk');
  const marker = join(target, '.copied-version');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== version) {
    cpSync(source, target, { recursive: true, filter: isRuntimeFile });
    writeFileSync(marker, version);
  }
  return (await import(pathToFileURL(join(target, 'index.mjs')).href)) as AnthropicModule;
};
