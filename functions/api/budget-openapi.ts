import {
  BUDGET_MODE,
  BUDGET_PERIOD,
  BUDGET_SCOPE,
  MAX_BUDGET_ID_LENGTH,
  MAX_BUDGET_USD,
} from 'claude-monitor/domain';
import { AUDIT_LIMIT, BUDGET_ROUTES, CHANGED_BY_HEADER, MAX_BUDGET_BODY_BYTES } from './budget-routes';

type Schema = Record<string, unknown>;

const json = (schema: Schema) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ERROR = ref('Error');
const int = { type: 'integer' };
const num = { type: 'number' };
const nullableString = { type: ['string', 'null'] };

const errors = (...statuses: string[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: {
          '400': 'Invalid field, parameter or header (named in `parameter`)',
          '401': 'Missing or wrong token',
          '404': 'No such run-time budget',
          '409': 'Concurrent changes kept landing first; nothing changed, try again',
          '412': 'If-Match names a version that is no longer current; nothing changed',
          '500': 'Internal error (no details)',
        }[status],
        content: json(ERROR),
      },
    ]),
  );

const changedBy = {
  name: CHANGED_BY_HEADER,
  in: 'header',
  required: true,
  description: 'Who the change is made for (a person or a system); kept in the audit trail with the time.',
  schema: { type: 'string', minLength: 1, maxLength: MAX_BUDGET_ID_LENGTH },
};
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'Change only this version (the ETag of the last read or write); "0" only creates. Without it, the change applies to whatever version is current, and is still audited.',
  schema: { type: 'string', example: '"3"' },
};

const figures: Schema = {
  spent_usd: num,
  spent_nano_usd: int,
  reserved_usd: num,
  reserved_nano_usd: int,
  remaining_usd: num,
  remaining_nano_usd: int,
  percent_used: num,
  refused_calls: int,
  status: { type: 'string', enum: ['ok', 'warning', 'exhausted', 'refusing'] },
  projected_exhaustion_at: { type: ['string', 'null'], format: 'date-time' },
};

/** Schemas the budget routes refer to, added to the document's components. */
export const BUDGET_SCHEMAS: Record<string, Schema> = {
  BudgetInput: {
    type: 'object',
    required: ['scope', 'period', 'usd'],
    additionalProperties: false,
    description: `One budget; the body of a PUT, at most ${MAX_BUDGET_BODY_BYTES} bytes. Its scope, id and period identify it.`,
    properties: {
      scope: { type: 'string', enum: Object.values(BUDGET_SCOPE) },
      id: {
        type: 'string',
        maxLength: MAX_BUDGET_ID_LENGTH,
        description:
          'Omitted for the account, and for a budget that applies to each tenant (user, session, function).',
      },
      period: {
        type: 'string',
        enum: Object.values(BUDGET_PERIOD),
        description:
          '`lifetime` for sessions (and only for them); `day` or `month` (UTC) for the other scopes.',
      },
      usd: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: MAX_BUDGET_USD,
        description: 'At most 9 decimals.',
      },
      mode: { type: 'string', enum: Object.values(BUDGET_MODE), default: 'alert' },
      downgrade_to: {
        type: 'string',
        description: 'Enforced budgets: an Anthropic model id the call is sent to instead of being refused.',
      },
    },
  },
  Budget: {
    type: 'object',
    description: 'A budget in force and where it stands in its current window.',
    properties: {
      scope: { type: 'string' },
      id: nullableString,
      period: { type: 'string' },
      usd: num,
      limit_nano_usd: int,
      mode: { type: 'string' },
      downgrade_to: nullableString,
      source: { type: 'string', enum: ['deploy', 'runtime'] },
      replaces_deploy_time: { type: 'boolean' },
      updated_at: { type: ['string', 'null'], format: 'date-time' },
      updated_by: nullableString,
      version: { type: ['integer', 'null'] },
      window: {
        type: 'object',
        properties: { bucket: { type: 'string' }, start: nullableString, resets_at: nullableString },
      },
      ...figures,
      instances: {
        type: ['array', 'null'],
        description:
          'A budget for every tenant (user, function): the ids spending in the window, biggest first (20 at most).',
        items: { type: 'object', properties: { id: { type: 'string' }, ...figures } },
      },
    },
  },
  BudgetChange: {
    type: 'object',
    properties: {
      changeId: { type: 'string' },
      action: { type: 'string', enum: ['put', 'delete'] },
      budget: { type: 'string', description: '`<scope>#<id or *>#<period>`' },
      changedAt: { type: 'string', format: 'date-time' },
      changedBy: { type: 'string' },
      sourceIp: { type: 'string' },
      userAgent: { type: 'string' },
      before: { type: 'object' },
      after: { type: 'object' },
    },
  },
};

/** The budget routes' path items, merged into the API's OpenAPI document. */
export const BUDGET_PATHS = {
  [BUDGET_ROUTES.budgets.path]: {
    get: {
      operationId: 'listBudgets',
      summary:
        'Budgets in force (deploy-time and run-time) with spent, reserved, remaining and projected exhaustion',
      parameters: [],
      responses: {
        '200': {
          description: 'OK',
          content: json({
            type: 'object',
            properties: {
              generated_at: { type: 'string', format: 'date-time' },
              budgets: { type: 'array', items: ref('Budget') },
            },
          }),
        },
        ...errors('401', '500'),
      },
    },
    put: {
      operationId: 'putBudget',
      summary: 'Creates or replaces a run-time budget (validated, audited with who and when)',
      parameters: [changedBy, ifMatch],
      requestBody: { required: true, content: json(ref('BudgetInput')) },
      responses: {
        '200': {
          description: 'Replaced; ETag holds the new version',
          content: json({ type: 'object', properties: { budget: ref('Budget') } }),
        },
        '201': {
          description: 'Created; ETag holds its version',
          content: json({ type: 'object', properties: { budget: ref('Budget') } }),
        },
        ...errors('400', '401', '409', '412', '500'),
      },
    },
    delete: {
      operationId: 'deleteBudget',
      summary:
        'Deletes a run-time budget; a deploy-time budget with the same scope, id and period is in force again',
      parameters: [
        ...BUDGET_ROUTES.budgets.deleteQuery.map((name) => ({
          name,
          in: 'query',
          required: name !== 'id',
          schema: { type: 'string' },
        })),
        changedBy,
        ifMatch,
      ],
      responses: {
        '200': {
          description: 'Deleted',
          content: json({
            type: 'object',
            properties: {
              deleted: { type: 'object' },
              in_force: { oneOf: [ref('Budget'), { type: 'null' }] },
            },
          }),
        },
        ...errors('400', '401', '404', '409', '412', '500'),
      },
    },
  },
  [BUDGET_ROUTES.audit.path]: {
    get: {
      operationId: 'budgetAudit',
      summary: 'Changes of run-time budgets, newest first: who, when, from what to what',
      parameters: [
        {
          name: 'limit',
          in: 'query',
          required: false,
          description: `Most changes returned (1–${AUDIT_LIMIT.max}).`,
          schema: { type: 'integer', minimum: 1, maximum: AUDIT_LIMIT.max, default: AUDIT_LIMIT.default },
        },
      ],
      responses: {
        '200': {
          description: 'OK',
          content: json({
            type: 'object',
            properties: { changes: { type: 'array', items: ref('BudgetChange') } },
          }),
        },
        ...errors('400', '401', '500'),
      },
    },
  },
};
