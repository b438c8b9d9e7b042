import type { CallRecord } from 'claude-monitor/domain';

/** Consecutive failed calls of one function or model, as kept in its streak item. */
export interface StreakState {
  count: number;
  /** Timestamp of the streak's first error: the alert window, so each streak fires once. */
  startedAt?: string;
  fired: boolean;
  /**
   * The last record counted (`streakMark`): records at or before it were counted already, by this delivery
   * or an earlier one. This is what makes counting safe to repeat after a crash.
   */
  mark?: string;
}

export const EMPTY_STREAK: Readonly<StreakState> = Object.freeze({ count: 0, fired: false });

export interface StreakStep {
  state: StreakState;
  /** Set when this run of records made the streak reach the threshold. */
  crossed?: { startedAt: string; count: number };
}

/** Where a record stands in a streak's order: timestamp, then call id for calls of the same millisecond. */
export const streakMark = (record: CallRecord): string => `${record.timestamp}#${record.callId}`;

/**
 * Error types that say nothing about the service: the caller aborted the call (`aborted`), or the invocation
 * ended while the call was still waiting for its answer (`unfinished`). Such a record neither extends a
 * streak nor ends one.
 */
export const NOT_SERVICE_ERRORS: ReadonlySet<string> = new Set(['aborted', 'unfinished']);

/** Whether a record counts in an error streak: a success (which ends it) or an error of the service. */
export const countsInStreak = (record: CallRecord): boolean =>
  record.status === 'success' || !NOT_SERVICE_ERRORS.has(record.errorType ?? '');

/** Time order; calls of the same millisecond keep the order they were given in (a stable sort). */
const byTime = (a: CallRecord, b: CallRecord): number =>
  a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;

/**
 * Applies records to a streak in time order: an error of the service extends it, a success resets it, and a
 * record that says nothing about the service (`countsInStreak`) is passed over. Records at or before
 * the state's mark are skipped, so a record offered again (a retried batch, a replay) counts once, and a
 * record that arrives after a later one of its scope was counted does not rewrite history. The streak crosses
 * once, when it first reaches `threshold`; it cannot cross again until a success ends it.
 */
export const advanceStreak = (
  state: StreakState,
  records: readonly CallRecord[],
  threshold: number,
): StreakStep => {
  let next: StreakState = { ...state };
  let crossed: StreakStep['crossed'];
  for (const record of [...records].filter(countsInStreak).sort(byTime)) {
    const mark = streakMark(record);
    if (state.mark !== undefined && mark <= state.mark) continue;
    const latest = next.mark !== undefined && next.mark > mark ? next.mark : mark;
    if (record.status === 'success') {
      next = { count: 0, fired: false, mark: latest };
      continue;
    }
    next = {
      count: next.count + 1,
      startedAt: next.startedAt ?? record.timestamp,
      fired: next.fired,
      mark: latest,
    };
    if (!next.fired && next.count >= threshold) {
      next.fired = true;
      crossed = { startedAt: next.startedAt!, count: next.count };
    }
  }
  return crossed ? { state: next, crossed } : { state: next };
};

/** Scope kinds a streak is kept for. */
export const STREAK_KIND = { function: 'function', model: 'model' } as const;
export type StreakKind = (typeof STREAK_KIND)[keyof typeof STREAK_KIND];

/** One streak scope and the records of it, in the order given. */
export interface StreakGroup<T> {
  kind: StreakKind;
  value: string;
  members: T[];
}

/** Items grouped by streak scope (`function:<name>`, `model:<id>`); items that do not count in a streak are left out. */
export const streakGroups = <T extends { record: CallRecord }>(
  items: readonly T[],
): Map<string, StreakGroup<T>> => {
  const groups = new Map<string, StreakGroup<T>>();
  for (const item of items) {
    if (!countsInStreak(item.record)) continue;
    const scopes: [StreakKind, string | undefined][] = [
      ['function', item.record.functionName],
      ['model', item.record.model],
    ];
    for (const [kind, value] of scopes) {
      if (!value) continue;
      const id = `${kind}:${value}`;
      const group = groups.get(id) ?? { kind, value, members: [] };
      group.members.push(item);
      groups.set(id, group);
    }
  }
  return groups;
};
