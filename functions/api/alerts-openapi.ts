import { ALERT_LOG_RETENTION_DAYS, ALERT_SEVERITY } from 'claude-monitor/domain';
import { ALERT_UNIT } from '../aggregator/alerts/alert';
import { ALERT_RULES, ALERTS_DEFAULT_DAYS, ALERTS_LIMIT } from './alerts-params';

/** OpenAPI description of `GET /api/monitoring/alerts` (see alerts-route.ts). */

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const nullable = (type: string) => ({ type: [type, 'null'] });

/** The query parameters only this route takes (`limit` and `cursor` are shared, described in openapi.ts). */
export const ALERTS_PARAMETERS: Record<string, { description: string; schema: Schema }> = {
  from: {
    description: `Alerts fired at or after: a date (YYYY-MM-DD, from its start, UTC) or an ISO 8601 date-time with Z or an offset. Default: ${ALERTS_DEFAULT_DAYS} days ago; at most ${ALERT_LOG_RETENTION_DAYS} days back (the alert log's retention).`,
    schema: str,
  },
  to: {
    description:
      'Alerts fired at or before: a date (through its end, UTC) or an ISO 8601 date-time with Z or an offset. Default and latest: now.',
    schema: str,
  },
  rule: { description: 'Only alerts of this rule.', schema: { type: 'string', enum: [...ALERT_RULES] } },
};

const alert = {
  type: 'object',
  properties: {
    fired_at: { ...str, format: 'date-time' },
    alert_id: { ...str, description: '`<rule>|<scope>|<window>|<step>`, the same in the published payload.' },
    rule: { type: 'string', enum: [...ALERT_RULES] },
    scope: {
      ...str,
      description: '`account`, `session:<id>`, `tenant:<id>`, `function:<name>`, a bill source…',
    },
    window: { ...str, description: 'The day, month, hour or streak start the alert fired for.' },
    step: str,
    severity: { type: 'string', enum: Object.values(ALERT_SEVERITY) },
    subject: { ...str, description: 'The published subject.' },
    text: { ...str, description: 'What happened, as the published body explains it.' },
    value: num,
    threshold: num,
    unit: { type: 'string', enum: Object.values(ALERT_UNIT) },
    value_usd: { ...nullable('number'), description: 'Money alerts (unit nanoUsd) only.' },
    threshold_usd: nullable('number'),
    tenant_id: nullable('string'),
    user_id: nullable('string'),
  },
};

export const ALERTS_RESPONSE = {
  summary: `Alerts that fired in the window, newest first, paged (${ALERTS_LIMIT.default} by default, at most ${ALERTS_LIMIT.max}); each listed once, published or not`,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          from: { ...str, format: 'date-time' },
          to: { ...str, format: 'date-time' },
          rule: nullable('string'),
          count: int,
          alerts: { type: 'array', items: alert },
          next_cursor: nullable('string'),
        },
      },
    },
  },
};
