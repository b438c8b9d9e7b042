import type { AlertPayload } from '../../aggregator/alerts/message';
import type { Notification } from '../notification';
import type { Digest } from './digest';

/** Version of the webhook body; a receiver can refuse versions it does not know. */
export const WEBHOOK_BODY_VERSION = 1;

/** One notification in a webhook body. */
export interface WebhookNotification {
  id: string;
  kind: Notification['kind'];
  severity: Notification['severity'];
  subject: string;
  summary: string;
  time: string;
  /** The SNS message attributes: rule, scope, severity, tenant, user, function, model... */
  attributes: Record<string, string>;
  /** The alert's payload (money in nano-dollars and USD); absent for alarms. */
  alert?: AlertPayload;
  /** The dashboard filtered to the scope. */
  dashboardUrl?: string;
}

/** The JSON body of a signed webhook delivery. */
export interface WebhookBody {
  version: typeof WEBHOOK_BODY_VERSION;
  type: 'notification' | 'digest';
  /** Same value as the `x-claude-monitor-delivery` header. */
  deliveryId: string;
  channel: string;
  notifications: WebhookNotification[];
}

const entry = (notification: Notification, link: string | undefined): WebhookNotification => ({
  id: notification.id,
  kind: notification.kind,
  severity: notification.severity,
  subject: notification.subject,
  summary: notification.summary,
  time: notification.time,
  attributes: notification.attributes,
  ...(notification.alert ? { alert: notification.alert } : {}),
  ...(link ? { dashboardUrl: link } : {}),
});

/** Body of one notification's delivery. */
export const webhookBody = (
  notification: Notification,
  channel: string,
  deliveryId: string,
  link?: string,
): WebhookBody => ({
  version: WEBHOOK_BODY_VERSION,
  type: 'notification',
  deliveryId,
  channel,
  notifications: [entry(notification, link)],
});

/** Body of a digest: every held notification (webhooks are for machines; nothing is cut). */
export const webhookDigest = (
  digest: Digest,
  deliveryId: string,
  linkOf: (notification: Notification) => string | undefined,
): WebhookBody => ({
  version: WEBHOOK_BODY_VERSION,
  type: 'digest',
  deliveryId,
  channel: digest.channel,
  notifications: digest.notifications.map((n) => entry(n, linkOf(n))),
});
