import type { BudgetCheck } from '../domain/call-record';
import { BUDGET_ERROR, type BudgetErrorKind } from './errors';
import { BUDGET_REFUSAL_HEADER, type RefusalParts, refusalBody } from './refusal-response';

/**
 * The modeled Bedrock Runtime error a refusal is answered with. `ServiceQuotaExceededException` is a client
 * fault (HTTP 400) with no `retryable` trait, and its name is in none of the AWS SDK's throttling or transient
 * lists (`@smithy/core` retry `service-error-classification`, checked with `@aws-sdk/client-bedrock-runtime`
 * 3.1164): the standard and adaptive retry strategies give up at once. A 429 or 503 would be retried.
 */
export const AWS_REFUSAL_ERROR = 'ServiceQuotaExceededException';

/**
 * The answer the monitor gives the AWS SDK in place of Bedrock when a budget refuses a call (or, failing
 * closed, could not check it): what the service itself sends for that error (`x-amzn-errortype` and a JSON
 * body with `message`), which the SDK deserializes into its own `ServiceQuotaExceededException` whose
 * message is the refusal's. The SDK copies the body's other fields onto the exception: `budgetError`
 * (`exceeded` or `unavailable`) and, for an exceeded limit, `budget` with its figures (snake case, as in the
 * Anthropic-shaped refusal). Nothing reaches the network.
 */
export const awsRefusal = (kind: BudgetErrorKind, check: BudgetCheck): RefusalParts => {
  const { message, budget } = refusalBody(kind, check).error;
  return {
    status: 400,
    statusText: kind === BUDGET_ERROR.exceeded ? 'Budget Exceeded' : 'Budget Check Unavailable',
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': AWS_REFUSAL_ERROR,
      'x-should-retry': 'false',
      [BUDGET_REFUSAL_HEADER]: kind,
    },
    body: JSON.stringify({ message, budgetError: kind, ...(budget ? { budget } : {}) }),
  };
};
