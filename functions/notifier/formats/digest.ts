import { type AlertSeverity, SEVERITY_ORDER } from 'claude-monitor/domain';
import type { Notification } from '../notification';

/** Several notifications held back by a channel's digest settings, sent as one message. */
export interface Digest {
  /** `digest|<channel>|<releaseAt>`: one digest per channel and release time. */
  id: string;
  channel: string;
  /** When it was due, ISO 8601. */
  releaseAt: string;
  /** Oldest first. */
  notifications: Notification[];
}

/** A digest lists this many notifications one by one; the rest are counted. */
export const DIGEST_LISTED = 20;

/** One line per severity: `3 warning, 1 info`. */
export const digestCounts = (notifications: readonly Notification[]): string =>
  [...SEVERITY_ORDER]
    .reverse()
    .map((severity): [AlertSeverity, number] => [
      severity,
      notifications.filter((n) => n.severity === severity).length,
    ])
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');

/** The digest's title. */
export const digestTitle = (digest: Digest): string =>
  `Claude monitor digest: ${digest.notifications.length} alert${digest.notifications.length === 1 ? '' : 's'} (${digestCounts(digest.notifications)})`;
