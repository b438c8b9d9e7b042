import { randomUUID } from 'node:crypto';
import { capAttribution, runtimeContextFromEnv } from '../client/attribution';
import { CONTENT_LIMIT, type ResolvedMonitor } from '../client/options';
import { priceCall } from '../client/prices';
import { type RawUsage, toTokenUsage } from '../client/usage';
import type {
  Attribution,
  BudgetCheck,
  CallerRead,
  CallRecord,
  ErrorType,
  Instrumentation,
  Operation,
  Provider,
  UsageIncomplete,
} from '../domain/call-record';
import { reportMonitorFailure } from '../recorder/log-line';

const ERROR_MESSAGE_LIMIT = 500;

/** Everything known about a finished call, whatever client made it. */
export interface CallOutcome {
  callId?: string;
  operation: Operation;
  beta: boolean;
  provider: Provider;
  instrumentation: Instrumentation;
  /** Model id as sent (request body or URL). */
  requestedModel: string;
  /** Model id the response reported. */
  reportedModel?: string;
  /** The id to price the call by, when it is not the reported one (Bedrock and Vertex ids carry the platform). */
  priceModel?: string;
  usage?: RawUsage;
  usageIncomplete?: UsageIncomplete;
  /** Lower bound of output tokens from the content seen, for a stream cut before its final usage. */
  outputTokensSeen?: number;
  stopReason?: string;
  failure?: { type: ErrorType; message?: string; status?: number };
  httpStatus?: number;
  requestId?: string;
  attempts: number;
  startedAt: number;
  latencyMs: number;
  ttftMs?: number;
  callerRead?: CallerRead;
  attribution: Attribution;
  awsRequestId?: string;
  budget?: BudgetCheck;
  prompt?: string;
  completion?: string;
}

const cap = (text: string, limit: number): string => (text.length > limit ? text.slice(0, limit) : text);

/** Builds the call record: usage as token counts, the exact price, attribution capped, runtime context. */
export const buildCallRecord = (outcome: CallOutcome, monitor: ResolvedMonitor): CallRecord => {
  const usage = toTokenUsage(outcome.usage);
  if (outcome.usageIncomplete !== undefined && outcome.outputTokensSeen !== undefined) {
    usage.outputTokens = Math.max(usage.outputTokens, outcome.outputTokensSeen);
  }
  const model = outcome.reportedModel ?? outcome.requestedModel;
  const { attribution, dropped } = capAttribution(outcome.attribution);
  if (dropped > 0)
    reportMonitorFailure('attribution', `${dropped} tag or metadata entries over the caps dropped`);
  const timestamp = new Date(outcome.startedAt);
  const record: CallRecord = {
    ...attribution,
    ...runtimeContextFromEnv(),
    ...(outcome.awsRequestId ? { awsRequestId: outcome.awsRequestId } : {}),
    callId: outcome.callId ?? randomUUID(),
    timestamp: timestamp.toISOString(),
    operation: outcome.operation,
    beta: outcome.beta,
    provider: monitor.provider ?? outcome.provider,
    requestedModel: outcome.requestedModel,
    model,
    status: outcome.failure ? 'error' : 'success',
    usage,
    cost: priceCall(outcome.priceModel ?? model, usage, {
      serviceTier: outcome.usage?.service_tier ?? undefined,
      speed: outcome.usage?.speed ?? undefined,
      inferenceGeo: outcome.usage?.inference_geo ?? undefined,
      batch: outcome.operation === 'batch_result',
      at: timestamp,
    }),
    latencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    attempts: outcome.attempts,
    instrumentation: outcome.instrumentation,
  };
  if (outcome.ttftMs !== undefined) record.ttftMs = Math.max(0, Math.round(outcome.ttftMs));
  if (outcome.stopReason) record.stopReason = outcome.stopReason;
  if (outcome.usage?.service_tier) record.serviceTier = outcome.usage.service_tier;
  if (outcome.usage?.speed) record.speed = outcome.usage.speed;
  if (outcome.usage?.inference_geo) record.inferenceGeo = outcome.usage.inference_geo;
  const httpStatus = outcome.failure?.status ?? outcome.httpStatus;
  if (httpStatus !== undefined) record.httpStatus = httpStatus;
  if (outcome.requestId) record.requestId = outcome.requestId;
  if (outcome.usageIncomplete !== undefined) record.usageIncomplete = outcome.usageIncomplete;
  if (outcome.callerRead !== undefined && outcome.callerRead !== 'all')
    record.callerRead = outcome.callerRead;
  if (outcome.budget) record.budget = outcome.budget;
  if (outcome.failure) {
    record.errorType = outcome.failure.type;
    if (outcome.failure.message) record.errorMessage = cap(outcome.failure.message, ERROR_MESSAGE_LIMIT);
  }
  if (monitor.captureContent) {
    if (outcome.prompt !== undefined) record.prompt = cap(outcome.prompt, CONTENT_LIMIT);
    if (outcome.completion) record.completion = cap(outcome.completion, CONTENT_LIMIT);
  }
  return record;
};
