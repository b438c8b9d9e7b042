import {
  type BilledCall,
  dayOfCall,
  daysBetween,
  groupCalls,
  isLedgerDimension,
  type LedgerDimension,
  nanoToCents,
  OTHER_COST_TYPES,
  sumCost,
  sumUsage,
  TOKEN_TYPES,
  totalCost,
} from './admin-api-ledger';

/** A request the stand-in refuses, answered as the Admin API answers (`invalid_request_error`). */
export class StandInRequestError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'StandInRequestError';
  }
}

/** A page of report rows: the envelope both report APIs share. */
export interface ReportPage {
  data: unknown[];
  has_more: boolean;
  next_page: string | null;
}

/** Every dimension a row of the analytics API carries; all but the grouped ones are null. */
const ANALYTICS_GROUP_KEYS = [
  'actor',
  'actor_type',
  'agent_id',
  'api_key_id',
  'claude_tag_category',
  'claude_tag_user_id',
  'context_window',
  'deployment_id',
  'environment_id',
  'inference_geo',
  'model',
  'organization_id',
  'product',
  'rbac_group_id',
  'service_tier',
  'session_id',
  'slack_channel_id',
  'speed',
  'user_profile_id',
  'workspace_id',
] as const;

const cursor = (offset: number): string =>
  `page_${Buffer.from(JSON.stringify({ offset })).toString('base64url')}`;
const offsetOf = (page: string | null): number => {
  if (page === null) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(page.replace(/^page_/, ''), 'base64url').toString()) as {
      offset: unknown;
    };
    if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // Falls through to the documented error for a page token the server did not issue.
  }
  throw new StandInRequestError('page: invalid page token');
};

/** Slices `units` into a page; a unit may hold several rows (cost fan-out rows do not count toward limit). */
const paginate = (units: unknown[][], page: string | null, size: number): ReportPage => {
  const offset = offsetOf(page);
  const slice = units.slice(offset, offset + size);
  const more = offset + size < units.length;
  return { data: slice.flat(), has_more: more, next_page: more ? cursor(offset + size) : null };
};

/** The parsed query of a report request. */
export interface ReportQuery {
  startMs: number;
  endMs: number;
  groupBy: string[];
  limit: number;
  page: string | null;
}

const instant = (raw: string | null, name: string): number => {
  const ms = raw === null ? Number.NaN : Date.parse(raw);
  if (Number.isNaN(ms)) throw new StandInRequestError(`${name}: must be an RFC 3339 timestamp`);
  return ms;
};

/** Reads the shared query parameters; `group_by[]` is how the SDK sends arrays. */
export const readReportQuery = (
  params: URLSearchParams,
  limits: { default: number; max: number },
  requireEnd: boolean,
): ReportQuery => {
  const startMs = instant(params.get('starting_at'), 'starting_at');
  const rawEnd = params.get('ending_at');
  if (rawEnd === null && requireEnd)
    throw new StandInRequestError('ending_at: required with a time bucket width');
  const endMs = rawEnd === null ? startMs + limits.default * 86_400_000 : instant(rawEnd, 'ending_at');
  if (endMs <= startMs) throw new StandInRequestError('ending_at: must be after starting_at');
  if (endMs - startMs > 31 * 86_400_000) throw new StandInRequestError('the range may span at most 31 days');
  const width = params.get('time_bucket_width') ?? params.get('bucket_width') ?? '1d';
  if (width !== '1d')
    throw new StandInRequestError(`bucket width ${width}: the stand-in serves daily buckets only`);
  const limit = Number(params.get('limit') ?? limits.default);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > limits.max) {
    throw new StandInRequestError(`limit: must be between 1 and ${limits.max}`);
  }
  const groupBy = [...params.getAll('group_by[]'), ...params.getAll('group_by')];
  return { startMs, endMs, groupBy, limit, page: params.get('page') };
};

