import type { Context, Hono } from 'hono';
import { DASHBOARD_ASSETS, isDashboardAsset, readDashboardAsset } from './dashboard/assets';
import { ROUTES } from './routes';

/** Only the page's own files and API; nothing inline, nothing from elsewhere. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the dashboard page and its assets (behind the same authentication as the API). */
export const registerDashboard = (app: Hono): void => {
  app.get(ROUTES.dashboardRoot.path, (c) => c.redirect(ROUTES.dashboardIndex.path, 308));
  const serve = async (name: keyof typeof DASHBOARD_ASSETS, c: Context) => {
    c.header('Content-Type', DASHBOARD_ASSETS[name]);
    c.header('Content-Security-Policy', CSP);
    c.header('Cache-Control', name === 'index.html' ? 'no-store' : 'private, max-age=300');
    return c.body(await readDashboardAsset(name));
  };
  app.get(ROUTES.dashboardIndex.path, (c) => serve('index.html', c));
  app.get(ROUTES.dashboardAsset.path, async (c) => {
    const asset = c.req.param('asset');
    if (!isDashboardAsset(asset)) return c.notFound();
    return serve(asset, c);
  });
};
