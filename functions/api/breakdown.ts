import {
  addCounters,
  addPairSlots,
  COUNTER,
  nanoToUsd,
  PAIR_OTHER_SLOT,
  type PairCounters,
  type PairDimension,
  type PairSlot,
  type RollupCounters,
} from 'claude-monitor/domain';
import type { RollupReader, RollupRow } from './rollup-reader';
import type { HourWindow } from './window';

/** What `by` can split a dimension value by. Only the model for now: the split kept inside the rollups. */
export const BREAKDOWN_BY = ['model'] as const;
export type BreakdownBy = (typeof BREAKDOWN_BY)[number];

/** Values listed without `value`: the costliest first. */
export const BREAKDOWN_LIMIT = { default: 10, max: 50 } as const;

/** What the answer says its `other` entry holds, and where calls written before the split went. */
export const BREAKDOWN_NOTES = {
  other:
    'calls of models without an entry in the built-in price table (unpriced or unknown ids), counted together',
  unsplit: 'calls in rollups written before the model split existed: in the totals, in no model',
} as const;

/** Figures of one model within one value, or of the value as a whole. */
export interface SplitFigures {
  calls: number;
  errors: number;
  /** Percent of calls that failed, 0–100. */
  error_rate: number;
  cost_usd: number;
  cost_nano_usd: number;
  input_tokens: number;
  output_tokens: number;
  /** 5-minute and 1-hour cache writes together. */
  cache_write_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  /** Mean latency of the calls (histograms are kept per value, not per model). */
  average_latency_ms: number | null;
}

export type ModelSplit = SplitFigures & {
  model: string;
  /** Only when two models share one slot id (never for the built-in price table): the other names. */
  shared_with?: string[];
};

export interface BreakdownValue extends SplitFigures {
  value: string;
  models: ModelSplit[];
  /** Unpriced and unknown models together (`BREAKDOWN_NOTES.other`), or null when there were none. */
  other: SplitFigures | null;
  /** What the totals hold that no model split does (`BREAKDOWN_NOTES.unsplit`). */
  unsplit_calls: number;
  unsplit_cost_nano_usd: number;
}

const n = (value: number | undefined): number => value ?? 0;

const figures = (c: PairCounters): SplitFigures => {
  const calls = n(c.calls);
  const tokens = {
    input_tokens: n(c.inputTokens),
    output_tokens: n(c.outputTokens),
    cache_write_tokens: n(c.cacheWriteTokens),
    cache_read_tokens: n(c.cacheReadTokens),
  };
  return {
    calls,
    errors: n(c.errors),
    error_rate: calls === 0 ? 0 : Math.round((n(c.errors) / calls) * 10_000) / 100,
    cost_usd: nanoToUsd(n(c.costNanoUsd)),
    cost_nano_usd: n(c.costNanoUsd),
    ...tokens,
    total_tokens: Object.values(tokens).reduce((a, b) => a + b, 0),
    average_latency_ms: calls === 0 ? null : Math.round((n(c.latencySumMs) / calls) * 10) / 10,
  };
};

/** The value's own counters in the pair counters' terms, so totals and splits read alike. */
const totalsOf = (c: RollupCounters): PairCounters => ({
  calls: c[COUNTER.calls],
  errors: c[COUNTER.errors],
  costNanoUsd: c[COUNTER.costNanoUsd],
  inputTokens: c[COUNTER.inputTokens],
  outputTokens: c[COUNTER.outputTokens],
  cacheWriteTokens: n(c[COUNTER.cacheWrite5mTokens]) + n(c[COUNTER.cacheWrite1hTokens]),
  cacheReadTokens: c[COUNTER.cacheReadTokens],
  latencySumMs: c[COUNTER.latencySumMs],
});

const byCostThenName = (
  a: { cost_nano_usd: number; key: string },
  b: { cost_nano_usd: number; key: string },
) => b.cost_nano_usd - a.cost_nano_usd || a.key.localeCompare(b.key);

/** One value's answer from its summed counters and slots. Pure. */
export const breakdownValueOf = (
  value: string,
  counters: RollupCounters,
  slots: ReadonlyMap<string, PairSlot>,
): BreakdownValue => {
  const models: ModelSplit[] = [];
  let other: SplitFigures | null = null;
  let splitCalls = 0;
  let splitCost = 0;
  for (const [id, slot] of slots) {
    const f = figures(slot.counters);
    if (f.calls === 0) continue;
    splitCalls += f.calls;
    splitCost += f.cost_nano_usd;
    if (id === PAIR_OTHER_SLOT) other = f;
    else {
      const [model = id, ...rest] = slot.models;
      models.push({ model, ...(rest.length > 0 ? { shared_with: rest } : {}), ...f });
    }
  }
  models.sort((a, b) => byCostThenName({ ...a, key: a.model }, { ...b, key: b.model }));
  const totals = figures(totalsOf(counters));
  return {
    value,
    ...totals,
    models,
    other,
    unsplit_calls: Math.max(0, totals.calls - splitCalls),
    unsplit_cost_nano_usd: Math.max(0, totals.cost_nano_usd - splitCost),
  };
};

interface Summed {
  counters: RollupCounters;
  slots: Map<string, PairSlot>;
}

const sumByValue = (rows: readonly RollupRow[]): Map<string, Summed> => {
  const sums = new Map<string, Summed>();
  for (const row of rows) {
    const sum = sums.get(row.value) ?? { counters: {}, slots: new Map() };
    addCounters(sum.counters, row.counters);
    addPairSlots(sum.slots, row.pairs);
    sums.set(row.value, sum);
  }
  return sums;
};

export interface Breakdown {
  /** Values of the dimension with calls in the window (all of them, also those past `limit`). */
  values_total: number;
  values: BreakdownValue[];
}

/**
 * Model within one value of a pair dimension over the window, or, without `value`, within each of the `limit`
 * costliest values. Reads the value's rollups (or the dimension's, through the group-by index): O(buckets)
 * items per value, never raw calls.
 */
export const readBreakdown = async (
  reader: RollupReader,
  window: HourWindow,
  dim: PairDimension,
  value: string | undefined,
  limit: number,
): Promise<Breakdown> => {
  const rows =
    value === undefined ? await reader.ofDimension(dim, window) : await reader.ofValue(dim, value, window);
  const values = [...sumByValue(rows)]
    .map(([name, sum]) => breakdownValueOf(name, sum.counters, sum.slots))
    .filter((v) => v.calls > 0)
    .sort((a, b) => byCostThenName({ ...a, key: a.value }, { ...b, key: b.value }));
  return { values_total: values.length, values: values.slice(0, limit) };
};
