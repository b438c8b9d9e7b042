import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { pairCounterAttribute, pairNameAttribute, pairSlotId } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { itemSize, writeUnits } from '../../../bench/item-size';
import { pairCosts, pairUnitsAdded } from '../../../bench/pair-cost';

const MODEL = 'claude-sonnet-4-6';

/** A rollup item of `padding` bytes of plain counters, with or without a one-model split. */
const rollup = (pk: string, padding: number, split: boolean): Record<string, AttributeValue> => {
  const slot = pairSlotId(MODEL);
  return marshall({
    pk,
    sk: '2026-11-29T10',
    filler: 'f'.repeat(padding),
    ...(split
      ? {
          [pairNameAttribute(slot)]: new Set([MODEL]),
          [pairCounterAttribute(slot, 'calls')]: 12,
          [pairCounterAttribute(slot, 'costNanoUsd')]: 123_456_789,
        }
      : {}),
  });
};

/** Ten plain writes per family, each of an average item: enough to see the split weighed by the size rule. */
const WRITES: Record<string, number> = { 'tenant/hour': 10, 'model/hour': 10 };
const unitsOf = (items: Record<string, AttributeValue>[], family: string, calls: number) =>
  ((WRITES[family] ?? 0) * items.reduce((sum, item) => sum + writeUnits(item), 0)) /
  Math.max(1, items.length) /
  calls;

describe('what the model split costs, by the size rule', () => {
  it('adds units only for items the split takes past a KB boundary, and none to other families', () => {
    // Prepare: a small tenant item and one just under 1 KB without its split; a model item has no split.
    const small = rollup('ROLLUP#hour#tenant#a', 100, true);
    const edge = rollup('ROLLUP#hour#tenant#b', 960, true);
    const byFamily = new Map([
      ['tenant/hour', [small, edge]],
      ['model/hour', [rollup('ROLLUP#hour#model#m', 1_000, false)]],
    ]);

    // Act
    const costs = pairCosts(byFamily, 10, unitsOf);

    // Assess
    const splitBytes = itemSize(small) - itemSize(rollup('ROLLUP#hour#tenant#a', 100, false));
    expect(splitBytes).toBeGreaterThan(20);
    expect(itemSize(rollup('ROLLUP#hour#tenant#b', 960, false))).toBeLessThanOrEqual(1_024);
    expect(itemSize(edge)).toBeGreaterThan(1_024);
    expect(costs.tenant).toMatchObject({
      items: 2,
      averageBytesAdded: splitBytes,
      itemsOver1Kb: 1,
      itemsOver1KbWithout: 0,
      unitsPerCall: 1.5,
      unitsPerCallWithout: 1,
      unitsPerCallAdded: 0.5,
    });
    expect(costs.user).toMatchObject({ items: 0, unitsPerCallAdded: 0 });
    expect(pairUnitsAdded(costs)).toBe(0.5);
  });
});
