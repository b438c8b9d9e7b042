import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { AlertSeverity } from 'claude-monitor/domain';
import type { Notification } from '../notification';
import { DIGEST_LISTED, type Digest, digestTitle } from './digest';

/** What a Slack incoming webhook accepts: fallback text for notifications plus Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * Block Kit limits this formatter keeps to, from Slack's reference
 * (https://docs.slack.dev/reference/block-kit/blocks): header text 150 characters, section text 3,000,
 * at most 10 section fields of 2,000 each, context elements 10, button text 75 and URL 3,000 characters,
 * 50 blocks per message.
 */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  url: 3000,
  blocks: 50,
} as const;

const ICON: Record<AlertSeverity, string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

/**
 * Escapes the three characters Slack's mrkdwn gives meaning to
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping), so a tenant or session name can
 * never become a link or an `@channel` mention.
 */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cuts `text` to `max` characters, marking the cut. */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true },
});

const section = (mrkdwn: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(mrkdwn, SLACK_LIMITS.sectionText) },
});

const linkButton = (url: string | undefined): ActionsBlock[] =>
  url && url.length <= SLACK_LIMITS.url
    ? [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open the dashboard' },
              url,
              action_id: 'open-dashboard',
            },
          ],
        },
      ]
    : [];

/** One alert or alarm: what happened, the scope, the figures and a link to the dashboard at that scope. */
export const slackMessage = (notification: Notification, link?: string): SlackMessage => {
  const context: ContextBlock = {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `${ICON[notification.severity]} ${notification.severity}` },
      { type: 'mrkdwn', text: escapeMrkdwn(clip(`${notification.time} · ${notification.id}`, 300)) },
    ],
  };
  const blocks: KnownBlock[] = [
    header(notification.subject),
    ...(notification.summary ? [section(escapeMrkdwn(notification.summary))] : []),
    {
      type: 'section',
      fields: notification.facts.slice(0, SLACK_LIMITS.fields).map((fact) => ({
        type: 'mrkdwn' as const,
        text: clip(`*${fact.label}*\n${escapeMrkdwn(fact.value)}`, SLACK_LIMITS.fieldText),
      })),
    },
    context,
    ...linkButton(link),
  ];
  return { text: `${ICON[notification.severity]} ${notification.subject}`, blocks };
};

/** Several alerts in one message: one line each (up to `DIGEST_LISTED`), then how many more. */
export const slackDigest = (digest: Digest, link?: string): SlackMessage => {
  const listed = digest.notifications.slice(0, DIGEST_LISTED);
  const more = digest.notifications.length - listed.length;
  const lines = listed.map(
    (n) =>
      `${ICON[n.severity]} *${escapeMrkdwn(n.subject)}*${n.summary ? `\n${escapeMrkdwn(n.summary)}` : ''}`,
  );
  const blocks: KnownBlock[] = [
    header(digestTitle(digest)),
    ...lines.map((line) => section(line)),
    ...(more > 0 ? [section(`…and ${more} more; the dashboard has them all.`)] : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Held for the digest due ${digest.releaseAt}` }] },
    ...linkButton(link),
  ];
  return { text: digestTitle(digest), blocks };
};
