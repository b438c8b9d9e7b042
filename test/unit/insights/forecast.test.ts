import { describe, expect, it } from 'vitest';
import { forecastMonthEnd, monthOverMonth, weekOverWeek } from '../../../functions/shared/forecast';
import { dailyHistory } from './synthetic-history';

const monthTotal = (history: { day: string; nanoUsd: number }[], month: string) =>
  history.filter((p) => p.day.startsWith(month)).reduce((a, p) => a + p.nanoUsd, 0);

/**
 * Forecasts each of 12 months from its `cutoff`-th day (the history up to and including that day, the day
 * itself complete) and returns the mean absolute percentage error of the projected month total, for the
 * forecast and for straight-line extrapolation of the month so far.
 */
const backtest = (history: { day: string; nanoUsd: number }[], cutoff: number) => {
  const months = [...new Set(history.map((p) => p.day.slice(0, 7)))].slice(2, 14);
  let forecastError = 0;
  let linearError = 0;
  for (const month of months) {
    const today = `${month}-${String(cutoff).padStart(2, '0')}`;
    const known = history.filter((p) => p.day <= today);
    const actual = monthTotal(history, month);
    const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
    const forecast = forecastMonthEnd(known, today).projected_nano_usd;
    const linear = (monthTotal(known, month) / cutoff) * days;
    forecastError += Math.abs(forecast - actual) / actual;
    linearError += Math.abs(linear - actual) / actual;
  }
  return { forecast: (forecastError / months.length) * 100, linear: (linearError / months.length) * 100 };
};

describe('forecastMonthEnd', () => {
  it('projects a purely weekly-seasonal history exactly', () => {
    // Prepare
    const history = dailyHistory({ start: '2026-01-01', days: 460, level: 1_000_000_000 });

    // Act
    const { forecast } = backtest(history, 10);

    // Assess: the weekday profile is the whole signal, so the error is rounding only.
    expect(forecast).toBeLessThan(1e-6);
  });

  it.each([
    [7, 6],
    [14, 4],
    [21, 3],
  ])(
    'backtest (noise 20 percent, growth 5 percent a month): from day %i the mean error is under %i percent',
    (cutoff, bound) => {
      // Prepare
      const history = dailyHistory({
        start: '2026-01-01',
        days: 460,
        level: 2_000_000_000,
        monthlyGrowth: 0.05,
        noise: 0.2,
        seed: 7,
      });

      // Act
      const errors = backtest(history, cutoff);
      process.stdout.write(
        `forecast backtest day ${cutoff}: MAPE ${errors.forecast.toFixed(2)}% (linear ${errors.linear.toFixed(2)}%)\n`,
      );

      // Assess: within the bound, and better than straight-line extrapolation, which ignores the weekends.
      expect(errors.forecast).toBeLessThan(bound);
      expect(errors.forecast).toBeLessThan(errors.linear);
    },
  );

  it('counts today as the larger of its spend so far and the weekday mean', () => {
    // Prepare: four weeks of $1 a day, and today already at $5.
    const history = dailyHistory({ start: '2026-05-01', days: 28, level: 1_000_000_000 }).map((p) => ({
      ...p,
      nanoUsd: 1_000_000_000,
    }));
    history.push({ day: '2026-05-29', nanoUsd: 5_000_000_000 });

    // Act
    const forecast = forecastMonthEnd(history, '2026-05-29');

    // Assess: May has 31 days: 28 × $1 + today $5 + 2 more days × $1.
    expect(forecast.month_to_date_nano_usd).toBe(33_000_000_000);
    expect(forecast.projected_nano_usd).toBe(35_000_000_000);
    expect(forecast.history_days).toBe(28);
  });

  it('with no history projects only what is spent', () => {
    // Act
    const forecast = forecastMonthEnd([], '2026-05-10');

    // Assess
    expect(forecast).toMatchObject({ month_to_date_nano_usd: 0, projected_nano_usd: 0, history_days: 0 });
  });
});

describe('weekOverWeek and monthOverMonth', () => {
  it('compare complete days only', () => {
    // Prepare: $1 a day in April, $2 a day in May, today (May 15) at $100 so far.
    const history = [
      ...Array.from({ length: 30 }, (_, i) => ({
        day: `2026-04-${String(i + 1).padStart(2, '0')}`,
        nanoUsd: 1,
      })),
      ...Array.from({ length: 14 }, (_, i) => ({
        day: `2026-05-${String(i + 1).padStart(2, '0')}`,
        nanoUsd: 2,
      })),
      { day: '2026-05-15', nanoUsd: 100 },
    ];

    // Act
    const week = weekOverWeek(history, '2026-05-15');
    const month = monthOverMonth(history, '2026-05-15');

    // Assess
    expect(week).toEqual({ current_nano_usd: 14, previous_nano_usd: 14, percent: 0 });
    expect(month).toEqual({ current_nano_usd: 28, previous_nano_usd: 14, percent: 100 });
  });

  it('give no percentage against a period without spend', () => {
    // Act
    const week = weekOverWeek([{ day: '2026-05-14', nanoUsd: 5 }], '2026-05-15');

    // Assess
    expect(week).toEqual({ current_nano_usd: 5, previous_nano_usd: 0, percent: null });
  });
});
