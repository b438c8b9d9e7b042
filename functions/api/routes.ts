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
  reconciliation: { path: '/api/monitoring/reconciliation', query: ['days'] },
  trends: { path: '/api/monitoring/trends', query: ['days', 'tenant'] },
  compare: { path: '/api/monitoring/compare', query: ['hours', 'models', 'tags'] },
  alerts: { path: '/api/monitoring/alerts', query: ['from', 'to', 'rule', 'limit', 'cursor'] },
  breakdown: { path: '/api/monitoring/breakdown', query: ['dimension', 'value', 'by', 'hours', 'limit'] },
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

/**
 * CORS for a dashboard hosted on another origin, used by the app (local server) and by API Gateway (which
 * answers CORS itself in AWS and ignores the backend's headers), so both behave alike.
 */
export const DASHBOARD_CORS = {
  allowMethods: ['GET', 'HEAD', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  /** What a cross-origin page must read to page through exports and name downloads. */
  exposeHeaders: ['x-next-cursor', 'link', 'content-disposition', 'x-skipped-records'],
  maxAgeSeconds: 600,
} as const;

const DASHBOARD_PAGES = new Set<string>([ROUTES.dashboardRoot.path, ROUTES.dashboardIndex.path]);

/** The dashboard page itself: the one place a `?token=` is accepted (and swapped for a cookie). */
export const isDashboardPage = (path: string): boolean => DASHBOARD_PAGES.has(path);
