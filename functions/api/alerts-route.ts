import { type AlertLogEntry, nanoToUsd } from 'claude-monitor/domain';
import type { Hono } from 'hono';
import { ALERT_UNIT } from '../aggregator/alerts/alert';
import {
  ALERTS_LIMIT,
  decodeAlertsCursor,
  encodeAlertsCursor,
  readAlertsWindow,
  readRule,
} from './alerts-params';
import { readAlertLog } from './alerts-reader';
import type { AppContext } from './app';
import { readInt, routeQuery } from './params';
import { ROUTES } from './routes';

const alertOut = (entry: AlertLogEntry) => {
  const money = entry.unit === ALERT_UNIT.nanoUsd;
  return {
    fired_at: entry.firedAt,
    alert_id: entry.alertId,
    rule: entry.rule,
    scope: entry.scope,
    window: entry.window,
    step: entry.step,
    severity: entry.severity,
    subject: entry.subject,
    text: entry.text,
    value: entry.value,
    threshold: entry.threshold,
    unit: entry.unit,
    value_usd: money ? nanoToUsd(entry.value, 9) : null,
    threshold_usd: money ? nanoToUsd(entry.threshold, 9) : null,
    tenant_id: entry.tenantId ?? null,
    user_id: entry.userId ?? null,
  };
};

/**
 * `GET /api/monitoring/alerts`: the alerts that fired in a window, newest first, paged, optionally of one
 * rule. Reads the alert log (one partition per month), never the outbox: an alert is listed whether or not
 * it was published yet.
 */
export const registerAlerts = (app: Hono, ctx: AppContext): void => {
  app.get(ROUTES.alerts.path, async (c) => {
    const q = routeQuery('alerts', c.req.queries());
    const limit = readInt('limit', q.limit, ALERTS_LIMIT.default, 1, ALERTS_LIMIT.max);
    const rule = readRule(q.rule);
    const paged = q.cursor === undefined ? undefined : decodeAlertsCursor(q.cursor, rule);
    const window = paged?.window ?? readAlertsWindow(q.from, q.to, ctx.deps.now());
    const page = await readAlertLog({
      client: ctx.deps.client,
      tableName: ctx.deps.tableName,
      ...window,
      ...(rule ? { rule } : {}),
      limit,
      ...(paged ? { position: paged.position } : {}),
    });
    return c.json({
      ...window,
      rule: rule ?? null,
      count: page.alerts.length,
      alerts: page.alerts.map(alertOut),
      next_cursor: page.next ? encodeAlertsCursor(window, rule, page.next) : null,
    });
  });
};
