/**
 * Spend trends and the month-end forecast, over daily totals. Pure: the API and the forecast alert share it,
 * and the backtest runs it on generated histories.
 */

const DAY_MS = 86_400_000;

/** Spend of one UTC day. */
export interface DailySpend {
  /** `YYYY-MM-DD`. */
  day: string;
  nanoUsd: number;
}

/** A change between two periods; `percent` is null when the earlier period spent nothing. */
export interface Change {
  current_nano_usd: number;
  previous_nano_usd: number;
  percent: number | null;
}

export interface MonthForecast {
  /** `YYYY-MM`. */
  month: string;
  /** Spend from the 1st up to and including `asOf`'s day so far. */
  month_to_date_nano_usd: number;
  /** Month-to-date plus the expected spend of the rest of the month. */
  projected_nano_usd: number;
  /** Complete days of history the estimate rests on (at most `FORECAST_METHOD.lookbackWeeks` × 7). */
  history_days: number;
  method: string;
}

/** How the month-end forecast is made; stated in every answer. */
export const FORECAST_METHOD = {
  lookbackWeeks: 4,
  description:
    'seasonal (weekday) mean: each remaining day of the month is expected to spend the mean of the same weekday over the last 4 complete weeks (all complete days when fewer than 7); today counts as the larger of its spend so far and that expectation',
} as const;

const dayMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const spendMap = (series: readonly DailySpend[]): Map<string, number> => {
  const map = new Map<string, number>();
  for (const point of series) map.set(point.day, (map.get(point.day) ?? 0) + point.nanoUsd);
  return map;
};

const sumDays = (spend: Map<string, number>, fromMs: number, toMs: number): number => {
  let total = 0;
  for (let ms = fromMs; ms <= toMs; ms += DAY_MS) total += spend.get(dayOf(ms)) ?? 0;
  return total;
};

const change = (current: number, previous: number): Change => ({
  current_nano_usd: current,
  previous_nano_usd: previous,
  percent: previous === 0 ? null : Math.round(((current - previous) / previous) * 10_000) / 100,
});

/** The last 7 complete days (to yesterday) against the 7 before them. */
export const weekOverWeek = (series: readonly DailySpend[], today: string): Change => {
  const spend = spendMap(series);
  const yesterday = dayMs(today) - DAY_MS;
  return change(
    sumDays(spend, yesterday - 6 * DAY_MS, yesterday),
    sumDays(spend, yesterday - 13 * DAY_MS, yesterday - 7 * DAY_MS),
  );
};

/**
 * This month's complete days (1st to yesterday) against the same days of the previous month (capped at its
 * length). On the 1st there are no complete days yet: both sides are 0.
 */
export const monthOverMonth = (series: readonly DailySpend[], today: string): Change => {
  const spend = spendMap(series);
  const start = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, 1);
  const days = Math.round((dayMs(today) - start) / DAY_MS);
  const previousStart = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1);
  const previousLength = Math.round((start - previousStart) / DAY_MS);
  if (days === 0) return change(0, 0);
  return change(
    sumDays(spend, start, start + (days - 1) * DAY_MS),
    sumDays(spend, previousStart, previousStart + (Math.min(days, previousLength) - 1) * DAY_MS),
  );
};

/**
 * Month-end spend of `today`'s month: what is spent so far plus, for each day left (today included), the
 * mean of the same weekday over the last four complete weeks. `series` holds complete days before today and
 * today's spend so far.
 */
export const forecastMonthEnd = (series: readonly DailySpend[], today: string): MonthForecast => {
  const spend = spendMap(series);
  const todayMs = dayMs(today);
  const monthStart = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, 1);
  const nextMonth = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1);
  const firstKnown = Math.min(...series.map((p) => dayMs(p.day)), todayMs);
  const lookback = FORECAST_METHOD.lookbackWeeks * 7;
  const historyStart = Math.max(firstKnown, todayMs - lookback * DAY_MS);
  const historyDays = Math.round((todayMs - historyStart) / DAY_MS);
  const history: { weekday: number; nano: number }[] = [];
  for (let ms = historyStart; ms < todayMs; ms += DAY_MS) {
    history.push({ weekday: new Date(ms).getUTCDay(), nano: spend.get(dayOf(ms)) ?? 0 });
  }
  const mean = (values: number[]): number =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  const expected = (weekday: number): number =>
    historyDays >= 7
      ? mean(history.filter((h) => h.weekday === weekday).map((h) => h.nano))
      : mean(history.map((h) => h.nano));
  const monthToDate = sumDays(spend, monthStart, todayMs);
  let rest = Math.max(0, expected(new Date(todayMs).getUTCDay()) - (spend.get(today) ?? 0));
  for (let ms = todayMs + DAY_MS; ms < nextMonth; ms += DAY_MS) rest += expected(new Date(ms).getUTCDay());
  return {
    month: today.slice(0, 7),
    month_to_date_nano_usd: monthToDate,
    projected_nano_usd: Math.round(monthToDate + rest),
    history_days: historyDays,
    method: FORECAST_METHOD.description,
  };
};
