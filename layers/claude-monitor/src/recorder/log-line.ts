/**
 * Structured log output of the monitor. Lines go straight to stdout (not through `console`), so in Lambda
 * each is one JSON document that CloudWatch can parse (EMF metrics, recoverable records).
 */
export type LogWriter = (line: string) => void;

/**
 * `message` of the line a record that was certainly not stored is printed as (with the full item). The
 * replay function and `npm run replay-records` read it; the `RecordsNotWritten` metric counts it.
 */
export const NOT_WRITTEN_MESSAGE = 'claude-monitor: record not written';

/**
 * `message` of the line a record whose write was sent but not answered in time is printed as (with the full
 * item): it may be stored already. Replayed like a not-written line (stored only if absent); counted by
 * `RecordsUnconfirmed`, not by the not-written alarm.
 */
export const UNCONFIRMED_MESSAGE = 'claude-monitor: record unconfirmed';

/** The messages of lines that carry a record to replay. */
export const REPLAYABLE_MESSAGES: readonly string[] = [NOT_WRITTEN_MESSAGE, UNCONFIRMED_MESSAGE];

/**
 * `message` of the line a record that breaks the record rules is printed as (with the record and the reason):
 * no table would take it, so it is not replayable; it counts as not written.
 */
export const REJECTED_MESSAGE = 'claude-monitor: record rejected';

let writer: LogWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

export const writeLogLine = (document: Record<string, unknown>): void => {
  try {
    writer(JSON.stringify(document));
  } catch {
    // Logging is the last resort: if even that fails there is nowhere left to report to.
  }
};

/** Replaces the writer (tests capture lines this way); returns the previous one. */
export const setLogWriter = (next: LogWriter): LogWriter => {
  const previous = writer;
  writer = next;
  return previous;
};

let monitorFailures = 0;

/** Records a swallowed monitoring failure: one warning line, counted in the next metrics line. */
export const reportMonitorFailure = (where: string, error: unknown): void => {
  monitorFailures++;
  writeLogLine({
    level: 'WARN',
    message: 'claude-monitor: monitoring failure (the Claude call itself is unaffected)',
    where,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
};

/** Failures since the last call, resetting the count. */
export const takeMonitorFailures = (): number => {
  const taken = monitorFailures;
  monitorFailures = 0;
  return taken;
};
