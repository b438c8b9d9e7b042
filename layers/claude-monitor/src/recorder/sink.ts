import type { CallRecord } from '../domain/call-record';

/** Outcome of a flush. */
export interface FlushResult {
  /** Records stored. */
  written: number;
  /** Records that could not be stored and were logged as JSON lines instead. */
  notWritten: number;
}

/** Bounds of a flush. */
export interface FlushOptions {
  /** Epoch ms by which the flush must have settled (the Lambda wrapper derives it from the time left). */
  deadline?: number;
}

/** Where the monitor puts call records. `add` must be cheap and must never throw. */
export interface RecordSink {
  add: (record: CallRecord) => void;
  /** Writes everything buffered; never rejects. */
  flush: (options?: FlushOptions) => Promise<FlushResult>;
}

export const EMPTY_FLUSH: Readonly<FlushResult> = Object.freeze({ written: 0, notWritten: 0 });
