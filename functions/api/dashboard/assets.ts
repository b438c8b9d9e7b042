import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Files of the dashboard, by the name they are served under. */
export const DASHBOARD_ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'reconciliation.js': 'text/javascript; charset=utf-8',
  'insights.js': 'text/javascript; charset=utf-8',
  'alerts.js': 'text/javascript; charset=utf-8',
  'breakdown.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'budgets.js': 'text/javascript; charset=utf-8',
  'health.js': 'text/javascript; charset=utf-8',
  'compare.js': 'text/javascript; charset=utf-8',
  'views.css': 'text/css; charset=utf-8',
  'chart.umd.js': 'text/javascript; charset=utf-8',
} as const;
export type DashboardAsset = keyof typeof DASHBOARD_ASSETS;

export const isDashboardAsset = (name: string): name is DashboardAsset =>
  Object.hasOwn(DASHBOARD_ASSETS, name);

const cache = new Map<DashboardAsset, Promise<string>>();

/**
 * Where an asset may be: next to this module first (the Lambda bundle, where the build copies every file
 * beside the handler), then the source folder, then the chart.js package.
 */
const candidates = (name: DashboardAsset): (() => string)[] => {
  const beside = () => new URL(`./${name}`, import.meta.url).pathname;
  if (name !== 'chart.umd.js') return [beside];
  // The package exports only its main entries, so the UMD file is found next to the CommonJS one.
  return [beside, () => join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js')];
};

const load = async (name: DashboardAsset): Promise<string> => {
  let lastError: unknown;
  for (const path of candidates(name)) {
    try {
      return await readFile(path(), 'utf8');
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`dashboard asset ${name} not found`, { cause: lastError });
};

/** Text of an asset, read once and then served from memory. */
export const readDashboardAsset = (name: DashboardAsset): Promise<string> => {
  let pending = cache.get(name);
  if (!pending) {
    pending = load(name);
    // A failed read is not cached, so a later request can succeed.
    pending.catch(() => cache.delete(name));
    cache.set(name, pending);
  }
  return pending;
};
