import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildLayerSync, zipLayer } from '../layers/claude-monitor/scripts/build-layer';
import { copiesRoot } from './sdk-copies';

export interface BenchLayer {
  /** The layer's root (holding `nodejs/node_modules`). */
  dir: string;
  zipBytes: number;
  /** ESM entry of the monitor inside the layer. */
  monitorEntry: string;
  /** ESM entry of the Anthropic SDK the layer ships. */
  sdkEntry: string;
  /** Removes the build. */
  remove(): void;
}

/**
 * Builds the layer exactly as `npm run build:layer` does and zips it. It is built under the repository's
 * `node_modules`, so that `@aws-sdk/*`, which the layer leaves to the Lambda runtime, resolves as it would
 * there.
 */
export const buildBenchLayer = async (): Promise<BenchLayer> => {
  const cache = copiesRoot();
  mkdirSync(cache, { recursive: true });
  // A directory of its own per run: the build empties its target first.
  const root = mkdtempSync(join(cache, 'layer-'));
  const dir = join(root, 'layer');
  buildLayerSync(dir);
  const zipBytes = await zipLayer(dir, join(root, 'claude-monitor-layer.zip'));
  const modules = join(dir, 'nodejs', 'node_modules');
  return {
    dir,
    zipBytes,
    monitorEntry: join(modules, 'claude-monitor', 'dist', 'index.mjs'),
    sdkEntry: join(modules, '@anthropic-ai', 'sdk', 'index.mjs'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
};
