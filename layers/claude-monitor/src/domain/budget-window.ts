import {
  type ApplicableBudget,
  type BudgetConfig,
  type BudgetPeriod,
  type BudgetScope,
  budgetWindow,
} from './budget';
import type { BudgetLimitState } from './call-record';
import { usdToNano } from './money';
import { bucketOf, type Dimension, type Granularity, rollupPk } from './rollup';
import {
  BUDGET_WINDOW_ATTRIBUTE as A,
  BUDGET_KEY,
  BUDGET_WINDOW_RETENTION_DAYS,
  ITEM_TYPE,
  KEY,
} from './table-schema';

/** One enforced budget's window that a call is checked against, with the keys of its counter item. */
export interface WindowRef {
  budget: BudgetConfig;
  /** The tenant, user, session or function limited; `*` for the account. */
  value: string;
  bucket: string;
  resetsAt: string | null;
  limitNanoUsd: number;
  pk: string;
  sk: string;
  /** `<scope>:<value>/<period>`, as records list the limits a call was checked against. */
  label: string;
  /** Epoch seconds at which the counter item may be removed. */
  expiresAt: number;
}

const DAY_S = 86_400;

/** The window of an applicable budget at `atMs`. */
export const windowRefOf = ({ budget, value }: ApplicableBudget, atMs: number): WindowRef => {
  const window = budgetWindow(budget.period, new Date(atMs));
  const end = window.resetsAt ? Date.parse(window.resetsAt) : atMs;
  return {
    budget,
    value,
    bucket: window.bucket,
    resetsAt: window.resetsAt,
    limitNanoUsd: usdToNano(budget.usd),
    pk: BUDGET_KEY.windowPk(budget.scope, value),
    sk: BUDGET_KEY.windowSk(budget.period, window.bucket),
    label: `${budget.scope}:${value}/${budget.period}`,
    expiresAt: Math.floor(end / 1_000) + BUDGET_WINDOW_RETENTION_DAYS * DAY_S,
  };
};

/** The figures of a counter item, every amount integer nano-dollars (absent attributes are 0). */
export interface WindowFigures {
  committed: number;
  settled: number;
  unsettled: number;
  /** Sum of the reservations still open. */
  reserved: number;
  refusedCalls: number;
}

const numberOf = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

/** Reads the figures of an (unmarshalled) counter item. */
export const figuresOf = (item: Record<string, unknown> | undefined): WindowFigures => {
  let reserved = 0;
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(A.reservationPrefix)) reserved += numberOf(value);
  }
  return {
    committed: numberOf(item?.[A.committed]),
    settled: numberOf(item?.[A.settled]),
    unsettled: numberOf(item?.[A.unsettled]),
    reserved,
    refusedCalls: numberOf(item?.[A.refusedCalls]),
  };
};

/** The limit as a record and an error show it. */
export const limitStateOf = (window: WindowRef, figures: WindowFigures): BudgetLimitState => ({
  scope: window.budget.scope,
  value: window.value,
  period: window.budget.period,
  window: window.bucket,
  limitNanoUsd: window.limitNanoUsd,
  spentNanoUsd: figures.settled + figures.unsettled,
  reservedNanoUsd: figures.reserved,
  ...(window.resetsAt ? { resetsAt: window.resetsAt } : {}),
});

/**
 * The attributes that describe a window item (type, scope, value, period, bucket, limit, TTL) as an update's
 * `SET` clause, set by every write that may create the item: the layer's and the aggregator's alike.
 */
export const windowAttributes = (window: WindowRef) => ({
  names: {
    '#type': KEY.type,
    '#scope': 'scope',
    '#value': 'value',
    '#period': 'period',
    '#bucket': 'bucket',
    '#limit': A.limitNanoUsd,
    '#ttl': KEY.ttl,
  },
  values: {
    ':type': ITEM_TYPE.budgetWindow,
    ':scope': window.budget.scope,
    ':value': window.value,
    ':period': window.budget.period,
    ':bucket': window.bucket,
    ':limit': window.limitNanoUsd,
    ':ttl': window.expiresAt,
  },
  set: '#type = :type, #scope = :scope, #value = :value, #period = :period, #bucket = :bucket, #limit = :limit, #ttl = :ttl',
});

/** The rollup dimension that sums a budget scope's spend. */
export const DIMENSION_OF_SCOPE: Readonly<Record<BudgetScope, Dimension>> = {
  account: 'all',
  tenant: 'tenant',
  user: 'user',
  session: 'session',
  function: 'function',
};

/** The rollup granularity whose bucket is a budget period's window. */
export const GRANULARITY_OF_PERIOD: Readonly<Record<BudgetPeriod, Granularity>> = {
  day: 'day',
  month: 'month',
  lifetime: 'total',
};

/** The rollup item holding the exact spend of a budget's window at `timestamp` (ISO), for the limited `value`. */
export const budgetRollupRef = (
  budget: Pick<BudgetConfig, 'scope' | 'period'>,
  value: string,
  timestamp: string,
): { granularity: Granularity; dim: Dimension; value: string; bucket: string; pk: string; sk: string } => {
  const granularity = GRANULARITY_OF_PERIOD[budget.period];
  const dim = DIMENSION_OF_SCOPE[budget.scope];
  const bucket = bucketOf(timestamp, granularity);
  return { granularity, dim, value, bucket, pk: rollupPk(granularity, dim, value), sk: bucket };
};