const ledgerDimensions = (groupBy: readonly string[], extra: readonly string[]): LedgerDimension[] => {
  const unsupported = groupBy.filter((name) => !isLedgerDimension(name) && !extra.includes(name));
  if (unsupported.length > 0) {
    throw new StandInRequestError(`group_by: the stand-in does not group by ${unsupported.join(', ')}`);
  }
  return groupBy.filter(isLedgerDimension);
};

const callsByDay = (calls: readonly BilledCall[], query: ReportQuery): [string, BilledCall[]][] =>
  daysBetween(query.startMs, query.endMs).map((day) => [
    day,
    calls.filter((call) => dayOfCall(call) === day),
  ]);

const bounds = (day: string) => {
  const start = Date.parse(`${day}T00:00:00Z`);
  return {
    starting_at: new Date(start).toISOString().replace('.000Z', 'Z'),
    ending_at: new Date(start + 86_400_000).toISOString().replace('.000Z', 'Z'),
  };
};

const analyticsGroup = (
  values: Record<LedgerDimension, string | null>,
  extra: Record<string, unknown> = {},
) => ({
  ...Object.fromEntries(ANALYTICS_GROUP_KEYS.map((key) => [key, null])),
  ...values,
  ...extra,
});

/** `GET /v1/organizations/analytics/usage`: one row per day and group with usage. */
export const analyticsUsage = (
  calls: readonly BilledCall[],
  query: ReportQuery,
  maxRows: number,
): ReportPage => {
  const by = ledgerDimensions(query.groupBy, []);
  const units = callsByDay(calls, query).flatMap(([day, dayCalls]) =>
    groupCalls(dayCalls, by).map((group) => {
      const { requests, ...usage } = sumUsage(group.calls);
      const total =
        usage.uncached_input_tokens +
        usage.cache_creation.ephemeral_5m_input_tokens +
        usage.cache_creation.ephemeral_1h_input_tokens +
        usage.cache_read_input_tokens +
        usage.output_tokens;
      return [
        {
          ...bounds(day),
          group: analyticsGroup(group.values),
          usage: { ...usage, requests, total_tokens: total },
        },
      ];
    }),
  );
  return paginate(units, query.page, Math.min(query.limit, maxRows));
};

const costRow = (day: string, group: Record<string, unknown>, nano: number, requests: number | null) => ({
  ...bounds(day),
  group,
  cost: { amount: nanoToCents(nano), currency: 'USD', list_amount: nanoToCents(nano), requests },
});

/**
 * `GET /v1/organizations/analytics/cost`: one row per day and group with cost; `cost_type` and `token_type`
 * fan a group out into one row per component (not counted toward `limit`), with `requests` null.
 */
export const analyticsCost = (
  calls: readonly BilledCall[],
  query: ReportQuery,
  maxRows: number,
): ReportPage => {
  const by = ledgerDimensions(query.groupBy, ['cost_type', 'token_type']);
  const byCostType = query.groupBy.includes('cost_type');
  const byTokenType = query.groupBy.includes('token_type');
  const units = callsByDay(calls, query)
    .flatMap(([day, dayCalls]) =>
      groupCalls(dayCalls, by).map((group) => {
        const base = (extra: Record<string, unknown>) =>
          analyticsGroup(group.values, { cost_type: null, token_type: null, ...extra });
        if (!byCostType && !byTokenType)
          return [costRow(day, base({}), totalCost(group.calls), group.calls.length)];
        const rows = byTokenType
          ? TOKEN_TYPES.map((type) =>
              costRow(day, base({ cost_type: 'tokens', token_type: type }), sumCost(group.calls, type), null),
            )
          : [
              costRow(
                day,
                base({ cost_type: 'tokens' }),
                TOKEN_TYPES.reduce((s, t) => s + sumCost(group.calls, t), 0),
                null,
              ),
            ];
        const others = byCostType
          ? OTHER_COST_TYPES.map((type) =>
              costRow(day, base({ cost_type: type }), sumCost(group.calls, type), null),
            )
          : [];
        return [...rows, ...others].filter((row) => row.cost.amount !== '0');
      }),
    )
    .filter((unit) => unit.length > 0);
  return paginate(units, query.page, Math.min(query.limit, maxRows));
};

