/**
 * The call record: one per Claude call, written by the layer and read by the aggregator and the API.
 * This is the single definition; the DynamoDB item mapping lives in `call-item.ts`.
 */

/** What kind of SDK call produced the record. */
export const OPERATION = {
  create: 'create',
  stream: 'stream',
  batchResult: 'batch_result',
  countTokens: 'count_tokens',
} as const;
export type Operation = (typeof OPERATION)[keyof typeof OPERATION];

/** Where the call was served. */
export const PROVIDER = {
  anthropic: 'anthropic',
  bedrock: 'bedrock',
  vertex: 'vertex',
} as const;
export type Provider = (typeof PROVIDER)[keyof typeof PROVIDER];

export const CALL_STATUS = {
  success: 'success',
  error: 'error',
} as const;
export type CallStatus = (typeof CALL_STATUS)[keyof typeof CALL_STATUS];

/**
 * Why a call failed. The rollups count these in the classes of `ERROR_CLASS`.
 * `aborted` is a caller's own abort (or `break` out of a stream); `stream` is an `error` event mid-stream;
 * `unfinished` is a request still waiting for its response when the invocation ended (sent, so possibly
 * billed; its usage is unknown). `budget_exceeded` is a call an enforced budget refused and
 * `budget_unavailable` one refused because the budget check could not be made (fail closed): neither was
 * sent, so neither costs anything.
 */
export const ERROR_TYPE = {
  rateLimit: 'rate_limit',
  overloaded: 'overloaded',
  server: 'server',
  client: 'client',
  authentication: 'authentication',
  connection: 'connection',
  timeout: 'timeout',
  aborted: 'aborted',
  stream: 'stream',
  unfinished: 'unfinished',
  budgetExceeded: 'budget_exceeded',
  budgetUnavailable: 'budget_unavailable',
  unknown: 'unknown',
} as const;
export type ErrorType = (typeof ERROR_TYPE)[keyof typeof ERROR_TYPE];

/** How the call was seen: through a client the code monitors itself, or by the layer with no code change. */
export const INSTRUMENTATION = {
  explicit: 'explicit',
  zeroCode: 'zero-code',
} as const;
export type Instrumentation = (typeof INSTRUMENTATION)[keyof typeof INSTRUMENTATION];

/**
 * Why `usage` is not the API's final report. The counts are then what the response said before it stopped
 * (input and cache counts from the stream's start), and `outputTokens` is at least the content pieces seen.
 * - `aborted`: the caller aborted before the final usage arrived;
 * - `interrupted`: the connection or stream failed before it;
 * - `unfinished`: the response was still arriving when the invocation ended;
 * - `unreadable`: the response could not be read (not the documented shape).
 */
export const USAGE_INCOMPLETE = {
  aborted: 'aborted',
  interrupted: 'interrupted',
  unfinished: 'unfinished',
  unreadable: 'unreadable',
} as const;
export type UsageIncomplete = (typeof USAGE_INCOMPLETE)[keyof typeof USAGE_INCOMPLETE];

/** How much of a successful response the calling code read (billed either way). */
export const CALLER_READ = {
  none: 'none',
  partial: 'partial',
  all: 'all',
} as const;
export type CallerRead = (typeof CALLER_READ)[keyof typeof CALLER_READ];

/** What the budget check did with a call that enforced budgets apply to. */
export const BUDGET_OUTCOME = {
  /** The upper bound of its cost was reserved on every limit; the call was sent. */
  allowed: 'allowed',
  /** The requested model did not fit; a cheaper one (`downgradedFrom` holds the requested one) did. */
  downgraded: 'downgraded',
  /** A limit had no room: the call was not sent. */
  refused: 'refused',
  /** A per-call override sent it past the limits (`overrideReason`); its cost still counts. */
  override: 'override',
  /** The check could not be made in time: sent unchecked (fail open) or refused (fail closed). */
  unavailable: 'unavailable',
} as const;
export type BudgetOutcome = (typeof BUDGET_OUTCOME)[keyof typeof BUDGET_OUTCOME];

/** The limit that refused or downgraded a call, as it stood then. Money in nano-dollars. */
export interface BudgetLimitState {
  scope: string;
  /** The tenant, user, session or function limited (`*` for the account). */
  value: string;
  period: string;
  /** The window's bucket (`2026-12-01`, `2026-12`, `total`). */
  window: string;
  limitNanoUsd: number;
  /** Settled and unsettled spend of the window when the call was checked. */
  spentNanoUsd: number;
  /** Reserved by calls in flight then. */
  reservedNanoUsd: number;
  /** When the window resets; absent for a session's lifetime. */
  resetsAt?: string;
}

