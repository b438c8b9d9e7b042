import type { CallRecord } from '../domain/call-record';

/** Outcome of a flush. */
export interface FlushResult {
  /** Records stored. */
  written: number;
  /**
   * Records certainly not stored (refused, rejected, or never sent before the deadline): each was logged as
   * a JSON line instead, ready to be replayed.
   */
  notWritten: number;
  /**
   * Records whose write was sent but not answered by the deadline: maybe stored, maybe not. Each was logged
   * as a JSON line too; a replay stores it only if it is not in the table yet.
   */
  unconfirmed: number;
}

/** How a flush is bounded. */
export interface FlushOptions {
  /**
   * Epoch ms by which the flush must have settled, e.g. from the time Lambda has left for the invocation.
   * Writes still unanswered then are given up and logged. Without it, each write is bounded by the sink's
   * own timeout (`CLAUDE_MONITOR_FLUSH_TIMEOUT_MS`).
   */
  deadline?: number;
}

/** Where the monitor puts call records. `add` must be cheap and must never throw. */
export interface RecordSink {
  add(record: CallRecord): void;
  /** Writes everything buffered; never rejects. */
  flush(options?: FlushOptions): Promise<FlushResult>;
}

export const EMPTY_FLUSH: Readonly<FlushResult> = Object.freeze({
  written: 0,
  notWritten: 0,
  unconfirmed: 0,
});

/** Sums flush results. */
export const addFlushResults = (results: readonly FlushResult[]): FlushResult =>
  results.reduce(
    (sum, r) => ({
      written: sum.written + r.written,
      notWritten: sum.notWritten + r.notWritten,
      unconfirmed: sum.unconfirmed + r.unconfirmed,
    }),
    { ...EMPTY_FLUSH },
  );
