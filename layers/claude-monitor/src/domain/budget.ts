/**
 * Budgets: the one definition shared by enforced limits (the layer refuses calls past them) and alert-only
 * budgets (the aggregator alerts at the `alerts.budgetSteps` percentages). Set at deploy time
 * (`claudeMonitor.budgets`, passed to every part as `CLAUDE_MONITOR_BUDGETS`) and at run time through
 * `PUT /api/monitoring/budgets` (stored in the table); a run-time budget replaces the deploy-time one with
 * the same scope, id and period.
 */

export const BUDGET_SCOPE = {
  account: 'account',
  tenant: 'tenant',
  user: 'user',
  session: 'session',
  function: 'function',
} as const;
export type BudgetScope = (typeof BUDGET_SCOPE)[keyof typeof BUDGET_SCOPE];

/** `lifetime` is a session's whole life (sessions only); the others are UTC calendar windows. */
export const BUDGET_PERIOD = { day: 'day', month: 'month', lifetime: 'lifetime' } as const;
export type BudgetPeriod = (typeof BUDGET_PERIOD)[keyof typeof BUDGET_PERIOD];

/** `enforce` refuses calls past the limit; `alert` only alerts (the behaviour of every budget before). */
export const BUDGET_MODE = { enforce: 'enforce', alert: 'alert' } as const;
export type BudgetMode = (typeof BUDGET_MODE)[keyof typeof BUDGET_MODE];

export interface BudgetConfig {
  scope: BudgetScope;
  /**
   * The tenant, user, session or function the budget limits. Omitted for `account`, and for a budget that
   * applies to each tenant (user, session, function) on its own; a budget naming an id takes precedence
   * over that one for its id.
   */
  id?: string;
  period: BudgetPeriod;
  /** Limit in USD. */
  usd: number;
  /** @default 'alert' */
  mode?: BudgetMode;
  /**
   * Enforced budgets only: a cheaper model (Anthropic API id) to send the call to when the requested model's
   * reservation does not fit, instead of refusing it. Recorded on the call.
   * @default - no downgrade: the call is refused
   */
  downgradeTo?: string;
}

/** A run-time budget as stored, with who changed it last, when, and how often. */
export interface StoredBudget extends BudgetConfig {
  updatedAt: string;
  updatedBy: string;
  /** 1 for the first write, +1 for every change: the value `If-Match` compares with. */
  version: number;
}

/** Periods each scope can be limited over: a session by its lifetime, everything else by day or month. */
export const PERIODS_OF_SCOPE: Readonly<Record<BudgetScope, readonly BudgetPeriod[]>> = {
  account: ['day', 'month'],
  tenant: ['day', 'month'],
  user: ['day', 'month'],
  function: ['day', 'month'],
  session: ['lifetime'],
};

/** Largest limit accepted: keeps every nano-dollar sum far below 2^53. */
export const MAX_BUDGET_USD = 1_000_000;
/** Longest id accepted (the API's filters take the same). */
export const MAX_BUDGET_ID_LENGTH = 256;
/** The id that stands for "every id" in keys; a real id cannot be it. */
export const ANY_ID = '*';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const BUDGET_FIELDS = new Set(['scope', 'id', 'period', 'usd', 'mode', 'downgradeTo']);

/** Whether `usd` has more than nine decimals (a nano-dollar is the smallest amount money is kept in). */
const finerThanNano = (usd: number): boolean => Math.abs(usd * 1e9 - Math.round(usd * 1e9)) > 1e-6;

/**
 * Checks one budget. Returns one message per problem, each naming the field, e.g.
 * `budgets[0].period must be lifetime for a session budget, got day`. Empty means valid.
 */
