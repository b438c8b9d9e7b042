import type { AlertSeverity } from 'claude-monitor/domain';
import type { Notification } from '../notification';
import { DIGEST_LISTED, type Digest, digestTitle } from './digest';

/**
 * Adaptive Card schema version sent. Teams renders 1.5 on desktop and web but not everywhere; 1.4 holds
 * every element used here (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference).
 */
export const ADAPTIVE_CARD_VERSION = '1.4';

/** A card element or action, as the Adaptive Card schema describes it (http://adaptivecards.io/explorer/). */
export type CardElement = { type: string } & Record<string, unknown>;

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: CardElement[];
  actions?: CardElement[];
}

/**
 * The body a Teams Workflows webhook ("When a Teams webhook request is received") expects: a message
 * activity with the card as its one attachment
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

const COLOR: Record<AlertSeverity, string> = { critical: 'Attention', warning: 'Warning', info: 'Default' };

const text = (value: string, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

const envelope = (body: CardElement[], link: string | undefined): TeamsMessage => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: ADAPTIVE_CARD_VERSION,
        body,
        ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the dashboard', url: link }] } : {}),
      },
    },
  ],
});

/** One alert or alarm as an Adaptive Card: headline in the severity's colour, explanation, facts, link. */
export const teamsMessage = (notification: Notification, link?: string): TeamsMessage =>
  envelope(
    [
      text(notification.subject, { weight: 'Bolder', size: 'Medium', color: COLOR[notification.severity] }),
      ...(notification.summary ? [text(notification.summary)] : []),
      {
        type: 'FactSet',
        facts: notification.facts.map((fact) => ({ title: fact.label, value: fact.value })),
      },
      text(`${notification.time} · ${notification.id}`, { isSubtle: true, size: 'Small' }),
    ],
    link,
  );

/** Several alerts in one card: one line each (up to `DIGEST_LISTED`), then how many more. */
export const teamsDigest = (digest: Digest, link?: string): TeamsMessage => {
  const listed = digest.notifications.slice(0, DIGEST_LISTED);
  const more = digest.notifications.length - listed.length;
  return envelope(
    [
      text(digestTitle(digest), { weight: 'Bolder', size: 'Medium' }),
      ...listed.map((n) =>
        text(`${n.subject}${n.summary ? `\n\n${n.summary}` : ''}`, {
          color: COLOR[n.severity],
          separator: true,
        }),
      ),
      ...(more > 0 ? [text(`…and ${more} more; the dashboard has them all.`)] : []),
      text(`Held for the digest due ${digest.releaseAt}`, { isSubtle: true, size: 'Small' }),
    ],
    link,
  );
};
