import type { Dimension } from './rollup';

/**
 * Pair breakdowns ("model within tenant"): the rollup items of these dimensions also split their counters by
 * model, inside the same item. A rollup write is billed per started KB and these items are a few hundred
 * bytes, so the split costs no extra write while the item stays under 1 KB, where a separate pair item would
 * cost a new key (about 3 units) per call and batch. docs/aggregation.md "Pair breakdowns" has the layout and
 * docs/performance.md what it costs.
 */
export const PAIR_DIMENSIONS = [
  'tenant',
  'user',
  'function',
  'session',
] as const satisfies readonly Dimension[];
export type PairDimension = (typeof PAIR_DIMENSIONS)[number];

export const isPairDimension = (dim: Dimension): dim is PairDimension =>
  (PAIR_DIMENSIONS as readonly string[]).includes(dim);

/**
 * One-letter names of the counters kept per model slot. Mean latency only (sum; the count is `calls`, as every
 * call has a latency): the 20-bucket histogram per model would take an item past 1 KB.
 */
export const PAIR_COUNTER = {
  calls: 'c',
  errors: 'e',
  costNanoUsd: 'n',
  inputTokens: 'i',
  outputTokens: 'o',
  /** 5-minute and 1-hour cache writes together. */
  cacheWriteTokens: 'w',
  cacheReadTokens: 'r',
  latencySumMs: 'l',
} as const;
export type PairCounter = keyof typeof PAIR_COUNTER;

/**
 * The slot of calls whose model has no entry in the built-in price table (unpriced or unknown ids): they are
 * counted together, so an item holds at most one slot per priced model plus this one.
 */
export const PAIR_OTHER_SLOT = 'x';

const SLOT_CHARS = 4;
const SLOT_SPACE = 36 ** SLOT_CHARS;

/**
 * A model's slot id: 4 base-36 characters of the FNV-1a hash of its canonical id. Stable (the same model has
 * the same slot in every item, written by any invocation in any order), so the aggregator and recompute agree
 * without reading the item. A unit test holds the built-in price table free of shared slots; should two models
 * ever share one, the slot's name set lists both and the API reports them together, never under one name.
 */
export const pairSlotId = (model: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < model.length; i++) {
    hash ^= model.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % SLOT_SPACE).toString(36).padStart(SLOT_CHARS, '0');
};

/** Attribute of one counter of a slot, e.g. `m1k2zc` (calls of slot `1k2z`), `mxn` (cost of `other`). */
export const pairCounterAttribute = (slot: string, counter: PairCounter): string =>
  `m${slot}${PAIR_COUNTER[counter]}`;

/** Attribute holding the model names of a slot (a string set, grown with `ADD`): `m1k2z`. */
export const pairNameAttribute = (slot: string): string => `m${slot}`;

const COUNTER_LETTERS = Object.values(PAIR_COUNTER).join('');
const PAIR_COUNTER_PATTERN = new RegExp(
  `^m([0-9a-z]{${SLOT_CHARS}}|${PAIR_OTHER_SLOT})([${COUNTER_LETTERS}])$`,
);
const PAIR_NAME_PATTERN = new RegExp(`^m([0-9a-z]{${SLOT_CHARS}})$`);
const COUNTER_OF_LETTER = Object.fromEntries(
  Object.entries(PAIR_COUNTER).map(([counter, letter]) => [letter, counter as PairCounter]),
);

/** Whether an attribute name is a pair counter (the drift check compares these like any other counter). */
export const isPairCounterAttribute = (name: string): boolean => PAIR_COUNTER_PATTERN.test(name);

/** Whether an attribute belongs to the model split (a counter or a slot's name set), e.g. to weigh it. */
export const isPairAttribute = (name: string): boolean =>
  PAIR_COUNTER_PATTERN.test(name) || PAIR_NAME_PATTERN.test(name);

/** The counters of one slot of one item, by their long names; absent ones are 0. */
export type PairCounters = Partial<Record<PairCounter, number>>;

/** One slot of a stored item (or of a sum of items): the models it holds and their counters. */
export interface PairSlot {
  /** Model names of the slot: one, or none for `other`; more only if two models shared a slot id. */
  models: string[];
  counters: PairCounters;
}

/** The model slots of a stored rollup item (unmarshalled), keyed by slot id. Pure. */
export const pairSlotsOfItem = (item: Readonly<Record<string, unknown>>): Map<string, PairSlot> => {
  const slots = new Map<string, PairSlot>();
  const slotOf = (id: string): PairSlot => {
    let slot = slots.get(id);
    if (!slot) {
      slot = { models: [], counters: {} };
      slots.set(id, slot);
    }
    return slot;
  };
  for (const [name, value] of Object.entries(item)) {
    const counter = PAIR_COUNTER_PATTERN.exec(name);
    if (counter && typeof value === 'number') {
      slotOf(counter[1]!).counters[COUNTER_OF_LETTER[counter[2]!]!] = value;
      continue;
    }
    const names = PAIR_NAME_PATTERN.exec(name);
    if (names && (value instanceof Set || Array.isArray(value))) {
      slotOf(names[1]!).models = [...(value as Iterable<unknown>)].map(String).sort();
    }
  }
  return slots;
};

/** Adds the slots of `delta` into `target` in place (counters summed, model names united). */
export const addPairSlots = (
  target: Map<string, PairSlot>,
  delta: ReadonlyMap<string, PairSlot>,
): Map<string, PairSlot> => {
  for (const [id, slot] of delta) {
    const into = target.get(id) ?? { models: [], counters: {} };
    into.models = [...new Set([...into.models, ...slot.models])].sort();
    for (const [counter, amount] of Object.entries(slot.counters) as [PairCounter, number][]) {
      into.counters[counter] = (into.counters[counter] ?? 0) + amount;
    }
    target.set(id, into);
  }
  return target;
};
