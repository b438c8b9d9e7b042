/**
 * Structured log output of the monitor. Lines go straight to stdout (not through `console`), so in Lambda
 * each is one JSON document that CloudWatch can parse (EMF metrics, recoverable records).
 */
export type LogWriter = (line: string) => void;

/** `message` of the line a record that could not be written is printed as; `npm run replay-records` reads it. */
export const NOT_WRITTEN_MESSAGE = 'claude-monitor: record not written';

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
