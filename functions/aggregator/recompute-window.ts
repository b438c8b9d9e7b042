import { RecomputeInputError } from './errors';

const DAY_MS = 86_400_000;

/**
 * A bucket counts as closed this long after it ended: records still travelling through the stream are in
 * by then, and live aggregation no longer adds to it.
 */
export const CLOSE_GRACE_MS = 900_000;

/**
 * The window a recompute covers. A run that names no window (the scheduled daily check, or a plain
 * `npm run recompute -- --check`) covers the last closed UTC day: the latest day that ended at least
 * `graceMs` ago, so that even a run just after midnight compares a whole, closed day instead of open
 * buckets. A manual run names both ends.
 */
export const resolveRecomputeWindow = (
  event: { from?: string | undefined; to?: string | undefined },
  now: Date,
  graceMs = CLOSE_GRACE_MS,
): { from: string; to: string } => {
  if (event.from === undefined && event.to === undefined) {
    const end = Math.floor((now.getTime() - graceMs) / DAY_MS) * DAY_MS;
    return { from: new Date(end - DAY_MS).toISOString(), to: new Date(end).toISOString() };
  }
  if (event.from === undefined || event.to === undefined) {
    throw new RecomputeInputError(
      'from and to must be given together (or both omitted for the last closed UTC day)',
    );
  }
  return { from: event.from, to: event.to };
};
