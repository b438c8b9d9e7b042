import { ReconcilerError } from './errors';

/** The longest range one run reconciles: the report APIs answer at most 31 daily buckets per request. */
export const MAX_RECONCILED_DAYS = 31;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** An on-demand run asked for days that cannot be reconciled. */
export class ReconcileRequestError extends ReconcilerError {
  public constructor(message: string) {
    super(message);
    this.name = 'ReconcileRequestError';
  }
}

const startMs = (day: string, field: string): number => {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (
    typeof day !== 'string' ||
    !DAY.test(day) ||
    Number.isNaN(ms) ||
    new Date(ms).toISOString().slice(0, 10) !== day
  ) {
    throw new ReconcileRequestError(`${field} must be a UTC day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  return ms;
};

/** The UTC day after `day`. */
export const nextDay = (day: string): string =>
  new Date(startMs(day, 'day') + DAY_MS).toISOString().slice(0, 10);

/** Days to reconcile, oldest first. Both bounds inclusive. */
export interface DayRange {
  /** @default the oldest of the `lookbackDays` complete days */
  from?: string;
  /** @default yesterday (UTC) */
  to?: string;
}

/**
 * The days of a run: by default the `lookbackDays` complete UTC days up to yesterday (today's bill is still
 * filling in). An on-demand run may name a range, today included, of at most 31 days.
 */
export const daysToReconcile = (range: DayRange, now: Date, lookbackDays: number): string[] => {
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  const to = range.to === undefined ? today - DAY_MS : startMs(range.to, 'to');
  const from = range.from === undefined ? to - (lookbackDays - 1) * DAY_MS : startMs(range.from, 'from');
  if (to > today)
    throw new ReconcileRequestError(
      `to must not be after today (${new Date(today).toISOString().slice(0, 10)})`,
    );
  if (from > to) throw new ReconcileRequestError('from must not be after to');
  const count = (to - from) / DAY_MS + 1;
  if (count > MAX_RECONCILED_DAYS) {
    throw new ReconcileRequestError(
      `a run reconciles at most ${MAX_RECONCILED_DAYS} days, asked for ${count}`,
    );
  }
  return Array.from({ length: count }, (_, i) => new Date(from + i * DAY_MS).toISOString().slice(0, 10));
};
