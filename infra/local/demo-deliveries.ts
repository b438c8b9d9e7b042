import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../../functions/notifier/deps';
import { DEFAULT_DELIVERY_POLICY, postWithRetries } from '../../functions/notifier/http-delivery';
import { verifySignature, WEBHOOK_HEADER } from '../../functions/notifier/signature';
import type { LocalDelivery } from './local-notifier';
import { LocalStackError } from './local-stack-errors';
import { deliveryLogFile } from './stack-state';

type Log = (line: string) => void;

const readDeliveries = async (dir: string): Promise<LocalDelivery[]> =>
  existsSync(deliveryLogFile(dir))
    ? (await readFile(deliveryLogFile(dir), 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LocalDelivery)
    : [];

/**
 * Polls the stack's delivery log until the channel received a request whose body mentions `text` (the
 * aggregator, SNS and the notifier's queue poller all run behind the demo's calls).
 */
export const waitForDelivery = async (
  dir: string,
  channel: string,
  text: string,
  timeoutMs = 60_000,
): Promise<LocalDelivery> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readDeliveries(dir)).find(
      (delivery) => delivery.channel === channel && delivery.body.includes(text),
    );
    if (found) return found;
    if (Date.now() > deadline) {
      throw new LocalStackError(
        `no delivery to ${channel} mentioning ${text} after ${timeoutMs / 1000} s: is the notifier running?`,
      );
    }
    await sleep(250);
  }
};

interface SlackText {
  type: string;
  text: string;
}
interface SlackBlock {
  type: string;
  text?: SlackText;
  fields?: SlackText[];
  elements?: { type: string; url?: string; text: SlackText | string }[];
}

/** A Slack message as a reader would see it, one line per block. */
const slackLines = (message: { text: string; blocks: SlackBlock[] }): string[] =>
  message.blocks.flatMap((block): string[] => {
    switch (block.type) {
      case 'header':
        return [`[header]  ${block.text?.text ?? ''}`];
      case 'section':
        return [
          ...(block.text ? [`[section] ${block.text.text.replace(/\n/g, ' ')}`] : []),
          ...(block.fields
            ? [`[fields]  ${block.fields.map((f) => f.text.replace('\n', ': ')).join(' | ')}`]
            : []),
        ];
      case 'context':
        return [
          `[context] ${(block.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join(' · ')}`,
        ];
      case 'actions':
        return (block.elements ?? []).map(
          (e) => `[button]  ${typeof e.text === 'string' ? e.text : e.text.text} -> ${e.url}`,
        );
      default:
        return [`[${block.type}]`];
    }
  });

/** Prints the Slack-formatted delivery and keeps its JSON next to the other demo output. */
export const printSlackDelivery = async (log: Log, dir: string, delivery: LocalDelivery): Promise<void> => {
  const file = join(dir, 'demo-slack-message.json');
  const message = JSON.parse(delivery.body) as { text: string; blocks: SlackBlock[] };
  await writeFile(file, `${JSON.stringify(message, null, 2)}\n`);
  log(`\nSlack delivery (Block Kit), as the local Slack receiver got it (answered ${delivery.status}):`);
  log(`  text      ${message.text}`);
  for (const line of slackLines(message)) log(`  ${line}`);
  log(`  JSON      ${file}`);
};

/** Prints the signed webhook delivery and checks its signature as a receiver would, then with a changed body. */
export const printWebhookDelivery = (log: Log, delivery: LocalDelivery, signingSecret: string): void => {
  const signature = delivery.headers[WEBHOOK_HEADER.signature];
  const timestamp = delivery.headers[WEBHOOK_HEADER.timestamp];
  const nowMs = Number(timestamp) * 1000;
  const check = (body: string) =>
    verifySignature({ secret: signingSecret, body, signature, timestamp, nowMs });
  const result = (outcome: ReturnType<typeof check>) =>
    outcome.ok ? 'valid' : `refused (${outcome.reason})`;
  log(`\nSigned webhook delivery (POST ${delivery.path}, answered ${delivery.status}):`);
  for (const header of [WEBHOOK_HEADER.delivery, WEBHOOK_HEADER.timestamp, WEBHOOK_HEADER.signature]) {
    log(`  ${header}: ${delivery.headers[header]}`);
  }
  log(`  body: ${delivery.body.length > 300 ? `${delivery.body.slice(0, 297)}...` : delivery.body}`);
  log(`  HMAC-SHA256 over "<timestamp>.<body>" with the channel's secret: ${result(check(delivery.body))}`);
  log(
    `  the same with one figure of the body changed: ${result(check(delivery.body.replace(/\d/, (d) => String((Number(d) + 1) % 10))))}`,
  );
};

/** Posts the Slack message the demo produced to a real Slack incoming webhook, with the notifier's retries. */
export const sendToSlack = async (log: Log, url: string, delivery: LocalDelivery): Promise<void> => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:')
    throw new LocalStackError('--slack-webhook must be an https URL (a Slack incoming webhook)');
  const outcome = await postWithRetries(
    { sleep, now: Date.now },
    () => ({ url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: delivery.body }),
    DEFAULT_DELIVERY_POLICY,
    Date.now() + 60_000,
  );
  log(
    outcome.result === 'delivered'
      ? `\nSent the same message to your Slack channel (HTTP ${outcome.status}).`
      : `\nSlack did not take the message: ${outcome.reason} (${outcome.result === 'retry' ? 'try again later' : 'check the webhook URL'}).`,
  );
};