/** Dimensions of a legacy usage result that the stand-in never groups by, always null. */
const LEGACY_USAGE_NULLS = { service_tier: null, context_window: null, inference_geo: null };

/** `GET /v1/organizations/usage_report/messages`: a bucket per day (empty ones too), grouped results. */
export const legacyUsage = (
  calls: readonly BilledCall[],
  query: ReportQuery,
  maxBuckets: number,
): ReportPage => {
  const by = ledgerDimensions(query.groupBy, []);
  const buckets = callsByDay(calls, query).map(([day, dayCalls]) => [
    {
      ...bounds(day),
      results: groupCalls(dayCalls, by).map((group) => {
        const { requests: _requests, ...usage } = sumUsage(group.calls);
        return { ...usage, ...group.values, ...LEGACY_USAGE_NULLS };
      }),
    },
  ]);
  return paginate(buckets, query.page, Math.min(query.limit, maxBuckets));
};

const LINE_NAME: Record<string, string> = {
  uncached_input_tokens: 'Input Tokens',
  'cache_creation.ephemeral_5m_input_tokens': 'Cache Write (5m) Tokens',
  'cache_creation.ephemeral_1h_input_tokens': 'Cache Write (1h) Tokens',
  cache_read_input_tokens: 'Cache Read Tokens',
  output_tokens: 'Output Tokens',
  web_search: 'Web Search',
  code_execution: 'Code Execution Usage',
  session_usage: 'Session Usage',
};

/**
 * `GET /v1/organizations/cost_report`: a bucket per day; grouped by `workspace_id` and `description`, each
 * result is one cost line of one model (`model`, `cost_type`, `token_type` set; `model` null for non-token
 * costs). Without `description` a result is a group's total, with those fields null.
 */
export const legacyCost = (
  calls: readonly BilledCall[],
  query: ReportQuery,
  maxBuckets: number,
): ReportPage => {
  const described = query.groupBy.includes('description');
  const byWorkspace = query.groupBy.includes('workspace_id');
  const unsupported = query.groupBy.filter((name) => name !== 'workspace_id' && name !== 'description');
  if (unsupported.length > 0) {
    throw new StandInRequestError(`group_by: the stand-in does not group by ${unsupported.join(', ')}`);
  }
  const result = (workspace: string | null, nano: number, fields: Record<string, unknown>) => ({
    currency: 'USD',
    amount: nanoToCents(nano),
    workspace_id: workspace,
    description: null,
    cost_type: null,
    context_window: null,
    model: null,
    service_tier: null,
    token_type: null,
    ...fields,
  });
  const buckets = callsByDay(calls, query).map(([day, dayCalls]) => {
    const results = groupCalls(dayCalls, byWorkspace ? ['workspace_id'] : []).flatMap((group) => {
      if (!described) return [result(group.values.workspace_id, totalCost(group.calls), {})];
      const tokens = groupCalls(group.calls, ['model']).flatMap((byModel) =>
        TOKEN_TYPES.map((type) =>
          result(group.values.workspace_id, sumCost(byModel.calls, type), {
            description: `${byModel.values.model} Usage - ${LINE_NAME[type]}`,
            cost_type: 'tokens',
            model: byModel.values.model,
            service_tier: 'standard',
            token_type: type,
          }),
        ),
      );
      const others = OTHER_COST_TYPES.map((type) =>
        result(group.values.workspace_id, sumCost(group.calls, type), {
          description: LINE_NAME[type],
          cost_type: type,
        }),
      );
      return [...tokens, ...others];
    });
    return [{ ...bounds(day), results: results.filter((r) => r.amount !== '0') }];
  });
  return paginate(buckets, query.page, Math.min(query.limit, maxBuckets));
};
