import { currentScope, mergeAttribution } from '../client/attribution';
import type { RawUsage } from '../client/usage';
import { errorTypeOfStatus } from '../client/usage';
import { defer } from '../recorder/deferred';
import { reportMonitorFailure } from '../recorder/log-line';
import { buildCallRecord, type CallOutcome } from './build-record';
import type { CallOptions } from './call-context';

/** HTTP status the API uses for each error type, so a batch error is classified like a live one. */
const STATUS_OF_ERROR: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

interface BatchLine {
  custom_id?: string;
  result?: {
    type?: string;
    message?: { model?: string; usage?: RawUsage; stop_reason?: string | null };
    error?: { error?: { type?: string; message?: string } };
  };
}

/**
 * Records the results of a Message Batch as the caller reads them (one JSON line each): `succeeded` with its
 * usage, priced with the batch discount, and `errored` as an error; `canceled` and `expired` requests are not
 * billed and not recorded. The call id is `<batchId>#<custom_id>`, so results read twice are aggregated once.
 */
export const batchLineRecorder = (options: CallOptions, batchId: string): ((line: string) => void) => {
  const scope = currentScope();
  return (line) => {
    try {
      const item = JSON.parse(line) as BatchLine;
      const type = item.result?.type;
      if (type !== 'succeeded' && type !== 'errored') return;
      const customId = item.custom_id ?? '';
      const { awsRequestId, ...scoped } = scope ?? {};
      const message = item.result?.message;
      const outcome: CallOutcome = {
        callId: `${batchId}#${customId}`,
        operation: 'batch_result',
        beta: false,
        provider: 'anthropic',
        instrumentation: options.instrumentation,
        requestedModel: message?.model ?? 'unknown',
        ...(message?.usage ? { usage: message.usage } : {}),
        ...(message?.stop_reason ? { stopReason: message.stop_reason } : {}),
        attempts: 1,
        startedAt: Date.now(),
        latencyMs: 0,
        attribution: mergeAttribution(
          mergeAttribution(mergeAttribution(options.monitor.attribution, scoped), options.attribution),
          { metadata: { batchId, customId } },
        ),
        ...(awsRequestId ? { awsRequestId } : {}),
      };
      if (type === 'errored') {
        const error = item.result?.error?.error;
        const status = STATUS_OF_ERROR[error?.type ?? ''] ?? 400;
        outcome.failure = {
          type: errorTypeOfStatus(status),
          status,
          message: error?.message ?? 'batch request errored',
        };
      }
      defer(() => {
        try {
          options.monitor.sink().add(buildCallRecord(outcome, options.monitor));
        } catch (error) {
          reportMonitorFailure('batch result', error);
        }
      });
    } catch (error) {
      reportMonitorFailure('batch result', error);
    }
  };
};
