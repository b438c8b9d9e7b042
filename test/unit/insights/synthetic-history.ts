/** Generated spend histories with known shape, for the forecast and anomaly tests. */

/** Small deterministic generator (mulberry32), so a failing run sees the same history again. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Weekday factors, Sunday first: a working-week product with quiet weekends. */
export const WEEKDAY_FACTOR = [0.3, 1, 1.1, 1.05, 1, 0.9, 0.4] as const;

export interface DailyHistoryOptions {
  /** First day, `YYYY-MM-DD`. */
  start: string;
  days: number;
  /** Spend of an average weekday at the start, nano-dollars. */
  level: number;
  /** Growth per 30 days, e.g. 0.1 for +10 %. @default 0 */
  monthlyGrowth?: number;
  /** Uniform multiplicative noise amplitude, e.g. 0.2 for ±20 %. @default 0 */
  noise?: number;
  seed?: number;
}

/** Daily spend with weekly seasonality, optional growth and noise. */
export const dailyHistory = (options: DailyHistoryOptions): { day: string; nanoUsd: number }[] => {
  const next = seededRandom(options.seed ?? 1);
  const startMs = Date.parse(`${options.start}T00:00:00.000Z`);
  return Array.from({ length: options.days }, (_, i) => {
    const ms = startMs + i * 86_400_000;
    const growth = (1 + (options.monthlyGrowth ?? 0)) ** (i / 30);
    const noise = 1 + (options.noise ?? 0) * (2 * next() - 1);
    const weekday = new Date(ms).getUTCDay();
    return {
      day: new Date(ms).toISOString().slice(0, 10),
      nanoUsd: Math.round(options.level * WEEKDAY_FACTOR[weekday]! * growth * noise),
    };
  });
};
