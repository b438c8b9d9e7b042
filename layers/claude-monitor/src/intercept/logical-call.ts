import type { BudgetDecision, BudgetEnforcer } from '../budget/enforcer';
import { trackBudgetWork } from '../budget/pending-work';
import { refusalMessage } from '../budget/refusal-response';
import { currentScope, mergeAttribution } from '../client/attribution';
import { errorTypeOfStatus } from '../client/usage';
import type { BudgetSubject } from '../domain/budget';
import type { Attribution, CallRecord, ErrorType, Operation, UsageIncomplete } from '../domain/call-record';
import { defer } from '../recorder/deferred';
import { reportMonitorFailure } from '../recorder/log-line';
import { buildCallRecord, type CallOutcome } from './build-record';
import type { CallOptions } from './call-context';
import { ABORT_PHASE, type Exchange, type ExchangeOwner } from './exchange';
import { describeNetworkError, networkErrorType } from './network-error';
import { awaitRetry, type OpenCall, stopAwaitingRetry, trackOpenCall, untrackOpenCall } from './open-calls';
import { READ_MODE } from './response-reader';
import { type AttemptMark, mayBeRetried } from './retry-policy';
import { TARGET_KIND, type Target } from './targets';

/** Outside Lambda nothing settles a failed attempt the client never retried: this does, after the longest
 * wait an SDK allows before a retry (the Anthropic SDKs honour `retry-after` up to 60 s). */
const RETRY_WAIT_MS = 65_000;

/** Why a settled exchange ended the way it did. */
type Ending = 'success' | 'caller_abort' | 'network' | 'status' | 'forced' | 'not_claude';

const requestIdOf = (exchange: Exchange): string | undefined =>
  exchange.responseHeader('request-id') ??
  exchange.responseHeader('x-amzn-requestid') ??
  exchange.responseHeader('x-request-id');

/** The API's own words for an error response (Anthropic `error.message`, AWS `message`), else its start. */
const errorMessageOf = (text: string): string | undefined => {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown; Message?: unknown };
    const message = body.error?.message ?? body.message ?? body.Message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: keep the raw text.
  }
  return text === '' ? undefined : text;
};

/**
 * One Claude call as the caller made it: one or more HTTP attempts (retries), ending in exactly one record.
 * Attempts join it by the explicit client's context, or (no code change) by the attempt marks every SDK
 * sends. It records when its last attempt settles for good, or when the end of the invocation settles it.
 */
export class LogicalCall implements ExchangeOwner, OpenCall {
  public finished = false;
  /** Start of the call, epoch ms: its record's timestamp and the time its budget windows are taken at. */
  public readonly startedAt = Date.now();
  /** The budget check of the call's first attempt; retries keep its reservation. */
  public budget: { enforcer: BudgetEnforcer; decision: BudgetDecision } | undefined;
  /** The budget check while it waits (it never rejects); cleared once decided. */
  public budgetCheck: Promise<unknown> | undefined;
  private readonly start = performance.now();
  private readonly exchanges: Exchange[] = [];
  private readonly scope = currentScope();
  public readonly awsRequestId = this.scope?.awsRequestId;
  private retryTimer: NodeJS.Timeout | undefined;
  private mark: AttemptMark;

  public constructor(
    private readonly options: CallOptions,
    private readonly target: Target,
    private readonly url: string,
    first: AttemptMark,
  ) {
    this.mark = first;
    trackOpenCall(this);
  }

