import { PAIR_DIMENSIONS } from 'claude-monitor/domain';
import { ALERTS_PARAMETERS, ALERTS_RESPONSE } from './alerts-openapi';
import { ALERTS_LIMIT } from './alerts-params';
import { TOKEN_COOKIE } from './auth';
import { BREAKDOWN_BY, BREAKDOWN_LIMIT } from './breakdown';
import { BUDGET_PATHS, BUDGET_SCHEMAS } from './budget-openapi';
import { CALLS_LIMIT } from './calls-window';
import { EXPORT_FORMATS, EXPORT_LIMIT } from './export-routes';
import { GROUP_BY, INTERVAL } from './queries';
import { RECONCILIATION_RESPONSE } from './reconciliation-openapi';
import { ROUTES, type RouteName } from './routes';

type Schema = Record<string, unknown>;

const FILTER_TEXT =
  'Only calls with this value. At most one of model, user, tenant, session, function on totals.';

/** Every query parameter of the API, described once. */
const PARAMETERS: Record<string, { description: string; schema: Schema }> = {
  hours: {
    description:
      'Window: the last N hour buckets (UTC), the current hour included. At most retention days × 24.',
    schema: { type: 'integer', minimum: 1, default: 24 },
  },
  days: {
    description: 'Window: the last N UTC days, today included. At most the retention in days.',
    schema: { type: 'integer', minimum: 1, default: 7 },
  },
  group_by: {
    description: 'Grouping of the cost breakdown.',
    schema: { type: 'string', enum: [...GROUP_BY], default: 'model' },
  },
  interval: {
    description: 'Bucket size; hour up to 48 hours, day beyond, when omitted.',
    schema: { type: 'string', enum: [...INTERVAL] },
  },
  format: {
    description: 'Export format.',
    schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'json' },
  },
  limit: {
    description: `Most records in the page (export 1–${EXPORT_LIMIT.max}, default ${EXPORT_LIMIT.default}; calls 1–${CALLS_LIMIT.max}, default ${CALLS_LIMIT.default}; alerts 1–${ALERTS_LIMIT.max}, default ${ALERTS_LIMIT.default}); breakdown: values listed 1–${BREAKDOWN_LIMIT.max}, default ${BREAKDOWN_LIMIT.default}, only without value.`,
    schema: { type: 'integer', minimum: 1, maximum: EXPORT_LIMIT.max },
  },
  cursor: {
    description: 'Opaque cursor from the previous page (`next_cursor` or `X-Next-Cursor`).',
    schema: { type: 'string' },
  },
  token: {
    description: 'API token, swapped at once for an HttpOnly cookie and a redirect to the clean URL.',
    schema: { type: 'string' },
  },
  models: {
    description: 'Compare these models (comma-separated, 2–8); the first is the baseline. Not with tags.',
    schema: { type: 'string' },
  },
  tags: {
    description:
      'Compare these tag values (comma-separated, 2–8, e.g. variant:control,variant:new-prompt); the first is the baseline. Not with models.',
    schema: { type: 'string' },
  },
  dimension: {
    description: 'Breakdown: the dimension whose values are split (required).',
    schema: { type: 'string', enum: [...PAIR_DIMENSIONS] },
  },
  value: {
    description:
      'Breakdown: one value of the dimension (e.g. a tenant id); without it, the costliest values (limit).',
    schema: { type: 'string' },
  },
  by: {
    description: 'Breakdown: what each value is split by.',
    schema: { type: 'string', enum: [...BREAKDOWN_BY], default: 'model' },
  },
  model: { description: FILTER_TEXT, schema: { type: 'string' } },
  user: { description: FILTER_TEXT, schema: { type: 'string' } },
  tenant: { description: FILTER_TEXT, schema: { type: 'string' } },
  session: { description: FILTER_TEXT, schema: { type: 'string' } },
  function: { description: FILTER_TEXT, schema: { type: 'string' } },
  ...ALERTS_PARAMETERS,
};

const num = { type: 'number' };
const int = { type: 'integer' };
const nullableNum = { type: ['number', 'null'] };
/** Token and server-tool totals, as `UsageTotals` and `SummaryTotals` both carry them. */
const tokens: Schema = {
  input_tokens: int,
  output_tokens: int,
  cache_write_5m_tokens: int,
  cache_write_1h_tokens: int,
  cache_read_tokens: int,
  total_tokens: int,
  web_search_requests: int,
  web_fetch_requests: int,
};
const usage: Schema = { calls: int, cost_usd: num, cost_nano_usd: int, ...tokens };
/** Figures of one model within a value, or of the value (breakdown). */
const split: Schema = {
  calls: int,
  errors: int,
  error_rate: num,
  cost_usd: num,
  cost_nano_usd: int,
  input_tokens: int,
  output_tokens: int,
  cache_write_tokens: int,
  cache_read_tokens: int,
  total_tokens: int,
  average_latency_ms: nullableNum,
};
const window: Schema = {
  start: { type: 'string', format: 'date-time' },
  end: { type: 'string', format: 'date-time' },
};
const object = (properties: Schema): Schema => ({ type: 'object', properties });
const page = (extra: Schema = {}) =>
  object({
    ...window,
    count: int,
    calls: { type: 'array', items: { $ref: '#/components/schemas/CallRecord' } },
    next_cursor: { type: ['string', 'null'] },
    skipped: object({
      count: int,
      records: {
        type: 'array',
        description:
          'Stored records of the page left out because they break the record rules (the first 20).',
        items: object({ pk: { type: 'string' }, sk: { type: 'string' }, reason: { type: 'string' } }),
      },
    }),
    ...extra,
  });

