import { PAIR_DIMENSIONS, type PairDimension } from 'claude-monitor/domain';
import type { Hono } from 'hono';
import type { AppContext } from './app';
import { BREAKDOWN_BY, BREAKDOWN_LIMIT, BREAKDOWN_NOTES, readBreakdown } from './breakdown';
import { BadRequestError } from './errors';
import { readChoice, readHours, readInt, routeQuery } from './params';
import { windowInfo } from './queries';
import { ROUTES } from './routes';
import { lastHours } from './window';

const readDimension = (raw: string | undefined): PairDimension => {
  if (raw === undefined) {
    throw new BadRequestError('dimension', `dimension is required: one of ${PAIR_DIMENSIONS.join(', ')}`);
  }
  return readChoice('dimension', raw, PAIR_DIMENSIONS, PAIR_DIMENSIONS[0]);
};

const readValue = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '' || value.length > 256) {
    throw new BadRequestError('value', 'value must be a non-empty value of at most 256 characters');
  }
  return value;
};

/**
 * `GET /api/monitoring/breakdown`: model within a tenant, user, function or session (or within each of the
 * costliest values of one), from the model split kept inside those rollups.
 */
export const registerBreakdown = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.breakdown.path, async (c) => {
    const q = routeQuery('breakdown', c.req.queries());
    const dim = readDimension(q.dimension);
    const value = readValue(q.value);
    const by = readChoice('by', q.by, BREAKDOWN_BY, 'model');
    const hours = readHours(q.hours, ctx.deps.retentionDays);
    if (value !== undefined && q.limit !== undefined) {
      throw new BadRequestError('limit', 'limit applies to the list of values, not to one value');
    }
    const limit = readInt('limit', q.limit, BREAKDOWN_LIMIT.default, 1, BREAKDOWN_LIMIT.max);
    const window = lastHours(ctx.deps.now(), hours);
    const breakdown = await readBreakdown(ctx.reader, window, dim, value, limit);
    return c.json({
      dimension: dim,
      ...(value === undefined ? { limit } : { value }),
      by,
      hours,
      ...windowInfo(window),
      ...breakdown,
      notes: BREAKDOWN_NOTES,
    });
  });
};