  /** Adds an attempt. */
  public join(exchange: Exchange, mark: AttemptMark): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    stopAwaitingRetry(this);
    this.mark = mark;
    this.exchanges.push(exchange);
    exchange.attach(this);
  }

  public matchesRetry(
    kind: string,
    url: string,
    invocationId: string | undefined,
    body: string | undefined,
  ): boolean {
    if (this.finished || kind !== this.target.kind || url !== this.url) return false;
    if (invocationId !== undefined || this.mark.invocationId !== undefined) {
      return invocationId === this.mark.invocationId;
    }
    return body !== undefined && body === this.last()?.body.text();
  }

  public exchangeSettled(exchange: Exchange): void {
    if (this.finished || exchange !== this.last()) return;
    try {
      if (this.isFinal(exchange)) this.finish();
      else this.awaitRetry();
    } catch (error) {
      reportMonitorFailure('call', error);
      this.finish();
    }
  }

  public async networkDoneBy(deadline: number): Promise<void> {
    const last = this.last();
    const wait = deadline - Date.now();
    if (!last || last.networkOver() || wait <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      last.whenNetworkDone(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, wait);
      }),
    ]);
    clearTimeout(timer);
  }

  public async settleBy(deadline: number): Promise<void> {
    const last = this.last();
    if (this.finished) return;
    if (!last || last.settled) {
      this.finish();
      return;
    }
    await this.networkDoneBy(deadline);
    if (!this.finished) {
      last.force();
      this.finish();
    }
  }

  /** Who the call is for, as its record will say (client, scope and per-call attribution merged). */
  public subject(): BudgetSubject {
    const { tenantId, userId, sessionId } = this.attribution();
    const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
    return { tenantId, userId, sessionId, ...(functionName ? { functionName } : {}) };
  }

  private attribution(): Attribution {
    const { awsRequestId: _id, ...scoped } = this.scope ?? {};
    return mergeAttribution(
      mergeAttribution(this.options.monitor.attribution, scoped),
      this.options.attribution,
    );
  }

  private last(): Exchange | undefined {
    return this.exchanges.at(-1);
  }

  /** Which attempt the last one is (0 for the first), by the client's mark or by the attempts seen. */
  private retryIndex(): number {
    return Math.max(this.mark.retry, this.exchanges.length - 1);
  }

  private isFinal(exchange: Exchange): boolean {
    const ending = this.endingOf(exchange);
    if (ending !== 'network' && ending !== 'status') return true;
    if (!this.retryable(exchange, ending)) return true;
    if (this.options.maxRetries !== undefined && this.retryIndex() >= this.options.maxRetries) return true;
    if (this.mark.maxAttempts !== undefined && this.retryIndex() + 1 >= this.mark.maxAttempts) return true;
    return false;
  }

  private retryable(exchange: Exchange, ending: Ending): boolean {
    // A timeout is seen as an abort of the request; the SDKs retry it like a connection error.
    if (ending === 'network' && exchange.abortPhase === ABORT_PHASE.beforeResponse) return true;
    return mayBeRetried(exchange);
  }

  private endingOf(exchange: Exchange): Ending {
    if (exchange.target.confirmByBody && !exchange.body.includes('"anthropic_version"')) return 'not_claude';
    if (exchange.forced) return 'forced';
    // An error event ends the stream; the SDK then aborts the request itself: the error event is the outcome.
    if (exchange.reader?.facts.streamError) return 'success';
    if (exchange.abortedByCaller()) {
      return exchange.abortPhase === ABORT_PHASE.beforeResponse && this.timedOut(exchange)
        ? 'network'
        : 'caller_abort';
    }
    if (exchange.failed) return 'network';
    return exchange.successful() ? 'success' : 'status';
  }

  /**
   * Whether an abort before the response was the SDK's own timeout rather than the caller's abort. An
   * explicit client knows the caller's signal. With no code change, the Anthropic SDKs announce their timeout
   * (`x-stainless-timeout`, whole seconds): an abort that came that late is the timeout. When it cannot be
   * told, a timeout is assumed, so that a retry joins this call instead of counting as another; such a call
   * is recorded as a timeout when no retry comes.
   */
  private timedOut(exchange: Exchange): boolean {
    if (this.options.userSignal !== undefined) return !this.options.userSignal.aborted;
    // The AWS SDK retries its timeouts while attempts remain; a caller's abort is recorded when no retry comes.
    if (this.mark.invocationId !== undefined) {
      return this.mark.maxAttempts === undefined || this.retryIndex() + 1 < this.mark.maxAttempts;
    }
    const announced = exchange.requestHeader('x-stainless-timeout');
    if (announced === undefined) return false;
    const seconds = Number(announced);
    if (!Number.isFinite(seconds) || seconds <= 0) return true;
    return (exchange.endedAt ?? performance.now()) - exchange.start >= seconds * 1_000 - 100;
  }

  private awaitRetry(): void {
    awaitRetry(this);
    this.retryTimer = setTimeout(() => this.finish(), RETRY_WAIT_MS);
    this.retryTimer.unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    untrackOpenCall(this);
    const last = this.last();
    if (!last || last.target.kind === TARGET_KIND.batchResults) return;
    const ending = this.endingOf(last);
    if (ending === 'not_claude') return;
    // A held request given up while its check was still waiting: record it with the decision, so that a
    // reservation made after all is settled (given back) rather than left to the sweep.
    // Tracked whole (the record and its settlement), so that `flush()` waits for both.
    const checking = this.budgetCheck;
    if (checking) trackBudgetWork(checking.then(() => this.record(last, ending)));
    else defer(() => void this.record(last, ending));
  }

  /** Builds and stores the record; resolves once stored (after the settlement, when there is one). */
  private record(last: Exchange, ending: Ending): Promise<void> | undefined {
    try {
      const record = buildCallRecord(this.outcome(last, ending), this.options.monitor);
      const budget = this.budget;
      if (budget?.decision.action !== 'send') {
        this.options.monitor.sink().add(record);
        return undefined;
      }
      // Settled before the record is stored: the aggregator, which corrects a window from the exact
      // rollups, then never sees a record whose settlement is still to come (see docs/budgets.md).
      return budget.enforcer.settle(budget.decision.settlement, record.cost.totalNanoUsd).then((settled) => {
        this.store(settled ? record : { ...record, budget: { ...record.budget!, settled: false } });
      });
    } catch (error) {
      reportMonitorFailure('record', error);
      return undefined;
    }
  }

  private store(record: CallRecord): void {
    try {
      this.options.monitor.sink().add(record);
    } catch (error) {
      reportMonitorFailure('record', error);
    }
  }

  private operationOf(exchange: Exchange): Operation {
    const mode = exchange.reader?.mode;
    if (mode === READ_MODE.sse || mode === READ_MODE.eventStream || this.target.streamEndpoint)
      return 'stream';
    if (mode === undefined || mode === READ_MODE.error) {
      return exchange.body.json()?.stream === true ? 'stream' : 'create';
    }
    return 'create';
  }

  private outcome(exchange: Exchange, ending: Ending): CallOutcome {
    exchange.reader?.settle();
    const facts = exchange.reader?.facts;
    const requestedModel =
      this.target.urlModel ?? exchange.body.stringField('model') ?? facts?.model ?? 'unknown';
    const awsRequestId = this.scope?.awsRequestId;
    const operation = this.operationOf(exchange);
    const refused = this.budget?.decision.action === 'refuse';
    const outcome: CallOutcome = {
      operation,
      beta: this.options.beta ?? this.target.beta,
      provider: this.target.provider,
      instrumentation: this.options.instrumentation,
      requestedModel,
      ...(facts?.model ? { reportedModel: facts.model } : {}),
      ...(this.target.urlModel ? { priceModel: this.target.urlModel } : {}),
      ...(facts?.usage ? { usage: facts.usage } : {}),
      ...(facts?.stopReason ? { stopReason: facts.stopReason } : {}),
      attempts: this.retryIndex() + 1,
      startedAt: this.startedAt,
      latencyMs: (exchange.endedAt ?? performance.now()) - this.start,
      attribution: this.attribution(),
      ...(awsRequestId ? { awsRequestId } : {}),
      ...(this.budget ? { budget: this.budget.decision.check } : {}),
    };
    // A refused call never reached the API: the status of the monitor's own answer is not the API's.
    if (exchange.status !== undefined && !refused) outcome.httpStatus = exchange.status;
    const requestId = requestIdOf(exchange);
    if (requestId && !refused) outcome.requestId = requestId;
    if (operation === 'stream' && facts?.firstEventAt !== undefined)
      outcome.ttftMs = facts.firstEventAt - this.start;
    if (exchange.successful()) outcome.callerRead = exchange.callerRead();
    const incomplete = this.incompleteUsage(exchange, ending);
    if (incomplete !== undefined) {
      outcome.usageIncomplete = incomplete;
      outcome.outputTokensSeen = facts?.contentDeltas ?? 0;
    }
    const failure = this.failureOf(exchange, ending);
    if (failure) outcome.failure = failure;
    if (this.options.monitor.captureContent) {
      const body = exchange.body.json();
      outcome.prompt = JSON.stringify({ system: body?.system, messages: body?.messages });
      if (facts?.completion) outcome.completion = facts.completion;
    }
    return outcome;
  }

  private incompleteUsage(exchange: Exchange, ending: Ending): UsageIncomplete | undefined {
    const reader = exchange.reader;
    if (!exchange.successful() || !reader) return undefined;
    if (reader.unreadable !== undefined) return 'unreadable';
    if (reader.facts.finalUsage) return undefined;
    if (ending === 'caller_abort') return 'aborted';
    if (ending === 'forced') return 'unfinished';
    return 'interrupted';
  }

  private failureOf(exchange: Exchange, ending: Ending): CallOutcome['failure'] {
    const decision = this.budget?.decision;
    if (decision?.action === 'refuse') {
      return {
        type: decision.reason === 'exceeded' ? 'budget_exceeded' : 'budget_unavailable',
        message: refusalMessage(decision.reason, decision.check),
      };
    }
    switch (ending) {
      case 'caller_abort':
        return { type: 'aborted', message: 'aborted by the caller' };
      case 'network':
        return this.networkFailure(exchange);
      case 'forced':
        if (exchange.status === undefined) {
          return { type: 'unfinished', message: 'the invocation ended before the response arrived' };
        }
        if (exchange.successful()) break;
        return this.statusFailure(exchange);
      case 'status':
        return this.statusFailure(exchange);
    }
    const streamError = exchange.reader?.facts.streamError;
    if (streamError) return { type: 'stream', message: `${streamError.type}: ${streamError.message}` };
    return undefined;
  }

  private statusFailure(exchange: Exchange): CallOutcome['failure'] {
    const message = errorMessageOf(exchange.reader?.bodyText() ?? '');
    return {
      type: errorTypeOfStatus(exchange.status ?? 0),
      status: exchange.status,
      ...(message ? { message } : {}),
    };
  }

  private networkFailure(exchange: Exchange): { type: ErrorType; message: string } {
    if (exchange.abortPhase === ABORT_PHASE.beforeResponse) {
      return { type: 'timeout', message: 'request timed out before the response' };
    }
    return { type: networkErrorType(exchange.error), message: describeNetworkError(exchange.error) };
  }
}