const ci95 = { type: ['object', 'null'], properties: { low: num, high: nullableNum } };
const estimate = object({ value: nullableNum, ci95 });
const percentileEstimate = object({ value: nullableNum, ci95, calls: int });
const difference = object({ value: nullableNum, ci95, significant: { type: ['boolean', 'null'] } });

const change = object({
  current_usd: num,
  previous_usd: num,
  current_nano_usd: int,
  previous_nano_usd: int,
  change_percent: nullableNum,
});

const json = (schema: Schema) => ({ 'application/json': { schema } });

const RESPONSES: Record<RouteName, { summary: string; content: Record<string, unknown> }> = {
  summary: {
    summary:
      'Totals of the window from rollups: calls, success, cost, tokens, latency and TTFT percentiles, by model',
    content: json(
      object({
        hours: int,
        ...window,
        filter: { type: 'object' },
        total_calls: int,
        successful_calls: int,
        failed_calls: int,
        success_rate: { type: 'number', description: 'percent, 0–100' },
        total_cost_usd: num,
        total_cost_nano_usd: int,
        ...tokens,
        unpriced_calls: int,
        average_latency_ms: nullableNum,
        p50_latency_ms: nullableNum,
        p95_latency_ms: nullableNum,
        p99_latency_ms: nullableNum,
        average_ttft_ms: nullableNum,
        p50_ttft_ms: nullableNum,
        p95_ttft_ms: nullableNum,
        p99_ttft_ms: nullableNum,
        errors_by_class: { type: 'object', additionalProperties: int },
        by_model: {
          type: ['array', 'null'],
          items: object({
            model: { type: 'string' },
            ...usage,
            successful_calls: int,
            failed_calls: int,
            average_latency_ms: nullableNum,
          }),
        },
      }),
    ),
  },
  costs: {
    summary: 'Cost breakdown of the last N days by model, day, user, tenant, session or function',
    content: json(
      object({
        days: int,
        group_by: { type: 'string' },
        ...window,
        total_cost_usd: num,
        total_cost_nano_usd: int,
        total_calls: int,
        unattributed_cost_usd: num,
        unattributed_calls: int,
        items: { type: 'array', items: object({ key: { type: 'string' }, ...usage }) },
      }),
    ),
  },
  export: {
    summary: 'Raw call records of the window, one page per request (JSON or CSV)',
    content: {
      ...json(page()),
      'text/csv': {
        schema: {
          type: 'string',
          description:
            'See docs/api.md for the columns. Headers: X-Next-Cursor, Link (next page), X-Skipped-Records (records of the page left out because they break the record rules).',
        },
      },
    },
  },
  timeseries: {
    summary:
      'Cost, calls and tokens per hour or day and per model, and errors by class with latency and TTFT percentiles per bucket, for charts',
    content: json(
      object({
        hours: int,
        interval: { type: 'string' },
        ...window,
        buckets: { type: 'array', items: { type: 'string' } },
        series: {
          type: 'array',
          items: object({
            model: { type: 'string' },
            points: {
              type: 'array',
              items: object({
                bucket: { type: 'string' },
                calls: int,
                cost_usd: num,
                input_tokens: int,
                output_tokens: int,
                total_tokens: int,
              }),
            },
          }),
        },
        health: {
          type: 'array',
          description:
            'One point per bucket over every model of series together: failures by error class and latency / TTFT percentiles from the rollup histograms (upper edge of the bucket holding the percentile; TTFT null without streamed calls)',
          items: object({
            bucket: { type: 'string' },
            calls: int,
            errors: int,
            errors_by_class: { type: 'object', additionalProperties: int },
            p50_latency_ms: nullableNum,
            p95_latency_ms: nullableNum,
            p99_latency_ms: nullableNum,
            p50_ttft_ms: nullableNum,
            p95_ttft_ms: nullableNum,
            p99_ttft_ms: nullableNum,
          }),
        },
      }),
    ),
  },
  calls: { summary: 'Raw calls of the window, newest hour first, paged', content: json(page()) },
  models: {
    summary: 'Models with calls in the window',
    content: json(
      object({
        hours: int,
        ...window,
        models: { type: 'array', items: object({ model: { type: 'string' }, calls: int, cost_usd: num }) },
      }),
    ),
  },
  reconciliation: RECONCILIATION_RESPONSE,
  alerts: ALERTS_RESPONSE,
  trends: {
    summary:
      'Daily cost, calls and errors of the last N days, week-over-week and month-over-month change, and the month-end forecast (account or one tenant)',
    content: json(
      object({
        days: int,
        ...window,
        scope: { type: 'string' },
        series: {
          type: 'array',
          items: object({
            day: { type: 'string' },
            calls: int,
            errors: int,
            cost_usd: num,
            cost_nano_usd: int,
          }),
        },
        week_over_week: change,
        month_over_month: change,
        forecast: object({
          month: { type: 'string' },
          month_to_date_usd: num,
          month_to_date_nano_usd: int,
          projected_usd: num,
          projected_nano_usd: int,
          history_days: int,
          method: { type: 'string' },
        }),
      }),
    ),
  },
  compare: {
    summary:
      'Models or tag values side by side: cost and tokens per call, p50/p95 latency and TTFT, error rate, with 95% intervals and call counts',
    content: json(
      object({
        hours: int,
        ...window,
        by: { type: 'string', enum: ['model', 'tag'] },
        source: { type: 'string', enum: ['rollups', 'raw_records'] },
        method: { type: 'object', additionalProperties: true },
        groups: {
          type: 'array',
          items: object({
            key: { type: 'string' },
            calls: int,
            errors: int,
            hours_with_calls: int,
            cost_per_call_usd: estimate,
            tokens_per_call: estimate,
            error_rate: estimate,
            p50_latency_ms: percentileEstimate,
            p95_latency_ms: percentileEstimate,
            p50_ttft_ms: percentileEstimate,
            p95_ttft_ms: percentileEstimate,
            vs_baseline: object({ cost_per_call_usd: difference, error_rate: difference }),
          }),
        },
      }),
    ),
  },
  breakdown: {
    summary:
      'Model within a tenant, user, function or session (or within each of the costliest values): cost, calls, errors, tokens and mean latency from rollups',
    content: json(
      object({
        dimension: { type: 'string', enum: [...PAIR_DIMENSIONS] },
        value: { type: 'string' },
        limit: int,
        by: { type: 'string', enum: [...BREAKDOWN_BY] },
        hours: int,
        ...window,
        values_total: int,
        values: {
          type: 'array',
          items: object({
            value: { type: 'string' },
            ...split,
            models: {
              type: 'array',
              items: object({
                model: { type: 'string' },
                shared_with: { type: 'array', items: { type: 'string' } },
                ...split,
              }),
            },
            other: { type: ['object', 'null'], properties: split },
            unsplit_calls: int,
            unsplit_cost_nano_usd: int,
          }),
        },
        notes: object({ other: { type: 'string' }, unsplit: { type: 'string' } }),
      }),
    ),
  },
  dashboardRoot: { summary: 'Redirect to the dashboard page', content: {} },
  dashboardIndex: { summary: 'Dashboard page', content: { 'text/html': { schema: { type: 'string' } } } },
  dashboardAsset: {
    summary: 'Dashboard script, style sheet and Chart.js',
    content: {
      'text/javascript': { schema: { type: 'string' } },
      'text/css': { schema: { type: 'string' } },
    },
  },
};

