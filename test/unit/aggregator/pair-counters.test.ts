import {
  countersOfItem,
  PAIR_OTHER_SLOT,
  pairCounterAttribute,
  pairNameAttribute,
  pairSlotId,
  pairSlotsOfItem,
} from 'claude-monitor/domain';
import { PRICE_TABLE } from 'claude-monitor/pricing';
import { describe, expect, it } from 'vitest';
import { pairContributionOf } from '../../../functions/aggregator/pair-counters';
import { preAggregate } from '../../../functions/aggregator/pre-aggregate';
import { makeCallRecord, makeErrorRecord } from '../../helpers/call-records';

const SONNET = 'claude-sonnet-4-5-20250929';

describe('model slots of the pair breakdowns', () => {
  it('gives every model of the built-in price table a slot of its own', () => {
    // Prepare
    const models = Object.keys(PRICE_TABLE.models);

    // Act
    const slots = new Set(models.map(pairSlotId));

    // Assess
    expect(models.length).toBeGreaterThan(10);
    expect(slots.size).toBe(models.length);
    expect(slots.has(PAIR_OTHER_SLOT)).toBe(false);
  });

  it('puts every spelling of a model in one slot, and unpriced or unknown models in other', () => {
    // Prepare
    const anthropic = makeCallRecord({ model: SONNET });
    const bedrock = makeCallRecord({ provider: 'bedrock', model: `us.anthropic.${SONNET}-v1:0` });
    const unknown = makeCallRecord({
      model: 'claude-future-9',
      cost: { ...makeCallRecord().cost, priced: false, totalNanoUsd: 0 },
    });

    // Act
    const [a, b, u] = [anthropic, bedrock, unknown].map(pairContributionOf);

    // Assess
    expect(a).toMatchObject({ slot: pairSlotId(SONNET), model: SONNET });
    expect(b).toMatchObject({ slot: pairSlotId(SONNET), model: SONNET });
    expect(u).toEqual({
      slot: PAIR_OTHER_SLOT,
      counters: { mxc: 1, mxi: 1_000, mxo: 200, mxl: 850 },
    });
  });

  it('adds the model split to tenant, user, function and session rollups only', () => {
    // Prepare
    const records = [
      makeCallRecord({ timestamp: '2026-11-29T10:01:00.000Z' }),
      makeErrorRecord({ timestamp: '2026-11-29T10:02:00.000Z', latencyMs: 150 }),
      makeCallRecord({ model: 'claude-haiku-4-5-20251001', timestamp: '2026-11-29T10:03:00.000Z' }),
    ];
    const sonnet = pairSlotId(SONNET);

    // Act
    const deltas = preAggregate(records);

    // Assess
    const tenant = deltas.get('ROLLUP#hour#tenant#tenant-1|2026-11-29T10')!;
    expect(tenant.counters).toMatchObject({
      calls: 3,
      [pairCounterAttribute(sonnet, 'calls')]: 2,
      [pairCounterAttribute(sonnet, 'errors')]: 1,
      [pairCounterAttribute(sonnet, 'costNanoUsd')]: 6_000_000,
      [pairCounterAttribute(sonnet, 'latencySumMs')]: 1_000,
      [pairCounterAttribute(pairSlotId('claude-haiku-4-5-20251001'), 'calls')]: 1,
    });
    expect([...tenant.pairNames!.get(sonnet)!]).toEqual([SONNET]);
    for (const id of [
      'ROLLUP#hour#session#session-1|2026-11-29T10',
      'ROLLUP#day#function#fn-chat|2026-11-29',
    ]) {
      expect(deltas.get(id)!.counters[pairCounterAttribute(sonnet, 'calls')], id).toBe(2);
    }
    for (const id of ['ROLLUP#hour#all#*|2026-11-29T10', `ROLLUP#day#model#${SONNET}|2026-11-29`]) {
      expect(
        Object.keys(deltas.get(id)!.counters).some((name) => name.startsWith('m')),
        id,
      ).toBe(false);
      expect(deltas.get(id)!.pairNames, id).toBeUndefined();
    }
  });

  it('reads slots back from a stored item, and the drift check sees their counters', () => {
    // Prepare
    const sonnet = pairSlotId(SONNET);
    const item = {
      pk: 'ROLLUP#hour#tenant#t',
      sk: '2026-11-29T10',
      value: 't',
      calls: 5,
      [pairNameAttribute(sonnet)]: new Set([SONNET]),
      [pairCounterAttribute(sonnet, 'calls')]: 4,
      [pairCounterAttribute(sonnet, 'cacheReadTokens')]: 70,
      [pairCounterAttribute(PAIR_OTHER_SLOT, 'calls')]: 1,
    };

    // Act
    const slots = pairSlotsOfItem(item);
    const counters = countersOfItem(item);

    // Assess
    expect(slots.get(sonnet)).toEqual({ models: [SONNET], counters: { calls: 4, cacheReadTokens: 70 } });
    expect(slots.get(PAIR_OTHER_SLOT)).toEqual({ models: [], counters: { calls: 1 } });
    expect(counters).toEqual({
      calls: 5,
      [pairCounterAttribute(sonnet, 'calls')]: 4,
      [pairCounterAttribute(sonnet, 'cacheReadTokens')]: 70,
      mxc: 1,
    });
  });
});
