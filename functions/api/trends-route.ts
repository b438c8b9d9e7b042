import { ALL_VALUE, COUNTER, nanoToUsd } from 'claude-monitor/domain';
import type { Hono } from 'hono';
import { type DailySpend, forecastMonthEnd, monthOverMonth, weekOverWeek } from '../shared/forecast';
import type { AppContext } from './app';
import { readDays, readFilter, routeQuery } from './params';
import { windowInfo } from './queries';
import { ROUTES } from './routes';
import { dayBucketOf, hoursOf, lastDays } from './window';

/** Days the series shows unless asked otherwise: the "90 days", which is also the raw retention. */
export const TRENDS_DEFAULT_DAYS = 90;

/** Days read at least, whatever `days` is: a month so far plus four complete weeks for the forecast. */
const FORECAST_READ_DAYS = 31 + 28;

const usd = (nano: number) => ({ usd: nanoToUsd(nano), nano_usd: nano });

const changeOut = (change: ReturnType<typeof weekOverWeek>) => ({
  current_usd: nanoToUsd(change.current_nano_usd),
  previous_usd: nanoToUsd(change.previous_nano_usd),
  current_nano_usd: change.current_nano_usd,
  previous_nano_usd: change.previous_nano_usd,
  change_percent: change.percent,
});

/**
 * `GET /api/monitoring/trends`: a daily series (cost, calls, errors) of the last `days` days, week-over-week
 * and month-over-month change of spend, and the month-end forecast, for the account or one tenant. Daily
 * rollups only: O(days) items.
 */
export const registerTrends = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.trends.path, async (c) => {
    const q = routeQuery('trends', c.req.queries());
    const days = readDays(
      q.days,
      ctx.deps.retentionDays,
      Math.min(TRENDS_DEFAULT_DAYS, ctx.deps.retentionDays),
    );
    const filter = readFilter({ tenant: q.tenant });
    const now = ctx.deps.now();
    const rows = await ctx.reader.ofValue(
      filter ? 'tenant' : 'all',
      filter?.value ?? ALL_VALUE,
      lastDays(now, Math.max(days, FORECAST_READ_DAYS)),
    );
    const byDay = new Map<string, { calls: number; errors: number; nano: number }>();
    for (const row of rows) {
      const day = row.bucket.slice(0, 10);
      const sums = byDay.get(day) ?? { calls: 0, errors: 0, nano: 0 };
      sums.calls += row.counters[COUNTER.calls] ?? 0;
      sums.errors += row.counters[COUNTER.errors] ?? 0;
      sums.nano += row.counters[COUNTER.costNanoUsd] ?? 0;
      byDay.set(day, sums);
    }
    const window = lastDays(now, days);
    const shownDays = [...new Set(hoursOf(window).map((hour) => hour.slice(0, 10)))];
    const spend: DailySpend[] = [...byDay].map(([day, s]) => ({ day, nanoUsd: s.nano }));
    const today = dayBucketOf(now.getTime());
    const forecast = forecastMonthEnd(spend, today);
    return c.json({
      days,
      ...windowInfo(window),
      scope: filter ? `tenant:${filter.value}` : 'account',
      series: shownDays.map((day) => {
        const s = byDay.get(day) ?? { calls: 0, errors: 0, nano: 0 };
        return { day, calls: s.calls, errors: s.errors, cost_usd: nanoToUsd(s.nano), cost_nano_usd: s.nano };
      }),
      week_over_week: changeOut(weekOverWeek(spend, today)),
      month_over_month: changeOut(monthOverMonth(spend, today)),
      forecast: {
        month: forecast.month,
        month_to_date_usd: usd(forecast.month_to_date_nano_usd).usd,
        month_to_date_nano_usd: forecast.month_to_date_nano_usd,
        projected_usd: usd(forecast.projected_nano_usd).usd,
        projected_nano_usd: forecast.projected_nano_usd,
        history_days: forecast.history_days,
        method: forecast.method,
      },
    });
  });
};
