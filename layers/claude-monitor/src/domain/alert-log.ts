import { DEFAULT_RETENTION_DAYS } from './env';
import type { AlertSeverity } from './notification-config';

/**
 * Days an alert stays in the alert log before DynamoDB's TTL removes it: as long as raw call records are
 * kept by default, so an alert can always be traced back to the calls behind it.
 */
export const ALERT_LOG_RETENTION_DAYS = DEFAULT_RETENTION_DAYS;

/** Prefix of the alert log's partitions (one per UTC month of firing). */
export const ALERT_LOG_PK_PREFIX = 'ALERTLOG#';

/** Partition of the alerts fired in a UTC month, `month` as `YYYY-MM`. */
export const alertLogPk = (month: string): string => `${ALERT_LOG_PK_PREFIX}${month}`;

/** Sort key: time order within the month, the alert's id keeps two alerts of the same instant apart. */
export const alertLogSk = (firedAt: string, alertId: string): string => `${firedAt}#${alertId}`;

/** Most characters of an alert log entry's text; the full message went to SNS. */
export const ALERT_LOG_TEXT_MAX = 1_000;

/**
 * One fired alert as the alert log keeps it (without its table keys). Written in the same transaction as
 * the alert's fire-once marker, so there is exactly one entry per alert that fired.
 */
export interface AlertLogEntry {
  /** `<rule>|<scope>|<window>|<step>`: the alert's stable identity. */
  alertId: string;
  /** When it fired (the marker's commit), ISO 8601. */
  firedAt: string;
  rule: string;
  scope: string;
  window: string;
  step: string;
  severity: AlertSeverity;
  /** The published subject. */
  subject: string;
  /** What happened, in one or two sentences (the body's explanation, at most `ALERT_LOG_TEXT_MAX` characters). */
  text: string;
  value: number;
  threshold: number;
  /** `nanoUsd`, `count`, `ratio` or `ms`. */
  unit: string;
  tenantId?: string;
  userId?: string;
}
