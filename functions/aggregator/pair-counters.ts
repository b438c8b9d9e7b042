import {
  type CallRecord,
  PAIR_OTHER_SLOT,
  type PairCounter,
  pairCounterAttribute,
  pairSlotId,
  type RollupCounters,
} from 'claude-monitor/domain';
import { resolveModel } from 'claude-monitor/pricing';

/** Where one call lands in the model split of its tenant, user, function and session rollups. */
export interface PairContribution {
  /** Slot id: the model's, or `PAIR_OTHER_SLOT`. */
  slot: string;
  /** Canonical model id (undefined for `other`). */
  model?: string;
  /** The slot's counter attributes and what the call adds to them. */
  counters: RollupCounters;
}

/**
 * The model a call is split under: its canonical price-table id (every spelling of one model, Anthropic,
 * Bedrock or Vertex, lands in one slot), and only for priced calls. Unpriced calls and ids the built-in table
 * does not know go to `other`, which bounds an item to one slot per price-table model plus `other`.
 */
export const pairModelOf = (record: CallRecord): string | undefined =>
  record.cost.priced ? resolveModel(record.model)?.model : undefined;

/** What one call record adds to the model split. Pure: the aggregator and recompute share it. */
export const pairContributionOf = (record: CallRecord): PairContribution => {
  const model = pairModelOf(record);
  const slot = model === undefined ? PAIR_OTHER_SLOT : pairSlotId(model);
  const usage = record.usage;
  const amounts: Record<PairCounter, number> = {
    calls: 1,
    errors: record.status === 'success' ? 0 : 1,
    costNanoUsd: record.cost.totalNanoUsd,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheWriteTokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    cacheReadTokens: usage.cacheReadTokens,
    latencySumMs: record.latencyMs,
  };
  const counters: RollupCounters = {};
  for (const [counter, amount] of Object.entries(amounts) as [PairCounter, number][]) {
    // Zeros are left out, as in `countersOf`: an absent counter reads as 0 and costs no bytes.
    if (amount !== 0) counters[pairCounterAttribute(slot, counter)] = amount;
  }
  return model === undefined ? { slot, counters } : { slot, model, counters };
};

/** Adds a contribution's model name to the names of the slots a delta carries. */
export const addPairName = (names: Map<string, Set<string>>, contribution: PairContribution): void => {
  if (contribution.model === undefined) return;
  const set = names.get(contribution.slot) ?? new Set<string>();
  set.add(contribution.model);
  names.set(contribution.slot, set);
};
