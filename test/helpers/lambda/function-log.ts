/**
 * The function's log stream, the stand-in for its CloudWatch log group: everything the runtime process writes
 * to stdout and stderr, in the order written, plus the platform's lines (START, END, REPORT, timeouts, runtime
 * exits) as Lambda adds them (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
 *
 * The process writes straight into a file (stdout and stderr share one descriptor opened for appending), so
 * once the process is frozen or gone, everything it wrote is in the file: no pipe is left to drain.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One invocation's figures for its REPORT line. */
export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb?: number;
  readonly initDurationMs?: number;
  /** `timeout`, or `error` with the error type, when the platform ended the invocation. */
  readonly status?: { readonly kind: 'timeout' } | { readonly kind: 'error'; readonly errorType: string };
}

export class FunctionLog {
  /** Descriptor to hand to the runtime process as its stdout and stderr. */
  readonly fd: number;
  private closedLines: string[] | undefined;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Every line so far. */
  lines(): string[] {
    if (this.closedLines !== undefined) return [...this.closedLines];
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** Appends a platform line; nothing once the log is closed (the environment is gone). */
  platform(line: string): void {
    if (this.closedLines === undefined) writeSync(this.fd, `${line}\n`);
  }

  start(requestId: string): void {
    this.platform(`START RequestId: ${requestId} Version: $LATEST`);
  }

  end(report: InvocationReport): void {
    this.platform(`END RequestId: ${report.requestId}`);
    const fields = [
      `REPORT RequestId: ${report.requestId}`,
      `Duration: ${report.durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.ceil(report.durationMs)} ms`,
      `Memory Size: ${report.memoryMb} MB`,
    ];
    if (report.maxMemoryUsedMb !== undefined) fields.push(`Max Memory Used: ${report.maxMemoryUsedMb} MB`);
    if (report.initDurationMs !== undefined)
      fields.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
    if (report.status?.kind === 'timeout') fields.push('Status: timeout');
    if (report.status?.kind === 'error')
      fields.push('Status: error', `Error Type: ${report.status.errorType}`);
    this.platform(`${fields.join('\t')}\t`);
  }

  /** Keeps the lines in memory and closes the file, which may then be removed. */
  close(): void {
    if (this.closedLines !== undefined) return;
    this.closedLines = this.lines();
    closeSync(this.fd);
  }
}
