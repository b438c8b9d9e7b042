import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  isPairAttribute,
  PAIR_COUNTER,
  PAIR_DIMENSIONS,
  PAIR_OTHER_SLOT,
  type PairCounter,
  type PairDimension,
  pairCounterAttribute,
  pairNameAttribute,
  pairSlotId,
} from 'claude-monitor/domain';
import { PRICE_TABLE } from 'claude-monitor/pricing';
import { itemSize } from './item-size';

/**
 * The write budget of the pair breakdowns: together they may add at most this many billed write units per
 * call, at the busy and at the steady rate of the realistic mix (about 7.9 % and 7.0 % of what a call costs
 * today). A pair is kept only while the whole stays within it; docs/performance.md "Pair breakdowns".
 */
export const PAIR_BUDGET_UNITS_PER_CALL = 0.5;

/** What the model split costs inside the rollups of one pair dimension (all its granularities). */
export interface PairFamilyCost {
  /** Rollup items of the dimension at the end of the run. */
  items: number;
  /** Bytes the split adds to an item, on average; the largest item with and without it. */
  averageBytesAdded: number;
  largestBytes: number;
  largestBytesWithout: number;
  /** Items past 1 KB (billed 2 units or more per write) with the split, and without it. */
  itemsOver1Kb: number;
  itemsOver1KbWithout: number;
  /** Billed write units per call of the dimension's rollups with the split, without it, and the difference. */
  unitsPerCall: number;
  unitsPerCallWithout: number;
  unitsPerCallAdded: number;
}

/** Units per call of a family's writes, from its final items: as `typeUnits` in aggregation-figures. */
export type UnitsOf = (items: Record<string, AttributeValue>[], family: string, calls: number) => number;

const withoutSplit = (item: Record<string, AttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !isPairAttribute(name)));

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/**
 * The cost of each pair dimension's model split, from the same run: every item of the dimension is weighed
 * by DynamoDB's size rule as stored and with the split's attributes taken out, and the family's writes are
 * billed at both sizes. The difference is what the split adds; nothing else differs between the two.
 */
export const pairCosts = (
  byFamily: ReadonlyMap<string, Record<string, AttributeValue>[]>,
  calls: number,
  unitsOf: UnitsOf,
): Record<PairDimension, PairFamilyCost> => {
  const costs = {} as Record<PairDimension, PairFamilyCost>;
  for (const dim of PAIR_DIMENSIONS) {
    const families = [...byFamily].filter(([family]) => family.startsWith(`${dim}/`));
    const all = families.flatMap(([, items]) => items);
    const stripped = all.map(withoutSplit);
    const sizes = all.map(itemSize);
    const strippedSizes = stripped.map(itemSize);
    const units = (strip: boolean) =>
      families.reduce(
        (sum, [family, items]) => sum + unitsOf(strip ? items.map(withoutSplit) : items, family, calls),
        0,
      );
    const unitsPerCall = units(false);
    const unitsPerCallWithout = units(true);
    costs[dim] = {
      items: all.length,
      averageBytesAdded: mean(sizes.map((size, i) => size - strippedSizes[i]!)),
      largestBytes: Math.max(0, ...sizes),
      largestBytesWithout: Math.max(0, ...strippedSizes),
      itemsOver1Kb: sizes.filter((size) => size > 1024).length,
      itemsOver1KbWithout: strippedSizes.filter((size) => size > 1024).length,
      unitsPerCall,
      unitsPerCallWithout,
      unitsPerCallAdded: unitsPerCall - unitsPerCallWithout,
    };
  }
  return costs;
};

/** Units per call all pairs add together. */
export const pairUnitsAdded = (costs: Readonly<Record<PairDimension, PairFamilyCost>>): number =>
  Object.values(costs).reduce((sum, cost) => sum + cost.unitsPerCallAdded, 0);

/** Counter values of a busy month (10 digits and more), so a slot is weighed at its largest. */
const BUSY_AMOUNT = 123_456_789_012;

/**
 * The bound, weighed: the bytes a split adds to an item that holds every model of the built-in price table
 * plus `other`, every counter non-zero and large. No item can hold more; the bench's items show what one holds.
 */
export const worstCaseSplit = (): { models: number; bytes: number; largestSlotBytes: number } => {
  const models = Object.keys(PRICE_TABLE.models);
  const slotBytes = (slot: string, model?: string): number =>
    itemSize(
      marshall({
        ...(model === undefined ? {} : { [pairNameAttribute(slot)]: new Set([model]) }),
        ...Object.fromEntries(
          (Object.keys(PAIR_COUNTER) as PairCounter[]).map((c) => [
            pairCounterAttribute(slot, c),
            BUSY_AMOUNT,
          ]),
        ),
      }),
    );
  const sizes = [...models.map((m) => slotBytes(pairSlotId(m), m)), slotBytes(PAIR_OTHER_SLOT)];
  return {
    models: models.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    largestSlotBytes: Math.max(...sizes),
  };
};
