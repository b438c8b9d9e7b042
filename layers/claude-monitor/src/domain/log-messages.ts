/**
 * `message` of the JSON log lines that carry a call record the recorder could not store. The layer writes
 * them, the replay function and `npm run replay-records` read them, and the log subscription filter of each
 * monitored function matches them: defined once so the three can never disagree.
 */
export const LOG_MESSAGE = {
  /**
   * A record certainly not stored (refused, never sent, unprocessed after retries), with the full item.
   * Counted by the `RecordsNotWritten` metric and its alarm.
   */
  notWritten: 'claude-monitor: record not written',
  /**
   * A record whose write was sent but not answered by the deadline, with the full item: it may be stored
   * already. Counted by `RecordsUnconfirmed`, not by the not-written alarm.
   */
  unconfirmed: 'claude-monitor: record unconfirmed',
  /**
   * A record that breaks the record rules, with the record and the reason: no table takes it, so it is not
   * replayed; it counts as not written.
   */
  rejected: 'claude-monitor: record rejected',
} as const;

/** The messages of lines that carry a record to replay; each such record is stored at most once. */
export const REPLAYABLE_MESSAGES: readonly string[] = [LOG_MESSAGE.notWritten, LOG_MESSAGE.unconfirmed];