export const validateBudget = (budget: unknown, path: string): string[] => {
  if (!isObject(budget)) return [`${path} must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(budget)) {
    if (!BUDGET_FIELDS.has(key)) problems.push(`${path}.${key} is not a budget field`);
  }
  const { scope, id, period, usd, mode, downgradeTo } = budget;
  const scopes = Object.values(BUDGET_SCOPE) as unknown[];
  if (!scopes.includes(scope)) {
    problems.push(`${path}.scope must be one of ${scopes.join(', ')}, got ${JSON.stringify(scope)}`);
  } else {
    const periods = PERIODS_OF_SCOPE[scope as BudgetScope] as readonly unknown[];
    if (!periods.includes(period)) {
      problems.push(
        `${path}.period must be ${periods.join(' or ')} for a ${String(scope)} budget, got ${JSON.stringify(period)}`,
      );
    }
  }
  if (scope === 'account' && id !== undefined)
    problems.push(`${path}.id must be omitted for an account budget`);
  if (id !== undefined) {
    if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_BUDGET_ID_LENGTH || id === ANY_ID) {
      problems.push(
        `${path}.id must be a non-empty string of at most ${MAX_BUDGET_ID_LENGTH} characters other than "*"`,
      );
    } else if ([...id].some((char) => char.charCodeAt(0) < 0x20)) {
      problems.push(`${path}.id must not contain control characters`);
    }
  }
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0 || usd > MAX_BUDGET_USD) {
    problems.push(
      `${path}.usd must be a number > 0 and at most ${MAX_BUDGET_USD}, got ${JSON.stringify(usd)}`,
    );
  } else if (finerThanNano(usd)) {
    problems.push(`${path}.usd must have at most 9 decimals (a nano-dollar), got ${usd}`);
  }
  if (mode !== undefined && mode !== 'enforce' && mode !== 'alert') {
    problems.push(`${path}.mode must be enforce or alert, got ${JSON.stringify(mode)}`);
  }
  if (downgradeTo !== undefined) {
    if (typeof downgradeTo !== 'string' || downgradeTo.trim() === '' || downgradeTo.length > 128) {
      problems.push(`${path}.downgradeTo must be a model id of at most 128 characters`);
    } else if (mode !== 'enforce') {
      problems.push(`${path}.downgradeTo needs mode enforce (an alert-only budget never refuses a call)`);
    }
  }
  return problems;
};

/** Identity of a budget: its scope, id (`*` for every id) and period. */
export const budgetIdentity = (budget: Pick<BudgetConfig, 'scope' | 'id' | 'period'>): string =>
  `${budget.scope}#${budget.id ?? ANY_ID}#${budget.period}`;

/** Checks a list of budgets: each budget, and no two with the same scope, id and period. */
export const validateBudgets = (budgets: unknown, path: string): string[] => {
  if (!Array.isArray(budgets)) return [`${path} must be a list of budgets`];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  budgets.forEach((budget, i) => {
    const found = validateBudget(budget, `${path}[${i}]`);
    problems.push(...found);
    if (found.length > 0) return;
    const identity = budgetIdentity(budget as BudgetConfig);
    const first = seen.get(identity);
    if (first !== undefined)
      problems.push(`${path}[${i}] has the same scope, id and period as ${path}[${first}]`);
    else seen.set(identity, i);
  });
  return problems;
};

/** The mode a budget is in. */
export const modeOf = (budget: Pick<BudgetConfig, 'mode'>): BudgetMode => budget.mode ?? 'alert';

/** A budget's window at a time: its bucket (as the rollups name it), its start and when it resets. */
export interface BudgetWindow {
  /** `2026-12-01` (day), `2026-12` (month), `total` (lifetime): the rollup bucket of the same span. */
  bucket: string;
  start: string | null;
  /** Start of the next window; null for a lifetime budget, which never resets. */
  resetsAt: string | null;
}

export const budgetWindow = (period: BudgetPeriod, at: Date): BudgetWindow => {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const day = at.getUTCDate();
  const iso = at.toISOString();
  switch (period) {
    case 'day':
      return {
        bucket: iso.slice(0, 10),
        start: new Date(Date.UTC(year, month, day)).toISOString(),
        resetsAt: new Date(Date.UTC(year, month, day + 1)).toISOString(),
      };
    case 'month':
      return {
        bucket: iso.slice(0, 7),
        start: new Date(Date.UTC(year, month, 1)).toISOString(),
        resetsAt: new Date(Date.UTC(year, month + 1, 1)).toISOString(),
      };
    case 'lifetime':
      return { bucket: 'total', start: null, resetsAt: null };
  }
};

/** Who and what a call is, as far as budgets look at it. */
export interface BudgetSubject {
  tenantId?: string;
  userId?: string;
  sessionId?: string;
  functionName?: string;
}

/** The value of a call a scope limits (`*` for the account); undefined when the call has none. */
export const scopeValueOf = (scope: BudgetScope, subject: BudgetSubject): string | undefined => {
  switch (scope) {
    case 'account':
      return ANY_ID;
    case 'tenant':
      return subject.tenantId || undefined;
    case 'user':
      return subject.userId || undefined;
    case 'session':
      return subject.sessionId || undefined;
    case 'function':
      return subject.functionName || undefined;
  }
};

/** A budget that applies to one call, with the value of the call it limits. */
export interface ApplicableBudget {
  budget: BudgetConfig;
  value: string;
}

/**
 * The budgets that apply to a call: per scope and period, the one naming the call's id, else the one for
 * every id. Pure and allocation-light: it runs before every call of a process that has budgets.
 */
export const applicableBudgets = (
  budgets: readonly BudgetConfig[],
  subject: BudgetSubject,
): ApplicableBudget[] => {
  const chosen = new Map<string, ApplicableBudget>();
  for (const budget of budgets) {
    const value = scopeValueOf(budget.scope, subject);
    if (value === undefined || (budget.id !== undefined && budget.id !== value)) continue;
    const slot = `${budget.scope}#${budget.period}`;
    const existing = chosen.get(slot);
    if (!existing || (existing.budget.id === undefined && budget.id !== undefined)) {
      chosen.set(slot, { budget, value });
    }
  }
  return [...chosen.values()];
};

/**
 * Merges run-time budgets over deploy-time ones: a run-time budget replaces the deploy-time budget with the
 * same scope, id and period.
 */
export const mergeBudgets = (
  deployed: readonly BudgetConfig[],
  runtime: readonly BudgetConfig[],
): BudgetConfig[] => {
  const byIdentity = new Map<string, BudgetConfig>();
  for (const budget of deployed) byIdentity.set(budgetIdentity(budget), budget);
  for (const budget of runtime) byIdentity.set(budgetIdentity(budget), budget);
  return [...byIdentity.values()];
};

/** Parses a JSON list of budgets (the environment's, a stored one); throws with every problem listed. */
export const parseBudgets = (raw: string, source: string): BudgetConfig[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new Error(`${source} is not valid JSON`, { cause });
  }
  const problems = validateBudgets(parsed, source);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return parsed as BudgetConfig[];
};

/**
 * A stored run-time budget read back from its item, or undefined when the item is not a valid budget (it is
 * then reported by the reader and skipped: one bad item never hides the others).
 */
export const storedBudgetOf = (
  item: Record<string, unknown>,
): { budget?: StoredBudget; problems: string[] } => {
  const { scope, id, period, usd, mode, downgradeTo, updatedAt, updatedBy, version } = item;
  const budget = Object.fromEntries(
    Object.entries({ scope, id, period, usd, mode, downgradeTo }).filter(([, value]) => value !== undefined),
  );
  const problems = validateBudget(budget, `stored budget ${String(item.sk)}`);
  if (typeof updatedAt !== 'string' || typeof updatedBy !== 'string' || !Number.isSafeInteger(version)) {
    problems.push(`stored budget ${String(item.sk)} lacks updatedAt, updatedBy or version`);
  }
  if (problems.length > 0) return { problems };
  return {
    budget: { ...(budget as unknown as BudgetConfig), updatedAt, updatedBy, version } as StoredBudget,
    problems,
  };
};
