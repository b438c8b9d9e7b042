/** Base of every error the monitor raises. Monitoring never throws into the caller's Claude calls; these
 * surface only from explicit monitor APIs (e.g. a summary query or a bad configuration). */
export class MonitorError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MonitorError';
  }
}

/** A summary query could not be answered (bad window, table unreachable). */
export class SummaryError extends MonitorError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SummaryError';
  }
}
