import type { Hono } from 'hono';
import type { AppContext } from './app';
import { readRequestedCalls } from './calls-window';
import { callsToCsv } from './csv-export';
import { readChoice, readInt, routeQuery } from './params';
import { windowInfo } from './queries';
import { ROUTES } from './routes';

export const EXPORT_FORMATS = ['json', 'csv'] as const;

/** CSV header: stored records of the page left out because they break the record rules. */
export const SKIPPED_HEADER = 'X-Skipped-Records';

/** Page size of an export: large enough for few round trips, small enough for a Lambda response. */
export const EXPORT_LIMIT = { default: 1_000, max: 5_000 } as const;

/**
 * `GET /api/monitoring/export`: raw call records of the window, one page per request. A Lambda response
 * cannot stream and is capped at 6 MB, so the export is paged with an opaque cursor (JSON body `next_cursor`,
 * CSV `X-Next-Cursor` and `Link` headers); each page is bounded in records and bytes.
 */
export const registerExport = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.export.path, async (c) => {
    const q = routeQuery('export', c.req.queries());
    const format = readChoice('format', q.format, EXPORT_FORMATS, 'json');
    const limit = readInt('limit', q.limit, EXPORT_LIMIT.default, 1, EXPORT_LIMIT.max);
    const { window, cursor, page } = await readRequestedCalls(ctx, q, limit, false);
    const next = page.nextCursor ?? null;
    if (format === 'json') {
      return c.json({
        ...windowInfo(window),
        count: page.calls.length,
        calls: page.calls,
        next_cursor: next,
        skipped: page.skipped,
      });
    }
    // Stored records that break the record rules are left out of the rows; the header says how many.
    c.header(SKIPPED_HEADER, String(page.skipped.count));
    if (next) {
      const url = new URL(c.req.url);
      url.searchParams.set('cursor', next);
      c.header('X-Next-Cursor', next);
      c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    const start = windowInfo(window).start.slice(0, 13).replace(/[-:T]/g, '');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="claude-calls-${start}.csv"`);
    return c.body(callsToCsv(page.calls, cursor === undefined));
  });
};
