import { METRIC } from 'claude-monitor/domain';
import type { ChannelTarget } from './channel-targets';
import type { NotifierChannel } from './config';
import {
  claimDelivery,
  DELIVERY_STATE,
  finishDelivery,
  holdForDigest,
  releaseDelivery,
} from './delivery-store';
import type { NotifierDeps } from './deps';
import { ChannelSecretError, SecretReadError } from './errors';
import {
  DELIVERY_RESULT,
  type DeliveryOutcome,
  type OutgoingRequest,
  postWithRetries,
} from './http-delivery';
import type { Notification } from './notification';
import { digestReleaseAt, holdsForDigest } from './quiet-hours';
import { notificationRequest } from './render';

/** What becomes of a queue message: done with, tried again later, or moved to the dead-letter queue. */
export type MessageOutcome =
  | { action: 'done'; detail: 'delivered' | 'duplicate' | 'held'; status?: number }
  | { action: 'retry'; reason: string; retryAfterSeconds?: number }
  | { action: 'dead-letter'; reason: string; status?: number };

/** A claim outlives the invocation's deadline by this much, so it never lapses while its worker still runs. */
export const LEASE_MARGIN_MS = 30_000;

/**
 * Posts to the channel's endpoint and records the end: a delivered or refused marker, or the claim given
 * back for a later try. Shared by single notifications and digests.
 */
export const deliverClaimed = async (
  deps: NotifierDeps,
  channel: NotifierChannel,
  id: string,
  build: (target: ChannelTarget) => () => OutgoingRequest,
  deadlineMs: number,
): Promise<MessageOutcome> => {
  let outcome: DeliveryOutcome;
  try {
    const target = await deps.targets(channel);
    outcome = await postWithRetries(deps, build(target), deps.policy, deadlineMs);
  } catch (error) {
    if (error instanceof ChannelSecretError) {
      outcome = { result: DELIVERY_RESULT.refused, reason: error.message, attempts: 0 };
    } else if (error instanceof SecretReadError) {
      outcome = { result: DELIVERY_RESULT.retry, reason: error.message, attempts: 0 };
    } else {
      await releaseDelivery(deps, id, channel.name).catch(() => undefined);
      throw error;
    }
  }
  const log = { channel: channel.name, notificationId: id, attempts: outcome.attempts };
  switch (outcome.result) {
    case DELIVERY_RESULT.delivered:
      await finishDelivery(deps, id, channel.name, DELIVERY_STATE.delivered, { status: outcome.status });
      deps.metrics.count(METRIC.notificationsDelivered, channel.name);
      deps.logger.info('notification delivered', { ...log, status: outcome.status });
      return { action: 'done', detail: 'delivered', status: outcome.status };
    case DELIVERY_RESULT.refused:
      await finishDelivery(deps, id, channel.name, DELIVERY_STATE.failed, {
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        reason: outcome.reason,
      });
      deps.metrics.count(METRIC.notificationsFailed, channel.name);
      deps.logger.error('notification refused; it goes to the dead-letter queue', {
        ...log,
        reason: outcome.reason,
      });
      return {
        action: 'dead-letter',
        reason: outcome.reason,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
      };
    case DELIVERY_RESULT.retry:
      await releaseDelivery(deps, id, channel.name);
      deps.metrics.count(METRIC.notificationsRetried, channel.name);
      deps.logger.warn('notification not delivered yet; it will be retried', {
        ...log,
        reason: outcome.reason,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
      return {
        action: 'retry',
        reason: outcome.reason,
        ...(outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }),
      };
  }
};

/**
 * Delivers one notification to one channel, at most once however often it arrives: held for the channel's
 * digest when its severity is below the digest threshold (and it is quiet time, if quiet hours are set),
 * skipped when it was delivered, held or refused before, otherwise claimed and posted.
 * `deadlineMs` bounds the work (the invocation's remaining time).
 */
export const notifyChannel = async (
  deps: NotifierDeps,
  channel: NotifierChannel,
  notification: Notification,
  deadlineMs: number,
): Promise<MessageOutcome> => {
  const now = deps.now();
  const busy: MessageOutcome = {
    action: 'retry',
    reason: 'another delivery of this notification is in progress',
  };
  if (channel.digest && holdsForDigest(channel.digest, notification.severity, now)) {
    const held = await holdForDigest(deps, channel.name, notification, digestReleaseAt(channel.digest, now));
    if (held === 'busy') return busy;
    if (held === 'held') deps.metrics.count(METRIC.notificationsDigested, channel.name);
    return { action: 'done', detail: held === 'held' ? 'held' : 'duplicate' };
  }
  const claim = await claimDelivery(deps, notification.id, channel.name, deadlineMs + LEASE_MARGIN_MS);
  if (claim === 'busy') return busy;
  if (claim === 'done') {
    deps.logger.info('notification already handled; duplicate skipped', {
      channel: channel.name,
      notificationId: notification.id,
    });
    return { action: 'done', detail: 'duplicate' };
  }
  return deliverClaimed(
    deps,
    channel,
    notification.id,
    (target) => notificationRequest(deps, channel, target, notification),
    deadlineMs,
  );
};
