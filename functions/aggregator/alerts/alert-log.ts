import {
  ALERT_LOG_RETENTION_DAYS,
  ALERT_LOG_TEXT_MAX,
  type AlertLogEntry,
  alertLogPk,
  alertLogSk,
  ITEM_TYPE,
  KEY,
} from 'claude-monitor/domain';
import type { Alert } from './alert';
import { type AlertMessage, explainAlert, severityOf } from './message';

const DAY_S = 86_400;

/**
 * The alert log item of an alert fired at `firedAtMs`: what the alerts route lists. Pure; `fireAlerts`
 * puts it in the transaction of the alert's fire-once marker.
 */
export const alertLogItem = (
  alert: Alert,
  alertId: string,
  message: Pick<AlertMessage, 'subject'>,
  firedAtMs: number,
): Record<string, unknown> => {
  const firedAt = new Date(firedAtMs).toISOString();
  const text = explainAlert(alert);
  const entry: AlertLogEntry = {
    alertId,
    firedAt,
    rule: alert.rule,
    scope: alert.scope,
    window: alert.window,
    step: alert.step,
    severity: severityOf(alert),
    subject: message.subject,
    text: text.length <= ALERT_LOG_TEXT_MAX ? text : `${text.slice(0, ALERT_LOG_TEXT_MAX - 3)}...`,
    value: alert.value,
    threshold: alert.threshold,
    unit: alert.unit,
    ...(alert.context?.tenantId ? { tenantId: alert.context.tenantId } : {}),
    ...(alert.context?.userId ? { userId: alert.context.userId } : {}),
  };
  return {
    [KEY.partition]: alertLogPk(firedAt.slice(0, 7)),
    [KEY.sort]: alertLogSk(firedAt, alertId),
    [KEY.type]: ITEM_TYPE.alertLog,
    ...entry,
    [KEY.ttl]: Math.floor(firedAtMs / 1_000) + ALERT_LOG_RETENTION_DAYS * DAY_S,
  };
};
