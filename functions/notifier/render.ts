import { CHANNEL_TYPE } from 'claude-monitor/domain';
import type { ChannelTarget } from './channel-targets';
import type { NotifierChannel } from './config';
import { dashboardLink } from './dashboard-link';
import type { NotifierDeps } from './deps';
import type { Digest } from './formats/digest';
import { slackDigest, slackMessage } from './formats/slack';
import { teamsDigest, teamsMessage } from './formats/teams';
import { webhookBody, webhookDigest } from './formats/webhook';
import type { OutgoingRequest } from './http-delivery';
import type { Notification } from './notification';
import { deliveryIdOf, signatureHeaders, WEBHOOK_HEADER } from './signature';

const USER_AGENT = 'claude-cost-monitor-notifier/1';

type Deps = Pick<NotifierDeps, 'dashboardUrl' | 'now'>;

const request = (
  deps: Deps,
  channel: NotifierChannel,
  target: ChannelTarget,
  deliveryId: string,
  body: string,
): (() => OutgoingRequest) => {
  const base = { 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT };
  if (channel.type !== CHANNEL_TYPE.webhook) return () => ({ url: target.url, headers: base, body });
  // Each attempt is signed at its own time, so a retry hours later still passes the receiver's replay window.
  return () => ({
    url: target.url,
    headers: {
      ...base,
      [WEBHOOK_HEADER.delivery]: deliveryId,
      ...signatureHeaders(target.signingSecret!, body, deps.now()),
    },
    body,
  });
};

/** The request that delivers one notification to a channel, in the channel's format. */
export const notificationRequest = (
  deps: Deps,
  channel: NotifierChannel,
  target: ChannelTarget,
  notification: Notification,
): (() => OutgoingRequest) => {
  const link = dashboardLink(deps.dashboardUrl, notification);
  const deliveryId = deliveryIdOf(notification.id, channel.name);
  const body =
    channel.type === CHANNEL_TYPE.slack
      ? slackMessage(notification, link)
      : channel.type === CHANNEL_TYPE.teams
        ? teamsMessage(notification, link)
        : webhookBody(notification, channel.name, deliveryId, link);
  return request(deps, channel, target, deliveryId, JSON.stringify(body));
};

/** The request that delivers a digest to a channel, in the channel's format. */
export const digestRequest = (
  deps: Deps,
  channel: NotifierChannel,
  target: ChannelTarget,
  digest: Digest,
): (() => OutgoingRequest) => {
  const link = deps.dashboardUrl;
  const deliveryId = deliveryIdOf(digest.id, channel.name);
  const body =
    channel.type === CHANNEL_TYPE.slack
      ? slackDigest(digest, link)
      : channel.type === CHANNEL_TYPE.teams
        ? teamsDigest(digest, link)
        : webhookDigest(digest, deliveryId, (n) => dashboardLink(deps.dashboardUrl, n));
  return request(deps, channel, target, deliveryId, JSON.stringify(body));
};
