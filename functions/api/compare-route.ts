import { addCounters, bucketOf, countersOf, type RollupCounters } from 'claude-monitor/domain';
import type { Hono } from 'hono';
import type { AppContext } from './app';
import { readCallsPage } from './calls-reader';
import { COMPARISON_METHOD, compareGroups, type GroupHours } from './compare';
import { decodeCursor } from './cursor';
import { BadRequestError } from './errors';
import { readHours, routeQuery } from './params';
import { windowInfo } from './queries';
import { ROUTES } from './routes';
import { type HourWindow, lastHours } from './window';

/** How many groups one comparison takes, and the longest value of each. */
export const COMPARE_LIMITS = {
  minGroups: 2,
  maxGroups: 8,
  maxValueLength: 256,
  /**
   * Tags have no rollups, so a tag comparison reads the window's raw records; past this many it refuses
   * (400 naming `hours`) rather than answer from part of the window.
   */
  maxTagScanCalls: 50_000,
  /** @default one week */
  defaultHours: 168,
} as const;

const listOf = (parameter: 'models' | 'tags', raw: string): string[] => {
  const values = [...new Set(raw.split(',').map((v) => v.trim()))];
  if (values.some((v) => v === '' || v.length > COMPARE_LIMITS.maxValueLength)) {
    throw new BadRequestError(
      parameter,
      `${parameter} must be comma-separated non-empty values of at most ${COMPARE_LIMITS.maxValueLength} characters`,
    );
  }
  if (values.length < COMPARE_LIMITS.minGroups || values.length > COMPARE_LIMITS.maxGroups) {
    throw new BadRequestError(
      parameter,
      `${parameter} must name between ${COMPARE_LIMITS.minGroups} and ${COMPARE_LIMITS.maxGroups} distinct values, got ${values.length}`,
    );
  }
  return values;
};

/** Hourly model rollups of each model: the comparison of models costs O(hours) items per model. */
const modelHours = async (ctx: AppContext, models: readonly string[], window: HourWindow) =>
  Promise.all(
    models.map(async (model): Promise<GroupHours> => {
      const rows = await ctx.reader.ofValue('model', model, window, { hourly: true });
      return { key: model, hours: rows.map((row) => row.counters) };
    }),
  );

/**
 * Per-hour counters of each tag value, built from raw records with the aggregator's own `countersOf`, so
 * the figures are the ones rollups of the tag would hold.
 */
const tagHours = async (ctx: AppContext, tags: readonly string[], window: HourWindow) => {
  const perTag = new Map(tags.map((tag) => [tag, new Map<string, RollupCounters>()]));
  let scanned = 0;
  let cursor: string | undefined;
  do {
    const page = await readCallsPage({
      client: ctx.deps.client,
      tableName: ctx.deps.tableName,
      window,
      filters: [],
      limit: 5_000,
      ...(cursor ? { cursor: decodeCursor(cursor) } : {}),
    });
    scanned += page.calls.length;
    if (scanned > COMPARE_LIMITS.maxTagScanCalls) {
      throw new BadRequestError(
        'hours',
        `the window holds more than ${COMPARE_LIMITS.maxTagScanCalls} calls, too many to compare tags over; ask for fewer hours`,
      );
    }
    for (const record of page.calls) {
      for (const tag of new Set(record.tags ?? [])) {
        const hours = perTag.get(tag);
        if (!hours) continue;
        const hour = bucketOf(record.timestamp, 'hour');
        hours.set(hour, addCounters(hours.get(hour) ?? {}, countersOf(record)));
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return tags.map((tag): GroupHours => ({ key: tag, hours: [...perTag.get(tag)!.values()] }));
};

/**
 * `GET /api/monitoring/compare`: two or more models (`models=a,b`, from rollups) or tag values
 * (`tags=variant:control,variant:new-prompt`, from raw records) side by side, with 95 % intervals, the calls
 * behind each figure, and each group's difference to the first.
 */
export const registerCompare = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.compare.path, async (c) => {
    const q = routeQuery('compare', c.req.queries());
    const hours = readHours(q.hours, ctx.deps.retentionDays, COMPARE_LIMITS.defaultHours);
    if ((q.models === undefined) === (q.tags === undefined)) {
      throw new BadRequestError(
        q.models === undefined ? 'models' : 'tags',
        'give exactly one of models or tags',
      );
    }
    const by = q.models !== undefined ? 'model' : 'tag';
    const values = q.models !== undefined ? listOf('models', q.models) : listOf('tags', q.tags!);
    const window = lastHours(ctx.deps.now(), hours);
    const groups =
      by === 'model' ? await modelHours(ctx, values, window) : await tagHours(ctx, values, window);
    return c.json({
      hours,
      ...windowInfo(window),
      by,
      source: by === 'model' ? 'rollups' : 'raw_records',
      method: COMPARISON_METHOD,
      groups: compareGroups(groups),
    });
  });
};
