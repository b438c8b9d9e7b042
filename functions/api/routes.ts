/**
 * Every route of the app with the query parameters it reads. The app registers its routes from this
 * table and reads query parameters only through it, and a test holds docs/openapi.json to it.
 */
export const DASHBOARD_BASE = '/dashboard/claude-monitoring';

const FILTERS = ['model', 'user', 'tenant', 'session', 'function'] as const;

export const ROUTES = {
  summary: { path: '/api/monitoring/summary', query: ['hours', ...FILTERS] },
  costs: { path: '/api/monitoring/costs', query: ['days', 'group_by'] },
  export: { path: '/api/monitoring/export', query: ['format', 'hours', 'limit', 'cursor', ...FILTERS] },
  timeseries: { path: '/api/monitoring/timeseries', query: ['hours', 'interval', 'model'] },
  calls: { path: '/api/monitoring/calls', query: ['hours', 'limit', 'cursor', ...FILTERS] },
  models: { path: '/api/monitoring/models', query: ['hours'] },
  dashboardRoot: { path: DASHBOARD_BASE, query: ['token'] },
  dashboardIndex: { path: `${DASHBOARD_BASE}/`, query: ['token'] },
  dashboardAsset: { path: `${DASHBOARD_BASE}/:asset`, query: [] },
} as const;

export type RouteName = keyof typeof ROUTES;
export type QueryName<R extends RouteName> = (typeof ROUTES)[R]['query'][number];

/** Filter parameter → rollup dimension it selects. */
export const FILTER_DIMENSION = {
  model: 'model',
  user: 'user',
  tenant: 'tenant',
  session: 'session',
  function: 'function',
} as const;
export type FilterName = keyof typeof FILTER_DIMENSION;
export const FILTER_NAMES: readonly FilterName[] = FILTERS;
