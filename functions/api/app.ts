import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BudgetConfig, DEFAULT_RETENTION_DAYS } from 'claude-monitor/domain';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { registerAlerts } from './alerts-route';
import { isAuthorized, TOKEN_QUERY, tokenCookie } from './auth';
import { registerBreakdown } from './breakdown-route';
import { registerBudgets } from './budget-routes';
import { CALLS_LIMIT, readRequestedCalls } from './calls-window';
import { registerCompare } from './compare-route';
import { registerDashboard } from './dashboard-routes';
import { ApiError, BadRequestError, UnauthorizedError } from './errors';
import { registerExport } from './export-routes';
import { readChoice, readDays, readFilter, readHours, readInt, routeQuery } from './params';
import {
  GROUP_BY,
  INTERVAL,
  readCosts,
  readModels,
  readSummary,
  readTimeseries,
  windowInfo,
} from './queries';
import { registerReconciliation } from './reconciliation-routes';
import { RollupReader } from './rollup-reader';
import { DASHBOARD_CORS, isDashboardPage, ROUTES } from './routes';
import type { TokenSource } from './token-source';
import { registerTrends } from './trends-route';
import { lastDays, lastHours } from './window';

/** Where the app logs failures; the Powertools logger fits. */
export interface ApiLogger {
  error(message: string, details?: Record<string, unknown>): void;
}

/** What the app needs from outside, injected so the same app runs in Lambda, locally and in tests. */
export interface ApiDeps {
  client: DynamoDBClient;
  tableName: string;
  /** Resolves the token requests must carry. */
  token: TokenSource;
  /** @default () => new Date() */
  now?: () => Date;
  /** The only origin CORS allows; without it no cross-origin request is allowed. */
  dashboardOrigin?: string;
  /**
   * Days raw records are kept: the longest window a request may ask for.
   * @default 90
   */
  retentionDays?: number;
  /** @default console */
  logger?: ApiLogger;
  /** Deploy-time budgets (`CLAUDE_MONITOR_BUDGETS`), listed with the run-time ones. @default [] */
  budgets?: BudgetConfig[];
}

/** Resolved deps handed to the route modules. */
export interface AppContext {
  deps: Required<Omit<ApiDeps, 'dashboardOrigin'>> & { dashboardOrigin?: string };
  reader: RollupReader;
}

const authenticate = (ctx: AppContext) => async (c: Context, next: () => Promise<void>) => {
  const path = c.req.path;
  const page = isDashboardPage(path);
  const queryToken = page ? c.req.query(TOKEN_QUERY) : undefined;
  const expected = await ctx.deps.token();
  const credentials = { authorization: c.req.header('authorization'), cookies: c.req.header('cookie') };
  if (!isAuthorized({ ...credentials, queryToken }, expected)) throw new UnauthorizedError();
  if (page && queryToken !== undefined) {
    // Swap the token in the address bar for an HttpOnly cookie, then drop it from the URL and history.
    const secure = new URL(c.req.url).protocol === 'https:';
    // Path `/`: the page's own requests go to /api/monitoring/*.
    c.header('Set-Cookie', tokenCookie(expected, secure, '/'));
    c.header('Cache-Control', 'no-store');
    return c.redirect(ROUTES.dashboardIndex.path, 303);
  }
  await next();
};

/** The monitoring API and dashboard as one Hono app. */
export const createApp = (deps: ApiDeps): Hono => {
  const ctx: AppContext = {
    deps: {
      now: () => new Date(),
      retentionDays: DEFAULT_RETENTION_DAYS,
      logger: console,
      budgets: [],
      ...deps,
    },
    reader: new RollupReader(deps.client, deps.tableName),
  };
  const app = new Hono();
  if (deps.dashboardOrigin) {
    app.use(
      '/api/*',
      cors({
        origin: deps.dashboardOrigin,
        credentials: true,
        allowMethods: [...DASHBOARD_CORS.allowMethods],
        allowHeaders: [...DASHBOARD_CORS.allowHeaders],
        exposeHeaders: [...DASHBOARD_CORS.exposeHeaders],
        maxAge: DASHBOARD_CORS.maxAgeSeconds,
      }),
    );
  }
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  app.use('*', authenticate(ctx));

  const retention = () => ctx.deps.retentionDays;
  app.get(ROUTES.summary.path, async (c) => {
    const q = routeQuery('summary', c.req.queries());
    const hours = readHours(q.hours, retention());
    const filter = readFilter(q);
    const window = lastHours(ctx.deps.now(), hours);
    const summary = await readSummary(ctx.reader, window, filter);
    return c.json({
      hours,
      ...windowInfo(window),
      filter: filter ? { [filter.name]: filter.value } : {},
      ...summary,
    });
  });

  app.get(ROUTES.costs.path, async (c) => {
    const q = routeQuery('costs', c.req.queries());
    const days = readDays(q.days, retention());
    const groupBy = readChoice('group_by', q.group_by, GROUP_BY, 'model');
    const window = lastDays(ctx.deps.now(), days);
    return c.json({
      days,
      group_by: groupBy,
      ...windowInfo(window),
      ...(await readCosts(ctx.reader, window, groupBy)),
    });
  });

  app.get(ROUTES.timeseries.path, async (c) => {
    const q = routeQuery('timeseries', c.req.queries());
    const hours = readHours(q.hours, retention());
    const interval = readChoice('interval', q.interval, INTERVAL, hours <= 48 ? 'hour' : 'day');
    const model = readFilter({ model: q.model })?.value;
    const window = lastHours(ctx.deps.now(), hours);
    const series = await readTimeseries(ctx.reader, window, interval, model);
    return c.json({ hours, interval, ...windowInfo(window), ...(model ? { model } : {}), ...series });
  });

  app.get(ROUTES.models.path, async (c) => {
    const q = routeQuery('models', c.req.queries());
    const hours = readHours(q.hours, retention());
    const window = lastHours(ctx.deps.now(), hours);
    return c.json({ hours, ...windowInfo(window), models: await readModels(ctx.reader, window) });
  });

  app.get(ROUTES.calls.path, async (c) => {
    const q = routeQuery('calls', c.req.queries());
    const limit = readInt('limit', q.limit, CALLS_LIMIT.default, 1, CALLS_LIMIT.max);
    const { window, page } = await readRequestedCalls(ctx, q, limit, true);
    return c.json({
      ...windowInfo(window),
      count: page.calls.length,
      calls: page.calls,
      next_cursor: page.nextCursor ?? null,
      skipped: page.skipped,
    });
  });

  registerExport(app, ctx);
  registerReconciliation(app, ctx);
  registerBudgets(app, ctx);
  registerCompare(app, ctx);
  registerTrends(app, ctx);
  registerAlerts(app, ctx);
  registerBreakdown(app, ctx);
  registerDashboard(app);

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    // Errors raised on purpose below 500 say what is wrong; anything else is a bare 500, logged.
    if (error instanceof ApiError && error.status < 500) {
      if (error instanceof UnauthorizedError) c.header('WWW-Authenticate', 'Bearer');
      const parameter = error instanceof BadRequestError ? { parameter: error.parameter } : {};
      return c.json({ error: error.message, ...parameter }, error.status as 400 | 401 | 404 | 409 | 412);
    }
    ctx.deps.logger.error('request failed', {
      path: c.req.path,
      error:
        error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
    });
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
};
