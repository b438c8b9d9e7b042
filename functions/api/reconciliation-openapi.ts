/** OpenAPI description of `GET /api/monitoring/reconciliation` (see reconciliation-routes.ts). */

type Schema = Record<string, unknown>;

const int = { type: 'integer' };
const num = { type: 'number' };
const str = { type: 'string' };
const nullable = (type: string) => ({ type: [type, 'null'] });
const object = (properties: Schema, description?: string): Schema => ({
  type: 'object',
  properties,
  ...(description ? { description } : {}),
});
const counts = (description: string): Schema => ({
  type: 'object',
  additionalProperties: int,
  description: `${description} by kind: uncached_input, cache_write_5m, cache_write_1h, cache_write (Bedrock), cache_read, output.`,
});

const model = object({
  model: { ...str, description: 'Canonical model id, or the bill’s own name when the price table has none.' },
  tracked: object({
    calls: int,
    unpriced_calls: int,
    cost_usd: num,
    cost_nano_usd: int,
    tokens: counts('Recorded tokens'),
  }),
  billed: object({
    cost_usd: num,
    cost_nano_usd: int,
    tokens: { ...counts('Billed tokens'), type: ['object', 'null'] },
    cost_by_kind_nano_usd: { type: 'object', additionalProperties: int },
  }),
  difference_usd: num,
  difference_nano_usd: { ...int, description: 'billed − tracked' },
  token_difference: { ...counts('billed − tracked'), type: ['object', 'null'] },
});

const day = object({
  day: { ...str, format: 'date' },
  reconciled_at: { ...str, format: 'date-time' },
  estimated: { type: 'boolean', description: 'Cost Explorer marks recent figures as estimated.' },
  tracked_cost_usd: num,
  tracked_cost_nano_usd: int,
  billed_cost_usd: num,
  billed_cost_nano_usd: int,
  difference_usd: num,
  difference_nano_usd: int,
  absolute_difference_nano_usd: {
    ...int,
    description: 'Σ over models of |billed − tracked|, plus web search.',
  },
  threshold_nano_usd: { ...int, description: 'max(differencePercent of billed, differenceUsd)' },
  within_threshold: { type: 'boolean' },
  unmonitored_cost_usd: num,
  unmonitored_cost_nano_usd: int,
  models: { type: 'array', items: model },
  web_search: object({
    tracked_requests: int,
    billed_requests: nullable('integer'),
    tracked_cost_nano_usd: int,
    billed_cost_nano_usd: int,
  }),
  unmonitored: {
    type: 'array',
    description:
      'Billed under API keys or workspaces outside the monitored ones (at most 100, dearest first).',
    items: object({
      api_key_id: nullable('string'),
      workspace_id: nullable('string'),
      cost_usd: num,
      cost_nano_usd: int,
      tokens: counts('Billed tokens'),
      models: { type: 'array', items: str },
    }),
  },
  not_tracked_nano_usd: {
    type: 'object',
    additionalProperties: int,
    description: 'Billed costs no call record carries: code_execution, session_usage.',
  },
  monitored_scope: {
    type: ['object', 'null'],
    properties: { api_key_ids: { type: 'array', items: str }, workspace_ids: { type: 'array', items: str } },
  },
});

const source = object({
  source: { type: 'string', enum: ['anthropic', 'bedrock'] },
  configured: {
    type: 'boolean',
    description: 'False without an admin key (anthropic) or when switched off.',
  },
  message: {
    ...nullable('string'),
    description: 'What to do when the source is not configured or never ran.',
  },
  last_run_at: nullable('string'),
  last_success_at: nullable('string'),
  last_error: {
    type: ['object', 'null'],
    properties: { message: str, status: int, at: str },
    description: 'The last run’s failure (Admin API refused, throttled or down); the next run retries.',
  },
  days: { type: 'array', items: day },
});

export const RECONCILIATION_RESPONSE = {
  summary:
    'Tracked spend against the Anthropic and Bedrock bills for the last N UTC days, per day and model, with unmonitored spend',
  content: {
    'application/json': {
      schema: object({
        days: int,
        start: { ...str, format: 'date' },
        end: { ...str, format: 'date' },
        sources: { type: 'array', items: source },
      }),
    },
  },
};
