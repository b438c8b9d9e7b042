/**
 * The errors an invocation can end with besides the function's own, worded as Lambda words them, and the
 * reading of an error the runtime posted.
 */
import { RESPONSE_MAX_BYTES, type ReportVerdict, type RuntimeReport } from './runtime-api-server';
import type { ProcessExit } from './sandbox-process';
import type { LambdaError } from './types';

// How Lambda (whose platform is written in Go) names the signals that end a runtime.
const SIGNAL_WORDS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGBUS: 'bus error',
};

const prefix = (requestId: string | undefined): string =>
  requestId === undefined ? '' : `RequestId: ${requestId} `;

/** The runtime process ended without reporting a result. */
export const exitError = (requestId: string | undefined, exit: ProcessExit): LambdaError => {
  const how =
    exit.code !== null ? `exit status ${exit.code}` : `signal: ${SIGNAL_WORDS[exit.signal!] ?? exit.signal}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `${prefix(requestId)}Error: Runtime exited with error: ${how}`,
  };
};

/** The invocation overran the function timeout. */
export const timeoutError = (requestId: string, timeoutSeconds: number): LambdaError => ({
  errorType: 'Sandbox.Timedout',
  errorMessage: `${prefix(requestId)}Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
});

/** The log line Lambda writes when an invocation times out. */
export const timeoutLogLine = (requestId: string, timeoutSeconds: number): string =>
  `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;

/**
 * Reads a posted error: the runtimes post `{ errorType, errorMessage, trace }` JSON; anything else is kept as
 * the message, with the `Lambda-Runtime-Function-Error-Type` header (or `Unhandled`) as the type.
 */
export const parseReportedError = (body: Buffer, headerType: string | undefined): LambdaError => {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as Partial<Record<'errorType' | 'errorMessage', unknown>> & {
      trace?: unknown;
    };
    if (parsed !== null && typeof parsed === 'object') {
      const trace = Array.isArray(parsed.trace) ? parsed.trace.map(String) : undefined;
      return {
        errorType: typeof parsed.errorType === 'string' ? parsed.errorType : (headerType ?? 'Unhandled'),
        errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : text,
        ...(trace === undefined ? {} : { trace }),
      };
    }
  } catch {
    // Not JSON: keep the text as it is.
  }
  return { errorType: headerType ?? 'Unhandled', errorMessage: text };
};

/** Reads a posted response: JSON, or the raw text when it is not JSON. */
export const parseReportedPayload = (body: Buffer): unknown => {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: Lambda returns the bytes as they are; so does the harness, as text.
    return text;
  }
};

/** What an invocation ended with. */
export type InvocationResult = { readonly payload: unknown } | { readonly error: LambdaError };

/**
 * What a posted response or error makes of the invocation, and the Runtime API's answer: 202, or 413 for a
 * response over Lambda's limit, which fails the invocation with `Function.ResponseSizeTooLarge`.
 */
export const judgeInvocationReport = (
  report: Exclude<RuntimeReport, { kind: 'init-error' }>,
): { result: InvocationResult; verdict: ReportVerdict } => {
  if (report.kind === 'error') {
    return { result: { error: parseReportedError(report.body, report.errorType) }, verdict: { status: 202 } };
  }
  if (report.tooLarge) {
    const limit = `maximum allowed payload size (${RESPONSE_MAX_BYTES} bytes).`;
    return {
      result: {
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded ${limit}`,
        },
      },
      verdict: { status: 413, errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded ${limit}` },
    };
  }
  return { result: { payload: parseReportedPayload(report.body) }, verdict: { status: 202 } };
};
