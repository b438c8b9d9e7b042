import {
  type BudgetConfig,
  budgetIdentity,
  MAX_BUDGET_ID_LENGTH,
  validateBudget,
} from 'claude-monitor/domain';
import type { Context, Hono } from 'hono';
import { readStoredBudgets } from '../shared/budget-definitions';
import { downgradeProblems } from '../shared/budget-models';
import type { AppContext } from './app';
import { BudgetAdmin, type ChangeSource } from './budget-admin';
import { budgetViews, listBudgets } from './budget-status';
import { BadRequestError } from './errors';
import { readInt } from './params';

/** The budget routes, with the query parameters each reads. */
export const BUDGET_ROUTES = {
  budgets: { path: '/api/monitoring/budgets', deleteQuery: ['scope', 'id', 'period'] },
  audit: { path: '/api/monitoring/budgets/audit', query: ['limit'] },
} as const;

/** Who a change is for: required on every change, kept in the audit trail. */
export const CHANGED_BY_HEADER = 'X-Changed-By';
/** Largest request body accepted by `PUT`. */
export const MAX_BUDGET_BODY_BYTES = 4_096;
export const AUDIT_LIMIT = { default: 50, max: 500 } as const;

/** Body field (snake case, as the API speaks) → budget field. */
const BODY_FIELDS = {
  scope: 'scope',
  id: 'id',
  period: 'period',
  usd: 'usd',
  mode: 'mode',
  downgrade_to: 'downgradeTo',
} as const;
const PARAMETER_OF: Record<string, string> = Object.fromEntries(
  Object.entries(BODY_FIELDS).map(([body, field]) => [field, body]),
);

/** The first problem of a budget as a 400 naming the body field. */
const refuse = (problems: string[]): never => {
  const problem = problems[0]!;
  const field = /^budget(?:\[0\])?\.(\w+)/.exec(problem)?.[1] ?? 'body';
  const parameter = PARAMETER_OF[field] ?? field;
  throw new BadRequestError(parameter, problem.replace(/^budget(?:\[0\])?\.\w+/, parameter));
};

const readBody = async (c: Context): Promise<BudgetConfig> => {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_BUDGET_BODY_BYTES) {
    throw new BadRequestError('body', `the body must be at most ${MAX_BUDGET_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequestError('body', 'the body must be a JSON object describing one budget');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('body', 'the body must be a JSON object describing one budget');
  }
  const budget: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = BODY_FIELDS[name as keyof typeof BODY_FIELDS];
    if (!field) {
      throw new BadRequestError(
        name,
        `${name} is not a budget field; the fields are ${Object.keys(BODY_FIELDS).join(', ')}`,
      );
    }
    if (value !== null) budget[field] = value;
  }
  const problems = validateBudget(budget, 'budget');
  if (problems.length > 0) refuse(problems);
  const models = downgradeProblems([budget as unknown as BudgetConfig], 'budget');
  if (models.length > 0) refuse(models);
  return budget as unknown as BudgetConfig;
};

/** `scope`, `id` and `period` of the budget a `DELETE` names. */
const readIdentity = (c: Context): string => {
  const [scope, id, period] = BUDGET_ROUTES.budgets.deleteQuery.map((name) => c.req.query(name));
  const budget = {
    scope,
    ...(id === undefined ? {} : { id }),
    period,
    usd: 1,
  };
  const problems = validateBudget(budget, 'budget').filter((problem) => !problem.startsWith('budget.usd'));
  if (problems.length > 0) refuse(problems);
  return budgetIdentity(budget as BudgetConfig);
};

const readSource = (c: Context): ChangeSource => {
  const changedBy = c.req.header(CHANGED_BY_HEADER)?.trim();
  if (
    !changedBy ||
    changedBy.length > MAX_BUDGET_ID_LENGTH ||
    [...changedBy].some((ch) => ch.charCodeAt(0) < 0x20)
  ) {
    throw new BadRequestError(
      CHANGED_BY_HEADER,
      `${CHANGED_BY_HEADER} must name who makes the change (1 to ${MAX_BUDGET_ID_LENGTH} characters); it is kept in the audit trail`,
    );
  }
  const env = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  const sourceIp = env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress;
  const userAgent = c.req.header('user-agent')?.slice(0, MAX_BUDGET_ID_LENGTH);
  return { changedBy, ...(sourceIp ? { sourceIp } : {}), ...(userAgent ? { userAgent } : {}) };
};

/** `If-Match: "3"` (or `3`): change only version 3; `"0"`: only create. Absent: whatever the version. */
const readIfMatch = (c: Context): number | undefined => {
  const raw = c.req.header('if-match');
  if (raw === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!match)
    throw new BadRequestError('If-Match', 'If-Match must be a budget version, e.g. "3" (from its ETag)');
  return Number(match[1]);
};

/**
 * `GET/PUT/DELETE /api/monitoring/budgets` and `GET /api/monitoring/budgets/audit`: the budgets in force with
 * where each stands, and run-time changes with who made them. A change reaches the attached functions within
 * their `runtimeRefreshSeconds` (60 s by default) and the aggregator within a minute.
 */
export const registerBudgets = (app: Hono, ctx: AppContext): void => {
  const admin = new BudgetAdmin(ctx.deps.client, ctx.deps.tableName, ctx.deps.now);
  const viewOf = async (budget: BudgetConfig) => {
    const { budgets } = await readStoredBudgets(ctx.deps.client, ctx.deps.tableName, true);
    const listed = listBudgets(ctx.deps.budgets, budgets).filter(
      (entry) => budgetIdentity(entry.budget) === budgetIdentity(budget),
    );
    return (await budgetViews(ctx.deps.client, ctx.deps.tableName, listed, ctx.deps.now()))[0] ?? null;
  };

  app.get(BUDGET_ROUTES.budgets.path, async (c) => {
    const { budgets, problems } = await readStoredBudgets(ctx.deps.client, ctx.deps.tableName, true);
    if (problems.length > 0) ctx.deps.logger.error('invalid stored budgets skipped', { problems });
    const now = ctx.deps.now();
    const views = await budgetViews(
      ctx.deps.client,
      ctx.deps.tableName,
      listBudgets(ctx.deps.budgets, budgets),
      now,
    );
    return c.json({ generated_at: now.toISOString(), budgets: views });
  });

  app.put(BUDGET_ROUTES.budgets.path, async (c) => {
    const source = readSource(c);
    const ifMatch = readIfMatch(c);
    const budget = await readBody(c);
    const { stored, created } = await admin.put(budget, source, ifMatch);
    c.header('ETag', `"${stored.version}"`);
    return c.json({ budget: await viewOf(stored) }, created ? 201 : 200);
  });

  app.delete(BUDGET_ROUTES.budgets.path, async (c) => {
    const source = readSource(c);
    const ifMatch = readIfMatch(c);
    const deleted = await admin.delete(readIdentity(c), source, ifMatch);
    return c.json({ deleted: { ...deleted, id: deleted.id ?? null }, in_force: await viewOf(deleted) });
  });

  app.get(BUDGET_ROUTES.audit.path, async (c) => {
    const limit = readInt('limit', c.req.query('limit'), AUDIT_LIMIT.default, 1, AUDIT_LIMIT.max);
    return c.json({ changes: await admin.audit(limit) });
  });
};
