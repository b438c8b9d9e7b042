import type { Notification } from './notification';

/**
 * The dashboard page with the notification's scope as its filter (`?tenant=acme`), or the page itself for
 * account-wide alerts and alarms. The link carries no token: whoever opens it signs in as usual.
 */
export const dashboardLink = (
  dashboardUrl: string | undefined,
  notification: Notification,
): string | undefined => {
  if (!dashboardUrl) return undefined;
  const url = new URL(dashboardUrl);
  if (notification.filter) url.searchParams.set(notification.filter.name, notification.filter.value);
  return url.toString();
};
