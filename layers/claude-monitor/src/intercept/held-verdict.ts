import { awsRefusal } from '../budget/aws-refusal';
import { type BudgetDecision, withModel } from '../budget/enforcer';
import { anthropicRefusal, type RefusalParts } from '../budget/refusal-response';
import type { Exchange } from './exchange';

/** What a `node:http`/`node:http2` request held for its budget check does next. */
export type HeldAction =
  | {
      kind: 'send' /** The body to send instead of the caller's (a downgrade rewrote its model). */;
      body?: string;
    }
  | { kind: 'answer'; refusal: RefusalParts };

/**
 * The AWS SDK marks every attempt with `amz-sdk-invocation-id` and `amz-sdk-request`: it gets the error Bedrock
 * itself would send; every other client (Anthropic SDKs over `node-fetch`) the Anthropic-shaped refusal.
 */
const isAwsSdk = (exchange: Exchange): boolean =>
  exchange.requestHeader('amz-sdk-invocation-id') !== undefined ||
  exchange.requestHeader('amz-sdk-request') !== undefined;

/**
 * Turns the check's decision on a held request into what to do with it: send it as written (no check, or
 * allowed), send the rewritten body (downgraded; the record's body follows it), or answer it with the
 * refusal its client understands, sending nothing.
 */
export const heldAction = (exchange: Exchange, decision: BudgetDecision | undefined): HeldAction => {
  if (decision?.action === 'refuse') {
    const refusal = isAwsSdk(exchange)
      ? awsRefusal(decision.reason, decision.check)
      : anthropicRefusal(decision.reason, decision.check);
    return { kind: 'answer', refusal };
  }
  const json = exchange.body.json();
  if (decision?.downgradeTo === undefined || !json) return { kind: 'send' };
  const body = withModel(json, decision.downgradeTo);
  exchange.body.replace(body);
  return { kind: 'send', body };
};