const ERROR = { $ref: '#/components/schemas/Error' };

/** `/a/:b` → `/a/{b}` */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** The document of the routes in `ROUTES` (GET only). */
const routeTableOpenApi = () => ({
  openapi: '3.1.0',
  info: {
    title: 'Claude usage & cost monitor API',
    version: '1.0.0',
    description: 'Totals come from rollups (O(time buckets) reads). Authentication: see docs/api.md.',
  },
  security: [{ bearer: [] }, { cookie: [] }],
  paths: Object.fromEntries(
    (Object.keys(ROUTES) as RouteName[]).map((name) => {
      const route = ROUTES[name];
      const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      const queryParams = (route.query as readonly string[]).map((param) => ({
        name: param,
        in: 'query',
        required: false,
        ...PARAMETERS[param],
      }));
      return [
        openApiPath(route.path),
        {
          get: {
            operationId: name,
            summary: RESPONSES[name].summary,
            parameters: [...pathParams, ...queryParams],
            responses: {
              [name === 'dashboardRoot' ? '308' : '200']: {
                description: 'OK',
                content: RESPONSES[name].content,
              },
              ...(name.startsWith('dashboard')
                ? {}
                : {
                    '400': {
                      description: 'Invalid parameter, or one the route does not take, or one given twice',
                      content: json(ERROR),
                    },
                  }),
              '401': { description: 'Missing or wrong token', content: json(ERROR) },
              '500': { description: 'Internal error (no details)', content: json(ERROR) },
            },
          },
        },
      ];
    }),
  ),
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: TOKEN_COOKIE },
    },
    schemas: {
      Error: object({ error: { type: 'string' }, parameter: { type: 'string' } }),
      CallRecord: {
        type: 'object',
        description: 'A call record as stored, without its table keys (see the domain call record).',
      },
    },
  },
});

/**
 * The OpenAPI 3.1 description of the app, built from the same route tables the app is built from: `ROUTES`,
 * and the budget routes (which also take PUT and DELETE) from their own module.
 */
export const buildOpenApi = () => {
  const doc = routeTableOpenApi();
  return {
    ...doc,
    paths: { ...doc.paths, ...BUDGET_PATHS },
    components: { ...doc.components, schemas: { ...doc.components.schemas, ...BUDGET_SCHEMAS } },
  };
};
