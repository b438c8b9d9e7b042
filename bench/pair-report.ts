import { PAIR_DIMENSIONS } from 'claude-monitor/domain';
import type { RateScenario } from '../functions/aggregator/realistic-workload';
import type { AggregationBreakdown } from './aggregation-figures';
import { PAIR_BUDGET_UNITS_PER_CALL, pairUnitsAdded, worstCaseSplit } from './pair-cost';

const fixed = (value: number, digits: number): string => value.toFixed(digits);

/**
 * What each pair breakdown (model within tenant, user, function, session) costs at each call rate: the bytes
 * its split adds to an item, the largest item with and without it, items past 1 KB, and the billed write
 * units per call with and without it, against the stated budget.
 */
export const formatPairCosts = (breakdowns: Record<RateScenario, AggregationBreakdown>): string[] => {
  const scenarios = Object.keys(breakdowns) as RateScenario[];
  const lines = [
    `Pair breakdowns (model split inside the rollups; units per call with and without it, same run; budget: at most ${PAIR_BUDGET_UNITS_PER_CALL} units per call added by all pairs together):`,
    `  ${'pair'.padEnd(22)} ${'rate'.padEnd(7)} ${'+avg B'.padStart(7)} ${'max B'.padStart(6)} ${'max B w/o'.padStart(9)} ${'>1KB'.padStart(6)} ${'>1KB w/o'.padStart(8)} ${'units'.padStart(7)} ${'w/o'.padStart(7)} ${'added'.padStart(7)}`,
  ];
  for (const dim of PAIR_DIMENSIONS) {
    for (const s of scenarios) {
      const c = breakdowns[s].pairs[dim];
      lines.push(
        `  ${`model within ${dim}`.padEnd(22)} ${s.padEnd(7)} ${String(Math.round(c.averageBytesAdded)).padStart(7)} ${String(c.largestBytes).padStart(6)} ${String(c.largestBytesWithout).padStart(9)} ${String(c.itemsOver1Kb).padStart(6)} ${String(c.itemsOver1KbWithout).padStart(8)} ${fixed(c.unitsPerCall, 3).padStart(7)} ${fixed(c.unitsPerCallWithout, 3).padStart(7)} ${fixed(c.unitsPerCallAdded, 3).padStart(7)}`,
      );
    }
  }
  for (const s of scenarios) {
    const added = pairUnitsAdded(breakdowns[s].pairs);
    const verdict = added <= PAIR_BUDGET_UNITS_PER_CALL ? 'within the budget' : 'OVER the budget';
    lines.push(
      `  ${s}: all pairs add ${fixed(added, 3)} units per call of ${fixed(breakdowns[s].totalWriteUnitsPerCall, 3)} (${verdict})`,
    );
  }
  const worst = worstCaseSplit();
  lines.push(
    `  bound: one slot per model of the built-in price table (${worst.models}) plus other; a slot with large counters is at most ${worst.largestSlotBytes} B, an item holding all of them grows by ${worst.bytes} B`,
  );
  return lines;
};
