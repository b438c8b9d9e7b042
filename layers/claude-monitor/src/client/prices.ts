import type { CostBreakdown, TokenUsage } from '../domain/call-record';
import type { PriceTable } from '../pricing';
import { type CostOptions, computeCost, loadPriceTable, PRICE_TABLE } from '../pricing';
import { reportMonitorFailure, writeLogLine } from '../recorder/log-line';

let table: PriceTable | undefined;
const warnedModels = new Set<string>();

/** The deploy-time price table (overrides from the env merged in), loaded once; a bad override is reported
 * and the built-in table used, so a typo in configuration never stops calls from being recorded. Budget
 * reservations price their upper bounds with the same table. */
export const currentPriceTable = (): PriceTable => {
  if (!table) {
    try {
      table = loadPriceTable();
    } catch (error) {
      reportMonitorFailure('price overrides', error);
      table = PRICE_TABLE;
    }
  }
  return table;
};

/** Prices a call; an unknown model is logged once per process as a warning and recorded as unpriced. */
export const priceCall = (
  model: string,
  usage: TokenUsage,
  options: Omit<CostOptions, 'prices'>,
): CostBreakdown => {
  const cost = computeCost(model, usage, { ...options, prices: currentPriceTable() });
  if (!cost.priced && !warnedModels.has(model)) {
    warnedModels.add(model);
    writeLogLine({
      level: 'WARN',
      message: 'claude-monitor: model not in the price table; its calls are recorded as unpriced',
      model,
      priceVersion: cost.priceVersion,
    });
  }
  return cost;
};
