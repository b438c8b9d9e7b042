import type { KnownBlock } from '@slack/types';
import { SLACK_LIMITS } from '../../functions/notifier/formats/slack';

/**
 * Checks a Slack incoming-webhook body against Block Kit's documented structure and limits
 * (https://docs.slack.dev/reference/block-kit/blocks, .../block-elements/button-element,
 * .../composition-objects/text-object). Slack publishes no JSON schema; the TypeScript types of
 * `@slack/types` check the shape at compile time, and this checks what types cannot: lengths, counts,
 * the required fallback `text` and the text object types each block allows.
 */
export const blockKitProblems = (message: { text?: unknown; blocks?: unknown }): string[] => {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text === '')
    problems.push('text (the fallback) is missing');
  if (!Array.isArray(message.blocks) || message.blocks.length === 0) return [...problems, 'blocks is empty'];
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`more than ${SLACK_LIMITS.blocks} blocks`);
  const textObject = (at: string, value: unknown, types: string[], max: number): void => {
    const text = value as { type?: string; text?: unknown } | undefined;
    if (!text || !types.includes(text.type ?? '')) problems.push(`${at}.type must be ${types.join(' or ')}`);
    else if (typeof text.text !== 'string' || text.text.length === 0) problems.push(`${at}.text is empty`);
    else if (text.text.length > max) problems.push(`${at}.text is longer than ${max}`);
  };
  (message.blocks as KnownBlock[]).forEach((block, i) => {
    const at = `blocks[${i}]`;
    switch (block.type) {
      case 'header':
        textObject(`${at}.text`, block.text, ['plain_text'], SLACK_LIMITS.headerText);
        break;
      case 'section':
        if (!block.text && !block.fields) problems.push(`${at} needs text or fields`);
        if (block.text)
          textObject(`${at}.text`, block.text, ['plain_text', 'mrkdwn'], SLACK_LIMITS.sectionText);
        if (block.fields && block.fields.length > SLACK_LIMITS.fields)
          problems.push(`${at} has too many fields`);
        for (const [j, field] of (block.fields ?? []).entries()) {
          textObject(`${at}.fields[${j}]`, field, ['plain_text', 'mrkdwn'], SLACK_LIMITS.fieldText);
        }
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements) {
          problems.push(`${at} needs 1-${SLACK_LIMITS.contextElements} elements`);
        }
        break;
      case 'actions':
        for (const [j, element] of block.elements.entries()) {
          if (element.type !== 'button') continue;
          textObject(`${at}.elements[${j}].text`, element.text, ['plain_text'], SLACK_LIMITS.buttonText);
          if (element.url && element.url.length > SLACK_LIMITS.url)
            problems.push(`${at}.elements[${j}].url too long`);
        }
        break;
      case 'divider':
        break;
      default:
        problems.push(`${at}.type ${String((block as { type: unknown }).type)} is not used by the notifier`);
    }
  });
  return problems;
};
