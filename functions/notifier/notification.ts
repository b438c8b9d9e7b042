import { ALERT_SEVERITY, type AlertSeverity, formatUsd, SEVERITY_ORDER } from 'claude-monitor/domain';
import { type AlertRule, alertId } from '../aggregator/alerts/alert';
import { type AlertPayload, payloadOf, scopeLabel } from '../aggregator/alerts/message';
import { FILTER_NAMES, type FilterName } from '../api/routes';
import { NotificationParseError } from './errors';

/** What a notification reports: an alert of the aggregator, or a CloudWatch alarm on the monitor's health. */
export const NOTIFICATION_KIND = { alert: 'alert', alarm: 'alarm' } as const;
export type NotificationKind = (typeof NOTIFICATION_KIND)[keyof typeof NOTIFICATION_KIND];

/** One thing to tell a channel, independent of the channel's format. */
export interface Notification {
  /** Stable identity: the alert id (`rule|scope|window|step`), so a re-published alert is the same one. */
  id: string;
  kind: NotificationKind;
  severity: AlertSeverity;
  /** One line: what happened. */
  subject: string;
  /** A sentence or two: why it matters. */
  summary: string;
  /** Label and value pairs: scope, figures, window. */
  facts: { label: string; value: string }[];
  /** The dashboard filter that shows the scope (`tenant=acme`); absent for the whole account. */
  filter?: { name: FilterName; value: string };
  /** The SNS message attributes, as published. */
  attributes: Record<string, string>;
  /** When it was detected (alerts) or when the alarm changed state, ISO 8601. */
  time: string;
  /** The alert's JSON payload, for webhooks. */
  alert?: AlertPayload;
}

interface SnsEnvelope {
  Type?: string;
  MessageId?: string;
  Subject?: string | null;
  Message?: string;
  Timestamp?: string;
  MessageAttributes?: Record<string, { Type?: string; Value?: string }>;
}

/** The fields of a CloudWatch alarm notification that a message needs. */
interface AlarmMessage {
  AlarmName: string;
  AlarmArn?: string;
  AlarmDescription?: string | null;
  NewStateValue: string;
  NewStateReason?: string;
  StateChangeTime: string;
}

const isSeverity = (value: unknown): value is AlertSeverity =>
  typeof value === 'string' && SEVERITY_ORDER.includes(value as AlertSeverity);

const shown = (payload: AlertPayload, amount: number): string =>
  payload.unit === 'nanoUsd' ? formatUsd(amount) : String(amount);

/** The dashboard filter of a scope: `session:abc` → `session=abc`; `account` → none. */
export const filterOfScope = (scope: string): Notification['filter'] => {
  const at = scope.indexOf(':');
  if (at < 0) return undefined;
  const name = scope.slice(0, at);
  const value = scope.slice(at + 1);
  return FILTER_NAMES.includes(name as FilterName) && value !== ''
    ? { name: name as FilterName, value }
    : undefined;
};

const fromAlert = (envelope: SnsEnvelope, attributes: Record<string, string>): Notification => {
  const body = envelope.Message ?? '';
  let payload: AlertPayload | undefined;
  try {
    payload = payloadOf(body);
  } catch (cause) {
    throw new NotificationParseError('the alert payload is not valid JSON', { cause });
  }
  if (!payload || typeof payload.rule !== 'string' || typeof payload.scope !== 'string') {
    throw new NotificationParseError('the message has no alert payload');
  }
  // The body's second paragraph is the explanation written for people (see formatAlert).
  const summary = body.split('\n\n')[1]?.trim() ?? '';
  const severity = isSeverity(payload.severity)
    ? payload.severity
    : isSeverity(attributes.severity)
      ? attributes.severity
      : ALERT_SEVERITY.warning;
  const filter = filterOfScope(payload.scope);
  return {
    // The same identity the aggregator's fire-once marker uses, so a re-published alert is recognised.
    id: alertId({ ...payload, rule: payload.rule as AlertRule }),
    kind: NOTIFICATION_KIND.alert,
    severity,
    subject: envelope.Subject || body.split('\n')[0] || payload.rule,
    summary,
    facts: [
      { label: 'Scope', value: scopeLabel(payload.scope) },
      { label: 'Value', value: shown(payload, payload.value) },
      { label: 'Threshold', value: shown(payload, payload.threshold) },
      { label: 'Window', value: payload.window },
      { label: 'Rule', value: payload.rule },
      { label: 'Severity', value: severity },
    ],
    ...(filter ? { filter } : {}),
    attributes,
    time: payload.time,
    alert: payload,
  };
};

const parseAlarm = (body: string): AlarmMessage | undefined => {
  try {
    const parsed = JSON.parse(body) as Partial<AlarmMessage>;
    return typeof parsed.AlarmName === 'string' &&
      typeof parsed.NewStateValue === 'string' &&
      typeof parsed.StateChangeTime === 'string'
      ? (parsed as AlarmMessage)
      : undefined;
  } catch {
    return undefined;
  }
};

const fromAlarm = (alarm: AlarmMessage, attributes: Record<string, string>): Notification => ({
  id: `alarm|${alarm.AlarmArn ?? alarm.AlarmName}|${alarm.StateChangeTime}`,
  kind: NOTIFICATION_KIND.alarm,
  severity: alarm.NewStateValue === 'ALARM' ? ALERT_SEVERITY.critical : ALERT_SEVERITY.info,
  subject: `Claude monitor alarm: ${alarm.AlarmName} is ${alarm.NewStateValue}`,
  summary: alarm.AlarmDescription || alarm.NewStateReason || '',
  facts: [
    { label: 'Alarm', value: alarm.AlarmName },
    { label: 'State', value: alarm.NewStateValue },
    ...(alarm.NewStateReason ? [{ label: 'Reason', value: alarm.NewStateReason }] : []),
  ],
  attributes,
  time: alarm.StateChangeTime,
});

/**
 * Reads the SNS envelope an SQS subscription receives (raw delivery off) into a notification: an alert
 * published by the aggregator, or a CloudWatch alarm of the monitor's own health.
 *
 * @throws NotificationParseError for anything else; such a message can never be delivered.
 */
export const parseNotification = (sqsBody: string): Notification => {
  let envelope: SnsEnvelope;
  try {
    envelope = JSON.parse(sqsBody) as SnsEnvelope;
  } catch (cause) {
    throw new NotificationParseError('the message is not an SNS envelope (not JSON)', { cause });
  }
  if (typeof envelope !== 'object' || envelope === null || envelope.Type !== 'Notification') {
    throw new NotificationParseError('the message is not an SNS notification envelope');
  }
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(envelope.MessageAttributes ?? {})) {
    if (typeof attribute?.Value === 'string') attributes[name] = attribute.Value;
  }
  const body = envelope.Message ?? '';
  const alarm = attributes.rule === undefined ? parseAlarm(body) : undefined;
  return alarm ? fromAlarm(alarm, attributes) : fromAlert(envelope, attributes);
};