/** The budget side of a call record; absent when no enforced budget applies to the call. */
export interface BudgetCheck {
  outcome: BudgetOutcome;
  /** Reserved before the call: the upper bound of its cost (0 when nothing was reserved). */
  reservedNanoUsd: number;
  /** Enforced limits the call was checked against, as `<scope>:<value>/<period>`. */
  limits: string[];
  /** The limit that refused or downgraded the call. */
  limit?: BudgetLimitState;
  overrideReason?: string;
  downgradedFrom?: string;
  /** False when the settlement to the exact cost could not be written (the aggregator corrects the window). */
  settled?: boolean;
}

/** Token and server-tool counts, as reported by the API (`usage`), merged over a stream. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache writes with the default 5-minute lifetime. */
  cacheWrite5mTokens: number;
  /** Prompt-cache writes with the 1-hour lifetime. */
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  webSearchRequests: number;
  webFetchRequests: number;
}

export const EMPTY_USAGE: Readonly<TokenUsage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
});

/** Cost of one call in integer nano-dollars, by component. */
export interface CostBreakdown {
  inputNanoUsd: number;
  outputNanoUsd: number;
  cacheWrite5mNanoUsd: number;
  cacheWrite1hNanoUsd: number;
  cacheReadNanoUsd: number;
  webSearchNanoUsd: number;
  totalNanoUsd: number;
  /** False when the model is not in the price table: the components are then 0 and must not be read as free. */
  priced: boolean;
  /** Price-table entry that priced the call (canonical model id), when priced. */
  pricedAs?: string;
  /** Version of the price table used. */
  priceVersion: string;
  /** Multipliers and tiers that applied, e.g. `batch`, `long_context`, `fast`, `geo:us`. */
  modifiers: string[];
}

/** Who and what a call is attributed to. None of it is sent to Anthropic. */
export interface Attribution {
  sessionId?: string;
  userId?: string;
  tenantId?: string;
  tags?: string[];
  metadata?: Record<string, string | number | boolean>;
}

/** Filled in automatically from the Lambda environment and context. */
export interface RuntimeContext {
  functionName?: string;
  awsRequestId?: string;
  region?: string;
}

export interface CallRecord extends Attribution, RuntimeContext {
  /** Unique id of the record (also the idempotency key of aggregation). */
  callId: string;
  /** Start of the call, ISO 8601 UTC with milliseconds. */
  timestamp: string;
  operation: Operation;
  /** True when the call went through `client.beta.*`. */
  beta: boolean;
  provider: Provider;
  /** Model id as the caller asked for it (alias, dated id, Bedrock or Vertex id). */
  requestedModel: string;
  /** Model id the response reported; the requested one when there was no response. */
  model: string;
  status: CallStatus;
  errorType?: ErrorType;
  /** HTTP status of the last attempt, when there was a response. */
  httpStatus?: number;
  /** `request-id` of the last attempt, when the API sent one. */
  requestId?: string;
  /** Error message, capped in length. */
  errorMessage?: string;
  usage: TokenUsage;
  cost: CostBreakdown;
  serviceTier?: string;
  speed?: string;
  inferenceGeo?: string;
  stopReason?: string;
  /** Wall time from the call to its result (for streams: to the end of the stream), ms. */
  latencyMs: number;
  /** Streams only: time from the call to the first event, ms. */
  ttftMs?: number;
  /** HTTP attempts the SDK made (1 plus retries). */
  attempts: number;
  /** How the call was seen. Absent on records of older layers (explicit). */
  instrumentation?: Instrumentation;
  /** Present only when `usage` is not the API's final report, with the reason. */
  usageIncomplete?: UsageIncomplete;
  /** Present only when the caller did not read the whole response (`none` or `partial`): billed all the same. */
  callerRead?: CallerRead;
  /** What the budget check did; only on calls enforced budgets apply to. */
  budget?: BudgetCheck;
  /** Only with content capture switched on. */
  prompt?: string;
  completion?: string;
  /**
   * Fields whose value was over its bound (`RECORD_LIMITS`) when the record was made and is stored shortened:
   * ids end with `~` and a hash of the whole value, so two long ids never merge.
   */
  shortened?: string[];
}
