import type { AppContext } from './app';
import { readCallsPage } from './calls-reader';
import { type CallsCursor, decodeCursor, filtersKey } from './cursor';
import { BadRequestError } from './errors';
import { readFilters, readHours } from './params';
import { type HourWindow, lastHours } from './window';

/** Page size of `GET /api/monitoring/calls`. */
export const CALLS_LIMIT = { default: 50, max: 500 } as const;

/** The window of a raw-calls read: the cursor's when paging, else the last `hours`. */
export const callsWindow = (ctx: AppContext, hours: string | undefined, cursor: string | undefined) => {
  const decoded: CallsCursor | undefined = cursor === undefined ? undefined : decodeCursor(cursor);
  const window: HourWindow = decoded
    ? { startMs: decoded.s, endMs: decoded.e }
    : lastHours(ctx.deps.now(), readHours(hours, ctx.deps.retentionDays));
  // A cursor is opaque but not trusted: it may not widen the window beyond what `hours` could ask for.
  if ((window.endMs - window.startMs) / 3_600_000 + 1 > ctx.deps.retentionDays * 24) {
    throw new BadRequestError('cursor', 'cursor is not a cursor returned by this API');
  }
  return { window, cursor: decoded };
};

/** One page of the raw calls a request asks for (window or cursor, filters), with the window read. */
export const readRequestedCalls = async (
  ctx: AppContext,
  query: Partial<Record<string, string>>,
  limit: number,
  newestFirst: boolean,
) => {
  const filters = readFilters(query);
  const { window, cursor } = callsWindow(ctx, query.hours, query.cursor);
  if (cursor && (cursor.d !== (newestFirst ? 'desc' : 'asc') || cursor.f !== filtersKey(filters))) {
    throw new BadRequestError(
      'cursor',
      'cursor belongs to another listing: use it with the same route and filters',
    );
  }
  const page = await readCallsPage({
    client: ctx.deps.client,
    tableName: ctx.deps.tableName,
    window,
    filters,
    limit,
    newestFirst,
    ...(cursor ? { cursor } : {}),
  });
  return { window, cursor, page };
};
