import type { RollupCounters } from 'claude-monitor/domain';

/** Attributes of a rollup item that are not counters. */
const DESCRIPTIVE = new Set(['pk', 'sk', 'type', 'granularity', 'dim', 'value', 'bucket', 'dpk', 'dsk']);

/** The counters of a stored rollup item (every numeric attribute that is not a key or description). */
export const countersOfItem = (item: Record<string, unknown>): RollupCounters => {
  const counters: RollupCounters = {};
  for (const [name, value] of Object.entries(item)) {
    if (!DESCRIPTIVE.has(name) && typeof value === 'number') counters[name] = value;
  }
  return counters;
};

/** Counters that differ between stored and expected (absent counts as 0). Empty means no drift. Pure. */
export const counterDrift = (
  stored: RollupCounters,
  expected: RollupCounters,
): Record<string, { stored: number; expected: number }> => {
  const differences: Record<string, { stored: number; expected: number }> = {};
  for (const name of new Set([...Object.keys(stored), ...Object.keys(expected)])) {
    const left = stored[name] ?? 0;
    const right = expected[name] ?? 0;
    if (left !== right) differences[name] = { stored: left, expected: right };
  }
  return differences;
};
