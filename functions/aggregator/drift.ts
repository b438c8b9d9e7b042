import type { RollupCounters } from 'claude-monitor/domain';

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
