import type { CallRecord } from 'claude-monitor/domain';

/** Consecutive failed calls of one function or model, as kept in its streak item. */
export interface StreakState {
  count: number;
  /** Timestamp of the streak's first error: the alert window, so each streak fires once. */
  startedAt?: string;
  fired: boolean;
}

export const EMPTY_STREAK: Readonly<StreakState> = Object.freeze({ count: 0, fired: false });

export interface StreakStep {
  state: StreakState;
  /** Set when this run of records made the streak reach the threshold. */
  crossed?: { startedAt: string; count: number };
}

/**
 * Applies records (in timestamp order) to a streak: an error extends it, a success resets it. The streak
 * crosses once, when it first reaches `threshold`; it cannot cross again until a success ends it.
 */
export const advanceStreak = (
  state: StreakState,
  records: readonly CallRecord[],
  threshold: number,
): StreakStep => {
  let next: StreakState = { ...state };
  let crossed: StreakStep['crossed'];
  for (const record of records) {
    if (record.status === 'success') {
      next = { count: 0, fired: false };
      continue;
    }
    next = { count: next.count + 1, startedAt: next.startedAt ?? record.timestamp, fired: next.fired };
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

/** Records grouped by streak scope (`function:<name>`, `model:<id>`), each group in timestamp order. */
export const streakGroups = (
  records: readonly CallRecord[],
): Map<string, { kind: StreakKind; value: string; records: CallRecord[] }> => {
  const groups = new Map<string, { kind: StreakKind; value: string; records: CallRecord[] }>();
  const sorted = [...records].sort((a, b) =>
    a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
  );
  for (const record of sorted) {
    const scopes: [StreakKind, string | undefined][] = [
      ['function', record.functionName],
      ['model', record.model],
    ];
    for (const [kind, value] of scopes) {
      if (!value) continue;
      const id = `${kind}:${value}`;
      const group = groups.get(id) ?? { kind, value, records: [] };
      group.records.push(record);
      groups.set(id, group);
    }
  }
  return groups;
};
