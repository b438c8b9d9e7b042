import { randomUUID } from 'node:crypto';
import type { Middleware } from '@anthropic-ai/sdk/core/middleware';
import type { Attribution, CallRecord, ErrorType, Operation } from '../domain/call-record';
import { defer } from '../recorder/deferred';
import { reportMonitorFailure } from '../recorder/log-line';
import { capAttribution, currentScope, mergeAttribution, runtimeContextFromEnv } from './attribution';
import { CONTENT_LIMIT, type ResolvedMonitor } from './options';
import { priceCall } from './prices';
import { errorTypeOf, mergeRawUsage, type RawUsage, toTokenUsage } from './usage';

const ERROR_MESSAGE_LIMIT = 500;

interface Failure {
  type: ErrorType;
  error?: unknown;
  message?: string;
}

interface MessageLike {
  model?: string;
  stop_reason?: string | null;
  usage?: RawUsage;
  content?: { type: string; text?: string }[];
}

interface StreamEventLike {
  type: string;
  message?: MessageLike;
  usage?: RawUsage;
  delta?: { stop_reason?: string | null; type?: string; text?: string };
}

const cap = (text: string, limit: number): string => (text.length > limit ? text.slice(0, limit) : text);

const textOf = (message: MessageLike): string =>
  (message.content ?? [])
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('');

/**
 * The state of one logical Claude call, from `create()` to its last byte: HTTP attempts (via the
 * per-request middleware), usage as the SDK parses it, and the final record. Finishes exactly once.
 */
export class CallTracker {
  public attempts = 0;
  private httpStatus: number | undefined;
  private requestId: string | undefined;
  private readonly startedAt = Date.now();
  private readonly start = performance.now();
  private readonly attribution: Attribution;
  private readonly awsRequestId: string | undefined;
  private usage: RawUsage | undefined;
  private model: string | undefined;
  private stopReason: string | undefined;
  private ttftMs: number | undefined;
  private completion = '';
  private sawStop = false;
  private finished = false;

  public constructor(
    private readonly monitor: ResolvedMonitor,
    private readonly operation: Operation,
    private readonly beta: boolean,
    private readonly params: { model?: unknown; system?: unknown; messages?: unknown },
    callAttribution: Attribution | undefined,
    /** A stable id (batch results), so reading the same result twice is aggregated once. */
    private readonly callId?: string,
  ) {
    const scope = currentScope();
    this.awsRequestId = scope?.awsRequestId;
    const { awsRequestId: _omit, ...scoped } = scope ?? {};
    this.attribution = mergeAttribution(mergeAttribution(monitor.attribution, scoped), callAttribution);
  }

  /** Per-attempt facts only: the body is left to the SDK, which parses it once. */
  public readonly middleware: Middleware = async (request, next) => {
    this.attempts++;
    const response = await next(request);
    this.httpStatus = response.status;
    this.requestId = response.headers.get('request-id') ?? undefined;
    return response;
  };

  public onMessage(message: MessageLike): void {
    this.usage = message.usage;
    this.model = message.model;
    this.stopReason = message.stop_reason ?? undefined;
    if (this.monitor.captureContent) this.completion = textOf(message);
    this.finish();
  }

  public onEvent(event: StreamEventLike): void {
    if (this.ttftMs === undefined) this.ttftMs = Math.round(performance.now() - this.start);
    switch (event.type) {
      case 'message_start':
        this.model = event.message?.model;
        if (event.message?.usage) this.usage = event.message.usage;
        break;
      case 'message_delta':
        if (event.usage) this.usage = mergeRawUsage(this.usage, event.usage);
        if (event.delta?.stop_reason) this.stopReason = event.delta.stop_reason;
        break;
      case 'content_block_delta':
        if (this.monitor.captureContent && event.delta?.type === 'text_delta') {
          this.completion += event.delta.text ?? '';
        }
        break;
      case 'message_stop':
        this.sawStop = true;
        break;
    }
  }

  /** End of a stream: normal end, `break`/abort (no `message_stop` seen) or an error thrown mid-stream. */
  public onStreamEnd(error?: unknown): void {
    if (this.sawStop) {
      this.finish();
    } else if (error === undefined) {
      this.finish({ type: 'aborted', message: 'stream ended before message_stop' });
    } else {
      const type = errorTypeOf(error);
      this.finish({ type: type === 'unknown' ? 'stream' : type, error });
    }
  }

  public onError(error: unknown): void {
    this.finish({ type: errorTypeOf(error), error });
  }

  private finish(failure?: Failure): void {
    if (this.finished) return;
    this.finished = true;
    const latencyMs = Math.round(performance.now() - this.start);
    defer(() => {
      try {
        this.monitor.sink().add(this.record(latencyMs, failure));
      } catch (error) {
        reportMonitorFailure('record', error);
      }
    });
  }

  private record(latencyMs: number, failure?: Failure): CallRecord {
    const requestedModel = String(this.params.model ?? 'unknown');
    const model = this.model ?? requestedModel;
    const usage = toTokenUsage(this.usage);
    const { attribution, dropped } = capAttribution(this.attribution);
    if (dropped > 0)
      reportMonitorFailure('attribution', `${dropped} tag or metadata entries over the caps dropped`);
    const timestamp = new Date(this.startedAt);
    const record: CallRecord = {
      ...attribution,
      ...runtimeContextFromEnv(),
      ...(this.awsRequestId ? { awsRequestId: this.awsRequestId } : {}),
      callId: this.callId ?? randomUUID(),
      timestamp: timestamp.toISOString(),
      operation: this.operation,
      beta: this.beta,
      provider: this.monitor.provider,
      requestedModel,
      model,
      status: failure ? 'error' : 'success',
      usage,
      cost: priceCall(model, usage, {
        serviceTier: this.usage?.service_tier ?? undefined,
        speed: this.usage?.speed ?? undefined,
        inferenceGeo: this.usage?.inference_geo ?? undefined,
        batch: this.operation === 'batch_result',
        at: timestamp,
      }),
      latencyMs,
      attempts: this.attempts,
    };
    if (this.ttftMs !== undefined) record.ttftMs = this.ttftMs;
    if (this.stopReason) record.stopReason = this.stopReason;
    if (this.usage?.service_tier) record.serviceTier = this.usage.service_tier;
    if (this.usage?.speed) record.speed = this.usage.speed;
    if (this.usage?.inference_geo) record.inferenceGeo = this.usage.inference_geo;
    if (this.httpStatus !== undefined) record.httpStatus = this.httpStatus;
    if (this.requestId) record.requestId = this.requestId;
    if (failure) {
      record.errorType = failure.type;
      const status = (failure.error as { status?: unknown } | undefined)?.status;
      if (typeof status === 'number') record.httpStatus = status;
      const message = failure.error instanceof Error ? failure.error.message : failure.message;
      if (message) record.errorMessage = cap(message, ERROR_MESSAGE_LIMIT);
      const errorRequestId = (failure.error as { requestID?: unknown } | undefined)?.requestID;
      if (typeof errorRequestId === 'string') record.requestId = errorRequestId;
    }
    if (this.monitor.captureContent) {
      record.prompt = cap(
        JSON.stringify({ system: this.params.system, messages: this.params.messages }),
        CONTENT_LIMIT,
      );
      if (this.completion) record.completion = cap(this.completion, CONTENT_LIMIT);
    }
    return record;
  }
}
