import type { BudgetConfig } from 'claude-monitor/domain';
import { PRICE_TABLE, type PriceTable, resolveModel } from 'claude-monitor/pricing';

/**
 * Problems of the budgets' downgrade models: each must be an Anthropic API model id in the price table, since
 * the downgrade rewrites the Messages request's `model` and reserves the cheaper model's upper bound.
 */
export const downgradeProblems = (
  budgets: readonly Pick<BudgetConfig, 'downgradeTo'>[],
  path: string,
  prices: PriceTable = PRICE_TABLE,
): string[] =>
  budgets.flatMap((budget, i) => {
    const model = budget.downgradeTo;
    if (typeof model !== 'string') return [];
    const resolved = resolveModel(model, prices);
    return resolved?.provider === 'anthropic'
      ? []
      : [`${path}[${i}].downgradeTo must be an Anthropic model id in the price table, got "${model}"`];
  });
