import { RecomputeInputError } from './errors';

const DAY_MS = 86_400_000;

/**
 * The window a recompute covers. A scheduled run sends no window (a schedule cannot compute "yesterday"),
 * which means the previous UTC day; a manual run names both ends.
 */
export const resolveRecomputeWindow = (
  event: { from?: string; to?: string },
  now: Date,
): { from: string; to: string } => {
  if (event.from === undefined && event.to === undefined) {
    const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    return { from: new Date(today - DAY_MS).toISOString(), to: new Date(today).toISOString() };
  }
  if (event.from === undefined || event.to === undefined) {
    throw new RecomputeInputError(
      'from and to must be given together (or both omitted for the previous UTC day)',
    );
  }
  return { from: event.from, to: event.to };
};
