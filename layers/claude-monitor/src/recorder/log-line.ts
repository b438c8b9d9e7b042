import { LOG_MESSAGE } from '../domain/log-messages';

/**
 * Structured log output of the monitor. Lines go straight to stdout (not through `console`), so in Lambda
 * each is one JSON document that CloudWatch can parse (EMF metrics, recoverable records).
 */
export type LogWriter = (line: string) => void;

/** `message` of a record certainly not stored; `npm run replay-records` and the replay function read it. */
export const NOT_WRITTEN_MESSAGE = LOG_MESSAGE.notWritten;
/** `message` of a record whose write went unanswered; replayed like a not-written line. */
export const UNCONFIRMED_MESSAGE = LOG_MESSAGE.unconfirmed;
/** `message` of a record that breaks the record rules (not replayable). */
export const REJECTED_MESSAGE = LOG_MESSAGE.rejected;

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
